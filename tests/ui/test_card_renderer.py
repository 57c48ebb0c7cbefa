"""Every card Pejling can send, in Danish and English, drawn by the official Adaptive
Cards renderer under Teams' light host config at 450 px (a phone), reads as a user needs
it to: no parse or validation warnings, no text made a numbered list, no button title
cut off, all text at 4.5:1 contrast or more, and colour never the only signal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cardrender import CHROMIUM, MODULES, CardPage, card_page, colour_only_problems
from PIL import Image

from cardzoo import zoo

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and MODULES.exists()),
    reason="needs Debian's chromium and `npm ci --prefix tests/ui`",
)


@pytest.fixture(scope="module")
def page() -> Iterator[CardPage]:
    with card_page() as opened:
        yield opened


@pytest.mark.parametrize("name", list(zoo()))
def test_the_card_reads_well_at_phone_width(page: CardPage, name: str) -> None:
    card = zoo()[name]

    rendered = page.render(card)

    assert rendered.warnings == []
    assert rendered.problems == []
    assert colour_only_problems(card) == []


def test_the_checks_catch_what_teams_gets_wrong(page: CardPage) -> None:
    """A date at a line's start, a pale status word, four long buttons, a line that does
    not wrap, a bare colour."""
    card = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "21. december 2026 kl. 14.00", "wrap": True},
            {"type": "TextBlock", "text": "Gul", "color": "warning"},
            {"type": "TextBlock", "text": "●", "color": "good"},
            {"type": "TextBlock", "text": "Børne- og Uddannelsesudvalget " * 3},
            {"type": "ActionSet", "actions": [
                {"type": "Action.Execute", "verb": "a", "title": f"Send mødepakken nu {n}"}
                for n in range(4)
            ]},
        ],
    }  # fmt: skip

    rendered = page.render(card)

    assert [p.split(":")[0] for p in rendered.problems] == [
        "numbered list",
        *["cut button"] * 4,
        "cut text",
        "contrast 1.47",
    ]
    assert colour_only_problems(card) == ["good without its word: '●'"]


def test_a_card_the_renderer_cannot_read_is_reported(page: CardPage) -> None:
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlok"}]}

    assert page.render(card).warnings != []


def coloured(picture: Path) -> set[str]:
    """Which of a red and a green the picture has, as an emoji font draws them."""
    pixels = [rgb for _, rgb in Image.open(picture).convert("RGB").getcolors(1 << 24) or []]
    found = set()
    if any(r > 180 and g < 90 and b < 90 for r, g, b in pixels):
        found.add("red")
    if any(g > 140 and r < 120 and b < 120 for r, g, b in pixels):
        found.add("green")
    return found


def test_the_status_dots_are_drawn_in_colour_not_as_empty_boxes(
    page: CardPage, tmp_path: Path
) -> None:
    """Headless chromium has no colour emoji of its own: without Noto Color Emoji (.ci/run
    installs it) the 🔴 and 🟢 of trends and histories are empty boxes, and the gallery
    shows them so."""
    dots = {"type": "TextBlock", "text": "Udvikling: 🔴 R · 🟢 Gr", "size": "extraLarge"}
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [dots]}

    page.render(card)
    page.screenshot(tmp_path / "dots.png")

    assert coloured(tmp_path / "dots.png") == {"red", "green"}
