"""The committee's documents as a politician and the council secretary get them: rendered
to pictures (pdftoppm) and read back as text (pdftotext) in Danish, with charts, a sane
number of pages for the demo and for a committee of thirty units, the Excel workbook read
back, and the metadata file the ESDH files it under."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from sqlalchemy import select

from bot import cli
from dialoger.documents import DocumentRequest, Rendered, render
from documentkit import MADE, a_year_behind, thirty_units
from harness import card_text
from kort.catalogue import texts
from kort.common import card
from kort.digest_on_demand import course_section, unit_card
from kort.documents.chart import card_strip
from store.documentviews import CommitteeReport, EvaluationLine, ReportGoal, ReportUnit, StatusPoint
from store.enums import Color, EvaluationKind
from store.importer import import_org
from store.models import Committee, Meeting, Period, Unit
from store.orgfile import OrgFile
from store_helpers import Sessions, id_of

PERIOD = "valgperiode-2026-2029"


async def made(sessions: Sessions, org: OrgFile, kind: str, **wanted: object) -> Rendered:
    async with sessions() as session:
        ids = {
            "committee_id": await id_of(session, Committee, "buu", org),
            "period_id": await id_of(session, Period, PERIOD, org),
        }
        if kind in ("pakke", "referat"):
            ids = {"meeting_id": (await session.scalars(select(Meeting.id))).one()}
        if kind == "aftale":
            unit = await id_of(session, Unit, "boegeskov-skole", org)
            ids = {"period_id": ids["period_id"], "unit_id": unit}
        request = DocumentRequest(kind, **ids, **wanted)  # type: ignore[arg-type]
        return await render(session, request, "Camilla Dahl", MADE, "00.01.00-A00-1-27")


def read(found: Rendered, folder: Path) -> tuple[str, int, int]:
    """The PDF's text, its page count, and how many pictures (charts) it holds; every page
    is also rendered to an image, as a reader's viewer would."""
    folder.mkdir(exist_ok=True)
    path = folder / found.file_name
    path.write_bytes(found.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(folder / "side")], check=True)
    pages = sorted(folder.glob("side-*.png"))
    assert pages and all(page.stat().st_size > 1000 for page in pages)
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    images = [line for line in listed if line.split()[2] == "image"]  # not the alpha masks
    return " ".join(text.split()), len(pages), len(images)


@pytest.fixture
async def autumn(sessions: Sessions, demo: OrgFile) -> OrgFile:
    await a_year_behind(sessions, demo)
    return demo


async def test_the_committee_report_has_it_all_in_danish(
    sessions: Sessions, autumn: OrgFile, tmp_path: Path
) -> None:
    text, pages, charts = read(await made(sessions, autumn, "rapport"), tmp_path)
    for expected in (
        "Udvalgsrapport: Børne- og Uddannelsesudvalget",
        "Bøgeskov Kommune · Valgperioden 2026–2029",
        "Lavet af Pejling 14. december 2026 kl. 10.00",
        "Indhold",
        "Grøn: 3 · Gul: 2 · Rød: 1 · Ingen status: 2",
        "Børnehuset Mælkebøtten",
        "Leder: Mette Kjærgaard",
        "Seneste status: Gul (Gu) (16. november 2026)",
        "Midtvejsevaluering 2026: Gul (Gu)",
        "Færre konflikter på mellemtrinnet",
        "Alle børn leger med sprog hver dag",
        "Økonomiske konsekvenser: 1,2 mio. kr. om året fra 2028.",
        "Viden før dialogmøderne",
        "Trivsel i indskolingen (2026): 82 %",
        "Kvalitetsrapport 2026: https://boegeskov.dk/kvalitetsrapport-2026",
        "Andre konsekvenser: Lokalerne i udskolingen skal deles om eftermiddagen.",
        # The meeting's bearing waits for the committee's decision, and says so.
        "Alle børn leger med sprog hver dag Forslag fra dialogmødet, ikke besluttet af "
        "udvalget endnu.",
        "Dialogmøde 10. december 2026 kl. 14.00",
        "ansvarlig: Lise Holm, frist: 1. februar 2027",
        f"Side 1 af {pages}",
        f"Side {pages} af {pages}",
    ):
        assert expected in text
    assert "ansvarlig: lise" not in text  # people by name, never by key
    assert charts == 5  # a status chart for each of the committee's five units
    assert 3 <= pages <= 8


async def test_the_meeting_pack_the_summary_and_the_agreement(
    sessions: Sessions, autumn: OrgFile, tmp_path: Path
) -> None:
    pack, pack_pages, pack_charts = read(await made(sessions, autumn, "pakke"), tmp_path / "a")
    assert "Mødepakke: Børne- og Uddannelsesudvalget" in pack
    assert "Til mødet 10. december 2026 kl. 14.00" in pack
    assert "Engholm Skole" not in pack  # only the meeting's own units
    assert "Forberedelse fra lederen" in pack  # Mette's note for the meeting
    assert "Viden før dialogmøderne Nøgletal Trivsel i indskolingen (2026): 82 %" in pack
    assert "Udfordringer: For få voksne i gården i indskolingen." in pack
    assert pack_charts == 2 and pack_pages <= 6

    summary, summary_pages, _ = read(await made(sessions, autumn, "referat"), tmp_path / "b")
    assert "Referat af dialogmøde: Børne- og Uddannelsesudvalget" in summary
    assert "Personalemæssige konsekvenser: Fire nye stillinger." in summary
    assert "Godkendt af Camilla Dahl" in summary and summary_pages == 1

    agreement, _, charts = read(await made(sessions, autumn, "aftale"), tmp_path / "c")
    assert "Aftale for Bøgeskov Skole" in agreement
    assert "Forventet effekt: Færre konflikter i frikvartererne" in agreement
    assert "Godkendt af fagchef Henrik Lund 22. november 2026 (version 1)" in agreement
    committee = "Godkendt af udvalget 3. december 2026 (registreret af Camilla Dahl, version 1)"
    assert committee in agreement
    assert "Godkendt før Pejling og indlæst fra organisationsfilen." in agreement
    assert charts == 1


async def test_the_agreement_is_the_units_whole_account_for_the_period_in_one_document(
    sessions: Sessions, autumn: OrgFile, tmp_path: Path
) -> None:
    """004: the agreement replaces reports and business plans. Bøgeskov Skole's holds each
    goal as agreed, every status of the period with who reported it, and the midway
    evaluation with the department head's answer and sign-off."""
    agreement, _, _ = read(await made(sessions, autumn, "aftale"), tmp_path)

    for expected in (
        "Aftale for Bøgeskov Skole",
        "Succeskriterier:",
        "Statusforløb",
        "meldt af Mette Kjærgaard",
        "Midtvejsevaluering 2026: Gul (Gu)",
        "Fagchefens svar: Enig",
        "Kommentar: Vi følger målingen op i marts.",
        "Underskrevet af fagchef Henrik Lund 21. november 2026",
    ):
        assert expected in agreement, expected
    assert "Engholm Skole" not in agreement  # one unit's agreement, not the committee's


async def test_a_committee_of_thirty_units_gets_a_report_of_sane_length(
    sessions: Sessions, demo_org: OrgFile, tmp_path: Path
) -> None:
    big = thirty_units(demo_org)
    async with sessions.begin() as session:
        await import_org(session, big)
    text, pages, charts = read(await made(sessions, big, "rapport"), tmp_path)
    assert "Dagtilbud Æblehaven 30" in text and "Dagtilbud Æblehaven 1 " in text
    assert charts == 35  # 30 new units and the demo's five
    assert 15 <= pages <= 60


async def test_the_secretary_gets_the_same_as_excel_without_ids(
    sessions: Sessions, autumn: OrgFile, tmp_path: Path
) -> None:
    found = await made(sessions, autumn, "rapport", format="xlsx")
    path = tmp_path / found.file_name
    path.write_bytes(found.content)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Mål",
        "Statusmeldinger",
        "Evalueringer",
        "Pejlemærker",
        "Sager",
        "Viden",
        "Referater",
        "Opfølgning",
    ]
    goals = list(book["Mål"].values)
    assert goals[0][:3] == ("Enhed", "Center", "Mål")
    assert len(goals) == 1 + 8
    assert goals[1][:3] == (
        "Bøgeskov Skole",
        "Center for Dagtilbud og Skole",
        "Flere elever trives i frikvartererne",
    )
    headings = {h for sheet in book for h in next(sheet.values)}
    assert not {h for h in headings if h and "id" in h.lower().split()}
    follow_ups = list(book["Opfølgning"].values)
    assert follow_ups[1][2] == "Lise Holm"
    assert list(book["Viden"].values)[1] == (
        "Nøgletal", "Trivsel i indskolingen", "Andel der svarer »ofte god« i trivselsmålingen.",
        None, 82, "%", 2026,
    )  # fmt: skip
    matters = list(book["Sager"].values)
    assert matters[0][4] == "Andre konsekvenser"
    assert matters[1][4] == "Lokalerne i udskolingen skal deles om eftermiddagen."
    bearings = {row[0]: row[1] for row in list(book["Pejlemærker"].values)[1:]}
    assert bearings["Alle børn leger med sprog hver dag"].startswith("Forslag fra dialogmødet")
    assert set(bearings.values()) - {bearings["Alle børn leger med sprog hver dag"]} == {
        "Besluttet af udvalget"
    }


async def test_the_summary_is_filed_with_its_metadata(sessions: Sessions, autumn: OrgFile) -> None:
    found = await made(sessions, autumn, "referat")
    meta = json.loads(found.metadata())
    assert meta == {
        "Titel": "Referat af dialogmøde: Børne- og Uddannelsesudvalget",
        "Udvalg": "Børne- og Uddannelsesudvalget",
        "Periode": "Valgperioden 2026–2029",
        "Mødedato": "2026-12-10",
        "Sagsnummer": "00.01.00-A00-1-27",
        "Forfatter": "Camilla Dahl",
        "Oprettet": "2026-12-14T10:00:00+01:00",
        "Fil": "Referat-af-dialogmøde-Børne-og-Uddannelsesudvalget-2026-12-10.pdf",
    }


def test_pejling_rapport_writes_the_report_and_its_journal_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}")
    assert cli.main(["import", str(cli.DEMO_FILE)]) == 0
    out = tmp_path / "ud"
    assert (
        cli.main(
            ["rapport", "--udvalg", "buu", "--journal", "--sagsnummer", "27-1", "--ud", str(out)]
        )
        == 0
    )
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "Udvalgsrapport-Børne-og-Uddannelsesudvalget.json",
        "Udvalgsrapport-Børne-og-Uddannelsesudvalget.pdf",
    ]
    assert cli.main(["rapport", "--type", "revision", "--udvalg", "buu", "--ud", str(out)]) == 0
    assert cli.main(["rapport", "--udvalg", "ukendt", "--ud", str(out)]) == 2
    assert (
        cli.main(
            [
                "rapport",
                "--type",
                "referat",
                "--udvalg",
                "buu",
                "--moede",
                "2027-01-01",
                "--ud",
                str(out),
            ]
        )
        == 2
    )


def test_the_audit_trail_for_the_esdh_reads_as_names_and_danish_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}")
    assert cli.main(["import", str(cli.DEMO_FILE)]) == 0
    out = tmp_path / "ud"
    assert (
        cli.main(
            [
                "rapport",
                "--type",
                "revision",
                "--udvalg",
                "buu",
                "--journal",
                "--forfatter",
                "Camilla Dahl",
                "--ud",
                str(out),
            ]
        )
        == 0
    )
    (pdf,) = out.glob("*.pdf")
    raw = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(raw.split())
    assert "Revisionsspor: Børne- og Uddannelsesudvalget" in text
    assert "Valgperioden 2026–2029" in text
    assert "Dato Hvem Hvad Handling" in text  # Danish headings, no id column
    meta = json.loads(next(out.glob("*.json")).read_text(encoding="utf-8"))
    assert meta["Forfatter"] == "Camilla Dahl" and meta["Udvalg"] == "Børne- og Uddannelsesudvalget"


def test_a_goal_card_shows_the_final_reports_effect_against_the_expected() -> None:
    final = EvaluationLine(
        EvaluationKind.FINAL,
        2029,
        Color.GREEN,
        "Alle kriterier er nået.",
        "Færre konflikter i alle årgange.",
        "Trivselsmåling 2029: 84 %.",
        "Effekten er som forventet.",
        MADE,
    )
    goal = ReportGoal(
        "Flere elever trives",
        "Bøgeskov Skole",
        expected_effect="Færre konflikter.",
        evaluations=(final,),
    )
    shown = card_text(card(course_section(goal, texts()), "kort"))
    assert "Slutrapport 2029: Grøn. Effekt: Færre konflikter i alle årgange." in shown
    assert "Forventet effekt: Færre konflikter. – vurderet: Effekten er som forventet." in shown


def test_a_unit_page_says_once_that_a_goal_has_no_status_yet() -> None:
    unit = ReportUnit(
        "Bøgeskov Skole",
        "Center for Dagtilbud og Skole",
        goals=(ReportGoal("Styrket læsning i indskolingen", "Bøgeskov Skole"),),
    )
    report = CommitteeReport("Bøgeskov Kommune", "Børne- og Uddannelsesudvalget",
                             "Valgperioden 2026–2029", MADE.date(), MADE.date(), MADE,
                             units=(unit,))  # fmt: skip

    shown = card_text(unit_card(report, texts()))

    assert "Ingen status endnu" in shown
    assert "Ingen statusmeldinger i perioden endnu" not in shown


def test_a_goal_cards_strip_is_drawn_at_phone_width_so_its_months_read() -> None:
    """At 7 inches and 60 dpi the months were 6 px high on a phone; the card's strip is
    as wide as the card and drawn at 100 dpi, so 7-point text is 10 px."""
    goal = ReportGoal("Flere elever trives", "Bøgeskov Skole",
                      statuses=(StatusPoint(Color.RED, MADE, "Flere konflikter."),))  # fmt: skip

    picture = Image.open(BytesIO(card_strip(goal, date(2026, 1, 1), MADE.date(), texts())))

    assert picture.width == 440
    assert round(picture.info["dpi"][0]) == 100
