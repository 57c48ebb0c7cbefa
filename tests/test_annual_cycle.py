"""The year (årshjul): what is due when, from the profile's cycle, the period, the
dialogue meetings and the digest schedules — as a person and a committee meet it."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from cardcheck import schema_errors
from chatkit import chat_with
from clikit import pejling_in_process
from harness import DEMO_FILE, card_text, pejling_command
from kort.annual_cycle import item_line, year_card
from kort.catalogue import texts
from meetingkit import plan_meeting
from store import annual_cycle
from store.annual_cycle import goal_items, window_from
from store.dates import LOCAL_TIME
from store.models import Committee
from store.orgfile import OrgFile
from store.profiles import municipal, profile
from store.views import ItemKind
from store_helpers import Sessions, actor_of, imported, with_profile

T = texts("da")
HVIDOVRE = profile("hvidovre").cycle
JAMMERBUGT = profile("jammerbugt").cycle
ELECTION = SimpleNamespace(starts_on=date(2026, 1, 1), ends_on=date(2029, 12, 31))
AGREEMENT = SimpleNamespace(starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))


def kinds(items: list[annual_cycle.CycleItem]) -> list[tuple[date, ItemKind]]:
    return [(item.on, item.kind) for item in items]


def test_a_year_of_hvidovres_election_period_has_status_days_and_drafting_and_no_midway() -> None:
    """000 knows no midway evaluation: Hvidovre's year has none."""
    items = goal_items(HVIDOVRE, ELECTION, window_from(date(2027, 1, 1)))

    assert kinds(items) == [
        (date(2027, 3, 15), ItemKind.STATUS),
        (date(2027, 6, 15), ItemKind.STATUS),
        (date(2027, 9, 15), ItemKind.STATUS),
        (date(2027, 10, 1), ItemKind.DRAFTING),
        (date(2027, 11, 15), ItemKind.STATUS),
    ]
    assert next(i for i in items if i.kind is ItemKind.DRAFTING).until == date(2027, 12, 15)


def test_a_municipality_that_gives_itself_a_midway_day_has_it_in_its_year() -> None:
    """Bøgeskov works by Hvidovre's profile and holds a midway evaluation on 30 June."""
    own = municipal("hvidovre", "06-30").cycle
    items = goal_items(own, ELECTION, window_from(date(2027, 1, 1)))

    assert (date(2027, 6, 30), ItemKind.MIDWAY) in kinds(items)
    assert [i.on for i in items if i.kind is ItemKind.MIDWAY] == [date(2027, 6, 30)]


def test_the_final_report_falls_in_the_first_quarter_after_the_period() -> None:
    items = goal_items(JAMMERBUGT, AGREEMENT, window_from(date(2027, 11, 1)))

    assert (date(2028, 3, 31), ItemKind.FINAL_REPORT) in kinds(items)
    assert all(item.on <= AGREEMENT.ends_on for item in items if item.kind is ItemKind.STATUS)


def test_drafting_under_way_is_shown_from_today_until_it_closes() -> None:
    items = goal_items(HVIDOVRE, ELECTION, window_from(date(2026, 11, 22)))

    [drafting] = [i for i in items if i.kind is ItemKind.DRAFTING and i.on.year == 2026]
    assert (drafting.on, drafting.until) == (date(2026, 11, 22), date(2026, 12, 15))


def test_a_digest_keeps_its_danish_hour_across_daylight_saving() -> None:
    committee = Committee(name="Børne- og Uddannelsesudvalget", digest_schedule="0 7 1-7 * mon")

    items = annual_cycle.digest_items(committee, window_from(date(2027, 1, 1)))

    assert len(items) == 12  # the first Monday of every month
    assert {item.at.astimezone(LOCAL_TIME).hour for item in items if item.at} == {7}
    utc_hours = {item.at.astimezone(UTC).hour for item in items if item.at}
    assert utc_hours == {5, 6}  # summer time and winter time


async def test_a_leader_sees_her_goals_year_and_her_meetings(
    sessions: Sessions, demo: object
) -> None:
    await plan_meeting(sessions, demo, "maelkeboetten")
    async with sessions() as session:
        lise = await actor_of(session, demo, "lise")
        items = await annual_cycle.for_person(session, lise, date(2026, 11, 22))

    found = {item.kind for item in items}
    assert {ItemKind.STATUS, ItemKind.MIDWAY, ItemKind.DRAFTING, ItemKind.MEETING} <= found
    assert ItemKind.DIGEST not in found  # a leader does not get the committee's digest
    assert items == sorted(items, key=lambda i: i.on)


async def test_a_department_head_sees_the_evaluations_not_the_status_days(
    sessions: Sessions, demo: object
) -> None:
    async with sessions() as session:
        henrik = await actor_of(session, demo, "henrik")
        items = await annual_cycle.for_person(session, henrik, date(2027, 1, 1))

    assert {item.kind for item in items} == {ItemKind.MIDWAY}


async def test_a_politician_sees_the_committees_digests_and_meetings(
    sessions: Sessions, demo: object
) -> None:
    await plan_meeting(sessions, demo, "maelkeboetten")
    async with sessions() as session:
        jens = await actor_of(session, demo, "jens")
        items = await annual_cycle.for_person(session, jens, date(2026, 11, 22))

    assert {item.kind for item in items} == {ItemKind.DIGEST, ItemKind.MEETING}
    assert {item.about for item in items} == {"Børne- og Uddannelsesudvalget"}


async def test_without_goals_the_year_is_meetings_and_digests(
    sessions: Sessions, demo: object
) -> None:
    await imported(sessions, with_profile(demo, "dragoer"))
    async with sessions() as session:
        mette = await actor_of(session, demo, "mette")
        camilla = await actor_of(session, demo, "camilla")
        assert await annual_cycle.for_person(session, mette, date(2027, 1, 1)) == []
        items = await annual_cycle.for_person(session, camilla, date(2027, 1, 1))

    assert {item.kind for item in items} == {ItemKind.DIGEST}


async def test_a_committees_year_has_its_digests_meetings_and_status_days(
    sessions: Sessions, demo: object
) -> None:
    await plan_meeting(sessions, demo, "maelkeboetten")
    async with sessions() as session:
        buu = await session.scalar(select(Committee).where(Committee.key == "buu"))
        items = await annual_cycle.for_committee(session, buu, date(2026, 11, 22))

    assert {item.kind for item in items} == {ItemKind.DIGEST, ItemKind.MEETING, ItemKind.STATUS}


def test_the_year_card_lists_the_months_in_danish() -> None:
    items = goal_items(HVIDOVRE, ELECTION, window_from(date(2027, 1, 1)))

    built = year_card(items, T("aarshjul.titel", name="Mette"), T)

    assert schema_errors(built) == []
    assert item_line(items[0], T) == "mandag 15. marts 2027 – Statusmelding på målene"
    assert "marts 2027" in card_text(built)


async def test_pejling_aarshjul_prints_a_persons_year(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}"
    assert (await pejling_in_process(url, "import", str(DEMO_FILE)))[0] == 0

    code, out, _ = await pejling_command(url, "årshjul", "--som", "mette", "--fra", "2027-01-01")

    assert code == 0
    assert out.splitlines()[:2] == [
        "Årshjul for Mette Kjærgaard",
        "mandag 15. marts 2027 – Statusmelding på målene",
    ]
    assert (await pejling_in_process(url, "årshjul", "--som", "ingen-sådan"))[0] == 2


async def test_typing_aarshjul_shows_the_persons_year_as_a_card(
    sessions: Sessions, demo: OrgFile
) -> None:
    chat = await chat_with(sessions, demo)

    result = await chat.say("mette", "årshjul")

    [card] = [reply.card for reply in result.replies if reply.card]
    assert "Årshjul for Mette Kjærgaard" in card_text(card)
    assert "Statusmelding på målene" in card_text(card)
    assert schema_errors(card) == []
