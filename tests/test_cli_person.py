"""`pejling person eksport` and `pejling person slet`: the administration's GDPR commands."""

from __future__ import annotations

import json
from pathlib import Path

from clikit import pejling_in_process
from harness import DEMO_FILE, pejling_command


async def demo_database(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}"
    assert (await pejling_in_process(url, "import", str(DEMO_FILE)))[0] == 0
    return url


async def test_the_export_is_json_on_the_screen_or_in_a_file(tmp_path: Path) -> None:
    url = await demo_database(tmp_path)

    code, out, _ = await pejling_command(url, "person", "eksport", "mette")
    written = tmp_path / "mette.json"
    saved = await pejling_in_process(url, "person", "eksport", "mette", "--ud", str(written))

    assert code == 0
    found = json.loads(out)
    assert found["person"]["navn"] == "Mette Kjærgaard"
    assert found["roller"] == [{"rolle": "institutionsleder", "gælder": "Bøgeskov Skole"}]
    assert [s["farve"] for s in found["statusmeldinger"]] == ["gul", "grøn"]
    assert saved[0] == 0 and "er skrevet til" in saved[1]
    assert json.loads(written.read_text(encoding="utf-8"))["person"] == found["person"]


async def test_erasure_asks_for_ja_then_pseudonymises(tmp_path: Path) -> None:
    url = await demo_database(tmp_path)

    asked = await pejling_in_process(url, "person", "slet", "mette")
    code, out, _ = await pejling_in_process(url, "person", "slet", "mette", "--ja")

    assert asked[0] == 2 and "Intet er slettet endnu" in asked[2]
    assert "pejling person slet mette --ja" in asked[2]
    assert code == 0
    assert "hedder nu »Slettet person 1« (nøgle slettet-1)" in out
    assert "Fjern mette fra organisationsfilen" in out
    gone = await pejling_in_process(url, "person", "eksport", "mette")
    assert gone[0] == 2 and "Jeg kender ingen person med nøglen »mette«." in gone[2]
    again = await pejling_in_process(url, "person", "slet", "slettet-1", "--ja")
    assert again[0] == 0 and "allerede slettet (Slettet person 1)" in again[1]
    pseudonym = json.loads((await pejling_in_process(url, "person", "eksport", "slettet-1"))[1])
    assert pseudonym["person"]["slettet"] is True
    assert [s["farve"] for s in pseudonym["statusmeldinger"]] == ["gul", "grøn"]
