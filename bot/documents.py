"""`pejling rapport`: the committee's documents from the command line, with the same
choices as the buttons in Teams (dialoger/documents.py makes them both)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from dialoger.documents import Rendered, render, request_for
from kort.catalogue import texts
from store.dates import LOCAL_TIME
from store.db import Session
from store.documentviews import FORMATS, KINDS

t = texts()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--type", dest="kind", choices=KINDS, default="rapport", help=t("cli.rapport_type")
    )
    parser.add_argument(
        "--udvalg", "--committee", dest="committee", metavar="UDVALG", help=t("cli.udvalg")
    )
    parser.add_argument(
        "--periode", "--period", dest="period", metavar="PERIODE", help=t("cli.rapport_periode")
    )
    parser.add_argument(
        "--moede",
        "--møde",
        "--meeting",
        dest="meeting",
        metavar="ÅÅÅÅ-MM-DD",
        type=date.fromisoformat,
        help=t("cli.rapport_moede"),
    )
    parser.add_argument(
        "--enhed", "--unit", dest="unit", metavar="ENHED", help=t("cli.rapport_enhed")
    )
    parser.add_argument("--format", choices=FORMATS, default="pdf", help=t("cli.rapport_format"))
    parser.add_argument("--journal", action="store_true", help=t("cli.rapport_journal"))
    parser.add_argument(
        "--sagsnummer", "--case", dest="case", metavar="SAGSNR", help=t("cli.rapport_sagsnummer")
    )
    parser.add_argument(
        "--forfatter", "--author", dest="author", default="Pejling", help=t("cli.rapport_forfatter")
    )
    parser.add_argument(
        "--ud",
        "--out",
        dest="out",
        type=Path,
        default=Path("."),
        metavar="MAPPE",
        help=t("cli.rapport_ud"),
    )


async def make(session: Session, args: argparse.Namespace, now: datetime) -> Rendered:
    today = now.astimezone(LOCAL_TIME).date()
    request = await request_for(
        session, args.kind, args.committee, args.period, args.meeting, args.unit, args.format, today
    )
    return await render(session, request, args.author, now, args.case)


def write(found: Rendered, args: argparse.Namespace) -> list[Path]:
    """The document into the folder `--ud`, and with `--journal` its metadata beside it."""
    args.out.mkdir(parents=True, exist_ok=True)
    written = [args.out / found.file_name]
    written[0].write_bytes(found.content)
    if args.journal:
        meta = args.out / (Path(found.file_name).stem + ".json")
        meta.write_bytes(found.metadata(t))
        written.append(meta)
    for path in written:
        print(path)
    return written


def now() -> datetime:
    return datetime.now(UTC)


def refuse(key: str) -> int:
    print(t(key), file=sys.stderr)
    return 2
