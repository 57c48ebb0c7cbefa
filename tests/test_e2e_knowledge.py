"""Knowledge first, end to end over HTTP on SQLite and PostgreSQL: before the daycares'
dialogue meeting, camilla opens the committee's knowledge from the meeting's card,
enters a key figure and a trend, posts the pack to the committee's channel (once, however
often she presses), and the meeting pack opens with it. The council secretary imports
the same from the spreadsheet with `pejling viden`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import cli
from conftest import database_for
from fakebf import FakeBotFramework, Message
from goalkit import press, send_card_data
from harness import (
    RunningPejling,
    at,
    button_data,
    buttons,
    card_text,
    rows,
    running_pejling,
    shown,
)
from store.models import KnowledgeItem
from store.orgfile import OrgFile
from test_e2e_meetings import (
    BUU,
    NOW,
    channel_posts,
    dispatches,
    link_channel,
    planned,
    posted,
    send_pack_now,
)

FIGURE = {"kind": "figure", "title": "Sprogvurdering: børn uden behov for støtte",
          "value": "87,5", "unit": "%", "year": "2026"}  # fmt: skip
TREND = {"kind": "text", "title": "Flere tosprogede børn",
         "text": "Andelen er steget fra 14 til 19 % på tre år."}  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
async def pejling(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        at(running, NOW)
        yield running


async def knowledge_form(pejling: RunningPejling) -> tuple[Message, Message]:
    """The daycares' meeting planned and the channel linked: the meeting's card, and the
    form camilla's press on its *Udvalgets viden* puts in its place."""
    await link_channel(pejling)
    meeting = await planned(pejling)
    form, _ = await press(pejling, "camilla", meeting, "Udvalgets viden")
    return meeting, shown(meeting, form)


async def enter(pejling: RunningPejling, form: Message, piece: dict[str, str]) -> Message:
    blank = dict.fromkeys(("kind", "title", "text", "url", "value", "unit", "year"), "")
    after, said = await press(pejling, "camilla", form, "Læg ind", {**blank, **piece})
    assert [m.text for m in said] == [f"»{piece['title']}« er lagt ind i udvalgets viden."]
    return shown(form, after)


async def test_camilla_posts_the_committees_knowledge_once_and_it_opens_the_pack(
    pejling: RunningPejling,
) -> None:
    meeting, form = await knowledge_form(pejling)
    assert card_text(form.cards[-1]).startswith(f"Udvalgets viden: {BUU}\nValgperioden 2026–2029")
    assert buttons(form.cards[-1]) == ["Læg ind"]  # nothing to send yet
    form = await enter(pejling, form, FIGURE)
    form = await enter(pejling, form, TREND)

    answer, _ = await press(pejling, "camilla", form, "Send til kanalen")

    assert answer == f"Udvalgets viden bliver sendt til kanalen for {BUU}."
    [post] = await posted(pejling)
    said = card_text(post.cards[0])
    assert said.startswith(f"Viden før dialogmøderne: {BUU}\n")
    assert "Sprogvurdering: børn uden behov for støtte (2026): 87,5 %" in said
    assert "Flere tosprogede børn\nAndelen er steget fra 14 til 19 % på tre år." in said
    again, _ = await press(pejling, "camilla", form, "Send til kanalen")
    assert again == f"Udvalgets viden, som den er nu, er allerede sendt til kanalen for {BUU}."
    assert channel_posts(pejling) == [post]
    assert list((await dispatches(pejling)).values()) == ["sent"]

    pack = card_text((await send_pack_now(pejling, meeting)).cards[0])
    assert "Viden før dialogmøderne\nNøgletal\nSprogvurdering" in pack


async def test_a_link_that_is_no_address_is_refused_in_danish_and_nothing_is_saved(
    pejling: RunningPejling,
) -> None:
    _, form = await knowledge_form(pejling)
    wrong = {"kind": "link", "title": "Kvalitetsrapporten", "url": "boegeskov.dk/rapport"}

    answer, _ = await press(pejling, "camilla", form, "Læg ind", wrong)

    assert answer == "Linket til »Kvalitetsrapporten« skal begynde med https:// eller http://."
    after = await enter(pejling, form, TREND)
    assert "Kvalitetsrapporten" not in card_text(after.cards[-1])


async def test_a_politician_cannot_enter_the_committees_knowledge(
    pejling: RunningPejling,
) -> None:
    _, form = await knowledge_form(pejling)
    data = {**button_data(form.cards[-1], "Læg ind"), **TREND}

    answer, _ = await send_card_data(pejling, "jens", form, data)

    assert answer == "Det er administrationen, der lægger udvalgets viden ind og sender den."
    assert await rows(pejling, select(KnowledgeItem)) == []


def test_pejling_viden_imports_the_spreadsheet_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}")
    assert cli.main(["import", str(cli.DEMO_FILE)]) == 0
    sheet = tmp_path / "viden.csv"
    sheet.write_text(
        "art;titel;tekst;værdi;enhed;år\n"
        "nøgletal;Sygefravær blandt pædagoger;;4,5;dage pr. måned;2026\n"
        "tekst;Flere tosprogede børn;Andelen er steget fra 14 til 19 %.;;;\n",
        encoding="utf-8",
    )
    capsys.readouterr()

    assert cli.main(["viden", str(sheet), "--udvalg", "buu"]) == 0
    assert cli.main(["viden", str(sheet), "--udvalg", "buu"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{BUU}, Valgperioden 2026–2029: 2 nye, 0 ændrede.",
        f"{BUU}, Valgperioden 2026–2029: 0 nye, 0 ændrede.",
    ]
    sheet.write_text("art;titel;værdi\nnøgletal;Fravær;højt\n", encoding="utf-8")
    assert cli.main(["viden", str(sheet), "--udvalg", "buu"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"Filen {sheet} kan ikke læses ind i udvalgets viden: Række 2: Skriv nøgletallet for "
        "»Fravær« som et tal, fx 82 eller 4,5."
    )
