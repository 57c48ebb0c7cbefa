"""The architecture's rules, checked on every run (docs/DESIGN.md, "Architecture")."""

from __future__ import annotations

import ast
import functools
import json
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
    "store.shipped",  # reads the catalogue shipped inside kort/, as the profiles are read
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


# --- bot/ is the edge ------------------------------------------------------------------------

DEVTOOLS = ROOT / "bot" / "devtools"
SQL_LIBRARIES = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3")
# bot/ may hold a session and hand it to store/ functions; what it must not do is ask the
# session anything itself (`session.execute`, `session.get_one`, `session.info`...).
SESSION_NAMES = frozenset({"session", "connection"})


def product_modules(package: str) -> list[Path]:
    return [path for path in (ROOT / package).rglob("*.py") if DEVTOOLS not in path.parents]


def sql_in(source: str, name: str) -> list[str]:
    """Where the module `name` imports a database library or uses a session itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in SESSION_NAMES
        ):
            found.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
            continue
        else:
            continue
        found += [
            f"{name}:{node.lineno}: import {module}"
            for module in names
            if module.split(".")[0] in SQL_LIBRARIES
        ]
    return found


def test_bot_writes_no_sql() -> None:
    """Every statement is written in store/; bot/ opens transactions and passes them on."""
    found = [
        hit
        for path in product_modules("bot")
        for hit in sql_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_sql_check_sees_a_query() -> None:
    """The check above is not blind: the way bot/ used to read a language is caught."""
    sample = (
        "from sqlalchemy import select\n"
        "async def language(session, model):\n"
        "    return await session.scalar(select(model.language))\n"
    )
    assert sql_in(sample, "sample") == [
        "sample:1: import sqlalchemy",
        "sample:3: session.scalar",
    ]


def devtools_imports(path: Path) -> list[tuple[int, bool]]:
    """Each import of bot.devtools in `path`: its line, and whether it runs only inside a
    function (or only for the type checker)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    deferred: set[int] = set()
    for node in ast.walk(tree):
        is_type_checking = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or is_type_checking:
            deferred |= {id(inner) for inner in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        if any(name == "bot.devtools" or name.startswith("bot.devtools.") for name in names):
            found.append((node.lineno, id(node) in deferred))
    return found


def test_nothing_in_the_product_imports_the_devtools() -> None:
    """The terminal chat and the time travel are development tools: no product module
    imports them. The CLI is their one door, inside the functions of `pejling chat` and
    `pejling tidsrejse`, so `pejling serve` never loads them."""
    cli = ROOT / "bot" / "cli.py"
    offending = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in ("bot", "dialoger", "kort", "store")
        for path in product_modules(package)
        for line, deferred in devtools_imports(path)
        if path != cli or not deferred
    ]
    assert offending == []
    assert devtools_imports(cli), "the CLI still offers `pejling chat` and `pejling tidsrejse`"


# The arrows docs/DESIGN.md ("The house") draws; bot → bot.devtools is the CLI's lazy door.
HOUSE = {
    ("bot.devtools", "bot"), ("bot.devtools", "dialoger"), ("bot.devtools", "kort"),
    ("bot.devtools", "store"), ("bot", "bot.devtools"), ("bot", "dialoger"), ("bot", "kort"),
    ("bot", "store"), ("dialoger", "kort"), ("dialoger", "store"), ("kort", "store"),
}  # fmt: skip


def test_the_house_drawn_from_the_imports_has_only_the_designed_arrows() -> None:
    from house import arrows

    assert set(arrows()) <= HOUSE


# Prints what reading a command line loaded: bot.devtools' modules, and the document
# libraries (ReportLab, matplotlib, openpyxl take seconds to import).
PROBE = (
    "import json, sys\n"
    "from bot import app, cli\n"
    "cli._parser(sys.argv[1:])\n"
    "heavy = ('matplotlib', 'reportlab', 'openpyxl')\n"
    "print(json.dumps({\n"
    "    'devtools': sorted(m for m in sys.modules if m.startswith('bot.devtools')),\n"
    "    'documents': sorted(m for m in heavy if m in sys.modules),\n"
    "}))\n"
)


@functools.cache
def loaded_by(command: str) -> dict[str, list[str]]:
    """What reading `pejling <command>`'s command line loads, in a process of its own; one
    process per command for the module (starting Python is most of what it costs)."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE, command], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0, run.stderr
    found: dict[str, list[str]] = json.loads(run.stdout)
    return found


def test_the_product_commands_load_no_development_tool() -> None:
    """Reading `pejling serve`'s command line, in a process of its own, loads nothing of
    bot.devtools; `pejling chat` does, for its own arguments."""
    assert loaded_by("serve")["devtools"] == []
    assert "bot.devtools.chat.cli" in loaded_by("chat")["devtools"]


def test_starting_a_command_loads_no_document_library() -> None:
    """ReportLab, matplotlib and openpyxl take seconds to import: they load when the first
    document or course strip is made, not with `pejling serve` or any other command."""
    assert loaded_by("serve")["documents"] == []
    assert loaded_by("chat")["documents"] == []
