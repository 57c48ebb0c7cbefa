"""The house drawn from the imports: which part of Pejling imports which.

    python tests/house.py            the parts and the arrows between them, with counts
    python tests/house.py --modules  every module of bot/ and what it imports inside Pejling

Read from the source (every `import` statement, at any depth, type-checking ones too), so
the drawing cannot drift from the code. tests/test_layering.py checks the arrows against
the ones docs/DESIGN.md ("The house") allows.
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The rooms: each module belongs to the first whose prefix it has.
PARTS = ("bot.devtools", "bot", "dialoger", "kort", "store")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str | None:
    return next((p for p in PARTS if module == p or module.startswith(p + ".")), None)


def imported(path: Path) -> set[str]:
    """The modules of Pejling that `path` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if part_of(name) is not None}


def modules() -> dict[str, set[str]]:
    """Every module of the product and the tools, with what it imports of Pejling."""
    return {
        module_name(path): imported(path)
        for top in ("bot", "dialoger", "kort", "store")
        for path in sorted((ROOT / top).rglob("*.py"))
    }


def arrows() -> Counter[tuple[str, str]]:
    """(from part, to part): how many modules of the first import the second."""
    counted: Counter[tuple[str, str]] = Counter()
    for module, names in modules().items():
        source = part_of(module)
        assert source is not None
        for target in {part_of(name) for name in names} - {source, None}:
            counted[(source, str(target))] += 1
    return counted


def lines_of_code(part: str) -> int:
    """Lines in the part's own modules (a sub-part's are not counted in its parent)."""
    total = 0
    for top in ("bot", "dialoger", "kort", "store"):
        for path in (ROOT / top).rglob("*.py"):
            if part_of(module_name(path)) == part:
                total += len(path.read_text(encoding="utf-8").splitlines())
    return total


def drawing() -> str:
    counted = arrows()
    rows = [f"{part:<13} {lines_of_code(part):>6} lines" for part in PARTS]
    rows.append("")
    width = max(len(a) for a, _ in counted)
    for (source, target), count in sorted(counted.items(), key=lambda a: PARTS.index(a[0][0])):
        rows.append(f"{source:>{width}} ──▶ {target:<12} ({count} modules)")
    return "\n".join(rows)


def bot_modules() -> str:
    rows = []
    every = modules()
    for module, names in every.items():
        if part_of(module) != "bot":
            continue
        # `from store import outbox` names store.outbox; `from store.db import Session`, store.db.
        named = {n if n in every else n.rsplit(".", 1)[0] for n in names}
        inside = sorted(n for n in named if not any(m.startswith(n + ".") for m in named))
        rows.append(f"{module}: {', '.join(inside) or '-'}")
    return "\n".join(rows)


if __name__ == "__main__":
    print(bot_modules() if "--modules" in sys.argv else drawing())
