"""Leaders write the way they talk: a status in one message, everyday phrasing and typos,
end to end over HTTP."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from fakebf import Message
from harness import (
    RunningPejling,
    card_text,
    goal_id,
    person_id,
    progress_of,
    rows,
    status_updates,
)
from kort import actions
from kort.catalogue import texts
from store import gdpr
from store.dates import LOCAL_TIME
from store.models import AuditEvent, Person, StatusRevision


async def test_a_status_in_one_message_is_saved_after_ja(pejling: RunningPejling) -> None:
    before = len(await status_updates(pejling, "boegeskov-skole-laesning"))

    replies = await pejling.say("mette", "læsemålet: gul, forsinket pga. sygdom")

    assert "»Styrket læsning i indskolingen« er **Gul**" in replies[0].text
    shown = card_text(replies[0].cards[0])
    assert "Forsinket pga. sygdom" in shown
    replies = await pejling.say("mette", "ja")
    assert "er gemt som **Gul**" in replies[0].text
    saved = await status_updates(pejling, "boegeskov-skole-laesning")
    assert len(saved) == before + 1
    assert (saved[-1].color, saved[-1].narrative) == ("yellow", "Forsinket pga. sygdom")


async def test_gem_on_the_card_saves_the_status_with_its_evidence(pejling: RunningPejling) -> None:
    replies = await pejling.say(
        "mette", "trivsel grønt, legepatruljen virker – 82 % svarer ofte god i november"
    )
    await pejling.execute("mette", replies[0], "Gem")

    saved = (await status_updates(pejling, "boegeskov-skole-trivsel"))[-1]
    assert (saved.color, saved.narrative) == ("green", "Legepatruljen virker")
    assert saved.evidence == "82 % svarer ofte god i november"


async def test_only_what_is_missing_is_asked(pejling: RunningPejling) -> None:
    replies = await pejling.say("mette", "det er rødt")

    assert "status er **Rød**. Hvilket mål" in replies[0].text
    replies = await pejling.say("mette", "2")
    assert "Fortæl kort" in replies[0].text
    replies = await pejling.say("mette", "Vi mangler læsevejledere")
    assert "»Styrket læsning i indskolingen« er **Rød**" in replies[0].text


async def test_ret_opens_the_form_with_what_was_understood(pejling: RunningPejling) -> None:
    await pejling.say("mette", "læsning gul, nye bøger er forsinkede")

    replies = await pejling.say("mette", "ret")
    assert "Hvordan går det med »Styrket læsning i indskolingen«" in replies[0].text
    replies = await pejling.say("mette", "grøn")
    assert "er **Grøn**" in replies[0].text
    await pejling.say("mette", "ja")
    saved = (await status_updates(pejling, "boegeskov-skole-laesning"))[-1]
    assert (saved.color, saved.narrative) == ("green", "Nye bøger er forsinkede")


async def test_everyday_phrasing_reaches_the_command(pejling: RunningPejling) -> None:
    replies = await pejling.say("mette", "jeg vil gerne melde status")
    assert "Hvilket mål" in replies[0].text
    await pejling.say("mette", "annullér")

    replies = await pejling.say("mette", "staus")
    assert "Hvilket mål" in replies[0].text


async def test_a_near_miss_is_answered_with_mente_du(pejling: RunningPejling) -> None:
    replies = await pejling.say("mette", "stsus")

    assert "»stsus«" in replies[0].text
    assert "Mente du **status**" in replies[0].text


async def test_a_question_at_a_field_step_is_not_saved_as_the_answer(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")

    replies = await pejling.say("mette", "hvordan går det med vores mål?")

    texts = " ".join(r.text or "" for r in replies)
    assert "Flere elever trives i frikvartererne" in " ".join(
        card_text(c) for r in replies for c in r.cards
    )
    assert "titel" in texts.lower() or "Du er i gang" in texts


def _now(pejling: RunningPejling, message: Message) -> Message:
    """`message` as it stands now, after any updates."""
    place = pejling.personal("mette")
    return next(m for m in pejling.fake.messages_in(place.conversation_id) if m.id == message.id)


async def test_after_hjaelp_mid_status_the_receipt_replaces_the_form(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    [form] = [m for m in await pejling.say("mette", "1") if m.cards]
    await pejling.say("mette", "gul")
    [help_card] = [m for m in await pejling.say("mette", "hjælp") if m.cards]
    await pejling.say("mette", "Legepatruljen er i gang")

    await pejling.say("mette", "spring over")

    assert "Statusmelding gemt" in card_text(_now(pejling, form).cards[0])
    assert "Statusmelding gemt" not in card_text(_now(pejling, help_card).cards[0])


async def test_a_form_left_with_tilbage_is_refused_when_pressed(pejling: RunningPejling) -> None:
    before = len(await status_updates(pejling, "boegeskov-skole-trivsel"))
    await pejling.say("mette", "status")
    [form] = [m for m in await pejling.say("mette", "1") if m.cards]
    await pejling.say("mette", "tilbage")

    fields = {"color": "red", "narrative": "Forkert mål", "fields": ["color", "narrative"]}
    _, replies = await pejling.execute("mette", form, "Gem statusmelding", fields)

    assert "du gik tilbage fra det" in " ".join(m.text or "" for m in replies)
    assert len(await status_updates(pejling, "boegeskov-skole-trivsel")) == before


async def test_ret_status_corrects_the_latest_status_and_keeps_the_earlier(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "læsning rød, ingen læsevejleder")
    await pejling.say("mette", "ja")
    before = len(await status_updates(pejling, "boegeskov-skole-laesning"))

    replies = await pejling.say("mette", "ret status")
    assert "Ret din statusmelding på »Styrket læsning i indskolingen«" in replies[0].text
    await pejling.say("mette", "gul")
    replies = await pejling.say("mette", "ja")

    assert "er rettet til **Gul**" in replies[0].text
    saved = await status_updates(pejling, "boegeskov-skole-laesning")
    assert len(saved) == before  # corrected, not a new status
    assert (saved[-1].color, saved[-1].corrected_at is not None) == ("yellow", True)
    [earlier] = await rows(pejling, select(StatusRevision))
    assert (earlier.kind, earlier.color, earlier.narrative) == (
        "corrected",
        "red",
        "Ingen læsevejleder",
    )
    audit = await rows(pejling, select(AuditEvent).where(AuditEvent.entity == "status_update"))
    assert audit[-1].action == "update"
    assert audit[-1].before["color"] == "red"


async def test_the_ret_button_on_the_receipt_opens_the_form(pejling: RunningPejling) -> None:
    [confirm] = [m for m in await pejling.say("mette", "trivsel gul, for få voksne i gården")]
    await pejling.say("mette", "ja")
    receipt = _now(pejling, confirm)
    assert "Statusmelding gemt" in card_text(receipt.cards[0])

    _, replies = await pejling.execute("mette", receipt, "Ret")

    assert any("Ret din statusmelding" in (m.text or "") for m in replies)


async def test_fortryd_withdraws_the_latest_status(pejling: RunningPejling) -> None:
    before = await status_updates(pejling, "boegeskov-skole-trivsel")
    await pejling.say("mette", "trivsel rød – forkert mål, beklager")
    await pejling.say("mette", "ja")

    [offer] = await pejling.say("mette", "fortryd")
    assert "»Flere elever trives i frikvartererne«" in offer.text
    body, _ = await pejling.execute("mette", offer, "Træk tilbage")

    assert "er trukket tilbage" in str(body)
    assert [s.id for s in await status_updates(pejling, "boegeskov-skole-trivsel")] == [
        s.id for s in before
    ]
    [kept] = await rows(pejling, select(StatusRevision))
    assert (kept.kind, kept.color) == ("withdrawn", "red")


async def test_a_status_that_is_no_longer_the_latest_cannot_be_withdrawn(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "trivsel rød, første")
    await pejling.say("mette", "ja")
    [offer] = await pejling.say("mette", "fortryd")
    await pejling.say("mette", "trivsel gul, anden")
    await pejling.say("mette", "ja")

    body, _ = await pejling.execute("mette", offer, "Træk tilbage")

    assert "ingen statusmelding, der kan rettes" in str(body)
    assert (await status_updates(pejling, "boegeskov-skole-trivsel"))[-1].color == "yellow"


async def test_jonas_cannot_withdraw_mettes_status(pejling: RunningPejling) -> None:
    await pejling.say("mette", "trivsel rød, første")
    await pejling.say("mette", "ja")
    [offer] = await pejling.say("mette", "fortryd")

    body, _ = await pejling.execute("jonas", offer, "Træk tilbage")

    assert "ingen statusmelding, der kan rettes" in str(body)
    assert (await status_updates(pejling, "boegeskov-skole-trivsel"))[-1].color == "red"


async def _goal_card(pejling: RunningPejling, key: str, goal_key: str) -> tuple[Any, str]:
    """What `key` is answered when pressing *Vis* on the goal `goal_key`."""
    place = pejling.personal(key)
    data = {"action": actions.SHOW_GOAL, "goal": await goal_id(pejling, goal_key)}
    status, body = await pejling.post(pejling.wire.execute(pejling.who(key), place, data, None))
    assert status == 200, (status, body)
    return body, json.dumps(body, ensure_ascii=False)


async def test_the_goal_card_shows_every_status_of_the_period_and_the_correction(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "læsning rød, ingen læsevejleder")
    await pejling.say("mette", "ja")
    await pejling.say("mette", "ret status")
    await pejling.say("mette", "gul")
    await pejling.say("mette", "ja")

    _, shown = await _goal_card(pejling, "mette", "boegeskov-skole-laesning")

    assert "Statushistorik i perioden" in shown
    assert "Forløb: Gr · Gu" in shown  # the demo file's green, then the corrected yellow
    today = texts().date(datetime.now(LOCAL_TIME))  # both reports were made today
    assert f"🟡 Gul · {today} · Mette Kjærgaard" in shown
    assert f"Tidligere version – rettet {today} af Mette Kjærgaard" in shown
    assert f"🔴 Rød · {today}" in shown
    assert "Læsebånd hver morgen" in shown


async def test_mine_maal_shows_each_goals_trend(pejling: RunningPejling) -> None:
    await pejling.say("mette", "trivsel grøn, legepatruljen virker nu")
    await pejling.say("mette", "ja")

    replies = await pejling.say("mette", "vis mine mål")

    assert "Udvikling: 🟡 Gu · 🟢 Gr" in card_text(replies[0].cards[0])


async def test_a_leader_of_another_unit_does_not_see_the_history(pejling: RunningPejling) -> None:
    await pejling.say("mette", "trivsel rød, hemmeligt")
    await pejling.say("mette", "ja")

    _, shown = await _goal_card(pejling, "jonas", "boegeskov-skole-trivsel")

    assert "hemmeligt" not in shown and "Statushistorik" not in shown


async def test_the_department_head_sees_the_history(pejling: RunningPejling) -> None:
    await pejling.say("mette", "trivsel rød, for mange konflikter")
    await pejling.say("mette", "ja")

    _, shown = await _goal_card(pejling, "henrik", "boegeskov-skole-trivsel")

    assert "For mange konflikter" in shown


async def test_a_greeting_mentions_the_unfinished_goal_and_fortsaet_names_it(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    await pejling.say("mette", "Flere børn læser hver dag")
    await pejling.say("mette", "status")  # the goal waits while she reports
    await pejling.say("mette", "annullér")

    hello = await pejling.say("mette", "hej")
    assert any(
        "Du har ikke gjort målet »Flere børn læser hver dag« færdig" in (m.text or "")
        for m in hello
    )

    replies = await pejling.say("mette", "fortsæt")
    assert replies[0].text.startswith("Du fortsætter med målet »Flere børn læser hver dag«.")


async def test_a_request_at_a_field_step_is_answered_not_stored(pejling: RunningPejling) -> None:
    await pejling.say("mette", "nyt mål")

    replies = await pejling.say("mette", "jeg vil gerne se mine mål")

    assert "Flere elever trives i frikvartererne" in " ".join(
        card_text(c) for r in replies for c in r.cards
    )
    [goal] = [p for p in await progress_of(pejling, "mette") if p.flow.startswith("maal:")]
    assert "title" not in goal.answers


async def test_formular_at_a_field_step_shows_the_form_and_is_not_stored(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "nyt mål")
    await pejling.say("mette", "Flere børn læser hver dag")
    [goal] = [p for p in await progress_of(pejling, "mette") if p.flow.startswith("maal:")]
    before = dict(goal.answers)

    replies = await pejling.say("mette", "formular")

    assert any(r.cards for r in replies)
    [goal] = [p for p in await progress_of(pejling, "mette") if p.flow.startswith("maal:")]
    assert "formular" not in json.dumps(goal.answers)
    assert goal.answers.get("title") == before.get("title")


async def test_the_earlier_version_is_in_the_leaders_data_export(pejling: RunningPejling) -> None:
    await pejling.say("mette", "trivsel rød, første udgave")
    await pejling.say("mette", "ja")
    await pejling.say("mette", "ret status")
    await pejling.say("mette", "gul")
    await pejling.say("mette", "ja")

    mette = await person_id(pejling, "mette")
    async with pejling.runtime.sessions() as session:
        [municipality] = await session.scalars(
            select(Person.municipality_id).where(Person.id == mette)
        )
        found = await gdpr.export(session, municipality, mette)

    [earlier] = found["statusmeldinger_rettet"]
    assert (earlier["ændring"], earlier["farve"], earlier["begrundelse"]) == (
        "rettet",
        "rød",
        "Første udgave",
    )


async def test_a_new_status_replaces_the_one_shown_and_its_card_is_refused(
    pejling: RunningPejling,
) -> None:
    before = len(await status_updates(pejling, "boegeskov-skole-trivsel"))
    [first] = await pejling.say("mette", "trivsel rød, forkert")

    replies = await pejling.say("mette", "trivsel gul, det var gult jeg mente")
    assert "er **Gul**" in replies[0].text
    body, _ = await pejling.execute("mette", first, "Gem")

    assert "ikke aktivt længere" in str(body)
    await pejling.say("mette", "ja")
    saved = await status_updates(pejling, "boegeskov-skole-trivsel")
    assert len(saved) == before + 1
    assert saved[-1].color == "yellow"
