"""The `pejling` command: serve, demo, import, migrate, digest, udsend, chat, manifest."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import aiohttp
from aiohttp import web

from bot import audit as audit_edge
from bot import documents as documents_edge
from bot import listen, logs, manifest, outbox
from bot import people as people_edge
from bot.app import Runtime, build_runtime, create_app
from bot.digests import DigestResult, post_digest
from bot.settings import Settings, SettingsError, from_environment
from kort.annual_cycle import item_line
from kort.catalogue import texts
from store import (
    annual_cycle,
    audit,
    committees,
    conversations,
    knowledge,
    migrate,
    people,
    profiles,
)
from store.audit_export import AuditTrail, committee_trail
from store.dates import LOCAL_TIME
from store.db import Session, create_engine, sessionmaker
from store.errors import DomainError, OrgFileError
from store.importer import ImportReport, import_org
from store.meetingviews import KnowledgePackView
from store.orgfile import OrgFile, read_org_file, without_goals
from store.profiles import PROFILE_KEYS
from store.views import CycleItem

if TYPE_CHECKING:  # for the annotation only: the dev tools load with their command
    from bot.devtools.time_travel import Findings

R = TypeVar("R")
DEMO_FILE = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"
# The time-travel run starts after the demo's November status day by default: a year of
# drafting, four status days, the midway evaluation and the changes of clock.
TRAVEL_START = date(2026, 12, 1)
t = texts()


def main(argv: list[str] | None = None) -> int:
    logs.configure(
        os.environ.get("PEJLING_LOG_FORMAT") or "plain",
        secrets=[os.environ.get("MicrosoftAppPassword", "")],
    )
    # Alembic narrates every migration check at INFO; a command's own output matters more.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    given = sys.argv[1:] if argv is None else argv
    parser = _parser(given[:1])
    args = parser.parse_args(given)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except SettingsError as wrong:  # a misconfigured deployment: say what, not a traceback
        print(wrong, file=sys.stderr)
        return 2


def _parser(command: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line; `command` (the first word given) tells whether the terminal
    chat's own arguments must be read."""
    parser = argparse.ArgumentParser(prog="pejling", description=t("cli.beskrivelse"))
    commands = parser.add_subparsers(metavar="KOMMANDO")
    serve = _add(commands, "serve", t("cli.serve"), _serve)
    listen.add_arguments(serve)
    demo = _add(commands, "demo", t("cli.demo"), _demo)
    listen.add_arguments(demo)
    demo.add_argument("--org", type=Path, default=DEMO_FILE, help=t("cli.org_fil"))
    demo.add_argument("--profil", "--profile", dest="profile", choices=PROFILE_KEYS,
                      help=t("cli.profil"))  # fmt: skip
    imported = _add(commands, "import", t("cli.import"), _import)
    imported.add_argument("file", type=Path, metavar="FIL")
    _add(commands, "migrate", t("cli.migrate"), _migrate)
    digest = _add(commands, "digest", t("cli.digest"), _digest)
    digest.add_argument("--committee", "--udvalg", dest="committee", help=t("cli.udvalg"))
    outgoing = commands.add_parser("udsend", aliases=["moeder", "møder"], help=t("cli.udsend"),
                                   description=t("cli.udsend"))  # fmt: skip
    outgoing.set_defaults(run=_send_due)
    travel = commands.add_parser("tidsrejse", help=t("cli.tidsrejse"),
                                 description=t("cli.tidsrejse"))  # fmt: skip
    travel.set_defaults(run=_time_travel)
    travel.add_argument("--fra", dest="start", type=date.fromisoformat, default=TRAVEL_START,
                        metavar="DATO", help=t("cli.tidsrejse_fra"))  # fmt: skip
    travel.add_argument("--dage", dest="days", type=int, default=730, help=t("cli.tidsrejse_dage"))
    travel.add_argument("--profil", dest="profile", choices=("hvidovre", "jammerbugt"),
                        default="hvidovre", help=t("cli.tidsrejse_profil"))  # fmt: skip
    travel.add_argument("--instanser", dest="senders", type=int, default=1, choices=(1, 2, 3),
                        help=t("cli.tidsrejse_instanser"))  # fmt: skip
    travel.add_argument("--database", help=t("cli.tidsrejse_database"))
    travel.add_argument("--json", type=Path, metavar="FIL", help=t("cli.tidsrejse_json"))
    year = commands.add_parser("aarshjul", aliases=["årshjul"], help=t("cli.aarshjul"),
                               description=t("cli.aarshjul"))  # fmt: skip
    year.set_defaults(run=_year)
    whose = year.add_mutually_exclusive_group(required=True)
    whose.add_argument("--som", "--person", dest="person", metavar="PERSON",
                       help=t("cli.aarshjul_person"))  # fmt: skip
    whose.add_argument("--udvalg", "--committee", dest="committee", metavar="UDVALG",
                       help=t("cli.udvalg"))  # fmt: skip
    year.add_argument("--fra", "--from", dest="start", type=date.fromisoformat,
                      metavar="ÅÅÅÅ-MM-DD", help=t("cli.aarshjul_fra"))  # fmt: skip
    lost = commands.add_parser("uopnaaelige", aliases=["uopnåelige"], help=t("cli.uopnaaelige"),
                               description=t("cli.uopnaaelige"))  # fmt: skip
    lost.set_defaults(run=_unreached)
    person = commands.add_parser("person", help=t("cli.person"), description=t("cli.person"))
    people_edge.add_arguments(person)
    trail = _add(commands, "revision", t("cli.revision"), _revision)
    audit_edge.add_arguments(trail)
    known = _add(commands, "viden", t("cli.viden"), _knowledge)
    known.add_argument("file", type=Path, metavar="FIL", help=t("cli.viden_fil"))
    known.add_argument("--udvalg", "--committee", dest="committee", metavar="UDVALG",
                       required=True, help=t("cli.udvalg"))  # fmt: skip
    known.add_argument("--periode", "--period", dest="period", metavar="PERIODE",
                       help=t("cli.rapport_periode"))  # fmt: skip
    documents = _add(commands, "rapport", t("cli.rapport"), _documents)
    documents_edge.add_arguments(documents)
    _chat(commands, arguments=command == ["chat"])
    package = _add(commands, "manifest", t("cli.manifest"), manifest.run)
    manifest.add_arguments(package)
    return parser


def _chat(commands: argparse._SubParsersAction, arguments: bool) -> None:
    """`pejling chat`: the terminal client, a development tool. The CLI is the one product
    module that reaches `bot.devtools`, and only inside the functions of `pejling chat`
    and `pejling tidsrejse`, so no other command loads them (tests/test_layering.py)."""
    chat = _add(commands, "chat", t("cli.chat"), _run_chat)
    if arguments:
        from bot.devtools.chat import cli as chat_cli

        chat_cli.add_arguments(chat)


def _run_chat(args: argparse.Namespace) -> int:
    from bot.devtools.chat import cli as chat_cli

    return chat_cli.run(args)


def _add(
    commands: argparse._SubParsersAction, name: str, help_text: str, run: Callable[..., int]
) -> argparse.ArgumentParser:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(run=run)
    return parser


def _serve(args: argparse.Namespace) -> int:
    settings = from_environment()
    host = listen.listen_host(settings, args.host, args.without_login)
    return _run(settings, host)


def _run(settings: Settings, host: str | None) -> int:
    warning = listen.warning(settings, host)
    if warning:
        print(warning, file=sys.stderr)
    # No access log: a line per request costs ~5 % of a turn and says nothing the
    # turn's own logging does not.
    app = create_app(settings)
    web.run_app(app, host=host, port=settings.port, print=None, access_log=None)
    return 0


def _demo(args: argparse.Namespace) -> int:
    settings = from_environment()
    # Refuse a wide-open address before importing anything.
    host = listen.listen_host(settings, args.host, args.without_login)
    code = _import_file(settings, args.org, args.profile)
    if code:
        return code
    org = read_org_file(args.org)
    leader = next(p for p in org.people if any(r.role.value == "unit_leader" for r in p.roles))
    print(t("cli.demo_klar", port=settings.port, leader=leader.key, name=leader.name))
    return _run(settings, host)


def _import(args: argparse.Namespace) -> int:
    return _import_file(from_environment(), args.file)


def _import_file(settings: Settings, path: Path, profile: str | None = None) -> int:
    try:
        org = read_org_file(path)
    except OrgFileError as error:
        print(t("cli.org_fejl", path=path, problem=t(error.key, **error.params)), file=sys.stderr)
        return 2
    if profile:  # `pejling demo --profil`: try the demo as another municipality works
        municipality = org.municipality.model_copy(update={"profile": profile})
        org = org.model_copy(update={"municipality": municipality})
        if not profiles.profile(profile).uses_goals:
            org = without_goals(org)  # Dragør's committee never sees a goal
    try:
        report = asyncio.run(_run_import(settings, org))
    except OrgFileError as error:  # goals for a profile without them, refused as a whole
        print(t("cli.org_fejl", path=path, problem=t(error.key, **error.params)), file=sys.stderr)
        return 2
    print(_report_line(org.municipality.name, report))
    return 0


async def _run_import(settings: Settings, org: OrgFile) -> ImportReport:
    return await _in_session(settings, lambda session: import_org(session, org))


async def _in_session(settings: Settings, work: Callable[[Session], Awaitable[R]]) -> R:
    """`work` in one transaction on the migrated database, for a command's one job."""
    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        async with sessionmaker(engine).begin() as session:
            audit.label(session, audit.CLI)  # what a command changes, the trail says so
            return await work(session)
    finally:
        await engine.dispose()


def _report_line(name: str, report: ImportReport) -> str:
    if not report.changed:
        return t("cli.import_uaendret", municipality=name)
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    return t("cli.import_gjort", municipality=name, created=created, updated=updated)


def _migrate(args: argparse.Namespace) -> int:
    async def run() -> None:
        engine = create_engine(from_environment().database_url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
    print(t("cli.migrate_gjort"))
    return 0


def _digest(args: argparse.Namespace) -> int:
    return asyncio.run(_post_digests(from_environment(), args.committee))


@asynccontextmanager
async def cli_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """The same engine, connector and adapter the server builds, for one command."""
    engine = create_engine(settings.database_url)
    await migrate.upgrade(engine)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        try:
            yield build_runtime(settings, engine, http)
        finally:
            await engine.dispose()


async def _post_digests(settings: Settings, key: str | None) -> int:
    async with cli_runtime(settings) as runtime:
        async with runtime.sessions() as session:
            try:
                chosen = await committees.for_digest(session, key)
            except DomainError as refused:
                print(t(refused.key, **refused.params), file=sys.stderr)
                return 2
        if key and not chosen:
            print(t("cli.udvalg_ukendt", key=key), file=sys.stderr)
            return 2
        results = [
            await post_digest(runtime.proactive, committee_id, datetime.now(UTC))
            for committee_id in chosen
        ]
    for result in results:
        print(_digest_line(result))
    settled = ("sent", "already", "busy", "no_channel")
    return 0 if all(r.outcome.value in settled for r in results) else 1


def _digest_line(result: DigestResult) -> str:
    when = t.datetime(result.posted_at) if result.posted_at else ""
    return t(f"cli.digest_{result.outcome.value}", committee=result.committee, time=when,
             error=result.error or "")  # fmt: skip


def _send_due(args: argparse.Namespace) -> int:
    """Send what is due now — reminders, meeting messages, digests — as the server's
    scheduler would on its next tick."""

    async def run() -> list[outbox.Result]:
        async with cli_runtime(from_environment()) as runtime:
            return await outbox.tick(runtime.proactive, datetime.now(UTC))

    done = asyncio.run(run())
    for result in done:
        print(t(f"cli.udsend_{result.outcome.value}", key=result.key))
    print(t("cli.udsend_i_alt", count=len(done), sent=sum(r.sent for r in done)))
    return 0 if all(r.outcome is not outbox.Outcome.FAILED for r in done) else 1


def _time_travel(args: argparse.Namespace) -> int:
    """Two years of the demo municipality with the clock moved on, and what each leader got."""
    from bot.devtools import time_travel  # a development tool, loaded only for this command

    logging.getLogger().setLevel(logging.WARNING)  # a year of sends would drown the answer
    with tempfile.TemporaryDirectory(prefix="pejling-tidsrejse-") as folder:
        url = args.database or f"sqlite+aiosqlite:///{folder}/tidsrejse.db"
        settings = replace(from_environment(), database_url=url, app_id="", scheduler=False)
        found = asyncio.run(_travel(settings, args))
    print(t("cli.tidsrejse_hvem"))
    for person, counts in sorted(found.per_person.items()):
        lines = ", ".join(f"{what} ×{n}" for what, n in sorted(counts.items()))
        print(f"  {person}: {lines}")
    for check in ("twice", "after_done", "on_days_off", "not_at_eight"):
        problems = getattr(found, check)
        print(t(f"cli.tidsrejse_{check}", count=len(problems)), *problems[:5])
    print(t("cli.tidsrejse_tabt", count=found.lost))
    print(t("cli.tidsrejse_ok" if found.clean else "cli.tidsrejse_fejl", count=found.messages))
    if args.json:
        time_travel.write_json(found, args.json)
    return 0 if found.clean else 1


async def _travel(settings: Settings, args: argparse.Namespace) -> Findings:
    from bot.devtools import time_travel

    async with cli_runtime(settings) as runtime:
        org = time_travel.as_profile(read_org_file(DEMO_FILE), args.profile, args.start)
        return await time_travel.travel(runtime, org, args.start, args.days, args.senders)


def _year(args: argparse.Namespace) -> int:
    """Print what is due when for a person or a committee, the next twelve months."""
    start = args.start or datetime.now(UTC).astimezone(LOCAL_TIME).date()

    found = asyncio.run(
        _in_session(from_environment(), lambda session: _year_of(session, args, start))
    )
    if isinstance(found, str):
        print(found, file=sys.stderr)
        return 2
    heading, items = found
    print(heading)
    print("\n".join(item_line(item, t) for item in items) or t("aarshjul.intet"))
    return 0


async def _year_of(
    session: Session, args: argparse.Namespace, start: date
) -> tuple[str, list[CycleItem]] | str:
    if args.person:
        found = await people.by_key(session, args.person)
        if len(found) != 1:
            return t("cli.person_ukendt", key=args.person)
        actor = found[0]
        items = await annual_cycle.for_person(session, actor, start)
        return t("aarshjul.titel", name=actor.person_name), items
    try:
        chosen = await committees.for_digest(session, args.committee)
    except DomainError as refused:
        return t(refused.key, **refused.params)
    if len(chosen) != 1:
        return t("cli.udvalg_ukendt", key=args.committee)
    committee = await committees.by_id(session, chosen[0])
    items = await annual_cycle.for_committee(session, committee, start)
    return t("aarshjul.titel_udvalg", name=committee.name), items


def _unreached(args: argparse.Namespace) -> int:
    """Print who Pejling cannot write to: people never reached or who removed it, and
    channels it was removed from."""

    found = asyncio.run(_in_session(from_environment(), conversations.unreached))
    for entry in found:
        key = "cli.uopnaaelig_kanal" if entry.channel else "cli.uopnaaelig_person"
        key += "" if entry.since else "_aldrig"
        since = t.datetime(entry.since) if entry.since else ""
        print(t(key, municipality=entry.municipality, name=entry.name, since=since))
    print(t("cli.uopnaaelige_i_alt", count=len(found)))
    return 0


def _revision(args: argparse.Namespace) -> int:
    """`pejling revision eksport`: a committee's audit trail for a period, CSV or JSON."""
    if args.action is None:
        print(t("cli.revision"), file=sys.stderr)
        return 2

    async def trail(session: Session) -> AuditTrail:
        return await committee_trail(session, args.committee, args.period)

    try:
        found = asyncio.run(_in_session(from_environment(), trail))
    except DomainError as refused:
        print(t(refused.key, **refused.params), file=sys.stderr)
        return 2
    audit_edge.write(found, args.format, args.out)
    return 0


def _documents(args: argparse.Namespace) -> int:
    """`pejling rapport`: a committee report, meeting pack, summary, agreement or audit trail
    as PDF or Excel, with `--journal` its metadata file for the ESDH."""

    async def made(session: Session) -> documents_edge.Rendered:
        return await documents_edge.make(session, args, documents_edge.now())

    try:
        found = asyncio.run(_in_session(from_environment(), made))
    except DomainError as refused:
        return documents_edge.refuse(refused.key)
    documents_edge.write(found, args)
    return 0


def _knowledge(args: argparse.Namespace) -> int:
    """`pejling viden FIL --udvalg KEY`: a CSV or Excel file of trends, surveys, key figures
    and links into the committee's knowledge pack for the period."""
    now = datetime.now(UTC)

    async def imported(session: Session) -> tuple[KnowledgePackView, int, int]:
        return await knowledge.import_named(session, args.committee, args.period, entries, now)

    try:
        entries = knowledge.read_file(args.file)
        found, created, updated = asyncio.run(_in_session(from_environment(), imported))
    except DomainError as refused:
        problem = t(refused.key, **refused.params)
        if "row" in refused.params:
            problem = t("viden.raekke", row=refused.params["row"], problem=problem)
        print(t("cli.viden_fejl", path=args.file, problem=problem), file=sys.stderr)
        return 2
    except OSError as unread:
        print(t("cli.viden_fejl", path=args.file, problem=unread.strerror), file=sys.stderr)
        return 2
    print(t("viden.importeret", committee=found.committee_name, period=found.period_name,
            created=created, updated=updated))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
