"""Two municipalities in one store: nothing of one is visible to, or changeable by, the other.

Nordby is a copy of Bøgeskov with its own tenant and Entra ids but the same committee,
unit and goal keys, so a query that forgets the municipality finds the wrong rows."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store import committees, progress
from store.conversations import ConversationSeen, remember
from store.digests import build_digest, claim, digest_window, mark_sent
from store.enums import Color
from store.errors import Invalid, NotAllowed
from store.importer import import_org
from store.models import Committee, ConversationRef, Goal, StatusUpdate
from store.orgfile import OrgFile
from store.people import identify
from store.status import goals_of_leader, record_status
from store_helpers import (
    NOW,
    TODAY,
    Sessions,
    actor_of,
    id_of,
    municipality_id,
    row_counts,
    second_municipality,
)


@pytest.fixture
async def nordby(sessions: Sessions, demo: OrgFile) -> OrgFile:
    """A second municipality, imported next to the demo's Bøgeskov."""
    org = second_municipality(demo)
    async with sessions.begin() as session:
        await import_org(session, org)
    return org


async def test_the_second_municipality_gets_rows_of_its_own(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions() as session:
        counts = await row_counts(session)
        a_buu = await id_of(session, Committee, "buu", demo)
        b_buu = await id_of(session, Committee, "buu", nordby)
    assert (counts["municipality"], counts["unit"], counts["goal"]) == (2, 16, 24)
    assert a_buu != b_buu


async def test_reimporting_one_municipality_leaves_the_other_alone(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        report = await import_org(session, demo)
    assert report.changed is False


async def test_a_person_is_unknown_under_another_municipalitys_tenant(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    mette = demo.find_person("mette")
    assert mette is not None
    async with sessions() as session:
        identity = await identify(session, nordby.municipality.tenant_id, mette.aad_object_id)
        nordby_id = await municipality_id(session, nordby)
    assert (identity.municipality_id, identity.actor) == (nordby_id, None)


async def test_the_same_person_key_in_two_municipalities_is_two_people(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions() as session:
        a = await actor_of(session, demo, "mette")
        b = await actor_of(session, nordby, "mette")
    assert a.municipality_id != b.municipality_id
    assert a.person_id != b.person_id
    assert a.led_unit_ids.isdisjoint(b.led_unit_ids)
    assert b.municipality_name == "Nordby Kommune"


async def test_a_leader_sees_only_their_own_municipalitys_goals(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions() as session:
        b_mette = await actor_of(session, nordby, "mette")
        goals = await goals_of_leader(session, b_mette, TODAY)
        own = {await id_of(session, Goal, g.key, nordby) for g in nordby.units[0].goals}
    assert {g.id for g in goals} == own


async def test_a_leader_cannot_report_on_another_municipalitys_goal(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    """Nordby's Mette leads a unit with the same key as Bøgeskov's; the goal id of
    Bøgeskov's goal, forged into a card, is unknown to her."""
    async with sessions.begin() as session:
        b_mette = await actor_of(session, nordby, "mette")
        a_goal = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        with pytest.raises(NotAllowed) as refused:
            await record_status(session, b_mette, a_goal, Color.GREEN, "Godt.", None, NOW)
    assert refused.value.key == "status.unknown_goal"
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(StatusUpdate)) == 16


async def test_committees_are_matched_within_the_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions() as session:
        found = await committees.match_committees(
            session, await municipality_id(session, nordby), "buu"
        )
        b_buu = await id_of(session, Committee, "buu", nordby)
    assert [c.id for c in found] == [b_buu]


async def test_the_administration_cannot_link_another_municipalitys_committee(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        b_camilla = await actor_of(session, nordby, "camilla")
        a_buu = await id_of(session, Committee, "buu", demo)
        with pytest.raises(NotAllowed) as refused:
            await committees.link_channel(
                session, b_camilla, a_buu, "19:evil@thread.tacv2", None, "https://x/", NOW
            )
    assert refused.value.key == "tilknyt.unknown_committee"
    async with sessions() as session:
        assert (await session.get_one(Committee, a_buu)).channel_id is None


async def test_a_dialogue_is_not_found_from_another_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        a_mette = await actor_of(session, demo, "mette")
        b_mette = await actor_of(session, nordby, "mette")
        started = await progress.start(
            session, a_mette.municipality_id, a_mette.person_id, "a:1", "status", "first", NOW
        )
    async with sessions() as session:
        as_b = await progress.find(session, b_mette.municipality_id, b_mette.person_id, started.id)
        wrong_tenant = await progress.find(
            session, b_mette.municipality_id, a_mette.person_id, started.id
        )
    assert (as_b, wrong_tenant) == (None, None)


async def test_a_digest_holds_only_its_own_municipalitys_goals(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        b_mette = await actor_of(session, nordby, "mette")
        b_goal = await id_of(session, Goal, "boegeskov-skole-trivsel", nordby)
        await record_status(session, b_mette, b_goal, Color.RED, "Kun i Nordby.", None, NOW)
    async with sessions() as session:
        a_buu = await session.get_one(Committee, await id_of(session, Committee, "buu", demo))
        digest = await build_digest(session, a_buu, digest_window(a_buu.digest_schedule, NOW), NOW)
        a_goals = set(
            await session.scalars(
                select(Goal.id).where(Goal.municipality_id == a_buu.municipality_id)
            )
        )
    assert len(digest.goals) == 7
    assert {g.goal.id for g in digest.goals} <= a_goals
    assert digest.municipality_name == "Bøgeskov Kommune"
    assert not any(g.changed for g in digest.goals)


async def test_a_digest_sent_in_one_municipality_does_not_move_the_others_changes(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        b_buu = await session.get_one(Committee, await id_of(session, Committee, "buu", nordby))
        window = digest_window(b_buu.digest_schedule, NOW)
        await claim(session, b_buu, window, NOW)
        await mark_sent(session, b_buu.id, window, "19:nordby@thread.tacv2", None, NOW)
    async with sessions() as session:
        a_buu = await session.get_one(Committee, await id_of(session, Committee, "buu", demo))
        digest = await build_digest(session, a_buu, window, NOW)
    assert digest.since == window.start


async def test_each_municipality_claims_its_own_digest(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    async with sessions.begin() as session:
        outcomes = []
        for org in (demo, nordby):
            row = await session.get_one(Committee, await id_of(session, Committee, "buu", org))
            outcomes.append(await claim(session, row, digest_window(row.digest_schedule, NOW), NOW))
    assert outcomes == [True, True]


async def test_the_same_conversation_id_is_kept_apart_per_municipality(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    seen = ConversationSeen("a:1", "personal", "https://smba.example/", "28:pejling")
    async with sessions.begin() as session:
        for org in (demo, nordby):
            assert await remember(session, await municipality_id(session, org), seen, NOW)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(ConversationRef)) == 2


async def test_a_channel_message_refreshes_only_its_own_municipalitys_committee(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    """Both municipalities link a channel with the same id (it is only unique per tenant)."""
    channel = "19:buu@thread.tacv2"
    async with sessions.begin() as session:
        for org in (demo, nordby):
            camilla = await actor_of(session, org, "camilla")
            buu = await id_of(session, Committee, "buu", org)
            await committees.link_channel(session, camilla, buu, channel, None, "https://old/", NOW)
    seen = ConversationSeen(channel, "channel", "https://new/", "28:pejling", channel_id=channel)
    async with sessions.begin() as session:
        await remember(session, await municipality_id(session, demo), seen, NOW)
    async with sessions() as session:
        a = await session.get_one(Committee, await id_of(session, Committee, "buu", demo))
        b = await session.get_one(Committee, await id_of(session, Committee, "buu", nordby))
    assert (a.channel_service_url, b.channel_service_url) == ("https://new/", "https://old/")


async def test_the_digest_command_never_posts_for_a_municipality_by_accident(
    sessions: Sessions, demo: OrgFile, nordby: OrgFile
) -> None:
    """`pejling digest --committee buu` is refused when two municipalities have a buu;
    `kommune/udvalg` names one of them."""
    async with sessions() as session:
        with pytest.raises(Invalid) as refused:
            await committees.for_digest(session, "buu")
        assert refused.value.key == "cli.udvalg_flertydigt"
        assert "boegeskov/buu" in refused.value.params["names"]
        only = await id_of(session, Committee, "buu", nordby)
        assert await committees.for_digest(session, f"{nordby.municipality.key}/buu") == [only]
        assert len(await committees.for_digest(session, None)) == 6


def test_the_second_municipality_differs_only_in_tenant_and_ids(demo_org: OrgFile) -> None:
    nordby = second_municipality(demo_org)
    assert nordby.municipality.tenant_id != demo_org.municipality.tenant_id
    assert {p.aad_object_id for p in nordby.people}.isdisjoint(
        {p.aad_object_id for p in demo_org.people}
    )
    assert without_identity(nordby) == without_identity(demo_org)


def without_identity(org: OrgFile) -> OrgFile:
    """`org` with its municipality's name, key and tenant and its people's Entra ids blanked."""
    return org.model_copy(
        update={
            "municipality": org.municipality.model_copy(
                update={"key": "", "name": "", "tenant_id": ""}
            ),
            "people": tuple(p.model_copy(update={"aad_object_id": ""}) for p in org.people),
        }
    )
