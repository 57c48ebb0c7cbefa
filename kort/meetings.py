"""Cards about one dialogue meeting: the meeting itself and the list of meetings, what the
leaders of its units are told (invited, changed, cancelled, taken off, asked to prepare),
and a leader's saved preparation. Also the blocks the pack and the summary share with
them: the meeting's facts and the preparation's fields."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, facts, text, title
from store.enums import MeetingState, SummaryState
from store.meetingviews import (
    PREPARATION_FIELDS,
    MeetingUnitView,
    MeetingView,
    PreparationContent,
    PreparationView,
)
from store.text import shorten

SEP = " · "
MEETINGS_SHOWN = 25  # a longer list would outgrow a Teams message; the rest are counted


# --- blocks the meeting cards share ---------------------------------------------------------


def clip(value: str | None, limit: int | None) -> str | None:
    """`value` shortened to `limit` characters, or whole when there is no limit: long
    cards pass a limit only when they would otherwise not fit in a Teams message."""
    if not value or limit is None:
        return value
    return shorten(value, limit)


def section(heading: str, value: str | None) -> list[Any]:
    """A small bold heading over a text; nothing when there is no text."""
    if not value:
        return []
    return [
        ac.Container(
            spacing=t.Spacing.MEDIUM, items=[text(heading, bold=True, small=True), text(value)]
        )
    ]


def model_label(meeting: MeetingView, texts: Texts) -> str:
    return texts(f"moedekort.model.{int(meeting.model)}")


def where_and_when(meeting: MeetingView, texts: Texts) -> str:
    """ "Børne- og Skoleudvalget · 3. marts 2027 kl. 14.05": which meeting, in one line."""
    return meeting.committee_name + SEP + texts.day_time(meeting.starts_at)


def unit_list(units: Sequence[MeetingUnitView]) -> str:
    return ", ".join(unit.name for unit in units)


def meeting_facts(meeting: MeetingView, texts: Texts, *, units: bool = True) -> ac.FactSet:
    """Committee, time, model, theme, place and (unless told not to) the units."""
    return facts(
        [
            (texts("moedekort.felt.udvalg"), meeting.committee_name),
            (texts("moedekort.felt.sammen_med"), _joint(meeting)),
            (texts("moedekort.felt.tidspunkt"), texts.day_time(meeting.starts_at)),
            (texts("moedekort.felt.model"), model_label(meeting, texts)),
            (texts("moedekort.felt.tema"), meeting.theme),
            (texts("moedekort.felt.sted"), meeting.place),
            (texts("moedekort.felt.enheder"), unit_list(meeting.units) if units else None),
        ]
    )


def _joint(meeting: MeetingView) -> str | None:
    """The other committees of a joint meeting; None (no line) for a committee's own."""
    return ", ".join(name for _, name in meeting.joint) or None


def preparation_label(field: str, texts: Texts) -> str:
    return texts(f"moedekort.forberedelse.felt.{field}")


def preparation_sections(
    content: PreparationContent, texts: Texts, limit: int | None = None
) -> list[Any]:
    """The note's fields in the documents' order, each under its label; empty ones left out."""
    values = asdict(content)
    return [
        block
        for field in PREPARATION_FIELDS
        for block in section(preparation_label(field, texts), clip(values[field], limit))
    ]


def _meeting_line(meeting: MeetingView, texts: Texts) -> ac.TextBlock:
    return text(where_and_when(meeting, texts), subtle=True)


# --- the meeting and the list of meetings ---------------------------------------------------


def meeting_card(
    meeting: MeetingView,
    texts: Texts,
    *,
    administration: bool = False,
    leader_unit_ids: frozenset[int] = frozenset(),
) -> dict[str, Any]:
    """One meeting as its participants and the administration see it, with what each of
    them can do next: the administration changes, cancels, sends the pack and writes the
    summary; a leader prepares for their own units."""
    body: list[Any] = [
        title(texts("moedekort.moede.titel", committee=meeting.committee_name)),
        meeting_facts(meeting, texts, units=False),
    ]
    if meeting.state is MeetingState.CANCELLED:
        body.append(text(texts("moedekort.moede.aflyst"), bold=True))
    body.append(_preparation_status(meeting, texts))
    if meeting.summary_state is not None:
        state = texts(f"moedekort.referat_tilstand.{meeting.summary_state}")
        body.append(text(texts("moedekort.moede.referat", state=state)))
    actions_shown = _meeting_buttons(meeting, texts, administration, leader_unit_ids)
    if actions_shown:
        body.append(buttons(*actions_shown))
    fallback = texts("moedekort.moede.fallback", meeting=where_and_when(meeting, texts))
    return card(body, fallback_text=fallback)


def _preparation_status(meeting: MeetingView, texts: Texts) -> ac.Container:
    """Each unit with whether its leader has prepared, in words."""
    state = {True: texts("moedekort.forberedt"), False: texts("moedekort.ikke_forberedt")}
    return ac.Container(
        spacing=t.Spacing.MEDIUM,
        items=[
            text(texts("moedekort.felt.enheder"), bold=True, small=True),
            facts([(unit.name, state[unit.prepared]) for unit in meeting.units]),
        ],
    )


def _meeting_buttons(
    meeting: MeetingView, texts: Texts, administration: bool, leader_unit_ids: frozenset[int]
) -> list[ac.ActionExecute]:
    if meeting.state is not MeetingState.PLANNED:
        return []
    shown = _administration_buttons(meeting, texts) if administration else []
    own = [unit for unit in meeting.units if unit.id in leader_unit_ids]
    for unit in own:
        label = (
            texts("moedekort.knap.forbered")
            if len(own) == 1
            else texts("moedekort.knap.forbered_enhed", unit=unit.name)
        )
        shown.append(button(label, prepare_data(meeting, unit.id)))
    return shown


def _administration_buttons(meeting: MeetingView, texts: Texts) -> list[ac.ActionExecute]:
    shown = [
        button(
            texts("moedekort.knap.ret"), {"action": actions.EDIT_MEETING, "meeting": meeting.id}
        ),
        button(
            texts("moedekort.knap.aflys"),
            {"action": actions.CANCEL_MEETING, "meeting": meeting.id, "revision": meeting.revision},
        ),
        button(
            texts("moedekort.knap.send_pakke"),
            {"action": actions.SEND_PACK, "meeting": meeting.id},
        ),
        button(
            texts("moedekort.knap.viden"),
            {"action": actions.SHOW_KNOWLEDGE, "meeting": meeting.id},
        ),
        button(
            texts("moedekort.knap.faelles"),
            {"action": actions.CHOOSE_JOINT, "meeting": meeting.id},
        ),
    ]
    write = {"action": actions.WRITE_SUMMARY, "meeting": meeting.id}
    if meeting.summary_state is None:
        shown.append(button(texts("moedekort.knap.skriv_referat"), write))
    elif meeting.summary_state is not SummaryState.APPROVED:
        shown.append(button(texts("moedekort.knap.ret_referat"), write))
    return shown


def prepare_data(meeting: MeetingView, unit_id: int) -> dict[str, Any]:
    return {"action": actions.PREPARE, "meeting": meeting.id, "unit": unit_id}


def meetings_card(
    meetings: Sequence[MeetingView], texts: Texts, *, administration: bool = False
) -> dict[str, Any]:
    """The meetings in the order given (upcoming first), each with a button to open it;
    the administration can plan a new one from here."""
    body: list[Any] = [title(texts("moedekort.liste.titel"))]
    if not meetings:
        body.append(text(texts("moedekort.liste.tom")))
        if administration:
            body.append(text(texts("moedekort.liste.tom_planlaeg")))
    body += [_meeting_entry(meeting, texts) for meeting in meetings[:MEETINGS_SHOWN]]
    if len(meetings) > MEETINGS_SHOWN:
        more = texts("moedekort.liste.flere", count=len(meetings) - MEETINGS_SHOWN)
        body.append(text(more, subtle=True))
    if administration:
        plan = button(texts("moedekort.knap.planlaeg"), {"action": actions.PLAN_MEETING})
        body.append(buttons(plan))
    return card(body, fallback_text=texts("moedekort.liste.fallback"))


def _meeting_entry(meeting: MeetingView, texts: Texts) -> ac.Container:
    details = [
        model_label(meeting, texts),
        texts("moedekort.antal_enheder", count=len(meeting.units)),
    ]
    if meeting.state is MeetingState.CANCELLED:
        details.insert(0, texts("moedekort.aflyst_kort"))
    show = {"action": actions.SHOW_MEETING, "meeting": meeting.id}
    return ac.Container(
        separator=True,
        items=[
            text(texts.day_time(meeting.starts_at) + SEP + meeting.committee_name, bold=True),
            text(SEP.join(details), subtle=True, small=True),
            buttons(button(texts("moedekort.knap.vis"), show)),
        ],
    )


# --- what a unit's leader is told -----------------------------------------------------------


def invitation_card(
    meeting: MeetingView, unit_name: str, preparation_date: date | None, texts: Texts
) -> dict[str, Any]:
    """To a leader whose unit is put on a meeting: when, what kind, and when they will be
    asked to prepare, so the request does not come out of the blue (or, where no one is
    asked, that they may prepare if they like)."""
    when = texts.day_time(meeting.starts_at)
    invited = texts(
        "moedekort.invitation.tekst", unit=unit_name, committee=meeting.committee_name, time=when
    )
    body: list[Any] = [
        title(texts("moedekort.invitation.titel")),
        text(invited),
        meeting_facts(meeting, texts),
        text(
            texts("moedekort.invitation.forberedelse", date=texts.date(preparation_date))
            if preparation_date is not None
            else texts("moedekort.invitation.forberedelse_frivillig")
        ),
    ]
    return card(body, fallback_text=invited)


def changed_card(
    meeting: MeetingView, previous_start: datetime | None, texts: Texts
) -> dict[str, Any]:
    """To the leaders who stay on a meeting that moved or changed: the meeting as it is
    now, and when it was before if the time moved."""
    when = texts.day_time(meeting.starts_at)
    if previous_start is not None and previous_start != meeting.starts_at:
        when = texts("moedekort.aendret.flyttet", time=when, before=texts.day_time(previous_start))
    body: list[Any] = [
        title(texts("moedekort.aendret.titel")),
        _meeting_line(meeting, texts),
        facts(
            [
                (texts("moedekort.felt.tidspunkt"), when),
                (texts("moedekort.felt.sted"), meeting.place),
                (texts("moedekort.felt.tema"), meeting.theme),
                (texts("moedekort.felt.model"), model_label(meeting, texts)),
                (texts("moedekort.felt.enheder"), unit_list(meeting.units)),
            ]
        ),
    ]
    fallback = texts("moedekort.aendret.fallback", committee=meeting.committee_name, time=when)
    return card(body, fallback_text=fallback)


def cancelled_card(meeting: MeetingView, texts: Texts) -> dict[str, Any]:
    """To the leaders of a meeting that will not take place."""
    said = texts(
        "moedekort.aflyst.tekst",
        committee=meeting.committee_name,
        time=texts.day_time(meeting.starts_at),
    )
    body: list[Any] = [title(texts("moedekort.aflyst.titel")), text(said)]
    if meeting.theme:
        body.append(facts([(texts("moedekort.felt.tema"), meeting.theme)]))
    return card(body, fallback_text=said)


def uninvited_card(meeting: MeetingView, unit_name: str, texts: Texts) -> dict[str, Any]:
    """To a leader whose unit was taken off a meeting: nothing more to prepare."""
    said = texts(
        "moedekort.udmeldt.tekst",
        unit=unit_name,
        committee=meeting.committee_name,
        time=texts.day_time(meeting.starts_at),
    )
    body: list[Any] = [
        title(texts("moedekort.udmeldt.titel", unit=unit_name)),
        text(said),
        # Only the units taken off: a leader may still have another unit at the meeting.
        text(texts("moedekort.udmeldt.ingen_forberedelse", unit=unit_name), subtle=True),
    ]
    return card(body, fallback_text=said)


def preparation_request_card(
    meeting: MeetingView,
    unit_id: int,
    unit_name: str,
    texts: Texts,
    *,
    reminder: bool = False,
    uses_goals: bool = True,
) -> dict[str, Any]:
    """Asks a leader to prepare (or reminds them once): what the preparation covers, as
    the municipalities' documents list it, and a button to write it. Without goals (the
    light profile) the follow-up on goals is not asked for."""
    key = "paamindelse" if reminder else "anmodning"
    said = texts(
        f"moedekort.forbered.{key}",
        unit=unit_name,
        committee=meeting.committee_name,
        time=texts.day_time(meeting.starts_at),
    )
    covered = [
        f"- {preparation_label(field, texts)}"
        for field in PREPARATION_FIELDS
        if uses_goals or field != "goal_follow_up"
    ]
    body: list[Any] = [
        title(texts(f"moedekort.forbered.titel_{key}")),
        text(said),
        text(texts("moedekort.forbered.daekker"), bold=True, small=True),
        text("\n".join(covered)),
        text(texts("moedekort.forbered.moedepakke"), subtle=True),
        buttons(button(texts("moedekort.knap.skriv_forberedelse"), prepare_data(meeting, unit_id))),
    ]
    return card(body, fallback_text=said)


def preparation_card(
    preparation: PreparationView, meeting: MeetingView, texts: Texts
) -> dict[str, Any]:
    """A leader's saved note, field by field, with who wrote it and when: the receipt
    after writing it, and what the administration opens to read one."""
    body: list[Any] = [
        title(texts("moedekort.forberedelse.titel", unit=preparation.unit_name)),
        _meeting_line(meeting, texts),
    ]
    fields = preparation_sections(preparation.content, texts)
    body += fields or [text(texts("moedekort.forberedelse.tom"), subtle=True)]
    written = written_line(preparation, texts)
    if written:
        body.append(text(written, subtle=True, small=True))
    fallback = texts("moedekort.forberedelse.fallback", unit=preparation.unit_name)
    return card(body, fallback_text=fallback)


def written_line(preparation: PreparationView, texts: Texts) -> str | None:
    """ "Skrevet af Mette Kjærgaard 3. marts 2027 kl. 14.05", or as much as is known."""
    if preparation.written_at is None:
        return None
    when = texts.day_time(preparation.written_at)
    if preparation.written_by:
        return texts("moedekort.forberedelse.skrevet_af", person=preparation.written_by, time=when)
    return texts("moedekort.forberedelse.skrevet", time=when)
