"""`pejling tidsrejse`: the demo municipality's year, with the clock moved a tick at a time.

A fresh database gets the demo organisation; everyone has opened Pejling (their chats
and the committees' channels lead to a local stand-in for Teams, which records what
arrives). Then the clock runs through the year: on each tick the outbox plans and sends
what is due, exactly as the server's scheduler does, and simulated leaders answer their
reminders as real ones might — Mette at once, Jonas when nudged, Sara after putting it
off three days, Lise never (so her department head is told). Mette is away around
midsummer with Jonas as her deputy.

At the end the run checks what a leader would notice: no message twice, none after the
work was done, none on a weekend, a public holiday or a closed day, every reminder at
08:00 Danish time (also across the daylight-saving changes), and nothing sent that did
not arrive. With `--instanser 2` two senders tick side by side on one database.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import outbox as outbox_edge
from bot.app import Runtime
from bot.devtools.chat.connector import Connector as LocalTeams
from store import absences, committees, conversations, evaluations, goals, people
from store import reminders as reminders_store
from store.conversations import ConversationSeen
from store.dates import LOCAL_TIME
from store.enums import Color, EvaluationKind, GoalState, Role
from store.goalviews import EvaluationContent, GoalContent
from store.importer import import_org
from store.models import Committee, Goal, GoalBearing, Period, Person, RoleAssignment, Unit
from store.orgfile import OrgFile, parse_org
from store.outbox import Kind
from store.profiles import Template, profile
from store.reminderviews import Reminder, Stage
from store.status import record_status
from store.views import Actor, ItemKind
from store.working_days import is_working_day

# The moments of a day the clock stops at: digests go at 07:00, reminders at 08:00, and
# the simulated leaders do their work at 10:00.
TICKS = (time(7, 0), time(8, 0), time(10, 0), time(16, 0))
WORK_AT = time(10, 0)
ON_PLAN = "Det går efter planen."
NEW_POST = "ny post i "  # how the recorder names a new post in a channel
THREAD = "sim-post-"  # and the thread the post opens
# How the demo's leaders answer a reminder; anyone not named does it the same day.
RIGHT_AWAY, WHEN_NUDGED, SNOOZES, NEVER = "straks", "ved rykker", "udsætter", "aldrig"
PERSONAS = {"jonas": WHEN_NUDGED, "sara": SNOOZES, "lise": NEVER}
# Mette is away from 20 June to 10 July (of the run's first summer), Jonas stands in:
# the midway evaluation's reminder reaches him for her school.
ABSENCE = ("mette", "jonas", (6, 20), (7, 10))


def as_profile(org: OrgFile, key: str, start: date) -> OrgFile:
    """The demo municipality run by the profile `key`. For Jammerbugt, whose agreements
    run a year at a time, the file holds the agreement year `start` falls in and the two
    after it, with the committees' bearings for each year; the demo's goals are for the
    first year."""
    raw = org.model_dump(mode="json")
    raw["municipality"]["profile"] = key
    if key == "jammerbugt":
        years = [start.year + n for n in range(3)]
        raw["period"] = None
        raw["periods"] = [_agreement_year(year) for year in years]
        first = raw["periods"][0]["key"]
        for committee in raw["committees"]:
            committee["bearings"] = [
                {**bearing, "key": _yearly(bearing["key"], year, years[0]),
                 "period": _agreement_year(year)["key"]}
                for year in years for bearing in committee["bearings"]
            ]  # fmt: skip
        for unit in raw["units"]:
            for goal in unit["goals"]:
                goal["period"] = first
    return parse_org(raw)


def _agreement_year(year: int) -> dict[str, Any]:
    return {"key": f"aftaleaar-{year}", "name": f"Aftaleåret {year}", "kind": "agreement",
            "starts": f"{year}-01-01", "ends": f"{year}-12-31"}  # fmt: skip


def _yearly(key: str, year: int, first: int) -> str:
    """The first year's bearings keep their keys (goals name them); later ones are new."""
    return key if year == first else f"{key}-{year}"


class Recorder:
    """The local Teams: every message that arrives, with the simulated moment."""

    def __init__(self) -> None:
        self.now = datetime.min
        self.arrived: list[tuple[datetime, str, dict[str, Any]]] = []
        self.opened: set[tuple[datetime, str]] = set()  # (moment, thread) of each new post
        self._next = 0

    def create_conversation(self, body: dict[str, Any]) -> tuple[int, Any]:
        channel = (body.get("channelData") or {}).get("channel") or {}
        where = f"{NEW_POST}{channel.get('id', '')}"
        self.arrived.append((self.now, where, body.get("activity", {})))
        thread = f"{THREAD}{self._id()}"
        self.opened.add((self.now, thread))
        return 201, {"id": thread, "activityId": self._id()}

    def channel_deliveries(self) -> int:
        """Messages that reached a channel: each new post, and each run of replies in a
        thread at a moment its post was not opened (a digest replying in the thread of its
        meeting period's first digest)."""
        replies = {(at, conv) for at, conv, _ in self.arrived if conv.startswith(THREAD)}
        return len(self.opened) + len(replies - self.opened)

    def post_activity(
        self, conversation_id: str, activity: dict[str, Any], reply_to_id: str | None
    ) -> tuple[int, Any]:
        self.arrived.append((self.now, conversation_id, activity))
        return 201, {"id": self._id()}

    def update_activity(self, conversation_id: str, activity_id: str, activity: Any) -> Any:
        return 200, {"id": activity_id}

    def delete_activity(self, conversation_id: str, activity_id: str) -> tuple[int, Any]:
        return 200, {}

    def members(self, conversation_id: str) -> tuple[int, Any]:
        return 200, []

    def member(self, conversation_id: str, member_id: str) -> tuple[int, Any]:
        return 404, {}

    def paged_members(self, conversation_id: str) -> tuple[int, Any]:
        return 200, {"members": []}

    def team(self, team_id: str) -> tuple[int, Any]:
        return 404, {}

    def team_channels(self, team_id: str) -> tuple[int, Any]:
        return 200, {"conversations": []}

    def unknown_route(self, method: str, path: str) -> None:
        raise RuntimeError(f"the run called {method} {path}, which Teams does not have")

    def _id(self) -> str:
        self._next += 1
        return str(self._next)


@dataclass
class Run:
    """What happened: every outbox result with its moment, and when work was done."""

    sent: list[tuple[datetime, outbox_edge.Result]] = field(default_factory=list)
    done: dict[tuple[int, str, str], datetime] = field(default_factory=dict)
    actions: list[tuple[datetime, int, str, Reminder]] = field(default_factory=list)
    keys: dict[int, str] = field(default_factory=dict)


def moments(start: date, days: int) -> Iterator[datetime]:
    for offset in range(days):
        day = start + timedelta(days=offset)
        for at in TICKS:
            yield datetime.combine(day, at, tzinfo=LOCAL_TIME)


async def prepare(runtime: Runtime, org: OrgFile, service_url: str, start: datetime) -> Run:
    """The demo imported, everyone's chat and every committee's channel known to Pejling,
    and Mette's July absence registered."""
    run = Run()
    async with runtime.sessions.begin() as session:
        await import_org(session, org)
        municipality_id = await _open_chats(session, runtime, service_url, start, run)
        await _link_channels(session, municipality_id, service_url, start)
        await _register_absence(session, run, start)
    return run


async def _open_chats(
    session: AsyncSession, runtime: Runtime, service_url: str, now: datetime, run: Run
) -> int:
    everyone = await session.scalars(
        select(Person).where(Person.id.in_(select(RoleAssignment.person_id)))
    )
    municipality_id = 0
    for person in everyone:
        run.keys[person.id] = person.key
        municipality_id = person.municipality_id
        seen = ConversationSeen(f"sim:{person.key}", "personal", service_url,
                                runtime.settings.bot_id, f"29:{person.key}", person.id)  # fmt: skip
        await conversations.remember(session, person.municipality_id, seen, now)
    return municipality_id


async def _link_channels(
    session: AsyncSession, municipality_id: int, service_url: str, now: datetime
) -> None:
    admin = await session.scalar(select(RoleAssignment.person_id).where(
        RoleAssignment.municipality_id == municipality_id,
        RoleAssignment.role == Role.ADMINISTRATION))  # fmt: skip
    if admin is None:
        return
    actor = await people.actor_on(session, admin, now.date())
    for committee in await session.scalars(select(Committee)):
        channel = f"sim-kanal:{committee.key}"
        await committees.link_channel(session, actor, committee.id, channel, "sim-team",
                                      service_url, now)  # fmt: skip


async def _register_absence(session: AsyncSession, run: Run, start: datetime) -> None:
    ids = {key: pid for pid, key in run.keys.items()}
    who, deputy, first, last = ABSENCE
    if who not in ids or deputy not in ids:
        return
    year = start.year if start.month < 7 else start.year + 1
    actor = await people.actor_on(session, ids[who], start.date())
    await absences.register(session, actor, ids[who], date(year, *first), date(year, *last),
                           ids[deputy], start)  # fmt: skip


async def tick(runtime: Runtime, recorder: Recorder, run: Run, now: datetime, senders: int) -> None:
    """One stop of the clock: the leaders' work that is due, then the outbox, sent by
    `senders` instances side by side."""
    recorder.now = now
    if now.timetz().replace(tzinfo=None) == TICKS[0]:  # the server's nightly job, before 07:00
        async with runtime.sessions.begin() as session:
            await goals.close_ended(session, now.astimezone(LOCAL_TIME).date(), now)
    await _work(runtime, run, now)
    owners = [f"sim-{n}" for n in range(senders)]
    batches = await asyncio.gather(*(outbox_edge.tick(runtime.proactive, now, o) for o in owners))
    for result in (r for batch in batches for r in batch):
        run.sent.append((now, result))
        if result.sent and result.kind == Kind.GOAL_REMINDER:
            _answer(run, now, result)


def _answer(run: Run, now: datetime, result: outbox_edge.Result) -> None:
    """Plan what the simulated person does about a reminder they got."""
    reminder = Reminder.of(result.payload)
    persona = PERSONAS.get(run.keys.get(reminder.person_id, ""), RIGHT_AWAY)
    if reminder.stage is Stage.ESCALATE or persona == NEVER:
        return
    if reminder.on_behalf_of:
        persona = RIGHT_AWAY  # a deputy does what they stand in for at once
    at = datetime.combine(now.date(), WORK_AT, tzinfo=LOCAL_TIME)
    if persona == WHEN_NUDGED and reminder.stage is Stage.REMIND:
        return
    if persona == SNOOZES and reminder.stage is Stage.REMIND:
        run.actions.append((at, reminder.person_id, f"snooze:{result.key}", reminder))
        return
    run.actions.append((at, reminder.person_id, "work", reminder))


async def _work(runtime: Runtime, run: Run, now: datetime) -> None:
    due = [a for a in run.actions if a[0] <= now]
    run.actions = [a for a in run.actions if a[0] > now]
    for _, person_id, what, reminder in due:
        async with runtime.sessions.begin() as session:
            actor = await people.actor_on(session, person_id, now.astimezone(LOCAL_TIME).date())
            if what.startswith("snooze:"):
                await reminders_store.snooze(session, actor, what.removeprefix("snooze:"), 3, now)
                continue
            await _do(session, actor, reminder, now)
        run.done[(person_id, reminder.subject.value, reminder.deadline.isoformat())] = now


async def _do(session: AsyncSession, actor: Actor, reminder: Reminder, now: datetime) -> None:
    """Report status, write the evaluation or revise a goal, on every goal of the units.
    Drafting for a period that has no goals yet (next year's agreement) carries this
    year's goals into it, sent for approval; the department head approves them."""
    if reminder.subject is ItemKind.DRAFTING and await _carried(session, actor, reminder, now):
        return
    found = await session.scalars(
        select(Goal).where(
            Goal.unit_id.in_(reminder.unit_ids),
            Goal.period_id == reminder.period_id,
            Goal.reportable_version.is_not(None),
        )
    )
    for goal in found:
        if reminder.subject is ItemKind.STATUS and goal.state != GoalState.CLOSED:
            await record_status(session, actor, goal.id, Color.GREEN, ON_PLAN, None, now)
        elif reminder.subject in (ItemKind.MIDWAY, ItemKind.FINAL_REPORT):
            await _evaluate(session, actor, reminder, goal, now)
        elif reminder.subject is ItemKind.DRAFTING and goal.state == GoalState.APPROVED:
            await _revise(session, actor, goal, now)


async def _carried(session: AsyncSession, actor: Actor, reminder: Reminder, now: datetime) -> bool:
    """Carry the units' goals of the period before into the reminder's period, if they
    have none there yet (next year's agreements); whether they were."""
    later = await session.get_one(Period, reminder.period_id)
    written = await session.scalar(
        select(Goal.id).where(Goal.unit_id.in_(reminder.unit_ids), Goal.period_id == later.id)
    )
    if written is not None:
        return False
    earlier = await session.scalars(
        select(Goal)
        .join(Period, Period.id == Goal.period_id)
        .where(Goal.unit_id.in_(reminder.unit_ids), Period.ends_on < later.starts_on,
               Goal.state.in_((GoalState.APPROVED, GoalState.CLOSED)))
        .order_by(Period.starts_on.desc(), Goal.id)
    )  # fmt: skip
    newest = list(earlier)
    latest_period = newest[0].period_id if newest else None  # the period just before
    for goal in (g for g in newest if g.period_id == latest_period):
        carried = await goals.carry_over(session, actor, goal.id, now)
        copy = await session.get_one(Goal, carried.goal.id)
        if copy.state != GoalState.DRAFT:
            continue
        await _revise(session, actor, copy, now)
        await _approve(session, copy, now)
    return True


async def _approve(session: AsyncSession, goal: Goal, now: datetime) -> None:
    """The unit's department head approves the goal at once."""
    head = await session.scalar(
        select(RoleAssignment.person_id)
        .join(Unit, Unit.department_id == RoleAssignment.department_id)
        .where(Unit.id == goal.unit_id, RoleAssignment.role == Role.DEPARTMENT_HEAD)
        .limit(1)
    )
    if head is None:
        return
    actor = await people.actor_on(session, head, now.astimezone(LOCAL_TIME).date())
    await goals.approve(session, actor, goal.id, goal.revision, now)


async def _revise(session: AsyncSession, actor: Actor, goal: Goal, now: datetime) -> None:
    """After the budget: the goal sent for approval again as it stands."""
    bearings = await session.scalars(
        select(GoalBearing.bearing_id).where(GoalBearing.goal_id == goal.id)
    )
    unit_type = await session.scalar(select(Unit.unit_type).where(Unit.id == goal.unit_id))
    template = profile(actor.profile).template_for(unit_type or "")
    period = await session.get_one(Period, goal.period_id)
    content = _completed(goals.content_of(goal, tuple(bearings)), actor, now.date(), template)
    # By next summer, or by the end of its own period if that comes first.
    content = replace(content, deadline=min(content.deadline or period.ends_on, period.ends_on))
    await goals.save(session, actor, goal.unit_id, content, submit=True, now=now, goal_id=goal.id)


def _completed(content: GoalContent, actor: Actor, today: date, template: Template) -> GoalContent:
    """The goal with the fields the demo file leaves out filled in, as a leader adjusting
    it after the budget would: the template asks them all (Jammerbugt's schools also the
    national goal and the grades, and every unit the scorecard perspective)."""
    asked = template.names
    extra = dict(content.extra)
    if "national_goal" in asked:
        extra.setdefault("national_goal", "wellbeing")
    if "grades" in asked:
        extra.setdefault("grades", ["middle"])
    return replace(
        content,
        extra=extra,
        perspective=content.perspective or ("quality" if "perspective" in asked else None),
        goal_type=content.goal_type or "development",
        expected_effect=content.expected_effect or "Flere oplever en forskel i hverdagen.",
        success_criteria=content.success_criteria or ("Mindst 80 % svarer »godt« i målingen",),
        evaluation_method=content.evaluation_method or "survey",
        data_source=content.data_source or "Egen måling to gange om året",
        deadline=date(today.year + 1, 6, 1),
        responsible=content.responsible or actor.person_name,
        no_bearing_reason=None if content.bearing_ids else "Målet kommer fra bestyrelsen.",
    )


async def _evaluate(
    session: AsyncSession, actor: Actor, reminder: Reminder, goal: Goal, now: datetime
) -> None:
    final = reminder.subject is ItemKind.FINAL_REPORT
    kind = EvaluationKind.FINAL if final else EvaluationKind.MIDWAY
    content = EvaluationContent(
        Color.GREEN, "Kriterierne er nået.", "Flere trives.", "Egen måling.",
        "Som forventet." if final else None,
    )  # fmt: skip
    await evaluations.record(session, actor, kind, goal.id, content, now)


# --- the checks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Findings:
    messages: int
    per_person: dict[str, Counter[str]]
    twice: list[str]
    after_done: list[str]
    on_days_off: list[str]
    not_at_eight: list[str]
    lost: int

    @property
    def clean(self) -> bool:
        problems = (self.twice, self.after_done, self.on_days_off, self.not_at_eight)
        return not any(problems) and self.lost == 0

    def as_json(self) -> dict[str, Any]:
        return {
            "messages": self.messages, "clean": self.clean, "lost": self.lost,
            "per_person": {k: dict(v) for k, v in self.per_person.items()},
            "twice": self.twice, "after_done": self.after_done,
            "on_days_off": self.on_days_off, "not_at_eight": self.not_at_eight,
        }  # fmt: skip


def findings(run: Run, recorder: Recorder, closed: tuple[str, ...]) -> Findings:
    sent = [(at, r) for at, r in run.sent if r.sent]
    reminders = [
        (at, r) for at, r in sent if r.kind in (Kind.GOAL_REMINDER, Kind.PREPARE, Kind.REMIND)
    ]
    arrived = Counter(
        (conv, json.dumps(act, sort_keys=True), at.date()) for at, conv, act in recorder.arrived
    )
    return Findings(
        messages=len(recorder.arrived),
        per_person=_per_person(run, reminders),
        # The same card in the same conversation on the same day: a double send.
        twice=[conv for (conv, _, _), n in arrived.items() if n > 1],
        after_done=_after_done(run, reminders),
        on_days_off=[
            r.key
            for at, r in reminders
            if not is_working_day(at.astimezone(LOCAL_TIME).date(), closed)
        ],
        not_at_eight=[
            r.key for at, r in reminders if at.astimezone(LOCAL_TIME).time() != time(8, 0)
        ],
        lost=_lost(sent, recorder),
    )


def _per_person(
    run: Run, reminders: list[tuple[datetime, outbox_edge.Result]]
) -> dict[str, Counter[str]]:
    """person key → "subject:stage" → how many they got."""
    found: dict[str, Counter[str]] = {}
    for _, r in reminders:
        person = run.keys.get(r.payload.get("person", 0), "?")
        what = f"{r.payload.get('subject', r.kind)}:{r.payload.get('stage', '')}"
        found.setdefault(person, Counter())[what] += 1
    return found


def _lost(sent: list[tuple[datetime, outbox_edge.Result]], recorder: Recorder) -> int:
    """Rows marked sent whose message did not arrive: one card in a personal chat per row
    to a person, a new post or a reply in its thread per row to a channel."""
    to_people = sum(1 for _, r in sent if "person" in r.payload)
    in_chats = sum(1 for _, conv, _ in recorder.arrived if conv.startswith("sim:"))
    to_channels = sum(1 for _, r in sent if "person" not in r.payload)
    return max(0, to_people - in_chats) + max(0, to_channels - recorder.channel_deliveries())


def _after_done(run: Run, reminders: list[tuple[datetime, outbox_edge.Result]]) -> list[str]:
    late = []
    for at, r in reminders:
        if r.kind != Kind.GOAL_REMINDER or r.payload.get("stage") == Stage.ESCALATE:
            continue
        done = run.done.get((r.payload["person"], r.payload["subject"], r.payload["deadline"]))
        if done is not None and done <= at:
            late.append(r.key)
    return late


async def travel(
    runtime: Runtime, org: OrgFile, start: date, days: int, senders: int = 1
) -> Findings:
    """The whole run: prepare, tick through `days` from `start`, check."""
    recorder = Recorder()
    local = LocalTeams(recorder)
    port = await local.start(0)
    try:
        first = datetime.combine(start, time(6, 0), tzinfo=LOCAL_TIME)
        run = await prepare(runtime, org, f"http://127.0.0.1:{port}/", first)
        for now in moments(start, days):
            await tick(runtime, recorder, run, now, senders)
    finally:
        await local.stop()
    closed = profile(org.municipality.profile).cycle.closed_days
    return findings(run, recorder, closed)


def write_json(found: Findings, path: Path) -> None:
    path.write_text(json.dumps(found.as_json(), ensure_ascii=False, indent=2), "utf-8")
