"""The architecture's rules, checked on every run (docs/DESIGN.md, "Architecture")."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOTBUILDER = ("botbuilder", "botframework")
# The plain types and tables of store/ that cards build from. store.goals and
# store.profiles are imported by kort only for their dataclasses (under TYPE_CHECKING,
# as store.goals itself loads SQLAlchemy).
KORT_MAY_IMPORT = (
    "store.enums",
    "store.limits",
    "store.views",
    "store.goalfields",
    "store.profiles",
    "store.goalviews",
    "store.meetingviews",  # frozen views of meetings, made for cards
    "store.reminderviews",  # what a reminder of the year says, made for cards
    "store.roleviews",  # who holds which role, made for the roles card
    "store.text",  # folding, Danish order, shortening: pure functions
    "store.documentviews",  # what the committee's documents show, made for kort/documents
    "store.dates",  # the Danish clock and date reading: pure functions
)


def imports(package: str) -> dict[Path, set[str]]:
    found: dict[Path, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[path.relative_to(ROOT)] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path}: {name}"
        for path, names in imports(package).items()
        for name in sorted(names)
        if name.split(".")[0] in forbidden
    ]


def test_only_bot_imports_botbuilder() -> None:
    for package in ("dialoger", "kort", "store"):
        assert offenders(package, BOTBUILDER) == []


def test_dependencies_point_inwards() -> None:
    assert offenders("store", ("bot", "dialoger", "kort")) == []
    assert offenders("kort", ("bot", "dialoger")) == []
    assert offenders("dialoger", ("bot",)) == []


def test_kort_does_no_io() -> None:
    """Cards are pure: no database session, no HTTP, no files."""
    forbidden = ("sqlalchemy", "aiohttp", "asyncpg", "aiosqlite", "requests", "socket")
    assert offenders("kort", forbidden) == []
    store_io = [
        f"{path}: {name}"
        for path, names in imports("kort").items()
        for name in names
        if name.startswith("store.") and name not in KORT_MAY_IMPORT
    ]
    assert store_io == []


def test_ruff_is_clean() -> None:
    ruff = shutil.which("ruff") or str(ROOT / ".venv" / "bin" / "ruff")
    result = subprocess.run([ruff, "check", "--quiet", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check() -> None:
    """mypy with the settings in pyproject.toml: strict for the store, the dialogues and
    the cards. The first run takes about 20 seconds of CPU; its cache in .mypy_cache/
    brings the next to about half a second."""
    command = [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
