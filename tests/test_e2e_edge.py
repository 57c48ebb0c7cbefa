"""The edge of Pejling over real HTTP: what Teams may send to /api/messages, the install
events, who is writing, and every path through the status dialogue.

Each test posts activities to the running app as Teams would and asserts on what reached
the fake Bot Framework service and on the rows in the database.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import MAX_BODY
from bot.devtools.chat.wire import Where, Who
from harness import (
    CHANNEL,
    RunningPejling,
    button_data,
    buttons,
    card_text,
    goal_id,
    person_id,
    progress_of,
    report_status,
    rows,
    shown,
    status_updates,
    table_counts,
    walk,
)
from store.models import ConversationRef, Person

CARD = "application/vnd.microsoft.card.adaptive"
TEXT_ANSWER = "application/vnd.microsoft.activity.message"
METTE_GOAL = "boegeskov-skole-trivsel"  # mette's first goal: "Flere elever trives i frikvartererne"
STRANGER = Who("29:stranger", "Ukendt Person", "00000000-0000-4000-8000-0000000000aa")
OTHER_TENANT = "99999999-9999-4999-8999-999999999999"


def connector_calls(pejling: RunningPejling) -> list[str]:
    """Every call the bot made to the Bot Connector, as "METHOD path"."""
    return [f"{r.method} {r.path}" for r in pejling.fake.requests_to("*", "/v3/")]


# ---------------------------------------------------------------------------
# HTTP contract


async def test_a_body_that_is_not_declared_json_gets_415(pejling: RunningPejling) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "status")

    status, _ = await pejling.post(message, headers={"Content-Type": "text/plain"})

    assert status == 415
    assert connector_calls(pejling) == []


async def test_a_request_without_content_type_gets_415(pejling: RunningPejling) -> None:
    async with pejling.http.post(
        f"{pejling.url}/api/messages", data=b"{}", skip_auto_headers=["Content-Type"]
    ) as response:
        assert response.status == 415


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("not json {", id="not json"),
        pytest.param(b"\xff\xfe{}", id="not utf-8"),
        pytest.param("[1, 2]", id="a list"),
        pytest.param('"message"', id="a string"),
        pytest.param("{}", id="no type"),
        pytest.param('{"type": ""}', id="empty type"),
        pytest.param('{"type": 5}', id="type not a string"),
        pytest.param('{"type": null}', id="type null"),
    ],
)
async def test_a_body_that_is_not_an_activity_gets_400(
    pejling: RunningPejling, body: str | bytes
) -> None:
    status, _ = await pejling.post(body)

    assert status == 400


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("from", 5),
        ("conversation", "x"),
        ("entities", "x"),
        ("recipient", []),
        ("membersAdded", "x"),
        ("attachments", 3),
        ("timestamp", "yesterday"),
    ],
)
async def test_an_activity_with_malformed_fields_gets_a_4xx_never_a_500(
    pejling: RunningPejling, field: str, value: Any
) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "status")
    message[field] = value
    before = await table_counts(pejling)

    status, _ = await pejling.post(message)

    assert 400 <= status < 500
    assert connector_calls(pejling) == []
    assert await table_counts(pejling) == before


async def test_a_body_over_512_kb_gets_413(pejling: RunningPejling) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "x")
    message["text"] = "x" * MAX_BODY

    status, _ = await pejling.post(message)

    assert status == 413
    assert connector_calls(pejling) == []


async def test_healthz_reports_the_database(pejling: RunningPejling) -> None:
    async with pejling.http.get(f"{pejling.url}/healthz") as response:
        assert response.status == 200
        assert await response.json() == {"status": "ok", "database": "ok"}


async def test_a_personal_message_is_accepted_with_201(pejling: RunningPejling) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "hej")

    status, _ = await pejling.post(message)

    assert status == 201
    [answer] = pejling.fake.messages_in(pejling.personal("mette").conversation_id)
    assert answer.text.startswith("Hej Mette!")


async def test_a_card_action_invoke_is_answered_200_with_an_invoke_response(
    pejling: RunningPejling,
) -> None:
    goal_list = (await pejling.say("mette", "status"))[0]

    body, new_messages = await pejling.execute("mette", goal_list, "Meld status")

    assert body["statusCode"] == 200
    assert body["type"] == CARD
    assert "Statusmelding" in card_text(body["value"])
    assert new_messages == []


IGNORED = [
    pytest.param({"type": "messageReaction", "reactionsAdded": [{"type": "like"}]}, id="reaction"),
    pytest.param({"type": "typing"}, id="typing"),
    pytest.param({"type": "event", "name": "application/vnd.microsoft.meetingStart"}, id="event"),
    pytest.param({"type": "messageUpdate", "text": "status"}, id="messageUpdate"),
    pytest.param({"type": "endOfConversation"}, id="endOfConversation"),
    pytest.param(
        {"type": "invoke", "name": "composeExtension/query", "value": {"commandId": "x"}},
        id="other invoke",
    ),
    pytest.param({"type": "installationUpdate", "action": "remove"}, id="uninstall"),
    pytest.param({"type": "conversationUpdate", "membersAdded": [{"id": "29:x"}]}, id="member"),
]


@pytest.mark.parametrize("fields", IGNORED)
async def test_activities_pejling_ignores_are_accepted_and_change_nothing(
    pejling: RunningPejling, fields: dict[str, Any]
) -> None:
    activity = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "")
    activity.pop("text")
    activity.update(fields)
    before = await table_counts(pejling)

    status, _ = await pejling.post(activity)

    assert 200 <= status < 300
    assert connector_calls(pejling) == []
    assert await table_counts(pejling) == before


async def test_the_tenant_is_read_from_the_conversation_when_channel_data_lacks_it(
    pejling: RunningPejling,
) -> None:
    """Newer Teams payloads also carry the tenant as `conversation.tenantId`."""
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "hej")
    message["channelData"] = {}

    await pejling.post(message)

    [answer] = pejling.fake.messages_in(pejling.personal("mette").conversation_id)
    assert answer.text.startswith("Hej Mette!")


# ---------------------------------------------------------------------------
# Install events


async def test_a_personal_install_stores_the_reference_and_greets_once(
    pejling: RunningPejling,
) -> None:
    place = pejling.personal("mette")

    status, _ = await pejling.post(pejling.wire.personal_install(pejling.who("mette"), place))

    assert status == 201
    [welcome] = pejling.fake.messages_in(place.conversation_id)
    assert welcome.text.startswith("Hej Mette! Jeg er Pejling.")
    [ref] = await rows(pejling, select(ConversationRef))
    assert (ref.conversation_id, ref.conversation_type) == (place.conversation_id, "personal")
    assert ref.person_id == await person_id(pejling, "mette")
    assert (ref.user_id, ref.service_url) == ("29:mette", pejling.fake.url)
    [teams_user_id] = await rows(pejling, select(Person.teams_user_id).where(Person.key == "mette"))
    assert teams_user_id == "29:mette"


@pytest.mark.parametrize(
    ("person", "points_to"),
    [
        ("mette", "Skriv **status** for at komme i gang"),  # leads a school
        ("henrik", "Skriv **til godkendelse** for at se dem, der venter"),  # department head
        ("jens", "Skriv **pejlemærker** for at se udvalgets pejlemærker"),  # politician
    ],
)
async def test_the_welcome_points_to_what_the_person_does(
    pejling: RunningPejling, person: str, points_to: str
) -> None:
    place = pejling.personal(person)
    await pejling.post(pejling.wire.personal_install(pejling.who(person), place))
    [welcome] = pejling.fake.messages_in(place.conversation_id)
    assert points_to in welcome.text
    [unknown] = await pejling.say(person, "hvad med kaffen?")
    assert unknown.text.startswith("Det forstod jeg ikke helt.")
    assert ("**status**" in unknown.text) is (person == "mette")
    assert ("**til godkendelse**" in unknown.text) is (person == "henrik")


async def test_a_team_install_stores_the_channel_and_greets_the_channel(
    pejling: RunningPejling,
) -> None:
    status, _ = await pejling.post(pejling.wire.team_install(pejling.who("camilla"), CHANNEL))

    assert status == 201
    [welcome] = pejling.fake.messages_in(CHANNEL.conversation_id)
    assert "**@Pejling tilknyt**" in welcome.text
    [ref] = await rows(pejling, select(ConversationRef))
    assert (ref.conversation_id, ref.channel_id) == (CHANNEL.channel_id, CHANNEL.channel_id)
    assert (ref.conversation_type, ref.team_id) == ("channel", CHANNEL.team_id)
    assert ref.service_url == pejling.fake.url


async def test_installation_update_add_stores_the_reference_but_says_nothing(
    pejling: RunningPejling,
) -> None:
    """Teams sends it beside the conversationUpdate that greets; greeting twice nags."""
    place = pejling.personal("mette")

    status, _ = await pejling.post(pejling.wire.installation_update(pejling.who("mette"), place))

    assert status == 201
    assert connector_calls(pejling) == []
    [ref] = await rows(pejling, select(ConversationRef))
    assert ref.conversation_id == place.conversation_id


async def test_installation_update_add_refreshes_a_moved_service_url(
    pejling: RunningPejling,
) -> None:
    place, mette = pejling.personal("mette"), pejling.who("mette")
    await pejling.post(pejling.wire.personal_install(mette, place))
    moved = pejling.wire.installation_update(mette, place, "add-upgrade")
    moved["serviceUrl"] = pejling.fake.url + "emea/"

    await pejling.post(moved)

    [ref] = await rows(pejling, select(ConversationRef))
    assert ref.service_url == pejling.fake.url + "emea/"
    assert len(pejling.fake.messages_in(place.conversation_id)) == 1  # the first welcome only


async def test_installation_update_remove_sends_nothing(pejling: RunningPejling) -> None:
    place, mette = pejling.personal("mette"), pejling.who("mette")

    status, _ = await pejling.post(pejling.wire.installation_update(mette, place, "remove"))

    assert status == 201
    assert connector_calls(pejling) == []


# ---------------------------------------------------------------------------
# Who is writing


async def test_an_unknown_tenant_is_told_pejling_is_not_set_up_and_nothing_is_stored(
    pejling: RunningPejling,
) -> None:
    place = Where.personal(OTHER_TENANT, STRANGER)
    before = await table_counts(pejling)

    status, _ = await pejling.post(pejling.wire.message(STRANGER, place, "status"))

    assert status == 201
    [answer] = pejling.fake.messages_in(place.conversation_id)
    assert "ikke sat op" in answer.text
    assert await table_counts(pejling) == before


async def test_an_unknown_person_of_a_known_tenant_is_told_they_are_not_found(
    pejling: RunningPejling,
) -> None:
    place = Where.personal(pejling.org.municipality.tenant_id, STRANGER)

    await pejling.post(pejling.wire.message(STRANGER, place, "status"))

    [answer] = pejling.fake.messages_in(place.conversation_id)
    assert "kan ikke finde dig" in answer.text


@pytest.mark.parametrize("key", ["camilla", "jens", "henrik"])
async def test_a_person_who_leads_no_unit_is_told_they_have_no_goals(
    pejling: RunningPejling, key: str
) -> None:
    [answer] = await pejling.say(key, "status")

    assert "ingen mål at melde status på" in answer.text
    assert await progress_of(pejling, key) == []


# ---------------------------------------------------------------------------
# The status dialogue, typed


async def test_a_typed_dialogue_saves_the_update_and_turns_the_form_into_the_receipt(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    await pejling.say("mette", "gul")
    await pejling.say("mette", "Legepatruljen er i gang i alle frikvarterer.")

    [thanks] = await pejling.say("mette", "spring over")

    assert "er gemt som **Gul**" in thanks.text
    saved = (await status_updates(pejling, METTE_GOAL))[-1]
    assert (saved.color, saved.narrative, saved.evidence) == (
        "yellow",
        "Legepatruljen er i gang i alle frikvarterer.",
        None,
    )
    assert saved.reported_by == await person_id(pejling, "mette")
    [put] = pejling.fake.requests_to("PUT")
    assert put.path.endswith(f"/activities/{form.id}")
    receipt = pejling.fake.message(form.id)
    assert len(receipt.versions) == 2
    assert "Statusmelding gemt" in card_text(receipt.cards[0])
    assert buttons(receipt.cards[0]) == ["Ret"]  # to correct it; the form cannot be sent again
    assert [p.state for p in await progress_of(pejling, "mette")] == ["done"]


async def test_typed_evidence_is_saved(pejling: RunningPejling) -> None:
    await report_status(pejling, "mette", "grøn", "Det går godt.", "Trivselsmåling: 84 %")

    saved = (await status_updates(pejling, METTE_GOAL))[-1]
    assert (saved.color, saved.evidence) == ("green", "Trivselsmåling: 84 %")


async def test_a_wrong_colour_is_explained_and_asked_again_keeping_the_answers(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    await pejling.say("mette", "1")

    explanation, question = await pejling.say("mette", "lilla")

    assert "Jeg forstod ikke »lilla«" in explanation.text
    assert "Hvordan går det med »Flere elever trives i frikvartererne«" in question.text
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.step == "color"
    assert dialogue.answers["goal"] == await goal_id(pejling, METTE_GOAL)
    assert dialogue.answers["_pending"] == {"color": "lilla"}


async def test_tilbage_goes_back_one_question(pejling: RunningPejling) -> None:
    await pejling.say("mette", "status")
    await pejling.say("mette", "1")
    await pejling.say("mette", "gul")

    [form] = await pejling.say("mette", "tilbage")  # the question and its form, one message

    assert "Hvordan går det med" in form.text
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.step == "color"
    assert dialogue.answers["color"] == "yellow"  # kept: the form shows it, to confirm or change
    [choices] = [n for n in walk(form.cards[0]) if n.get("id") == "color"]
    assert choices["value"] == "yellow"


async def test_annuller_stops_the_dialogue_and_closes_its_card(pejling: RunningPejling) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    saved_before = len(await status_updates(pejling, METTE_GOAL))

    [answer] = await pejling.say("mette", "annullér")

    assert "Intet er gemt" in answer.text
    assert [p.state for p in await progress_of(pejling, "mette")] == ["cancelled"]
    assert len(await status_updates(pejling, METTE_GOAL)) == saved_before
    closed = pejling.fake.message(form.id)
    assert buttons(closed.cards[0]) == []
    assert "stoppet" in card_text(closed.cards[0])


async def test_hjaelp_in_the_middle_shows_help_and_repeats_the_question(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    await pejling.say("mette", "1")

    replies = await pejling.say("mette", "hjælp")

    assert "Det kan Pejling" in card_text(replies[0].cards[0])
    assert "Her er spørgsmålet igen" in replies[1].text
    assert "Hvordan går det med »Flere elever trives i frikvartererne«" in replies[2].text
    [dialogue] = await progress_of(pejling, "mette")
    assert (dialogue.step, dialogue.state) == ("color", "active")


# ---------------------------------------------------------------------------
# The status dialogue on cards


async def test_action_execute_all_the_way_answers_with_cards_and_saves_once(
    pejling: RunningPejling,
) -> None:
    goal_list = (await pejling.say("mette", "status"))[0]
    form, _ = await pejling.execute("mette", goal_list, "Meld status")
    assert form["type"] == CARD and "Hvordan går det?" in str(form["value"])
    inputs = {"color": "red", "narrative": "Gården mangler voksne.", "evidence": "Måling 9/2026"}

    receipt, new_messages = await pejling.execute(
        "mette", shown(goal_list, form["value"]), "Gem statusmelding", inputs
    )

    assert receipt["type"] == CARD
    assert "Statusmelding gemt" in card_text(receipt["value"])
    assert "Rød" in card_text(receipt["value"])
    assert new_messages == []
    saved = await status_updates(pejling, METTE_GOAL)
    assert (saved[-1].color, saved[-1].evidence) == ("red", "Måling 9/2026")
    assert len(saved) == 2  # the demo file's one, and this


async def test_action_submit_fallback_updates_the_card_message_in_place(
    pejling: RunningPejling,
) -> None:
    """Older clients send Action.Submit; a bot cannot answer it with a card, so it edits it."""
    goal_list = (await pejling.say("mette", "status"))[0]

    assert await pejling.submit("mette", goal_list, "Meld status") == []
    form = pejling.fake.message(goal_list.id)
    assert "Hvordan går det?" in str(form.cards[0])
    inputs = {"color": "green", "narrative": "Alle klasser er med.", "evidence": "Måling"}
    assert await pejling.submit("mette", form, "Gem statusmelding", inputs) == []

    receipt = pejling.fake.message(goal_list.id)
    assert len(receipt.versions) == 3
    assert "Statusmelding gemt" in card_text(receipt.cards[0])
    assert (await status_updates(pejling, METTE_GOAL))[-1].narrative == "Alle klasser er med."
    assert [r.method for r in pejling.fake.requests_to("PUT")] == ["PUT", "PUT"]


async def test_a_typed_goal_and_the_form_card_for_the_rest(pejling: RunningPejling) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")

    inputs = {"color": "yellow", "narrative": "Halvvejs.", "evidence": "Måling"}

    receipt, _ = await pejling.execute("mette", form, "Gem statusmelding", inputs)

    assert "Statusmelding gemt" in card_text(receipt["value"])
    assert (await status_updates(pejling, METTE_GOAL))[-1].narrative == "Halvvejs."


async def test_a_form_saved_with_the_optional_evidence_left_empty_is_saved(
    pejling: RunningPejling,
) -> None:
    """Teams' renderer sends only inputs that hold a value (AdaptiveCards `isSet()`)."""
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    inputs = {"color": "yellow", "narrative": "Halvvejs."}  # Dokumentation left empty

    receipt, _ = await pejling.execute("mette", form, "Gem statusmelding", inputs)

    assert "Statusmelding gemt" in card_text(receipt["value"])


async def test_the_cancel_button_closes_the_card(pejling: RunningPejling) -> None:
    goal_list = (await pejling.say("mette", "status"))[0]

    closed, _ = await pejling.execute("mette", goal_list, "Annullér")

    assert buttons(closed["value"]) == []
    assert [p.state for p in await progress_of(pejling, "mette")] == ["cancelled"]


async def test_a_replayed_execute_of_a_saved_form_is_refused_and_the_receipt_kept(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    inputs = {"color": "yellow", "narrative": "Halvvejs.", "evidence": "Måling"}
    await pejling.execute("mette", form, "Gem statusmelding", inputs)
    saved = len(await status_updates(pejling, METTE_GOAL))
    puts = len(pejling.fake.requests_to("PUT"))

    answer, new_messages = await pejling.execute("mette", form, "Gem statusmelding", inputs)

    assert answer["type"] == TEXT_ANSWER
    assert "ikke aktivt længere" in answer["value"]
    assert new_messages == []
    assert len(await status_updates(pejling, METTE_GOAL)) == saved
    assert len(pejling.fake.requests_to("PUT")) == puts


async def test_a_replayed_submit_of_a_typed_and_saved_dialogue_keeps_the_receipt(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    for answer in ("gul", "Halvvejs.", "spring over"):
        await pejling.say("mette", answer)
    saved = len(await status_updates(pejling, METTE_GOAL))
    inputs = {"color": "red", "narrative": "Noget andet."}

    [answer] = await pejling.submit("mette", form, "Gem statusmelding", inputs)

    assert "ikke aktivt længere" in answer.text
    assert len(await status_updates(pejling, METTE_GOAL)) == saved
    assert "Statusmelding gemt" in card_text(pejling.fake.message(form.id).cards[0])


# ---------------------------------------------------------------------------
# Forged card data


async def test_a_card_naming_another_units_goal_is_refused(pejling: RunningPejling) -> None:
    goal_list = (await pejling.say("mette", "status"))[0]
    forged = {**button_data(goal_list.cards[0], "Meld status")}
    forged["goal"] = await goal_id(pejling, "engholm-skole-fravaer")
    before = await table_counts(pejling)

    status, answer = await pejling.post(
        pejling.wire.execute(pejling.who("mette"), pejling.personal("mette"), forged, goal_list.id)
    )

    assert status == 200
    assert answer["type"] == TEXT_ANSWER
    assert "hører ikke til en af dine enheder" in answer["value"]
    assert len(await status_updates(pejling, "engholm-skole-fravaer")) == 1  # the demo's
    assert (await table_counts(pejling))["status_update"] == before["status_update"]


async def test_a_full_form_naming_another_units_goal_saves_nothing(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    forged = {
        "goal": await goal_id(pejling, "engholm-skole-fravaer"),
        "color": "green",
        "narrative": "Alt er godt på Engholm.",
    }

    [answer] = await pejling.submit("mette", form, "Gem statusmelding", forged)

    assert "hører ikke til en af dine enheder" in answer.text
    assert len(await status_updates(pejling, "engholm-skole-fravaer")) == 1


@pytest.mark.parametrize("whose", ["karin", "random"])
async def test_a_card_naming_a_dialogue_that_is_not_yours_changes_nothing(
    pejling: RunningPejling, whose: str
) -> None:
    await pejling.say("karin", "status")
    await pejling.say("karin", "1")
    [karins] = await progress_of(pejling, "karin")
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    data = button_data(form.cards[0], "Gem statusmelding")
    data["progress"] = karins.id if whose == "karin" else str(uuid.uuid4())
    data.update(color="red", narrative="Overtaget.")
    before = await table_counts(pejling)

    status, answer = await pejling.post(
        pejling.wire.execute(pejling.who("mette"), pejling.personal("mette"), data, form.id)
    )

    assert status == 200
    assert "ikke aktivt længere" in answer["value"]
    assert await table_counts(pejling) == before
    [after] = await progress_of(pejling, "karin")
    assert (after.version, after.step, after.answers) == (karins.version, "color", karins.answers)


# ---------------------------------------------------------------------------
# Teams re-delivers a slow activity with the same id (TEAMS-FACTS §6)


async def test_a_redelivered_final_answer_saves_one_status_and_is_not_answered_again(
    pejling: RunningPejling,
) -> None:
    """The copy finds the activity handled (`seen_activity`) and is not handled again."""
    for answer in ("status", "1", "gul", "Halvvejs."):
        await pejling.say("mette", answer)
    last = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "spring over")

    await pejling.post(last)
    replies = pejling.fake.messages_in(pejling.personal("mette").conversation_id)
    await pejling.post(last)

    assert len(await status_updates(pejling, METTE_GOAL)) == 2  # the demo's, and one
    assert pejling.fake.messages_in(pejling.personal("mette").conversation_id) == replies


async def test_two_copies_of_a_form_at_once_save_one_status(pejling: RunningPejling) -> None:
    """The copy Teams sends while the first is still running finds the dialogue saved
    (the version guard on the progress row), and is told the card is no longer active."""
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    data = button_data(form.cards[0], "Gem statusmelding")
    data.update(color="red", narrative="Gården mangler voksne.", evidence="Måling")
    execute = pejling.wire.execute(pejling.who("mette"), pejling.personal("mette"), data, form.id)

    answers = await asyncio.gather(pejling.post(execute), pejling.post(execute))

    assert {body["type"] for _, body in answers} == {CARD, TEXT_ANSWER}
    assert len(await status_updates(pejling, METTE_GOAL)) == 2  # the demo's, and one


async def test_a_redelivered_answer_is_applied_once(pejling: RunningPejling) -> None:
    for answer in ("status", "1", "gul"):
        await pejling.say("mette", answer)
    narrative = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "Halvvejs.")
    await pejling.post(narrative)
    await pejling.post(narrative)  # the same activity id again

    await pejling.say("mette", "spring over")

    saved = await status_updates(pejling, METTE_GOAL)
    assert len(saved) == 2
    assert saved[-1].evidence is None  # today: "Halvvejs." is taken as the evidence too
