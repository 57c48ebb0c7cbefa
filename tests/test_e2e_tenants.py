"""Two municipalities in one running Pejling, over HTTP: a person of Nordby (B) who puts
Bøgeskov's (A) ids into card data — every card action there is — changes nothing of A's
and is told so in Danish; typed commands in B never show A's names; and with
`PEJLING_TENANTS` set, a tenant outside the list is refused even though it is in the store.

Nordby is Bøgeskov with its own tenant, and every name changed, so any A name in a reply to
B is a leak.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.devtools.chat.wire import Where, Who
from fakebf import FakeBotFramework, Message
from harness import RunningPejling, card_text, running_pejling
from kort import actions
from store.enums import MatterState, MeetingState, SummaryState
from store.importer import import_org
from store.models import (
    Absence,
    Base,
    Bearing,
    Committee,
    DialogueProgress,
    Goal,
    Matter,
    Meeting,
    MeetingUnit,
    Municipality,
    Period,
    Person,
    Summary,
    Unit,
)
from store.orgfile import OrgFile
from store_helpers import OrgDict, edited, second_municipality

SOON = datetime.now(UTC) + timedelta(days=20)
TEXT_ANSWER = "application/vnd.microsoft.activity.message"


def nordby(org: OrgFile) -> OrgFile:
    """Bøgeskov's structure under another tenant, with no name in common with Bøgeskov."""

    def rename(raw: OrgDict) -> None:
        for kind in ("committees", "departments", "units", "people"):
            for item in raw[kind]:
                item["name"] = f"Nordby-{kind[:-1]} {item['key'].upper()}"
        for unit in raw["units"]:
            for goal in unit.get("goals", []):
                goal["title"] = f"Nordby-mål {goal['key'].upper()}"
        for committee in raw["committees"]:
            for bearing in committee.get("bearings", []):
                bearing["title"] = f"Nordby-pejlemærke {bearing['key'].upper()}"

    return edited(second_municipality(org), rename)


def names_of(org: OrgFile) -> set[str]:
    """Every name and title of `org` that a reply could show."""
    found = {org.municipality.name}
    found |= {c.name for c in org.committees} | {d.name for d in org.departments}
    found |= {u.name for u in org.units} | {p.name for p in org.people}
    found |= {g.title for u in org.units for g in u.goals}
    found |= {b.title for c in org.committees for b in c.bearings}
    return found


@pytest.fixture
async def two_towns(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """Pejling with Bøgeskov (the demo) and Nordby; Bøgeskov has a meeting, a summary, a
    matter, an absence and a dialogue under way, so every kind of id exists."""
    async with running_pejling(fake_bf, tmp_path, demo_org) as pejling:
        async with pejling.runtime.sessions.begin() as session:
            await import_org(session, nordby(demo_org))
        await pejling.say("mette", "status")  # A's dialogue under way
        # The card's message id is written behind the turn; write it now, not mid-test.
        await pejling.runtime.memory.flush(pejling.runtime.sessions)
        await _meeting_and_more(pejling)
        yield pejling


async def _meeting_and_more(pejling: RunningPejling) -> None:
    async with pejling.runtime.sessions.begin() as session:
        town = await session.scalar(select(Municipality.id).where(Municipality.key == "boegeskov"))
        one = await _ids(session, town)
        meeting = Meeting(
            municipality_id=town, committee_id=one[Committee], period_id=one[Period],
            model=3, starts_at=SOON, state=MeetingState.PLANNED,
        )  # fmt: skip
        session.add(meeting)
        await session.flush()
        session.add(MeetingUnit(meeting_id=meeting.id, unit_id=one[Unit]))
        session.add_all(
            [
                Summary(municipality_id=town, meeting_id=meeting.id, state=SummaryState.COMMENTS),
                Matter(
                    municipality_id=town, committee_id=one[Committee], meeting_id=meeting.id,
                    title="Legeplads", state=MatterState.OPEN,
                ),
                Absence(
                    municipality_id=town, person_id=one[Person], starts_on=SOON.date(),
                    ends_on=SOON.date() + timedelta(days=3),
                ),
            ]
        )  # fmt: skip


async def _ids(session: Any, town: int) -> dict[Any, int]:
    """The first row of each kind in municipality `town`."""
    found = {}
    for model in (Committee, Period, Unit, Person):
        query = select(model.id).where(model.municipality_id == town).order_by(model.id)
        found[model] = int((await session.scalars(query)).first())
    return found


async def a_ids(pejling: RunningPejling) -> dict[str, Any]:
    """Bøgeskov's ids, as a forger would put them into card data."""
    async with pejling.runtime.sessions() as session:
        town = await session.scalar(select(Municipality.id).where(Municipality.key == "boegeskov"))

        async def first(model: Any, *where: Any) -> Any:
            query = select(model.id).where(model.municipality_id == town, *where)
            return (await session.scalars(query.order_by(model.id))).first()

        return {
            "goal": await first(Goal),
            "progress": await first(DialogueProgress),
            "meeting": await first(Meeting),
            "summary": await first(Summary),
            "matter": await first(Matter),
            "bearing": await first(Bearing),
            "absence": await first(Absence),
            "unit": await first(Unit),
            "person": await first(Person),
        }


def forged_data(action: str, a: dict[str, Any]) -> dict[str, Any]:
    """Card data for `action` naming Bøgeskov's rows, with whatever inputs it takes."""
    return {
        "action": action,
        "progress": a["progress"], "step": "goal", "field": "title",
        "goal": a["goal"], "revision": 1, "comment": "Overtaget.",
        f"goal_{a['goal']}": "true", "meeting_date": "2026-12-01",
        "meeting": a["meeting"], "unit": a["unit"],
        "summary": a["summary"], "matter": a["matter"],
        "decision": "Vedtaget.", "decided_on": "2026-12-01",
        "bearings": str(a["bearing"]), "absence": a["absence"],
        "color": "green", "narrative": "Overtaget.",
        "kind": "midway", "key": f"goal:status:x:remind:{a['goal']}", "days": 1,
        "person": a["person"], "role": "unit_leader", "scope": f"u{a['unit']}",
    }  # fmt: skip


async def snapshot(pejling: RunningPejling, key: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of municipality `key`, table by table, in a comparable form."""
    async with pejling.runtime.sessions() as session:
        town = await session.scalar(select(Municipality.id).where(Municipality.key == key))
        found = {}
        for table in Base.metadata.sorted_tables:
            if "municipality_id" not in table.c:
                continue
            query = select(table).where(table.c.municipality_id == town)
            found[table.name] = sorted(tuple(map(repr, r)) for r in await session.execute(query))
        return found


def nordby_who(pejling: RunningPejling, key: str) -> tuple[Who, Where]:
    person = pejling.org.find_person(key)
    assert person is not None
    who = Who(f"29:nordby-{key}", f"Nordby {key}", "nordby-" + person.aad_object_id)
    return who, Where.personal("t-nordby", who)


def shown_text(body: Any, messages: list[Message]) -> str:
    """Everything B saw: the invoke answer and any messages."""
    parts = [str(body)]
    for message in messages:
        parts.append(message.text or "")
        parts += [card_text(card) for card in message.cards]
    return "\n".join(parts)


@pytest.mark.parametrize("person", ["mette", "henrik", "camilla"])
async def test_card_data_naming_another_municipalitys_rows_changes_nothing_there(
    two_towns: RunningPejling, person: str
) -> None:
    """Every card action, by a leader, a department head and the administration of B."""
    pejling = two_towns
    a = await a_ids(pejling)
    before = await snapshot(pejling, "boegeskov")
    who, where = nordby_who(pejling, person)
    leaks = {}

    for action in sorted(actions.ALL):
        seen = len(pejling.fake.messages_in(where.conversation_id))
        status, body = await pejling.post(
            pejling.wire.execute(who, where, forged_data(action, a), "1")
        )
        assert status == 200, action
        shown = shown_text(body, pejling.fake.messages_in(where.conversation_id)[seen:])
        leaks[action] = {name for name in names_of(pejling.org) if name in shown}

    assert await snapshot(pejling, "boegeskov") == before
    assert {action: names for action, names in leaks.items() if names} == {}


# The actions whose data names a row; each must be refused in words, as a text answer.
NAMING_A_ROW = (
    actions.CHOOSE_GOAL, actions.ANSWER, actions.EDIT_FIELD, actions.RESUME, actions.SHOW_GOAL,
    actions.EDIT_GOAL, actions.APPROVE_GOAL, actions.RETURN_GOAL, actions.SHOW_MEETING,
    actions.EDIT_MEETING, actions.CANCEL_MEETING, actions.PREPARE, actions.SEND_PACK,
    actions.SEND_SUMMARY, actions.COMMENT_SUMMARY, actions.APPROVE_SUMMARY,
    actions.DECIDE_MATTER, actions.START_EVALUATION, actions.SNOOZE, actions.GRANT_ROLE,
    actions.REMOVE_ROLE, actions.EDIT_MATTER, actions.SAVE_MATTER,
)  # fmt: skip
# Words of the Danish refusals: unknown, not found, not yours, no longer active.
REFUSALS = ("kender jeg ikke", "ikke finde", "findes ikke", "ikke aktivt", "hører ikke",
            "kan ikke", "ikke længere", "Kun ", "må ikke", "ikke til", "står ikke som")  # fmt: skip


async def test_an_id_of_another_municipality_gets_a_danish_refusal(
    two_towns: RunningPejling,
) -> None:
    """Asked as Nordby's administration, who may do most things in Nordby: the refusal is
    about the row, not the role."""
    pejling = two_towns
    who, where = nordby_who(pejling, "camilla")
    a = await a_ids(pejling)
    answers = {}

    for action in NAMING_A_ROW:
        _, body = await pejling.post(pejling.wire.execute(who, where, forged_data(action, a), "1"))
        answers[action] = body.get("value") if body.get("type") == TEXT_ANSWER else body

    refused = {k: v for k, v in answers.items() if isinstance(v, str) and _refusal(v)}
    assert answers == refused


def _refusal(text: str) -> bool:
    return any(word in text for word in REFUSALS)


TYPED = ("status", "mine mål", "til godkendelse", "dialogmøder", "pejlemærker", "sager",
         "årshjul", "mit fravær", "hjælp", "fortsæt", "referat", "forbered", "midtvejs",
         "slutrapport", "nyt dialogmøde", "fravær", "roller", "annullér")  # fmt: skip


@pytest.mark.parametrize("person", ["mette", "henrik", "camilla", "jens"])
async def test_typed_commands_in_one_municipality_never_show_the_others_names(
    two_towns: RunningPejling, person: str
) -> None:
    pejling = two_towns
    who, where = nordby_who(pejling, person)

    for command in TYPED:
        await pejling.post(pejling.wire.message(who, where, command))

    shown = shown_text(None, pejling.fake.messages_in(where.conversation_id))
    assert len(pejling.fake.messages_in(where.conversation_id)) >= len(TYPED)
    assert "Nordby-" in shown  # B's own names are shown: B is known, and served
    assert {name for name in names_of(pejling.org) if name in shown} == set()


async def test_a_tenant_outside_pejling_tenants_is_refused_though_it_is_in_the_store(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    allowed = frozenset({"t-nordby"})
    async with running_pejling(fake_bf, tmp_path, demo_org, tenants=allowed) as pejling:
        before = await snapshot(pejling, "boegeskov")

        [answer] = await pejling.say("mette", "status")

        assert "ikke sat op" in answer.text
        assert await snapshot(pejling, "boegeskov") == before


async def test_a_tenant_in_pejling_tenants_is_served(
    fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    allowed = frozenset({demo_org.municipality.tenant_id})
    async with running_pejling(fake_bf, tmp_path, demo_org, tenants=allowed) as pejling:
        [goal_list] = await pejling.say("mette", "status")

        assert goal_list.cards


def test_pejling_tenants_is_read_as_a_comma_separated_list() -> None:
    from bot.settings import from_environment

    assert from_environment({"PEJLING_TENANTS": " a , b,,"}).tenants == frozenset({"a", "b"})
    assert from_environment({"PEJLING_TENANTS": ""}).tenants is None
    assert from_environment({}).tenants is None
