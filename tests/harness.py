"""Pejling running for real, driven as Teams would drive it.

The app listens on a loopback port; activities are POSTed to it over HTTP, shaped by
`bot.devtools.chat.wire`; its replies travel over HTTP to the fake Bot Framework service, where
the tests read them. Nothing inside the app is replaced.
"""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bot.app import RUNTIME, Runtime, create_app
from bot.devtools.chat.wire import TeamsWire, Where, Who
from bot.settings import Settings
from databases import PREPARED, prepare
from fakebf import ADAPTIVE_CARD, FakeBotFramework, Message
from kort.common import walk
from store.db import create_engine
from store.models import Base, Committee, DialogueProgress, Goal, Person, StatusUpdate
from store.orgfile import OrgFile

CHANNEL = Where.channel(
    "6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10",
    "19:buu-kanal@thread.tacv2",
    "19:boegeskov-team@thread.tacv2",
    "Bøgeskov Kommune",
)


@dataclass
class RunningPejling:
    url: str
    http: aiohttp.ClientSession
    fake: FakeBotFramework
    org: OrgFile
    runtime: Runtime
    wire: TeamsWire
    # Who a key names, looked up once: finding a person folds every name in the file.
    _known: dict[str, Who] = field(default_factory=dict, repr=False)

    def who(self, key: str) -> Who:
        if key not in self._known:
            person = self.org.find_person(key)
            assert person is not None, key
            self._known[key] = Who(f"29:{person.key}", person.name, person.aad_object_id)
        return self._known[key]

    def personal(self, key: str) -> Where:
        return Where.personal(self.org.municipality.tenant_id, self.who(key))

    async def post(
        self, activity: Any, headers: dict[str, str] | None = None, told: bool = True
    ) -> tuple[int, Any]:
        """POST anything to /api/messages; (status, parsed JSON body or text). `told`: then
        wait until the notices the turn planned for others have been tried (they go out
        after the answer), so a test can read what the others got."""
        sent = {"Content-Type": "application/json", **(headers or {})}
        data = activity if isinstance(activity, str | bytes) else None
        async with self.http.post(
            f"{self.url}/api/messages", json=None if data else activity, data=data, headers=sent
        ) as response:
            body = await response.text()
            if told:
                await self.runtime.bot.told()
            try:
                return response.status, await response.json(content_type=None)
            except ValueError:
                return response.status, body

    async def say(self, key: str, text: str, where: Where | None = None) -> list[Message]:
        """A person types `text`; returns the messages the bot posted in reply."""
        place = where or self.personal(key)
        before = self.fake.count_in(place.conversation_id)
        status, _ = await self.post(self.wire.message(self.who(key), place, text))
        assert status in (200, 201), status
        return self.fake.messages_in(place.conversation_id, since=before)

    async def execute(
        self, key: str, message: Message, title: str, inputs: dict[str, Any] | None = None
    ) -> tuple[Any, list[Message]]:
        """Press an Action.Execute button on a card; (invoke response body, new messages)."""
        place = self.personal(key)
        data = {**button_data(message.cards[-1], title), **(inputs or {})}
        before = self.fake.count_in(place.conversation_id)
        status, body = await self.post(self.wire.execute(self.who(key), place, data, message.id))
        assert status == 200, (status, body)
        return body, self.fake.messages_in(place.conversation_id, since=before)

    async def submit(
        self, key: str, message: Message, title: str, inputs: dict[str, Any] | None = None
    ) -> list[Message]:
        """Press the Action.Submit fallback of a button, as an older Teams client would."""
        place = self.personal(key)
        data = {**button_data(message.cards[-1], title), **(inputs or {})}
        before = self.fake.count_in(place.conversation_id)
        status, _ = await self.post(self.wire.submit(self.who(key), place, data, message.id))
        assert status in (200, 201), status
        return self.fake.messages_in(place.conversation_id, since=before)


def button_data(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The data of the first Action.Execute titled `title`."""
    for node in walk(card):
        if node.get("type") == "Action.Execute" and node.get("title") == title:
            return dict(node.get("data") or {})
    raise AssertionError(f"no button {title!r} on the card")


def buttons(card: dict[str, Any]) -> list[str]:
    return [n["title"] for n in walk(card) if n.get("type") == "Action.Execute"]


def card_text(card: dict[str, Any]) -> str:
    """All visible text of a card, one block a line (a RichTextBlock's runs joined), for
    assertions on wording."""
    lines = []
    for node in walk(card):
        if node.get("type") == "TextBlock":
            lines.append(node["text"])
        if node.get("type") == "RichTextBlock":
            lines.append("".join(run.get("text", "") for run in node.get("inlines", [])))
        if "facts" in node:
            lines += [f"{f['title']}: {f['value']}" for f in node["facts"]]
    return "\n".join(lines)


@asynccontextmanager
async def running_pejling(
    fake: FakeBotFramework, tmp_path: Path, org: OrgFile, **overrides: Any
) -> AsyncIterator[RunningPejling]:
    url = overrides.pop("database_url", None)
    if url is None and not (tmp_path / "e2e.db").exists():
        # A new file: a copy of one migrated and with `org` imported once for the run.
        url = f"sqlite+aiosqlite:///{PREPARED.sqlite_copy(org, tmp_path / 'e2e.db')}"
    elif url is None or not PREPARED.take_ready(url, org):
        # Pejling starting again on a database it used before, or on one made elsewhere.
        url = url or f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}"
        engine = create_engine(url)
        await prepare(engine, org)
        await engine.dispose()
    # Teams' rate limits and the turn limit are kept only where a test asks for them
    # (`rate_limits=True`, `turns_per_minute=N`): the suites drive a chat far faster than
    # anyone types, and would wait seconds per test or be told to slow down.
    plain = Settings(database_url=url, scheduler=False, rate_limits=False, turns_per_minute=0)
    settings = replace(plain, **overrides)
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with aiohttp.ClientSession() as http:
            wire = TeamsWire(fake.url, bot_id=settings.bot_id)
            yield RunningPejling(f"http://127.0.0.1:{port}", http, fake, org, app[RUNTIME], wire)
    finally:
        await runner.cleanup()


async def install(pejling: RunningPejling, *keys: str) -> None:
    """These people add Pejling as a personal app, as Teams reports it to the bot."""
    for key in keys:
        installed = pejling.wire.personal_install(pejling.who(key), pejling.personal(key))
        status, _ = await pejling.post(installed)
        assert status in (200, 201), status


def at(pejling: RunningPejling, when: datetime) -> datetime:
    """From now on the bot's clock says `when`."""
    pejling.runtime.bot.clock = lambda: when
    return when


@asynccontextmanager
async def two_on_postgresql(
    fake: FakeBotFramework, tmp_path: Path, org: OrgFile
) -> AsyncIterator[tuple[RunningPejling, RunningPejling]]:
    """Two Pejling instances on one PostgreSQL database, as a municipality runs them
    behind a load balancer: the test process's database, holding `org` alone."""
    url = PREPARED.postgres(org, for_start=True)
    async with (
        running_pejling(fake, tmp_path, org, database_url=url) as first,
        running_pejling(fake, tmp_path, org, database_url=url) as second,
    ):
        yield first, second


# ---------------------------------------------------------------------------
# Reading the database and the transcript (added for the end-to-end suites)

# Written by every handled activity, refused or not, so a copy Teams sends again is known.
BOOKKEEPING = frozenset({"seen_activity"})


# Every table's rows counted in one statement (the fuzz test counts before and after each
# of its batches): one round trip instead of one per table.
COUNTED = [table for table in Base.metadata.sorted_tables if table.name not in BOOKKEEPING]
COUNT_ALL = select(
    *(select(func.count()).select_from(table).scalar_subquery() for table in COUNTED)
)


async def table_counts(pejling: RunningPejling) -> dict[str, int]:
    """Rows in every table, so a test can show that a request wrote nothing. Which
    activities were handled (`seen_activity`) is the edge's bookkeeping, left out."""
    async with pejling.runtime.sessions() as session:
        counts = (await session.execute(COUNT_ALL)).one()
    return {table.name: count or 0 for table, count in zip(COUNTED, counts, strict=True)}


async def rows(pejling: RunningPejling, statement: Any) -> list[Any]:
    """The ORM rows a select returns, read in a session of the running app."""
    async with pejling.runtime.sessions() as session:
        return list(await session.scalars(statement))


async def goal_id(pejling: RunningPejling, key: str) -> int:
    """The database id of a goal from the organisation file."""
    found = await rows(pejling, select(Goal.id).where(Goal.key == key))
    assert found, key
    return int(found[0])


async def person_id(pejling: RunningPejling, key: str) -> int:
    found = await rows(pejling, select(Person.id).where(Person.key == key))
    assert found, key
    return int(found[0])


async def committee(pejling: RunningPejling, key: str) -> Committee:
    found = await rows(pejling, select(Committee).where(Committee.key == key))
    assert found, key
    return found[0]


async def progress_of(pejling: RunningPejling, key: str) -> list[DialogueProgress]:
    """A person's dialogues, oldest first."""
    owner = await person_id(pejling, key)
    query = select(DialogueProgress).where(DialogueProgress.person_id == owner)
    return await rows(pejling, query.order_by(DialogueProgress.created_at))


async def status_updates(pejling: RunningPejling, goal_key: str) -> list[StatusUpdate]:
    """The status updates of a goal, oldest first (the demo file's included)."""
    goal = await goal_id(pejling, goal_key)
    query = select(StatusUpdate).where(StatusUpdate.goal_id == goal)
    return await rows(pejling, query.order_by(StatusUpdate.reported_at, StatusUpdate.id))


def shown(message: Message, card: dict[str, Any]) -> Message:
    """`message` as the Teams client shows it after an invoke answered with `card`.

    An Action.Execute answer replaces the card on the screen only; the connector (and so
    the fake) still holds what the bot posted.
    """
    version = {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "content": card}]}
    return Message(message.id, message.conversation_id, [*message.versions, version])


def in_thread(where: Where, root_id: str) -> Where:
    """A channel conversation inside the thread of post `root_id`, as Teams names it."""
    return replace(where, conversation_id=f"{where.channel_id};messageid={root_id}")


async def report_status(
    pejling: RunningPejling, key: str, color: str, narrative: str, evidence: str = "spring over"
) -> list[Message]:
    """A leader reports on their first goal by typing; returns the last replies."""
    for answer in ("status", "1", color, narrative):
        await pejling.say(key, answer)
    return await pejling.say(key, evidence)


PEJLING = Path(sys.executable).with_name("pejling")
DEMO_FILE = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"


async def pejling_command(database_url: str, *args: str) -> tuple[int, str, str]:
    """Run the installed `pejling` command in local mode; (exit code, stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "PEJLING_"))}
    env["DATABASE_URL"] = database_url
    process = await asyncio.create_subprocess_exec(
        str(PEJLING), *args, env=env, stdout=PIPE, stderr=PIPE
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()
