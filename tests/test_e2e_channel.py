"""Pejling in a committee's Teams channel, over real HTTP: linking the channel to a
committee with `@Pejling tilknyt`, and help."""

from __future__ import annotations

from bot.devtools.chat.wire import Where
from harness import CHANNEL, RunningPejling, card_text, committee, in_thread

COMMITTEES = "Børne- og Uddannelsesudvalget, Social- og Sundhedsudvalget, Økonomiudvalget"


async def test_the_administration_links_a_channel_and_is_answered_in_the_thread(
    pejling: RunningPejling,
) -> None:
    thread = in_thread(CHANNEL, "1700000000001")
    message = pejling.wire.message(pejling.who("camilla"), thread, "tilknyt buu")

    status, _ = await pejling.post(message)

    assert status == 201
    [answer] = pejling.fake.messages_in(thread.conversation_id)
    assert answer.text.startswith("Kanalen er nu tilknyttet **Børne- og Uddannelsesudvalget**.")
    assert answer.reply_to_id == message["id"]
    linked = await committee(pejling, "buu")
    assert (linked.channel_id, linked.team_id) == (CHANNEL.channel_id, CHANNEL.team_id)
    assert linked.channel_service_url == pejling.fake.url


async def test_a_committee_can_be_named_by_its_full_name_in_any_case(
    pejling: RunningPejling,
) -> None:
    [answer] = await pejling.say("camilla", "tilknyt social- og sundhedsudvalget", CHANNEL)

    assert "**Social- og Sundhedsudvalget**" in answer.text
    assert (await committee(pejling, "ssu")).channel_id == CHANNEL.channel_id


async def test_only_the_mention_is_removed_so_the_bots_name_in_the_text_survives(
    pejling: RunningPejling,
) -> None:
    [answer] = await pejling.say("camilla", "tilknyt Pejling-udvalget", CHANNEL)

    assert answer.text.startswith("Jeg kender ikke et udvalg, der hedder »Pejling-udvalget«.")
    assert COMMITTEES in answer.text


async def test_a_person_outside_the_administration_may_not_link(pejling: RunningPejling) -> None:
    [answer] = await pejling.say("mette", "tilknyt buu", CHANNEL)

    assert answer.text.startswith("Kun administrationen kan tilknytte en kanal")
    assert (await committee(pejling, "buu")).channel_id is None


async def test_a_politician_may_not_link_their_own_committee_either(
    pejling: RunningPejling,
) -> None:
    [answer] = await pejling.say("jens", "tilknyt buu", CHANNEL)

    assert answer.text.startswith("Kun administrationen")
    assert (await committee(pejling, "buu")).channel_id is None


async def test_tilknyt_without_a_name_lists_the_committees(pejling: RunningPejling) -> None:
    [answer] = await pejling.say("camilla", "tilknyt", CHANNEL)

    assert "fx: tilknyt Børne- og Uddannelsesudvalget" in answer.text
    assert f"Udvalgene er: {COMMITTEES}." in answer.text


async def test_a_name_that_fits_several_committees_lists_those(pejling: RunningPejling) -> None:
    [answer] = await pejling.say("camilla", "tilknyt udvalget", CHANNEL)

    assert answer.text == f"»udvalget« passer på flere udvalg: {COMMITTEES}. Skriv hele navnet."
    assert (await committee(pejling, "buu")).channel_id is None


async def test_hjaelp_in_a_channel_shows_the_channel_help_card(pejling: RunningPejling) -> None:
    [answer] = await pejling.say("camilla", "hjælp", CHANNEL)

    shown = card_text(answer.cards[0])
    assert shown.startswith("Pejling i en kanal")
    assert "**@Pejling tilknyt**" in shown


async def test_other_text_in_a_channel_gets_the_channel_hint(pejling: RunningPejling) -> None:
    [answer] = await pejling.say("mette", "status", CHANNEL)

    assert answer.text.startswith("Her i kanalen kan jeg tilknytte et udvalg.")


async def test_an_unknown_person_in_a_channel_may_not_link(pejling: RunningPejling) -> None:
    message = pejling.wire.message(pejling.who("camilla"), CHANNEL, "tilknyt buu")
    message["from"]["aadObjectId"] = "00000000-0000-4000-8000-0000000000aa"

    await pejling.post(message)

    [answer] = pejling.fake.messages_in(CHANNEL.conversation_id)
    assert "kan ikke finde dig" in answer.text
    assert (await committee(pejling, "buu")).channel_id is None


async def test_linking_again_moves_the_committee_to_the_new_channel(
    pejling: RunningPejling,
) -> None:
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    other = Where.channel(CHANNEL.tenant_id, "19:andet@thread.tacv2", "19:team", "Team")

    await pejling.say("camilla", "tilknyt buu", other)

    assert (await committee(pejling, "buu")).channel_id == "19:andet@thread.tacv2"
