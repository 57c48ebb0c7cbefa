"""`pejling person eksport|slet`: a person's GDPR rights, as the administration runs them.

`eksport` writes everything Pejling holds about the person as JSON (the right of access);
`slet` pseudonymises them (the right to erasure) and refuses without `--ja`. The rules
are in `store.gdpr`; this is the command line around them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.settings import from_environment
from kort.catalogue import texts
from store import audit, gdpr, migrate
from store.db import Session, create_engine, sessionmaker
from store.errors import DomainError

R = TypeVar("R")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The two subcommands of `pejling person`."""
    t = texts()
    actions = parser.add_subparsers(metavar="HANDLING", required=True)
    exported = actions.add_parser("eksport", aliases=["export"], help=t("cli.person_eksport"),
                                  description=t("cli.person_eksport"))  # fmt: skip
    exported.set_defaults(run=run_export)
    _common(exported)
    exported.add_argument("--ud", "--out", dest="out", type=Path, metavar="FIL",
                          help=t("cli.person_ud"))  # fmt: skip
    erased = actions.add_parser("slet", aliases=["erase"], help=t("cli.person_slet"),
                                description=t("cli.person_slet"))  # fmt: skip
    erased.set_defaults(run=run_erase)
    _common(erased)
    erased.add_argument("--ja", "--yes", dest="yes", action="store_true", help=t("cli.person_ja"))


def _common(parser: argparse.ArgumentParser) -> None:
    t = texts()
    parser.add_argument("person", metavar="PERSON", help=t("cli.aarshjul_person"))
    parser.add_argument("--kommune", "--municipality", dest="municipality", metavar="KOMMUNE",
                        help=t("cli.person_kommune"))  # fmt: skip


def run_export(args: argparse.Namespace) -> int:
    async def work(session: Session) -> tuple[gdpr.Found, dict[str, Any]]:
        found = await gdpr.find(session, args.person, args.municipality)
        return found, await gdpr.export(session, found.municipality_id, found.person_id)

    outcome = _run(work)
    if isinstance(outcome, str):
        return _refused(outcome)
    found, document = outcome
    written = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if args.out is None:
        sys.stdout.write(written)
        return 0
    args.out.write_text(written, encoding="utf-8")
    print(texts()("cli.person_eksporteret", key=args.person, name=found.name,
                  municipality=found.municipality, path=args.out))  # fmt: skip
    return 0


def run_erase(args: argparse.Namespace) -> int:
    t = texts()

    async def work(session: Session) -> tuple[gdpr.Found, gdpr.Erased | None]:
        found = await gdpr.find(session, args.person, args.municipality)
        if not args.yes:  # only say what would happen
            return found, None
        now = datetime.now(UTC)
        return found, await gdpr.erase(session, found.municipality_id, found.person_id, now)

    outcome = _run(work)
    if isinstance(outcome, str):
        return _refused(outcome)
    found, erased = outcome
    names = {"key": args.person, "name": found.name, "municipality": found.municipality}
    if erased is None:
        print(t("cli.person_slet_uden_ja", **names), file=sys.stderr)
        return 2
    if erased.already:
        print(t("cli.person_allerede_slettet", key=args.person, pseudonym=erased.pseudonym))
        return 0
    print(t("cli.person_slettet", **names, pseudonym=erased.pseudonym, new_key=erased.key))
    print(t("cli.person_slettet_hvad", conversations=erased.conversations,
            dialogues=erased.dialogues, roles=erased.roles, absences=erased.absences,
            deputy_for=erased.deputy_for, messages=erased.messages_skipped))  # fmt: skip
    print(t("cli.person_slettet_fil", key=args.person))
    return 0


def _refused(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


def _run(work: Callable[[Session], Awaitable[R]]) -> R | str:
    """`work` in one transaction, recorded in the audit trail as done from the command
    line; a domain refusal comes back as its Danish sentence."""

    async def run() -> R | str:
        engine = create_engine(from_environment().database_url)
        try:
            await migrate.upgrade(engine)
            async with sessionmaker(engine).begin() as session:
                with audit.acting(session, audit.CLI):
                    return await work(session)
        except DomainError as refused:
            return texts()(refused.key, **refused.params)
        finally:
            await engine.dispose()

    return asyncio.run(run())
