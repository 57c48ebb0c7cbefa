"""Cards rendered by the official Adaptive Cards renderer (npm `adaptivecards`) in Debian's
Chromium, under Teams' light host config and Teams' light card CSS (both shipped by the
designer package), with markdown processed by markdown-it as Teams does.

`CardPage.render` draws one card at 450 px and reports what a reader would stumble on:
parse and validation warnings, text the markdown turned into a numbered list, button
titles and text cut off, and text below 4.5:1 contrast against its background.
`colour_only_problems` checks, on the card's JSON, that colour is never the only signal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

UI = Path(__file__).resolve().parent
MODULES = UI / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
WIDTH = 450  # a phone held upright; Teams' narrowest card
HOST_CONFIG = MODULES / "adaptivecards-designer/lib/hostConfigs/microsoft-teams-light.json"
TEAMS_CSS = MODULES / "adaptivecards-designer/dist/containers/teams-container-light.css"
SCRIPTS = (
    MODULES / "adaptivecards/dist/adaptivecards.min.js",
    MODULES / "markdown-it/dist/markdown-it.min.js",
)
# The words that carry a status whose colour marks it (Danish and English catalogues).
STATUS_WORDS = {
    "attention": ("Rød", "Red"),
    "warning": ("Gul", "Yellow"),
    "good": ("Grøn", "Green"),
}
# A glyph that only decorates (the coloured dot before a status word): it carries no
# meaning of its own, so the contrast rule for text does not apply to it.
DECORATION = "●"

# The JS renderer gives a text's first element `width: 100%`; for a list the browser's
# 40 px indent then pushes every line past the card's edge, where it is cut off. Teams'
# own client indents lists inside the card, as this does.
LISTS = ".ac-textBlock > ul, .ac-textBlock > ol { box-sizing: border-box; padding-left: 24px; }"

_INSPECT = """
(args) => {
  const [card, width, decoration] = args;
  const host = document.getElementById('host');
  host.innerHTML = '';
  host.style.width = width + 'px';
  const adaptive = new AdaptiveCards.AdaptiveCard();
  adaptive.hostConfig = new AdaptiveCards.HostConfig(window.HOST_CONFIG);
  const context = new AdaptiveCards.SerializationContext();
  adaptive.parse(card, context);
  const warnings = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
  for (const event of adaptive.validateProperties().validationEvents) warnings.push(event.message);
  const rendered = adaptive.render();
  host.appendChild(rendered);
  const problems = [];
  for (const list of rendered.querySelectorAll('ol')) {
    problems.push('numbered list: ' + list.textContent.trim().slice(0, 80));
  }
  for (const button of rendered.querySelectorAll('.ac-pushButton')) {
    const parts = [button, ...button.querySelectorAll('*')];
    if (parts.some(p => p.scrollWidth > p.clientWidth + 1)) {
      problems.push('cut button: ' + button.textContent.trim());
    }
  }
  for (const block of rendered.querySelectorAll('.ac-textBlock, .ac-richTextBlock')) {
    const parts = [block, ...block.querySelectorAll('*')];
    if (block.getClientRects().length && parts.some(p => p.scrollWidth > p.clientWidth + 1)) {
      problems.push('cut text: ' + block.textContent.trim().slice(0, 60));
    }
  }
  const rgba = (value) => {
    const m = value.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)).concat([1]);
  };
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const colour = rgba(getComputedStyle(e).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  for (const element of rendered.querySelectorAll('*')) {
    if (['OPTION', 'SELECT', 'SCRIPT', 'STYLE'].includes(element.tagName)) continue;
    if (element.getClientRects().length === 0) continue;
    const own = [...element.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent).join('').trim();
    if (!own || [...own].every(ch => decoration.includes(ch) || ch === ' ')) continue;
    const bg = background(element);
    const fg = over(rgba(getComputedStyle(element).color), bg);
    const contrast = ratio(fg, bg);
    if (contrast < 4.5) {
      problems.push('contrast ' + contrast.toFixed(2) + ':1: ' + own.slice(0, 60));
    }
  }
  return {warnings, problems};
}
"""


@dataclass(frozen=True)
class Rendered:
    warnings: list[str]
    problems: list[str]


class CardPage:
    """One Chromium page with the renderer loaded; cards are drawn into it one by one."""

    def __init__(self, page: Page) -> None:
        self.page = page
        host_config = json.loads(HOST_CONFIG.read_text(encoding="utf-8"))
        css = TEAMS_CSS.read_text(encoding="utf-8")
        page.set_content(
            "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
            f"<style>{css} body {{ margin: 0; background: #fff; }} {LISTS}</style></head>"
            "<body><div id='host' class='teams-card'></div></body></html>"
        )
        for script in SCRIPTS:
            page.add_script_tag(path=str(script))
        page.evaluate(
            """(config) => {
              window.HOST_CONFIG = config;
              const md = window.markdownit();
              AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
                result.outputHtml = md.render(text);
                result.didProcess = true;
              };
            }""",
            host_config,
        )

    def render(self, card: dict[str, Any], width: int = WIDTH) -> Rendered:
        found = self.page.evaluate(_INSPECT, [card, width, DECORATION])
        return Rendered(found["warnings"], found["problems"])

    def screenshot(self, path: Path) -> None:
        self.page.locator("#host").screenshot(path=str(path))


@contextmanager
def card_page() -> Iterator[CardPage]:
    """A card page in headless Debian Chromium (nothing downloads a browser of its own)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
        )
        try:
            page = browser.new_page(viewport={"width": WIDTH + 20, "height": 800})
            yield CardPage(page)
        finally:
            browser.close()


def colour_only_problems(card: dict[str, Any]) -> list[str]:
    """Coloured text, runs or containers whose words do not say what the colour means.

    Yellow and green only ever mark a status, so their text must name it; red also marks
    a warning ("Bemærk: …", "Mangler – skal udfyldes"), whose words must be there.
    """
    problems = []
    for node, said in _coloured(card):
        colour = node.get("color") or node.get("style")
        words = "".join(ch for ch in said if ch.isalpha())
        status = colour == "attention" or any(w in said for w in STATUS_WORDS[colour])
        if not words or not status:
            problems.append(f"{colour} without its word: {said[:60]!r}")
    return problems


def _coloured(node: Any) -> Iterator[tuple[dict[str, Any], str]]:
    if isinstance(node, list):
        for item in node:
            yield from _coloured(item)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "TextBlock" and node.get("color") in STATUS_WORDS:
        yield node, str(node.get("text", ""))
    if kind == "RichTextBlock":
        said = "".join(str(run.get("text", "")) for run in node.get("inlines", []))
        yield from (
            (run, said) for run in node.get("inlines", []) if run.get("color") in STATUS_WORDS
        )
    if kind in ("Container", "Column") and node.get("style") in STATUS_WORDS:
        yield node, _all_text(node)
    for value in node.values():
        if isinstance(value, list | dict) and kind != "RichTextBlock":
            yield from _coloured(value)


def _all_text(node: Any) -> str:
    if isinstance(node, list):
        return " ".join(_all_text(n) for n in node)
    if isinstance(node, dict):
        own = [str(node[k]) for k in ("text", "title", "value") if isinstance(node.get(k), str)]
        return " ".join(own + [_all_text(v) for v in node.values() if isinstance(v, list | dict)])
    return ""
