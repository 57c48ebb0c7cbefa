"""The cards of out of office (fravær): the form, its review, and the overview of a
person's absences and those they stand in for.

The form's inputs are named after the dialogue's steps, and its button lists them under
`fields` (Teams leaves an empty input out of the data).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, edit_row, text, title
from kort.goal_fields import cancel_button
from store.views import AbsenceView, Colleague

NO_DEPUTY = "ingen"  # the form's choice for "nobody stands in"
FORM_FIELDS = ("starts", "ends", "deputy")
REVIEW_FIELDS = ("person", "starts", "ends", "deputy")


def colleague_line(colleague: Colleague, texts: Texts) -> str:
    """The name and where they lead: "Jonas Berg (Engholm Skole)", "Henrik Madsen
    (fagchef, Center for Dagtilbud og Skole)"."""
    places = [texts("fravaer.kort.fagchef", department=d) for d in colleague.heads]
    places += list(colleague.units)
    return f"{colleague.name} ({', '.join(places)})" if places else colleague.name


def period_text(starts_on: date, ends_on: date, texts: Texts, *, short: bool = False) -> str:
    """For a sentence "fra 3. marts 2027 til og med 10. marts 2027" (or "den 3. marts
    2027"); `short`, for a card: "onsdag 3. marts 2027 – onsdag 10. marts 2027" (or one
    date), the weekday first because a card line must not start with "3. "."""
    dated = texts.day if short else texts.date  # on a card, the line starts with the date
    starts, ends = dated(starts_on), dated(ends_on)
    if starts_on == ends_on:
        return starts if short else texts("fravaer.kort.dag", day=starts)
    key = "fravaer.kort.periode_kort" if short else "fravaer.kort.periode"
    return texts(key, starts=starts, ends=ends)


def absence_form_card(
    person: Colleague,
    candidates: Sequence[Colleague],
    shown: Mapping[str, Any],
    progress_id: str,
    texts: Texts,
) -> dict[str, Any]:
    """From, to and deputy on one form; what is answered so far is filled in."""
    deputy = shown.get("deputy")
    # "Nobody" is a choice of its own, so a form sent with it is an answer, not a gap.
    chosen = NO_DEPUTY if "deputy" in shown and deputy is None else _str(deputy)
    choices = [ac.InputChoice(title=colleague_line(c, texts), value=str(c.id)) for c in candidates]
    nobody = texts("fravaer.kort.ingen_stedfortraeder")
    choices.append(ac.InputChoice(title=nobody, value=NO_DEPUTY))
    inputs: list[Any] = [
        ac.InputDate(id="starts", label=texts("fravaer.felt.starts"), is_required=True,
                     value=_str(shown.get("starts")), error_message=texts("fravaer.kort.mangler")),
        ac.InputDate(id="ends", label=texts("fravaer.felt.ends"), is_required=True,
                     value=_str(shown.get("ends")), error_message=texts("fravaer.kort.mangler")),
        ac.InputChoiceSet(id="deputy", label=texts("fravaer.felt.deputy"),
                          style=t.ChoiceInputStyle.COMPACT, choices=choices,
                          value=chosen),
    ]  # fmt: skip
    send = _answer(progress_id, "starts", fields=list(FORM_FIELDS))
    body: list[Any] = [
        title(texts("fravaer.kort.form_titel", name=person.name)),
        text(texts("fravaer.kort.form_intro"), subtle=True),
        *inputs,
        buttons(
            button(texts("fravaer.kort.knap_videre"), send, positive=True),
            cancel_button(progress_id, texts),
        ),
    ]
    return card(body, fallback_text=texts("fravaer.kort.form_titel", name=person.name))


def absence_review_card(
    person: Colleague,
    period: tuple[date, date],
    deputy: Colleague | None,
    progress_id: str,
    texts: Texts,
    *,
    choose_person: bool = False,
) -> dict[str, Any]:
    """The absence as it will be saved, with a Ret button per answer."""
    values = {
        "person": person.name,
        "starts": texts.day(period[0]),
        "ends": texts.day(period[1]),
        "deputy": deputy.name if deputy else texts("fravaer.kort.ingen_stedfortraeder"),
    }
    shown = REVIEW_FIELDS if choose_person else REVIEW_FIELDS[1:]
    body: list[Any] = [title(texts("fravaer.kort.gennemse_titel"))]
    for name in shown:
        edit = {"action": actions.EDIT_FIELD, "progress": progress_id, "field": name}
        body.append(
            edit_row(texts(f"fravaer.felt.{name}"), text(values[name]), edit,
                     texts("fravaer.kort.ret"), validate=False)
        )  # fmt: skip
    if deputy is not None:
        explained = texts("fravaer.kort.stedfortraeder_forklaring", name=deputy.name)
        body.append(text(explained, subtle=True))
    save = _answer(progress_id, "review", review="gem")
    body.append(
        buttons(button(texts("fravaer.kort.knap_gem"), save, positive=True),
                cancel_button(progress_id, texts))
    )  # fmt: skip
    return card(body, fallback_text=texts("fravaer.kort.gennemse_titel"))


def absences_card(
    own: Sequence[AbsenceView], standing_in: Sequence[AbsenceView], texts: Texts
) -> dict[str, Any]:
    """A person's current and coming absences, and whom they stand in for when."""
    body: list[Any] = [title(texts("fravaer.kort.oversigt_titel"))]
    if not own and not standing_in:
        body.append(text(texts("fravaer.oversigt.intet")))
    for absence in own:
        body.append(_absence_block(absence, texts))
    if standing_in:
        body.append(text(texts("fravaer.kort.stedfortraeder_for"), bold=True))
    for absence in standing_in:
        when = period_text(absence.starts_on, absence.ends_on, texts, short=True)
        body.append(text(f"{absence.person_name}: {when}", small=True))
    if own:
        body.append(text(texts("fravaer.oversigt.slut_hint"), subtle=True, small=True))
    return card(body, fallback_text=texts("fravaer.kort.oversigt_titel"))


def _absence_block(absence: AbsenceView, texts: Texts) -> ac.Container:
    deputy = absence.deputy_name or texts("fravaer.kort.ingen_stedfortraeder")
    return ac.Container(
        separator=True,
        items=[
            text(period_text(absence.starts_on, absence.ends_on, texts, short=True), bold=True),
            text(texts("fravaer.kort.stedfortraeder_linje", name=deputy), small=True),
        ],
    )


def _answer(progress_id: str, step: str, **extra: Any) -> dict[str, Any]:
    return {"action": actions.ANSWER, "progress": progress_id, "step": step, **extra}


def _str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
