"""The two conversions at the edge, as plain function calls: a Teams activity into a turn,
and replies into messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.convert import activity_from_json, combine, to_turn
from bot.devtools.chat.wire import TeamsWire, Where, Who
from dialoger.turn import Reply, Target, Via

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
WIRE = TeamsWire("https://smba.trafficmanager.net/emea/tenant/")
METTE = Who("29:mette", "Mette Kjærgaard", "aad-mette")
TENANT = "6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10"
PERSONAL = Where.personal(TENANT, METTE)
CHANNEL = Where.channel(TENANT, "19:kanal@thread.tacv2", "19:team@thread.tacv2", "Team")


def turn_of(activity: dict[str, Any]) -> Any:
    return to_turn(activity_from_json(activity), NOW)


def test_a_personal_message_becomes_a_typed_turn() -> None:
    turn = turn_of(WIRE.message(METTE, PERSONAL, "  status "))
    assert (turn.via, turn.text, turn.personal) == (Via.TEXT, "status", True)
    assert (turn.tenant_id, turn.aad_object_id, turn.user_id) == (TENANT, "aad-mette", "29:mette")


def test_the_mention_of_the_bot_is_removed_but_not_the_words_around_it() -> None:
    turn = turn_of(WIRE.message(METTE, CHANNEL, "tilknyt Pejling-udvalget"))
    assert turn.text == "tilknyt Pejling-udvalget"
    assert (turn.channel_id, turn.team_id) == ("19:kanal@thread.tacv2", "19:team@thread.tacv2")


@pytest.mark.parametrize("typed", ["@Pejling tilknyt buu", "@pejling   tilknyt buu"])
def test_typing_the_mention_in_the_chat_client_mentions_the_bot_once(typed: str) -> None:
    """As in Teams, where typing @Pejling picks the bot."""
    activity = WIRE.message(METTE, CHANNEL, typed)
    assert activity["text"] == "<at>Pejling</at> tilknyt buu"
    assert turn_of(activity).text == "tilknyt buu"


def test_html_spaces_from_the_teams_client_are_plain_spaces() -> None:
    activity = WIRE.message(METTE, CHANNEL, "x")
    activity["text"] = "<at>Pejling</at>&nbsp;tilknyt&nbsp;buu"
    assert turn_of(activity).text == "tilknyt buu"


def test_a_card_button_becomes_a_turn_with_its_data() -> None:
    execute = turn_of(WIRE.execute(METTE, PERSONAL, {"action": "a", "goal": 3}, "card-1"))
    assert (execute.via, execute.action, execute.data["goal"]) == (Via.EXECUTE, "a", 3)
    submit = turn_of(WIRE.submit(METTE, PERSONAL, {"action": "a", "color": "red"}, "card-1"))
    assert (submit.via, submit.reply_to_id, submit.data["color"]) == (Via.SUBMIT, "card-1", "red")


def test_install_events_greet_once() -> None:
    assert turn_of(WIRE.personal_install(METTE, PERSONAL)).via is Via.INSTALL
    assert turn_of(WIRE.installation_update(METTE, CHANNEL)).via is Via.EVENT
    assert turn_of(WIRE.installation_update(METTE, CHANNEL, "remove")) is None


def test_the_tenant_is_read_from_the_conversation_when_channel_data_lacks_it() -> None:
    activity = WIRE.message(METTE, PERSONAL, "hej")
    activity["channelData"] = {}
    assert turn_of(activity).tenant_id == TENANT


@pytest.mark.parametrize("other", ["messageReaction", "typing", "event", "endOfConversation"])
def test_other_activities_ask_for_nothing(other: str) -> None:
    activity = WIRE.message(METTE, PERSONAL, "x")
    activity["type"] = other
    assert turn_of(activity) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("from", 5), ("conversation", "x"), ("entities", "x"), ("text", 3), ("timestamp", "i går"),
     ("attachments", 3), ("membersAdded", {}), ("conversation", {"isGroup": "ja"})],
)  # fmt: skip
def test_a_malformed_field_is_refused(field: str, value: Any) -> None:
    activity = WIRE.message(METTE, PERSONAL, "x")
    activity[field] = value
    with pytest.raises(ValueError):
        activity_from_json(activity)


def test_a_question_and_its_card_go_out_as_one_message() -> None:
    card = {"type": "AdaptiveCard"}
    replies = [Reply(text="Hvilket mål?"), Reply(card=card), Reply(text="Tak")]
    assert combine(replies) == [Reply(text="Hvilket mål?", card=card), Reply(text="Tak")]


def test_a_card_that_replaces_another_is_not_combined() -> None:
    card = {"type": "AdaptiveCard"}
    replies = [Reply(text="Gemt"), Reply(card=card, target=Target.REPLACE)]
    assert combine(replies) == replies
