"""Out of office: who may register whose absence, valid dates and deputies, overlapping
absences, ending early, and the deputy who reports for the absent leader's units on the
days of the absence, and only then."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store import absences as absences_store
from store.enums import Color, Role
from store.errors import DomainError, Invalid, NotAllowed
from store.importer import import_org
from store.models import Absence, Goal, Person, StatusUpdate, Unit
from store.orgfile import OrgFile
from store.people import identify
from store.status import goals_of_leader, record_status
from store.views import Actor, RoleView
from store_helpers import NOW, TODAY, Sessions, id_of, municipality_id, second_municipality

MON, TUE, WED, FRI = (TODAY + timedelta(days=n) for n in (1, 2, 3, 5))  # TODAY is a Sunday


@contextmanager
def refused(kind: type[DomainError], key: str) -> Iterator[None]:
    """The block is refused with `kind` and the catalogue key `key`."""
    with pytest.raises(kind) as caught:
        yield
    assert caught.value.key == key


async def actor_on(session: AsyncSession, org: OrgFile, key: str, on: date = TODAY) -> Actor:
    """The person `key` as a turn on the Danish date `on` builds them."""
    person = org.find_person(key)
    assert person is not None
    found = await identify(session, org.municipality.tenant_id, person.aad_object_id, on)
    assert found.actor is not None
    return found.actor


async def person(session: AsyncSession, org: OrgFile, key: str) -> int:
    return await id_of(session, Person, key, org)


Days = tuple[date, date]


async def register(
    sessions: Sessions, org: OrgFile, by: str, away: str, days: Days, deputy: str | None
) -> absences_store.Registered:
    async with sessions.begin() as session:
        actor = await actor_on(session, org, by)
        deputy_id = await person(session, org, deputy) if deputy else None
        absent = await person(session, org, away)
        return await absences_store.register(session, actor, absent, *days, deputy_id, NOW)


async def rows(sessions: Sessions, org: OrgFile, key: str) -> list[tuple[date, date, int | None]]:
    async with sessions() as session:
        found = await session.execute(
            select(Absence.starts_on, Absence.ends_on, Absence.deputy_id)
            .where(Absence.person_id == await person(session, org, key))
            .order_by(Absence.starts_on)
        )
        return [tuple(row) for row in found]  # type: ignore[misc]


# Registering


async def test_a_leader_registers_their_own_absence_with_a_deputy(
    sessions: Sessions, demo: OrgFile
) -> None:
    done = await register(sessions, demo, "mette", "mette", (MON, FRI), "jonas")
    assert (done.absence.person_name, done.absence.deputy_name) == ("Mette Kjærgaard", "Jonas Bach")
    assert (done.absence.starts_on, done.absence.ends_on) == (MON, FRI)
    assert done.replaced == () and done.former_deputies == ()
    async with sessions() as session:
        mette = await absences_store.absences_of(
            session, await actor_on(session, demo, "mette"), TODAY
        )
        jonas = await absences_store.absences_of(
            session, await actor_on(session, demo, "jonas"), TODAY
        )
    assert [a.id for a in mette.own] == [done.absence.id] and mette.standing_in == ()
    assert jonas.own == () and [a.person_name for a in jonas.standing_in] == ["Mette Kjærgaard"]


async def test_out_of_office_without_a_deputy_is_allowed(sessions: Sessions, demo: OrgFile) -> None:
    done = await register(sessions, demo, "lise", "lise", (MON, MON), None)
    assert done.absence.deputy_id is None and done.absence.deputy_name is None


async def test_an_absence_that_began_already_can_be_registered_until_it_ends(
    sessions: Sessions, demo: OrgFile
) -> None:
    began = TODAY - timedelta(days=3)
    done = await register(sessions, demo, "mette", "mette", (began, TODAY), None)
    assert done.absence.covers(TODAY)


@pytest.mark.parametrize(
    ("days", "key"),
    [
        ((FRI, MON), "fravaer.slut_foer_start"),
        ((TODAY - timedelta(days=5), TODAY - timedelta(days=1)), "fravaer.forbi"),
        ((TODAY + timedelta(days=366), TODAY + timedelta(days=370)), "fravaer.for_langt_ude"),
        ((MON, MON + timedelta(days=366)), "fravaer.for_lang"),
    ],
    ids=["end-before-start", "in-the-past", "too-far-ahead", "too-long"],
)
def test_dates_that_make_no_absence_are_refused(days: tuple[date, date], key: str) -> None:
    """The rule itself (absences.check_dates), without a database."""
    with pytest.raises(Invalid) as refused:
        absences_store.check_dates(*days, absences_store.today_in_denmark(NOW))
    assert refused.value.key == key


async def test_a_refused_registration_stores_nothing(sessions: Sessions, demo: OrgFile) -> None:
    """Registering applies the rule before it writes, on both databases."""
    with pytest.raises(Invalid) as refused:
        await register(sessions, demo, "mette", "mette", (FRI, MON), "jonas")
    assert refused.value.key == "fravaer.slut_foer_start"
    assert await rows(sessions, demo, "mette") == []


async def test_the_absent_person_cannot_be_their_own_deputy(
    sessions: Sessions, demo: OrgFile
) -> None:
    with refused(Invalid, "fravaer.ikke_sig_selv"):
        await register(sessions, demo, "mette", "mette", (MON, FRI), "mette")


async def test_a_deputy_from_another_municipality_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    nordby = second_municipality(demo)
    async with sessions.begin() as session:
        await import_org(session, nordby)
    async with sessions.begin() as session:
        mette = await actor_on(session, demo, "mette")
        stranger = await id_of(session, Person, "jonas", nordby)
        with refused(NotAllowed, "fravaer.ukendt_stedfortraeder"):
            await absences_store.register(session, mette, mette.person_id, MON, FRI, stranger, NOW)


async def test_a_deputy_who_is_away_on_one_of_the_days_is_refused(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "jonas", "jonas", (FRI, FRI + timedelta(days=2)), None)
    with pytest.raises(Invalid) as refused:
        await register(sessions, demo, "mette", "mette", (MON, FRI), "jonas")
    assert refused.value.params == {"name": "Jonas Bach", "starts": FRI, "ends": FRI + timedelta(2)}
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")  # before he goes


# Who may register whose absence


@pytest.mark.parametrize(
    ("by", "away", "allowed"),
    [
        ("camilla", "karin", True),  # the administration: anyone
        ("henrik", "mette", True),  # a department head: the leaders of the department's units
        ("henrik", "karin", False),  # … not of another department
        ("jonas", "mette", False),  # a colleague: no
        ("jens", "mette", False),  # a politician: no
    ],
)
async def test_who_may_register_an_absence_for_someone_else(
    sessions: Sessions, demo: OrgFile, by: str, away: str, allowed: bool
) -> None:
    if allowed:
        done = await register(sessions, demo, by, away, (MON, FRI), None)
        async with sessions() as session:
            assert done.absence.person_id == await person(session, demo, away)
        return
    with refused(NotAllowed, "fravaer.ikke_tilladt"):
        await register(sessions, demo, by, away, (MON, FRI), None)


async def test_sensible_deputies_are_the_department_head_then_the_departments_leaders(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions() as session:
        everyone = await absences_store.colleagues(session, await municipality_id(session, demo))
        mette = await person(session, demo, "mette")
    names = [c.name for c in absences_store.candidates(everyone, mette)]
    assert names == ["Henrik Lund", "Jonas Bach", "Lise Holm", "Sara Nielsen"]
    sara = next(c for c in everyone if c.name == "Sara Nielsen")
    assert set(sara.units) == {"Vuggestuen Solsikken", "Børnehaven Troldehøj"}


# Overlapping absences


async def test_an_overlapping_absence_with_the_same_deputy_is_merged(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")
    done = await register(sessions, demo, "mette", "mette", (TUE, FRI), "jonas")
    async with sessions() as session:
        jonas = await person(session, demo, "jonas")
    assert await rows(sessions, demo, "mette") == [(MON, FRI, jonas)]
    assert len(done.replaced) == 1 and done.former_deputies == ()


async def test_adjoining_days_with_the_same_deputy_become_one_absence(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, TUE), None)
    await register(sessions, demo, "mette", "mette", (WED, FRI), None)
    assert await rows(sessions, demo, "mette") == [(MON, FRI, None)]


async def test_a_new_deputy_takes_over_only_the_days_of_the_new_absence(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, FRI), "jonas")
    done = await register(sessions, demo, "mette", "mette", (TUE, WED), "lise")
    async with sessions() as session:
        jonas, lise = await person(session, demo, "jonas"), await person(session, demo, "lise")
    thursday = WED + timedelta(days=1)
    assert await rows(sessions, demo, "mette") == [
        (MON, MON, jonas),
        (TUE, WED, lise),
        (thursday, FRI, jonas),
    ]
    assert done.former_deputies == (jonas,)
    assert [(a.starts_on, a.ends_on) for a in done.remaining] == [(MON, MON), (thursday, FRI)]


# Ending early


async def test_back_early_ends_the_absence_yesterday_and_a_coming_one_is_cancelled(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (TODAY - timedelta(days=2), FRI), "jonas")
    await register(sessions, demo, "mette", "mette", (FRI + timedelta(days=7),) * 2, None)
    async with sessions.begin() as session:
        mette = await actor_on(session, demo, "mette")
        back = await absences_store.end_own(session, mette, NOW)
        assert back is not None and back.after is not None
        assert back.after.ends_on == TODAY - timedelta(days=1)
        cancelled = await absences_store.end_own(session, mette, NOW)
        assert cancelled is not None and cancelled.after is None
        assert await absences_store.end_own(session, mette, NOW) is None
    assert [r[:2] for r in await rows(sessions, demo, "mette")] == [
        (TODAY - timedelta(days=2), TODAY - timedelta(days=1))
    ]


async def test_an_absence_that_is_over_cannot_be_ended(sessions: Sessions, demo: OrgFile) -> None:
    done = await register(sessions, demo, "mette", "mette", (TODAY, TODAY), None)
    later = NOW + timedelta(days=2)
    async with sessions.begin() as session:
        mette = await actor_on(session, demo, "mette")
        with refused(Invalid, "fravaer.allerede_slut"):
            await absences_store.end(session, mette, done.absence.id, later)


# What the reminders ask


async def test_away_names_who_is_away_on_a_day_and_their_deputy(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")
    await register(sessions, demo, "lise", "lise", (TUE, FRI), None)
    async with sessions() as session:
        m = await municipality_id(session, demo)
        mette, jonas, lise, sara = [
            await person(session, demo, k) for k in ("mette", "jonas", "lise", "sara")
        ]
        everyone = [mette, lise, sara]
        assert await absences_store.away(session, m, everyone, TUE) == {mette: jonas, lise: None}
        assert await absences_store.away(session, m, everyone, MON) == {mette: jonas}
        assert await absences_store.away(session, m, [mette, lise], TODAY) == {}
        assert await absences_store.away(session, m, [], TUE) == {}


async def test_deputising_gives_the_absent_leaders_units_on_the_days_only(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")
    await register(sessions, demo, "sara", "sara", (TUE, TUE), "jonas")
    async with sessions() as session:
        m = await municipality_id(session, demo)
        jonas = await person(session, demo, "jonas")
        skole = await id_of(session, Unit, "boegeskov-skole", demo)
        saras = {await id_of(session, Unit, k, demo) for k in ("solsikken", "troldehoej")}
        assert await absences_store.deputising(session, m, jonas, MON) == {skole}
        assert await absences_store.deputising(session, m, jonas, TUE) == {skole} | saras
        assert await absences_store.deputising(session, m, jonas, FRI) == frozenset()
        lise = await person(session, demo, "lise")
        assert await absences_store.deputising(session, m, lise, TUE) == frozenset()


# The deputy reports


async def test_the_deputy_holds_the_absent_leaders_unit_for_the_day_marked_as_deputy(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")
    async with sessions() as session:
        jonas = await actor_on(session, demo, "jonas", TUE)
        mette_id = await person(session, demo, "mette")
        skole = await id_of(session, Unit, "boegeskov-skole", demo)
        engholm = await id_of(session, Unit, "engholm-skole", demo)
    assert RoleView(Role.UNIT_LEADER, skole, deputy_for=mette_id) in jonas.roles
    assert jonas.led_unit_ids == {skole, engholm}
    assert jonas.own_roles == (RoleView(Role.UNIT_LEADER, engholm),)
    assert (jonas.deputy_for(skole), jonas.deputy_for(engholm)) == (mette_id, None)
    assert not jonas.approves_goals


async def test_a_deputy_reports_status_for_the_absent_leaders_unit_and_it_says_who(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")
    async with sessions.begin() as session:
        jonas = await actor_on(session, demo, "jonas", TUE)
        titles = [g.title for g in await goals_of_leader(session, jonas, TUE)]
        assert "Flere elever trives i frikvartererne" in titles
        goal_id = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        at = datetime(2026, 11, 24, 9, 0, tzinfo=NOW.tzinfo)
        _, saved = await record_status(
            session, jonas, goal_id, Color.GREEN, "Legepatruljen kører.", None, at
        )
    assert (saved.reported_by, saved.deputy_for) == ("Jonas Bach", "Mette Kjærgaard")
    async with sessions() as session:
        row = await session.scalar(select(StatusUpdate).where(StatusUpdate.reported_at == at))
        assert row is not None and row.reported_by == jonas.person_id
        mette = await actor_on(session, demo, "mette", TUE)
        trivsel = next(g for g in await goals_of_leader(session, mette, TUE) if g.id == goal_id)
    assert trivsel.latest is not None
    assert (trivsel.latest.color, trivsel.latest.reported_by) == (Color.GREEN, "Jonas Bach")


async def test_a_deputy_whose_window_is_over_cannot_report(
    sessions: Sessions, demo: OrgFile
) -> None:
    await register(sessions, demo, "mette", "mette", (MON, WED), "jonas")
    async with sessions.begin() as session:
        jonas = await actor_on(session, demo, "jonas", FRI)
        goal_id = await id_of(session, Goal, "boegeskov-skole-trivsel", demo)
        assert jonas.deputy_for(await id_of(session, Unit, "boegeskov-skole", demo)) is None
        with refused(NotAllowed, "status.not_your_goal"):
            await record_status(session, jonas, goal_id, Color.RED, "For sent.", None, NOW)


async def test_the_deputy_cannot_change_or_end_the_absent_leaders_absence(
    sessions: Sessions, demo: OrgFile
) -> None:
    done = await register(sessions, demo, "mette", "mette", (TODAY, WED), "jonas")
    async with sessions.begin() as session:
        jonas = await actor_on(session, demo, "jonas", TODAY)
        assert jonas.deputy_for(await id_of(session, Unit, "boegeskov-skole", demo))
        with refused(NotAllowed, "fravaer.ikke_tilladt"):
            await absences_store.end(session, jonas, done.absence.id, NOW)
        with refused(NotAllowed, "fravaer.ikke_tilladt"):
            await absences_store.register(
                session, jonas, done.absence.person_id, TODAY, FRI, None, NOW
            )
