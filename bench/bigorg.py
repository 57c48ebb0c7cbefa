"""A bigger organisation for the benchmark: the demo municipality plus synthetic leaders.

Concurrency 32 needs at least 32 people who each lead a unit with goals, so that no two
requests in flight belong to the same person (one person's turns are sequential, as in
Teams). The file written here is the demo file with `count` extra units added under the
demo's departments, each with a leader (own Entra object id) and two goals. It is a
superset of the demo file, so importing it after the demo changes nothing already there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEMO_FILE = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"
AAD_PREFIX = "b3c40000-0000-4000-8000-"


@dataclass(frozen=True)
class Leader:
    """A unit leader the driver can play: org key, display name and Entra object id."""

    key: str
    name: str
    aad_object_id: str


def build(count: int, demo: Path = DEMO_FILE) -> dict[str, Any]:
    """The demo organisation with `count` synthetic units, each led by its own leader."""
    org = yaml.safe_load(demo.read_text(encoding="utf-8"))
    departments = [d["key"] for d in org["departments"]]
    bearings = [b["key"] for c in org["committees"] for b in c.get("bearings", [])]
    for number in range(1, count + 1):
        org["units"].append(_unit(number, departments, bearings))
        org["people"].append(_person(number))
    return org


def write(org: dict[str, Any], path: Path) -> Path:
    """Write an organisation (from `build`) as an organisation file at `path`."""
    text = yaml.safe_dump(org, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def leaders(org: dict[str, Any]) -> list[Leader]:
    """Every person who leads at least one unit, in file order."""
    return [
        Leader(p["key"], p["name"], p["aad_object_id"])
        for p in org["people"]
        if any("unit_leader" in role for role in p.get("roles", []) if isinstance(role, dict))
    ]


def _unit(number: int, departments: list[str], bearings: list[str]) -> dict[str, Any]:
    key = f"bench-enhed-{number:03d}"
    goals = [
        {
            "key": f"{key}-maal-{g}",
            "title": f"Udviklingsmål {g} for enhed {number}",
            "bearing": bearings[(number + g) % len(bearings)],
            "expected_effect": "Flere borgere oplever en sammenhængende indsats.",
            "follow_up": "Tilfredshedsmåling to gange om året.",
        }
        for g in (1, 2)
    ]
    return {
        "key": key,
        "name": f"Benchmark-enhed {number}",
        "type": "dagtilbud",
        "department": departments[number % len(departments)],
        "goals": goals,
    }


def _person(number: int) -> dict[str, Any]:
    return {
        "key": f"bench-leder-{number:03d}",
        "name": f"Leder Nummer{number}",
        "email": f"leder{number}@boegeskov.dk",
        "aad_object_id": f"{AAD_PREFIX}{number:012d}",
        "roles": [{"unit_leader": f"bench-enhed-{number:03d}"}],
    }
