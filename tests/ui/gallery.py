"""Draw every card Pejling can send as a user sees it: `python -m tests.ui.gallery`.

Each Danish card of tests/cardzoo.py is rendered by the official Adaptive Cards renderer
under Teams' light host config at 450 px (see cardrender.py) and saved as a PNG under
docs/kort/, with an index.md that shows them all. Needs `npm ci --prefix tests/ui` and
Debian's chromium. The long variants (`big_…`) are left out to keep the gallery small.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
OUT = ROOT / "docs" / "kort"
sys.path[:0] = [str(TESTS), str(TESTS / "ui")]

from cardrender import WIDTH, card_page  # noqa: E402

from cardzoo import danish  # noqa: E402

GROUPS = {
    "status": "Status og overblik",
    "maal": "Mål",
    "moede": "Dialogmøder, referater og pejlemærker",
    "evaluering": "Midtvejsevalueringer og slutrapporter",
    "dialog": "Formularer, roller, fravær, årshjul og påmindelser",
    "overblik": "Overblik på bestilling og dokumenterne",
}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    shown = {name: card for name, card in danish().items() if ".big_" not in name}
    lines = [
        "# Kortene",
        "",
        f"Alle kort, Pejling kan sende, som Teams' lyse tema viser dem i {WIDTH} px bredde",
        "(en telefon). Lavet af `python -m tests.ui.gallery` med den officielle",
        "Adaptive Cards-renderer; tests/ui/test_card_renderer.py tjekker de samme kort.",
    ]
    problems = 0
    with card_page() as page:
        group = None
        for name, card in shown.items():
            if name.split(".")[0] != group:
                group = name.split(".")[0]
                lines += ["", f"## {GROUPS.get(group, group)}", ""]
            rendered = page.render(card)
            problems += len(rendered.warnings) + len(rendered.problems)
            page.screenshot(OUT / f"{name}.png")
            lines += [f"### {name}", "", f"![{name}]({name}.png)", ""]
    (OUT / "index.md").write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    size = sum(p.stat().st_size for p in OUT.glob("*.png"))
    print(f"{len(shown)} kort i {OUT.relative_to(ROOT)} ({size / 1e6:.1f} MB), {problems} fund")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
