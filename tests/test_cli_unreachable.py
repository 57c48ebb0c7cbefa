"""`pejling uopnåelige`: the administration's list of whom Pejling cannot write to."""

from __future__ import annotations

from pathlib import Path

from harness import DEMO_FILE, pejling_command


async def test_everyone_who_never_opened_pejling_is_listed(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}"
    assert (await pejling_command(url, "import", str(DEMO_FILE)))[0] == 0

    code, out, _ = await pejling_command(url, "uopnåelige")

    assert code == 0
    assert "Bøgeskov Kommune: Mette Kjærgaard har aldrig åbnet Pejling i Teams." in out
    assert out.splitlines()[-1] == "12 kan ikke nås."  # every person with a role, so far
