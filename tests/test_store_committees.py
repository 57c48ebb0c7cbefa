"""Committees: finding one by what people type, and linking its Teams channel."""

from __future__ import annotations

import pytest

from store import committees
from store.errors import NotAllowed
from store.importer import import_org
from store.models import Committee
from store.orgfile import OrgFile
from store_helpers import NOW, OrgDict, Sessions, actor_of, edited, id_of, municipality_id

CHANNEL = "19:buu@thread.tacv2"
SERVICE = "https://smba.trafficmanager.net/emea/"


async def match(sessions: Sessions, org: OrgFile, query: str) -> set[str]:
    async with sessions() as session:
        found = await committees.match_committees(
            session, await municipality_id(session, org), query
        )
    return {c.key for c in found}


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("buu", {"buu"}),
        ("BUU", {"buu"}),
        ("Børne- og Uddannelsesudvalget", {"buu"}),
        ("  økonomiudvalget ", {"oeu"}),
        ("Oekonomiudvalget", {"oeu"}),
        ("sundhed", {"ssu"}),
        ("børne", {"buu"}),
    ],
)
async def test_a_committee_is_found_by_key_full_name_or_a_part_only_it_has(
    sessions: Sessions, demo: OrgFile, query: str, keys: set[str]
) -> None:
    assert await match(sessions, demo, query) == keys


async def test_a_part_several_committees_share_gives_all_of_them(
    sessions: Sessions, demo: OrgFile
) -> None:
    """So the caller can ask which one was meant."""
    assert await match(sessions, demo, "og") == {"buu", "ssu"}
    assert await match(sessions, demo, "udvalget") == {"buu", "ssu", "oeu"}


async def test_an_exact_key_or_name_wins_over_a_part_of_another_name(
    sessions: Sessions, demo: OrgFile
) -> None:
    def sundhed(raw: OrgDict) -> None:
        raw["committees"].append({"key": "sundhed", "name": "Sundhedsudvalget"})

    async with sessions.begin() as session:
        await import_org(session, edited(demo, sundhed))
    assert await match(sessions, demo, "sundhed") == {"sundhed"}
    assert await match(sessions, demo, "Sundhedsudvalget") == {"sundhed"}
    assert await match(sessions, demo, "sundheds") == {"ssu", "sundhed"}


@pytest.mark.parametrize("query", ["", "   ", "teknik"])
async def test_nothing_or_an_unknown_name_finds_no_committee(
    sessions: Sessions, demo: OrgFile, query: str
) -> None:
    assert await match(sessions, demo, query) == set()


async def test_the_administration_links_a_committees_channel(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        buu = await id_of(session, Committee, "buu", demo)
        view = await committees.link_channel(
            session, camilla, buu, CHANNEL, "team-buu", SERVICE, NOW
        )

    assert (view.key, view.channel_id) == ("buu", CHANNEL)
    async with sessions() as session:
        row = await session.get_one(Committee, buu)
    assert (row.team_id, row.channel_service_url) == ("team-buu", SERVICE)
    assert (row.channel_linked_by, row.channel_linked_at) == (camilla.person_id, NOW)


@pytest.mark.parametrize("person", ["mette", "henrik", "jens"])
async def test_only_the_administration_may_link_a_channel(
    sessions: Sessions, demo: OrgFile, person: str
) -> None:
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, person)
        buu = await id_of(session, Committee, "buu", demo)
        with pytest.raises(NotAllowed) as refused:
            await committees.link_channel(session, actor, buu, CHANNEL, None, SERVICE, NOW)
    assert refused.value.key == "tilknyt.not_administration"
    async with sessions() as session:
        assert (await session.get_one(Committee, buu)).channel_id is None


async def test_an_unknown_committee_cannot_be_linked(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        with pytest.raises(NotAllowed) as refused:
            await committees.link_channel(session, camilla, 987654, CHANNEL, None, SERVICE, NOW)
    assert refused.value.key == "tilknyt.unknown_committee"


async def test_a_linked_channel_is_where_the_digest_goes(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions.begin() as session:
        camilla = await actor_of(session, demo, "camilla")
        buu = await id_of(session, Committee, "buu", demo)
        before = await committees.channel_target(session, await session.get_one(Committee, buu))
        await committees.link_channel(session, camilla, buu, CHANNEL, None, SERVICE, NOW)
    async with sessions() as session:
        after = await committees.channel_target(session, await session.get_one(Committee, buu))
    assert before is None
    assert after is not None
    assert (after.channel_id, after.service_url, after.tenant_id) == (
        CHANNEL,
        SERVICE,
        demo.municipality.tenant_id,
    )


async def test_the_digest_command_takes_every_committee_or_the_one_named(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        ids = [await id_of(session, Committee, key, demo) for key in ("buu", "ssu", "oeu")]
        assert await committees.for_digest(session, None) == ids
        assert await committees.for_digest(session, "SSU") == [ids[1]]
        assert await committees.for_digest(session, "Økonomiudvalget") == [ids[2]]
        assert await committees.for_digest(session, "teknik") == []


async def test_the_digest_command_does_not_guess_from_a_part_of_a_name(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        assert await committees.for_digest(session, "udvalget") == []


async def test_committees_with_a_schedule_are_planned(sessions: Sessions, demo: OrgFile) -> None:
    async with sessions() as session:
        planned = await committees.scheduled(session)
    assert [(c.key, c.digest_schedule) for c in planned] == [
        ("buu", "0 7 1-7 * mon"),
        ("ssu", "0 7 * * mon"),
        ("oeu", "0 7 * * mon"),
    ]
