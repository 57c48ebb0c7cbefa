"""`pejling revision eksport`: a committee's audit trail for a period, written as CSV or
JSON with Danish headings, for journalisation and aktindsigt."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from kort.catalogue import texts
from store.audit_export import AuditLine, AuditTrail
from store.dates import LOCAL_TIME

t = texts()
COLUMNS = ("tidspunkt", "hvem", "kilde", "hvad", "id", "handling", "før", "efter")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="HANDLING")
    export = actions.add_parser("eksport", help=t("cli.revision_eksport"),
                                description=t("cli.revision_eksport"))  # fmt: skip
    export.add_argument("--udvalg", "--committee", dest="committee", required=True,
                        metavar="UDVALG", help=t("cli.revision_udvalg"))  # fmt: skip
    export.add_argument("--periode", "--period", dest="period", required=True,
                        metavar="PERIODE", help=t("cli.revision_periode"))  # fmt: skip
    export.add_argument("--format", choices=("csv", "json"), default="csv",
                        help=t("cli.revision_format"))  # fmt: skip
    export.add_argument("--ud", "--out", dest="out", type=Path, metavar="FIL",
                        help=t("cli.revision_ud"))  # fmt: skip


def write(trail: AuditTrail, form: str, out: Path | None) -> None:
    """The trail to `out`, or to standard output without one."""
    rows = [row(line) for line in trail.lines]
    with _opened(out, form) as stream:
        if form == "json":
            json.dump(rows, stream, ensure_ascii=False, indent=2)
            stream.write("\n")
        else:
            _csv(rows, stream)


def row(line: AuditLine) -> dict[str, Any]:
    """One event in the export's words: Danish time, names, what and how in Danish."""
    return {
        "tidspunkt": line.at.astimezone(LOCAL_TIME).isoformat(timespec="seconds"),
        "hvem": _who(line),
        "kilde": _label("kilde", line.source),
        "hvad": _label("hvad", line.entity),
        "id": line.entity_id,
        "handling": _label("handling", line.action),
        "før": line.before,
        "efter": line.after,
    }


def _who(line: AuditLine) -> str:
    if line.person_name is not None:
        return line.person_name
    # Audit rows outlive the people in them: a deleted person is named by their old id.
    return t("revision.slettet_person", id=line.person_id) if line.person_id else ""


def _label(kind: str, value: str) -> str:
    key = f"revision.{kind}.{value}"
    return t(key) if t.has(key) else value


def _csv(rows: list[dict[str, Any]], stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=COLUMNS)
    writer.writeheader()
    for found in rows:
        writer.writerow(found | {"før": _json(found["før"]), "efter": _json(found["efter"])})


def _json(values: dict[str, Any] | None) -> str:
    return "" if values is None else json.dumps(values, ensure_ascii=False, sort_keys=True)


@contextmanager
def _opened(out: Path | None, form: str) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
        return
    # A CSV file gets a byte-order mark, so Excel opens the Danish letters right; JSON
    # must not have one.
    encoding = "utf-8-sig" if form == "csv" else "utf-8"
    with out.open("w", encoding=encoding, newline="") as stream:
        yield stream
