"""The committee's knowledge pack in the store, on SQLite and PostgreSQL: the
administration enters trends, surveys, key figures and links for a committee and period
or imports them from the file the municipality keeps them in, posts the pack to the
committee's channel once per content, and every dialogue meeting's pack of the period
opens with it."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from meetingkit import plan_meeting, refusal
from store import knowledge, meeting_pack
from store.enums import KnowledgeKind
from store.errors import Invalid, NotAllowed
from store.meetingviews import KnowledgeItemView, KnowledgePackView
from store.models import Committee, Period
from store.orgfile import OrgFile
from store.outbox import Kind
from store_helpers import NOW, Sessions, actor_of, id_of, municipality_id

PERIOD = "valgperiode-2026-2029"
TRIVSEL = {"kind": "nøgletal", "title": "Trivsel i indskolingen", "value": "82", "unit": "%",
           "year": "2026", "text": "Andel der svarer »ofte god«."}  # fmt: skip
TREND = {"kind": "tekst", "title": "Flere børn med særlige behov",
         "text": "Antallet af børn med støtte er steget 12 % på to år."}  # fmt: skip
REPORT = {"kind": "link", "title": "Kvalitetsrapport 2026",
          "url": "https://boegeskov.dk/kvalitetsrapport-2026"}  # fmt: skip
CSV = (
    "Art;Titel;Tekst;Link;Værdi;Enhed;År\n"
    "nøgletal;Sygefravær blandt pædagoger;;;4,5;dage pr. måned;2026\n"
    "tekst;Flere børn med særlige behov;Antallet af børn med støtte er steget 12 % på to år.;;;;\n"
    ";;;;;;\n"
    "link;Kvalitetsrapport 2026;;https://boegeskov.dk/kvalitetsrapport-2026;;;\n"
)


async def scope(sessions: Sessions, org: OrgFile) -> tuple[int, int]:
    async with sessions() as session:
        return await id_of(session, Committee, "buu", org), await id_of(
            session, Period, PERIOD, org
        )


async def enter(
    sessions: Sessions, org: OrgFile, raw: dict[str, str], person: str = "camilla"
) -> KnowledgeItemView:
    committee, period = await scope(sessions, org)
    async with sessions.begin() as session:
        actor = await actor_of(session, org, person)
        entered = knowledge.entry(raw)
        return await knowledge.save(session, actor, committee, period, entered, NOW)


async def the_pack(sessions: Sessions, org: OrgFile) -> KnowledgePackView:
    committee, period = await scope(sessions, org)
    async with sessions() as session:
        return await knowledge.pack(session, await municipality_id(session, org), committee, period)


async def post(sessions: Sessions, org: OrgFile, now: datetime = NOW) -> tuple[str, bool]:
    committee, period = await scope(sessions, org)
    async with sessions.begin() as session:
        actor = await actor_of(session, org, "camilla")
        planned, new = await knowledge.post(session, actor, committee, period, now)
        assert planned.kind is Kind.KNOWLEDGE
        return planned.key, new


async def test_the_administration_enters_key_figures_trends_and_links(
    sessions: Sessions, demo: OrgFile
) -> None:
    for raw in (TREND, REPORT, TRIVSEL):
        await enter(sessions, demo, raw)

    found = await the_pack(sessions, demo)

    assert (found.committee_name, found.period_name) == (
        "Børne- og Uddannelsesudvalget", "Valgperioden 2026–2029",
    )  # fmt: skip
    assert [(i.kind, i.title) for i in found.items] == [
        (KnowledgeKind.FIGURE, "Trivsel i indskolingen"),  # key figures first
        (KnowledgeKind.TEXT, "Flere børn med særlige behov"),
        (KnowledgeKind.LINK, "Kvalitetsrapport 2026"),
    ]
    figure = found.items[0]
    assert (figure.value, figure.unit, figure.year) == (82.0, "%", 2026)


async def test_entering_a_title_again_replaces_the_piece(sessions: Sessions, demo: OrgFile) -> None:
    await enter(sessions, demo, TRIVSEL)
    await enter(sessions, demo, {**TRIVSEL, "value": "84,5", "year": "2027"})

    [figure] = (await the_pack(sessions, demo)).items

    assert (figure.value, figure.year) == (84.5, 2027)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({**REPORT, "url": "boegeskov.dk/rapport"}, "viden.link_ugyldigt"),
        ({**TRIVSEL, "value": "mange"}, "viden.vaerdi_ugyldig"),
        ({**TRIVSEL, "year": "1826"}, "viden.aar_ugyldigt"),
        ({**TREND, "text": " "}, "viden.tekst_mangler"),
        ({**TREND, "title": ""}, "viden.titel_mangler"),
        ({**TREND, "kind": "billede"}, "viden.art_ukendt"),
    ],
)
def test_a_piece_that_cannot_be_read_is_refused_with_a_reason(
    raw: dict[str, str], reason: str
) -> None:
    with pytest.raises(Invalid) as refused:
        knowledge.entry(raw)
    assert refused.value.key == reason


async def test_only_the_administration_enters_the_committees_knowledge(
    sessions: Sessions, demo: OrgFile
) -> None:
    refused = await refusal(enter(sessions, demo, TREND, person="mette"))
    assert isinstance(refused, NotAllowed)
    assert (await the_pack(sessions, demo)).items == ()


async def test_a_csv_file_as_excel_saves_it_in_danish_is_imported_once(
    sessions: Sessions, demo: OrgFile, tmp_path: Path
) -> None:
    path = tmp_path / "viden.csv"
    path.write_text(CSV, encoding="utf-8-sig")
    committee, period = await scope(sessions, demo)
    counts = []
    for _ in range(2):
        async with sessions.begin() as session:
            where = await municipality_id(session, demo)
            entries = knowledge.read_file(path)
            counts.append(
                await knowledge.import_entries(session, where, committee, period, entries, NOW)
            )

    assert counts == [(3, 0), (0, 0)]  # the same file again changes nothing
    found = await the_pack(sessions, demo)
    assert found.items[0].title == "Sygefravær blandt pædagoger"
    assert (found.items[0].value, found.items[0].unit) == (4.5, "dage pr. måned")


def test_an_excel_workbook_is_read_and_a_bad_row_is_named(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Titel", "Art", "Værdi", "Enhed", "År"])
    sheet.append(["Elever i trivsel", "nøgletal", 91.5, "%", 2026])
    sheet.append(["Fravær", "nøgletal", "højt", "%", 2026])
    path = tmp_path / "viden.xlsx"
    book.save(path)

    with pytest.raises(Invalid) as refused:
        knowledge.read_file(path)

    assert (refused.value.key, refused.value.params["row"]) == ("viden.vaerdi_ugyldig", 3)
    sheet.delete_rows(3)
    book.save(path)
    [read] = knowledge.read_file(path)
    assert (read.kind, read.title, read.value, read.year) == (
        KnowledgeKind.FIGURE, "Elever i trivsel", 91.5, 2026,
    )  # fmt: skip


async def test_the_pack_is_posted_once_per_content(sessions: Sessions, demo: OrgFile) -> None:
    empty = await refusal(post(sessions, demo))
    assert empty.key == "viden.tom"
    await enter(sessions, demo, TRIVSEL)

    first = await post(sessions, demo)
    again = await post(sessions, demo, NOW + timedelta(hours=1))
    await enter(sessions, demo, TREND)
    changed = await post(sessions, demo, NOW + timedelta(hours=2))

    assert (first[1], again[1], changed[1]) == (True, False, True)
    assert first[0] == again[0] != changed[0]


async def test_removing_a_piece_leaves_the_rest(sessions: Sessions, demo: OrgFile) -> None:
    kept, gone = await enter(sessions, demo, TREND), await enter(sessions, demo, REPORT)
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        after = await knowledge.remove(session, actor, gone.id)
    assert [i.id for i in after.items] == [kept.id]
    async with sessions.begin() as session:
        actor = await actor_of(session, demo, "camilla")
        refused = await refusal(knowledge.remove(session, actor, gone.id))
    assert refused.key == "viden.ukendt"


async def test_every_meeting_pack_of_the_period_opens_with_the_knowledge(
    sessions: Sessions, demo: OrgFile
) -> None:
    await enter(sessions, demo, TRIVSEL)
    planned = await plan_meeting(sessions, demo)
    async with sessions() as session:
        found = await meeting_pack.pack(session, planned.meeting.id)
    assert [i.title for i in found.knowledge] == ["Trivsel i indskolingen"]
