"""Working days: weekends, Danish public holidays and the municipality's closed days."""

from __future__ import annotations

from datetime import date

import pytest

from store.profiles import profile
from store.working_days import is_working_day, working_day_on_or_after, working_day_on_or_before

CLOSED = profile("hvidovre").cycle.closed_days


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2027, 1, 1), "Nytårsdag"),
        (date(2027, 3, 25), "Skærtorsdag"),
        (date(2027, 3, 26), "Langfredag"),
        (date(2027, 3, 29), "Anden påskedag"),
        (date(2027, 5, 6), "Kristi himmelfartsdag"),
        (date(2027, 5, 17), "Anden pinsedag"),
        (date(2027, 12, 24), "juleaften: closed in the profile"),
        (date(2027, 6, 5), "Grundlovsdag: closed in the profile"),
        (date(2027, 3, 27), "a Saturday"),
    ],
)
def test_days_off(day: date, why: str) -> None:
    assert not is_working_day(day, CLOSED), why


def test_store_bededag_is_a_working_day_since_2024() -> None:
    assert is_working_day(date(2025, 5, 16), CLOSED)  # the fourth Friday after Easter


def test_the_nearest_working_day_before_or_after_easter() -> None:
    assert working_day_on_or_before(date(2027, 3, 28), CLOSED) == date(2027, 3, 24)
    assert working_day_on_or_after(date(2027, 3, 25), CLOSED) == date(2027, 3, 30)
