"""Dates as leaders type them in Danish, for a goal's deadline or a committee meeting."""

from __future__ import annotations

from datetime import date

import pytest

from store.dates import parse_date


@pytest.mark.parametrize(
    "text",
    [
        "30. juni 2027",
        "30 juni 2027",
        "30. Juni 2027.",
        "30. jun. 2027",
        "  30. juni 2027  ",
        "30/6-2027",
        "30/6 2027",
        "30-06-2027",
        "30.06.2027",
        "30.6.27",
        "2027-06-30",
        "den 30. juni 2027",
        "d. 30. juni 2027",
        "d. 30/6-2027",
    ],
)
def test_a_day_written_the_danish_ways(text: str) -> None:
    assert parse_date(text) == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. oktober 2027", date(2027, 10, 1)),
        ("15. okt. 2027", date(2027, 10, 15)),
        ("3. marts 2028", date(2028, 3, 3)),
        ("2. maj 2027", date(2027, 5, 2)),
        ("24. dec 2026", date(2026, 12, 24)),
        ("29. februar 2028", date(2028, 2, 29)),
    ],
)
def test_month_names_and_their_short_forms(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("juni 2027", date(2027, 6, 30)),
        ("februar 2028", date(2028, 2, 29)),
        ("februar 2027", date(2027, 2, 28)),
        ("december 2029", date(2029, 12, 31)),
    ],
)
def test_a_month_alone_means_its_last_day(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["udgangen af 2027", "slutningen af 2027", "ultimo 2027"])
def test_the_end_of_a_year(text: str) -> None:
    assert parse_date(text) == date(2027, 12, 31)


@pytest.mark.parametrize("text", ["31. februar 2027", "29/2-2027", "31-04-2027", "2027-13-01",
                                  "0/6-2027", "32. maj 2027"])  # fmt: skip
def test_a_day_the_calendar_does_not_have_is_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "i morgen", "snart", "efter sommerferien", "2027", "30. juni", "30/6",
     "30. smørrebrød 2027", "primo 2027"],
)  # fmt: skip
def test_text_that_names_no_date_is_no_date(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize("text", ["30/6-202", "30. juni 202", "30-06-20277"])
def test_a_year_of_three_or_five_digits_is_no_date(text: str) -> None:
    """A typo, not the year 202."""
    assert parse_date(text) is None


def test_a_two_digit_year_is_this_century() -> None:
    assert parse_date("1/6-28") == date(2028, 6, 1)
