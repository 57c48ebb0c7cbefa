"""The text catalogue: Danish and English side by side, every key the code uses present,
and dates written the Danish way in Danish time."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kort.catalogue import Texts, texts

ROOT = Path(__file__).resolve().parents[1]
DA, EN = texts("da"), texts("en")
# A literal catalogue key passed to a texts object: t("x.y"), self.texts("x.y", ...), …
KEY_IN_CODE = re.compile(r"""(?:\btexts|\bt|\.texts)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def texts_for_many(catalogue: Texts) -> set[str]:
    """The keys, less the variants for exactly one: those are one language's grammar."""
    every = catalogue.keys()
    return {key for key in every if not key.endswith("_1")}


def test_danish_and_english_have_the_same_keys() -> None:
    assert texts_for_many(DA) - texts_for_many(EN) == set()
    assert texts_for_many(EN) - texts_for_many(DA) == set()


@pytest.mark.parametrize("catalogue", [DA, EN], ids=["da", "en"])
def test_a_variant_for_one_belongs_to_a_text_with_a_count(catalogue: Texts) -> None:
    for key in catalogue.keys() - texts_for_many(catalogue):
        assert "count" in placeholders(catalogue(key.removesuffix("_1"))), key


def test_one_is_written_in_the_singular() -> None:
    assert DA("digest.venter_paa_udvalget", count=1) == "1 nyt mål venter på udvalgets godkendelse."
    assert DA("digest.venter_paa_udvalget", count=2) == "2 nye mål venter på udvalgets godkendelse."
    assert EN("digest.uden_status", count=1) == "1 goal has no status in the period."
    assert DA("digest.uden_status", count=1) == "1 mål har ingen status i perioden."


@pytest.mark.parametrize("key", sorted(texts_for_many(DA)))
def test_both_languages_use_the_same_placeholders(key: str) -> None:
    assert placeholders(DA(key)) == placeholders(EN(key)), key


def test_every_key_the_code_names_exists() -> None:
    used = {
        (path.relative_to(ROOT), key)
        for package in ("bot", "dialoger", "kort", "store")
        for path in (ROOT / package).rglob("*.py")
        for key in KEY_IN_CODE.findall(path.read_text(encoding="utf-8"))
    }
    assert used, "the scan found no keys at all; the pattern is wrong"
    assert [(str(p), k) for p, k in sorted(used) if not DA.has(k)] == []


def test_every_domain_error_key_has_a_text() -> None:
    raised = re.compile(
        r"""(?:Invalid|NotAllowed|OrgFileError|DomainError)\(\s*["']([a-z_.]+)["']"""
    )
    keys = {
        key
        for path in (ROOT / "store").rglob("*.py")
        for key in raised.findall(path.read_text(encoding="utf-8"))
    }
    assert keys and [k for k in sorted(keys) if not DA.has(k)] == []


def test_the_danish_texts_use_danish_letters_not_stand_ins() -> None:
    lazy = re.compile(r"\b(?:hjaelp|groen|roed|aendret|maal|naeste|faa|paa|foer)\b", re.IGNORECASE)
    every = DA.keys()
    assert [k for k in every if lazy.search(DA(k))] == []


def test_dates_are_written_the_danish_way() -> None:
    assert DA.date(date(2027, 3, 3)) == "3. marts 2027"
    assert EN.date(date(2027, 3, 3)) == "3 March 2027"


def test_times_are_shown_in_danish_time_across_daylight_saving() -> None:
    assert DA.datetime(datetime(2027, 1, 15, 12, 5, tzinfo=UTC)) == "15. januar 2027 kl. 13.05"
    assert DA.datetime(datetime(2027, 7, 15, 12, 5, tzinfo=UTC)) == "15. juli 2027 kl. 14.05"
    # Late in the evening UTC is already tomorrow in Denmark.
    assert DA.date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "1. januar 2027"


def test_an_unknown_language_falls_back_to_danish() -> None:
    assert texts("sv") is texts("da")
