"""Days and times as leaders say them in Danish, relative to a known today.

Today is Monday 7 December 2026 in every case, so "fredag" is 11 December."""

from __future__ import annotations

from datetime import date, time

import pytest

from store.dates import read_day, read_time

TODAY = date(2026, 12, 7)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21. december", date(2026, 12, 21)),
        ("21 dec", date(2026, 12, 21)),
        ("21/12", date(2026, 12, 21)),
        ("d. 21.12", date(2026, 12, 21)),
        ("den 21/12", date(2026, 12, 21)),
        ("21.12.", date(2026, 12, 21)),
        ("14. januar", date(2027, 1, 14)),  # no year: the next 14 January
        ("3. december", date(2027, 12, 3)),  # passed this year: next year's
        ("i dag", date(2026, 12, 7)),
        ("i morgen", date(2026, 12, 8)),
        ("I morgen.", date(2026, 12, 8)),
        ("i overmorgen", date(2026, 12, 9)),
        ("fredag", date(2026, 12, 11)),
        ("på fredag", date(2026, 12, 11)),
        ("mandag", date(2026, 12, 7)),  # today is a Monday: today
        ("næste mandag", date(2026, 12, 14)),
        ("næste torsdag", date(2026, 12, 10)),
        ("naeste torsdag", date(2026, 12, 10)),
        ("om to uger", date(2026, 12, 21)),
        ("om 2 uger", date(2026, 12, 21)),
        ("om en uge", date(2026, 12, 14)),
        ("om tre dage", date(2026, 12, 10)),
        ("om en måned", date(2027, 1, 7)),
        ("uge 3", date(2027, 1, 18)),
        ("i uge 51", date(2026, 12, 14)),
        ("uge 50", date(2026, 12, 7)),  # this week still counts
        ("uge 10 2027", date(2027, 3, 8)),
        ("21. december 2026", date(2026, 12, 21)),
        ("30/6-2027", date(2027, 6, 30)),
        ("30.6.27", date(2027, 6, 30)),
        ("2027-06-30", date(2027, 6, 30)),
        ("inden 1. juni 2027", date(2027, 6, 1)),
        ("senest 1/6", date(2027, 6, 1)),
        ("udgangen af 2027", date(2027, 12, 31)),
        ("juni 2027", date(2027, 6, 30)),
        ("tomorrow", date(2026, 12, 8)),
        ("next friday", date(2026, 12, 11)),
    ],
)
def test_a_day_said_the_danish_way(text: str, expected: date) -> None:
    assert read_day(text, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["", "snart", "31. februar", "uge 60", "om mange uger", "hvornår passer det?", "32/1"]
)
def test_what_names_no_day_is_none(text: str) -> None:
    assert read_day(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14", time(14, 0)),
        ("kl. 14", time(14, 0)),
        ("kl 14.30", time(14, 30)),
        ("kl. 14.30", time(14, 30)),
        ("14:30", time(14, 30)),
        ("klokken 9", time(9, 0)),
        ("9.05", time(9, 5)),
        ("halv tre", time(14, 30)),
        ("halv ti", time(9, 30)),
        ("kvart over ni", time(9, 15)),
        ("kvart i fire", time(15, 45)),
        ("halv 3", time(14, 30)),
    ],
)
def test_a_time_said_the_danish_way(text: str, expected: time) -> None:
    assert read_time(text) == expected


@pytest.mark.parametrize("text", ["25", "14.75", "halv tretten", "efter frokost", ""])
def test_what_names_no_time_is_none(text: str) -> None:
    assert read_time(text) is None
