"""`pejling chat`: the command line around the chat session and its shell.

`add_arguments` declares the options on the `chat` subcommand's parser and `run` carries
them out: pick the person from the organisation file, open the connector endpoint, say
hello as Teams does on install, and hand over to the prompt loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.devtools.chat.connector import ChatError
from bot.devtools.chat.session import Channel, ChatPerson, ChatSession, bot_base
from bot.devtools.chat.shell import PipeTerminal, Terminal, TtyTerminal, run_shell
from bot.devtools.chat.wire import Where, Who
from kort.catalogue import Texts, texts
from store.errors import OrgFileError
from store.orgfile import OrgCommittee, OrgDepartment, OrgFile, OrgPerson, OrgUnit, read_org_file
from store.text import fold

DEFAULT_ORG_FILE = Path(__file__).resolve().parents[3] / "examples" / "demokommune.yaml"
DEFAULT_BOT_URL = "http://127.0.0.1:3978"
DEFAULT_PORT = 3979
BOT_URL_ENV = "PEJLING_BOT_URL"
EXIT_USAGE = 2
# Widest a card is drawn, so it stays readable on a wide terminal.
MAX_WIDTH = 100


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `pejling chat`."""
    t = texts()
    parser.description = t("chat.argumenter.beskrivelse")
    parser.add_argument("--som", metavar="PERSON", help=t("chat.argumenter.som"))
    parser.add_argument(
        "--org",
        metavar="FIL",
        type=Path,
        default=DEFAULT_ORG_FILE,
        help=t("chat.argumenter.org", path=_shown_path(DEFAULT_ORG_FILE)),
    )
    parser.add_argument("--kanal", metavar="NAVN", help=t("chat.argumenter.kanal"))
    parser.add_argument(
        "--bot",
        metavar="URL",
        default=None,
        help=t("chat.argumenter.bot", url=DEFAULT_BOT_URL),
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=t("chat.argumenter.port", port=DEFAULT_PORT)
    )
    parser.add_argument(
        "--vent", metavar="SEKUNDER", type=float, default=0.0, help=t("chat.argumenter.vent")
    )


def run(args: argparse.Namespace) -> int:
    """Run `pejling chat`; 0 when the person ends the chat, 2 when it cannot start."""
    t = texts()
    try:
        org = read_org_file(args.org)
    except OrgFileError as error:
        return _fail(t("chat.org_fejl", path=_shown_path(args.org), detail=_org_detail(t, error)))
    t = texts(org.municipality.language)
    person = org.find_person(args.som) if args.som else None
    if person is None:
        return _fail(_unknown_person(t, org, args.som, args.org))
    setup = _setup(args, org, person, t)
    terminal: Terminal = TtyTerminal() if sys.stdin.isatty() else PipeTerminal()
    with _terminal_restored():
        try:
            return asyncio.run(chat(setup, terminal))
        except KeyboardInterrupt:
            # Straight to stdout: the terminal would draw the prompt again under it.
            print("\n" + t("chat.farvel"))
            return 0


@dataclass(frozen=True)
class ChatSetup:
    """Everything `chat` needs, worked out from the arguments and the organisation file."""

    bot_url: str
    person: OrgPerson
    org: OrgFile
    where: Where
    channel: Channel | None
    port: int
    wait_after: float
    texts: Texts
    width: int
    ansi: bool


async def chat(setup: ChatSetup, terminal: Terminal) -> int:
    """Open the connector, install the app as Teams would, then run the prompt loop."""
    t = setup.texts
    async with aiohttp.ClientSession() as http:
        session = _session(setup, terminal, http)
        try:
            port = await session.open(setup.port)
        except ChatError as error:
            return _fail(t(error.key, **error.params))
        try:
            _welcome(setup, session, port, terminal)
            await session.install()
            await session.settle()
            await run_shell(session, terminal, setup.wait_after)
        except ChatError as error:
            # Only the install can end up here: later, the shell reports and carries on.
            return _fail(t(error.key, **error.params))
        finally:
            await session.close()
    if terminal.interactive:
        terminal.show(t("chat.farvel"))
    return 0


def _session(setup: ChatSetup, terminal: Terminal, http: aiohttp.ClientSession) -> ChatSession:
    people = [_person(p) for p in setup.org.people if p.key != setup.person.key]
    return ChatSession(
        bot_url=setup.bot_url,
        person=_person(setup.person),
        where=setup.where,
        texts=setup.texts,
        output=terminal.show,
        http=http,
        people=people,
        channel=setup.channel,
        width=setup.width,
        ansi=setup.ansi,
    )


def _setup(args: argparse.Namespace, org: OrgFile, person: OrgPerson, t: Texts) -> ChatSetup:
    tenant = org.municipality.tenant_id
    who = _who(person)
    channel = Channel(args.kanal, org.municipality.name) if args.kanal else None
    if channel:
        channel_id, team_id = channel_ids(channel.name)
        where = Where.channel(tenant, channel_id, team_id, channel.team_name)
    else:
        where = Where.personal(tenant, who)
    columns = shutil.get_terminal_size((MAX_WIDTH, 24)).columns
    return ChatSetup(
        bot_url=args.bot or os.environ.get(BOT_URL_ENV) or DEFAULT_BOT_URL,
        person=person,
        org=org,
        where=where,
        channel=channel,
        port=args.port,
        wait_after=max(args.vent, 0.0),
        texts=t,
        width=min(columns, MAX_WIDTH) - 6,  # room for the card's "  │ " gutter
        ansi=sys.stdout.isatty() and "NO_COLOR" not in os.environ,
    )


def channel_ids(name: str) -> tuple[str, str]:
    """Stable Teams-like channel and team ids from a channel name, so the bot's link to a
    committee survives a restart of the chat: "BUU" → `19:buu@thread.tacv2`."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-") or "kanal"
    return f"19:{slug}@thread.tacv2", f"19:{slug}-team@thread.tacv2"


def _who(person: OrgPerson) -> Who:
    # Teams gives every user a bot-specific 29: id; one derived from the Entra id is stable.
    return Who(f"29:{person.aad_object_id}", person.name, person.aad_object_id)


def _person(person: OrgPerson) -> ChatPerson:
    return ChatPerson(_who(person), person.email)


def _welcome(setup: ChatSetup, session: ChatSession, port: int, terminal: Terminal) -> None:
    t, person = setup.texts, setup.person
    if setup.port and port != setup.port:
        terminal.show(t("chat.port_optaget", wanted=setup.port, port=port))
    if setup.channel:
        terminal.show(
            t(
                "chat.velkommen.kanal",
                name=person.name,
                handle=person.key,
                channel=setup.channel.name,
                team=setup.channel.team_name,
            )
        )
    else:
        municipality = setup.org.municipality.name
        terminal.show(
            t(
                "chat.velkommen.personlig",
                name=person.name,
                handle=person.key,
                municipality=municipality,
            )
        )
    connector = session.connector.service_url
    terminal.show(t("chat.velkommen.forbindelse", bot=bot_base(setup.bot_url), connector=connector))
    terminal.show(t("chat.velkommen.tip"))
    if setup.channel and setup.org.committees:
        keys = ", ".join(c.key for c in setup.org.committees)
        first = setup.org.committees[0].key
        terminal.show(t("chat.velkommen.tip_kanal", committee=first, committees=keys))


def _unknown_person(t: Texts, org: OrgFile, query: str | None, path: Path) -> str:
    shown = _shown_path(path)
    head = t("chat.ukendt_person", query=query, path=shown) if query else None
    head = head or t("chat.vaelg_person", path=shown)
    return "\n".join([head, *_people_lines(t, org)])


def _people_lines(t: Texts, org: OrgFile) -> Iterator[str]:
    """One line per person: key, name and roles, so a newcomer can pick someone to be."""
    scopes: tuple[OrgUnit | OrgDepartment | OrgCommittee, ...] = (
        *org.units,
        *org.departments,
        *org.committees,
    )
    names = {x.key: x.name for x in scopes}
    width = max((len(p.key) for p in org.people), default=0)
    for person in org.people:
        roles = ", ".join(
            t(f"chat.rolle.{r.role.value}", scope=names.get(r.scope or "", r.scope or ""))
            for r in person.roles
        )
        yield f"  {person.key:<{width}}  {person.name}" + (f" ({roles})" if roles else "")


def _org_detail(t: Texts, error: OrgFileError) -> str:
    # The org.* texts belong to the importer; until they exist, show the key and its values.
    if t.has(error.key):
        return t(error.key, **error.params)
    params = ", ".join(f"{k}={v}" for k, v in error.params.items())
    return f"{error.key} ({params})" if params else error.key


def _shown_path(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(Path(path).resolve().relative_to(Path.cwd()))
    return str(path)


def _fail(message: str, stream: TextIO | None = None) -> int:
    print(message, file=stream or sys.stderr)
    return EXIT_USAGE


@contextlib.contextmanager
def _terminal_restored() -> Iterator[None]:
    """Put the terminal back as it was, even if the chat ends while readline has it."""
    try:
        import termios  # Unix only, as readline is

        saved = termios.tcgetattr(sys.stdin) if sys.stdin.isatty() else None
    except (ImportError, OSError):
        saved = None
    try:
        yield
    finally:
        if saved is not None:
            termios.tcsetattr(sys.stdin, termios.TCSADRAIN, saved)
