"""Dates as people type them in Danish: "30. juni 2027", "30/6-2027", "30-06-2027",
"2027-06-30", "juni 2027" (the end of June) and "udgangen af 2027" (31 December), each
also after "den" or "d." ("den 30. juni 2027")."""

from __future__ import annotations

import calendar
import re
from datetime import date

from store.text import fold

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januar", "jan", "january"),
            ("februar", "feb", "february"),
            ("marts", "mar", "march"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./ -]+(\d{4}|\d{2})$")  # not year 202
_WORDS = re.compile(r"^(?:(\d{1,2})\.?\s+)?([a-z]+)\.?\s+(\d{4})$")
_ARTICLE = re.compile(r"^(?:den\s+|d\.\s*)")  # "den 30. juni", "d. 30/6"
_YEAR_END = re.compile(r"^(?:udgangen af|slutningen af|ultimo|end of)\s+(\d{4})$")


def parse_date(text: str) -> date | None:
    """The date `text` names, or None when it names none."""
    folded = _ARTICLE.sub("", fold(text).strip(" ."))
    for reader in (_iso, _numeric, _words, _year_end):
        try:
            found = reader(folded)
        except ValueError:  # 31 February and the like
            return None
        if found is not None:
            return found
    return None


def _iso(text: str) -> date | None:
    match = _ISO.match(text)
    return date(int(match[1]), int(match[2]), int(match[3])) if match else None


def _numeric(text: str) -> date | None:
    match = _NUMERIC.match(text)
    if not match:
        return None
    year = int(match[3])
    return date(year + 2000 if year < 100 else year, int(match[2]), int(match[1]))


def _words(text: str) -> date | None:
    match = _WORDS.match(text)
    if not match or match[2] not in MONTHS:
        return None
    year, month = int(match[3]), MONTHS[match[2]]
    day = int(match[1]) if match[1] else calendar.monthrange(year, month)[1]
    return date(year, month, day)


def _year_end(text: str) -> date | None:
    match = _YEAR_END.match(text)
    return date(int(match[1]), 12, 31) if match else None


# Days said the way one says when one is away: "i dag", "i morgen", "fredag", or a day
# without a year ("3. marts", "3/3"), which means the next such day.
_RELATIVE = {"i dag": 0, "idag": 0, "today": 0, "i morgen": 1, "imorgen": 1, "tomorrow": 1,
             "i overmorgen": 2, "overmorgen": 2}  # fmt: skip
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (("mandag", "monday"), ("tirsdag", "tuesday"), ("onsdag", "wednesday"),
         ("torsdag", "thursday"), ("fredag", "friday"), ("loerdag", "lordag", "saturday"),
         ("soendag", "sondag", "sunday"))
    )
    for name in names
}  # fmt: skip
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:[./-](\d{1,2})\.?|\.?\s+([a-z]+)\.?)$")


def parse_day(text: str, today: date) -> date | None:
    """A day as `parse_date` reads it, or relative to `today`: "i dag", "i morgen", a
    weekday (the next one, today included), or a day and month (the next one)."""
    folded = _ARTICLE.sub("", fold(text).strip(" .!"))
    folded = folded.removeprefix("paa ").removeprefix("on ")
    if folded in _RELATIVE:
        return date.fromordinal(today.toordinal() + _RELATIVE[folded])
    if folded in _WEEKDAYS:
        return date.fromordinal(today.toordinal() + (_WEEKDAYS[folded] - today.weekday()) % 7)
    return _day_month(folded, today) or parse_date(text)


def _day_month(text: str, today: date) -> date | None:
    match = _DAY_MONTH.match(text)
    if not match:
        return None
    month = int(match[2]) if match[2] else MONTHS.get(match[3] or "")
    if month is None:
        return None
    try:
        found = date(today.year, month, int(match[1]))
        return found if found >= today else date(today.year + 1, month, int(match[1]))
    except ValueError:  # 31 April; 29 February outside a leap year
        return None
