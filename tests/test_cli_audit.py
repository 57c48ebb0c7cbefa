"""`pejling revision eksport`: a committee's audit trail for a period, as CSV or JSON, for
journalisation and aktindsigt."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import select

from clikit import pejling_in_process
from harness import DEMO_FILE, pejling_command
from store import audit, status
from store.db import create_engine, sessionmaker
from store.enums import Color
from store.models import Goal
from store.orgfile import read_org_file
from store_helpers import NOW, actor_of

HEADINGS = ["tidspunkt", "hvem", "kilde", "hvad", "id", "handling", "før", "efter"]
EXPORT = ("revision", "eksport", "--udvalg", "buu", "--periode", "valgperiode-2026-2029")


async def mette_reports_yellow(url: str) -> int:
    """Mette reports yellow on her school's wellbeing goal, as a turn in Teams would."""
    engine = create_engine(url)
    try:
        async with sessionmaker(engine).begin() as session:
            mette = await actor_of(session, read_org_file(DEMO_FILE), "mette")
            with audit.acting(session, audit.CHAT, mette.person_id):
                goal = await session.scalar(
                    select(Goal.id).where(Goal.key == "boegeskov-skole-trivsel")
                )
                assert goal is not None
                await status.record_status(
                    session, mette, goal, Color.YELLOW, "Legepatruljen er i gang", None, NOW
                )
                return goal
    finally:
        await engine.dispose()


async def demo_with_a_report(tmp_path: Path) -> tuple[str, int]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}"
    assert (await pejling_in_process(url, "import", str(DEMO_FILE)))[0] == 0
    return url, await mette_reports_yellow(url)


async def test_the_csv_export_lists_the_import_and_the_status_report(tmp_path: Path) -> None:
    url, goal = await demo_with_a_report(tmp_path)

    code, out, err = await pejling_command(url, *EXPORT)

    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == HEADINGS
    report = rows[-1]  # the newest: the export is in time order
    assert (report["hvem"], report["kilde"], report["hvad"], report["handling"]) == (
        "Mette Kjærgaard",
        "Teams",
        "statusmelding",
        "oprettet",
    )
    assert report["før"] == ""
    after = json.loads(report["efter"])
    assert (after["goal_id"], after["color"]) == (goal, "yellow")
    assert after["narrative"] == "Legepatruljen er i gang"
    # The import made the committee's goals and bearings, with the file as the source.
    imported = {(r["hvad"], r["kilde"]) for r in rows[:-1]}
    assert {("mål", "organisationsfil"), ("pejlemærke", "organisationsfil")} <= imported
    assert [r["tidspunkt"] for r in rows] == sorted(r["tidspunkt"] for r in rows)


async def test_the_json_export_to_a_file_holds_the_same_events(tmp_path: Path) -> None:
    url, _ = await demo_with_a_report(tmp_path)
    written = tmp_path / "revision.json"

    code, out, _ = await pejling_in_process(url, *EXPORT, "--format", "json", "--ud", str(written))
    _, as_csv, _ = await pejling_in_process(url, *EXPORT)

    assert (code, out) == (0, "")
    events = json.loads(written.read_text(encoding="utf-8"))
    assert [list(event) for event in events] == [HEADINGS] * len(events)
    assert len(events) == len(list(csv.DictReader(io.StringIO(as_csv))))
    assert events[-1]["efter"]["narrative"] == "Legepatruljen er i gang"
    assert events[-1]["før"] is None


async def test_the_period_may_be_given_by_its_name(tmp_path: Path) -> None:
    url, _ = await demo_with_a_report(tmp_path)
    by_name = (*EXPORT[:-1], "Valgperioden 2026–2029", "--format", "json")

    code, out, _ = await pejling_in_process(url, *by_name)

    assert code == 0 and json.loads(out)


async def test_an_unknown_committee_or_period_is_refused_in_danish(tmp_path: Path) -> None:
    url, _ = await demo_with_a_report(tmp_path)

    committee = await pejling_in_process(url, "revision", "eksport", "--udvalg", "tmu",
                                         "--periode", "valgperiode-2026-2029")  # fmt: skip
    period = await pejling_in_process(url, *EXPORT[:-1], "2030")

    assert committee == (2, "", "Jeg kender ikke et udvalg med nøglen eller navnet »tmu«.\n")
    assert period == (2, "", "Jeg kender ikke en periode med nøglen eller navnet »2030«.\n")
