"""`pejling uopnåelige`: the administration's list of whom Pejling cannot write to."""

from __future__ import annotations

import asyncio
import os
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

PEJLING = Path(sys.executable).with_name("pejling")
DEMO_FILE = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"


async def test_everyone_who_never_opened_pejling_is_listed(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "PEJLING_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'pejling.db'}"

    async def run(*args: str) -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            str(PEJLING), *args, env=env, stdout=PIPE, stderr=PIPE
        )
        out, _ = await process.communicate()
        return process.returncode or 0, out.decode()

    assert (await run("import", str(DEMO_FILE)))[0] == 0
    code, out = await run("uopnåelige")

    assert code == 0
    assert "Bøgeskov Kommune: Mette Kjærgaard har aldrig åbnet Pejling i Teams." in out
    assert out.splitlines()[-1] == "12 kan ikke nås."  # every person with a role, so far
