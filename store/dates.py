"""Dates as people type them in Danish: "30. juni 2027", "30/6-2027", "30-06-2027",
"2027-06-30", "juni 2027" (the end of June) and "udgangen af 2027" (31 December), each
also after "den" or "d." ("den 30. juni 2027")."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from store.text import fold

# The municipalities' clock: every day and hour a user reads or types is Danish time.
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")
# Messages that nobody asked for in a turn arrive at the start of a working day.
SEND_AT = time(8, 0)

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


# --- more ways of naming a day, and times of day ---------------------------------------
# "næste torsdag", "om to uger", "uge 3": the leader's own words for a day to come.
NUMBER_WORDS = {
    "en": 1, "et": 1, "een": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6,
    "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
}  # fmt: skip
_NEXT_WEEKDAY = re.compile(r"^(?:naeste|naste|next)\s+([a-z]+)$")
_IN = re.compile(
    r"^(?:om|in)\s+(\d{1,3}|[a-z]+)\s+(dag|dage|days?|uge|uger|weeks?|maaned|maaneder|months?)$"
)
_WEEK = re.compile(r"^(?:i\s+)?(?:uge|week)\s*(\d{1,2})(?:\s+(\d{4}))?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})$")


def _count(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def read_day(text: str, today: date) -> date | None:
    """Every Danish way of naming a day this module knows, relative to `today`: what
    `parse_day` reads, and "næste torsdag" (the first after today), "om to uger",
    "om 3 dage", "uge 3" (its Monday, the next such week when no year is given)."""
    folded = _ARTICLE.sub("", fold(text).strip(" .!?"))
    folded = re.sub(r"^(?:paa|on|til|inden|senest|foer|by)\s+", "", folded)
    folded = _ARTICLE.sub("", folded)
    # "mandag d. 21/12", "juleaften d. 24/12": the day after the name is the date.
    named = re.match(r"^[a-z]+\s+(?:d\.|den)\s*(.+)$", folded)
    if named and named[1][:1].isdigit():
        folded = named[1]
    for reader in (_next_weekday, _in_some_time, _week, _weekday_next_week):
        found = reader(folded, today)
        if found is not None:
            return found
    return parse_day(folded, today) or _numeric_short(folded)


def _numeric_short(text: str) -> date | None:
    match = _DAY_MONTH_YEAR.match(text)
    if not match:
        return None
    year = int(match[3])
    try:
        return date(year + 2000 if year < 100 else year, int(match[2]), int(match[1]))
    except ValueError:
        return None


def _next_weekday(text: str, today: date) -> date | None:
    match = _NEXT_WEEKDAY.match(text)
    if not match or match[1] not in _WEEKDAYS:
        return None
    ahead = (_WEEKDAYS[match[1]] - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


_IN_NEXT_WEEK = re.compile(r"^([a-z]+)\s+(?:i\s+)?naeste\s+uge$")


def _weekday_next_week(text: str, today: date) -> date | None:
    """ "torsdag i næste uge": that weekday in the week after this one."""
    match = _IN_NEXT_WEEK.match(text)
    if not match or match[1] not in _WEEKDAYS:
        return None
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=1)
    return monday + timedelta(days=_WEEKDAYS[match[1]])


def _in_some_time(text: str, today: date) -> date | None:
    match = _IN.match(text)
    count = _count(match[1]) if match else None
    if match is None or count is None:
        return None
    unit = match[2]
    if unit.startswith(("uge", "week")):
        return today + timedelta(weeks=count)
    if unit.startswith(("maaned", "month")):
        month = today.month - 1 + count
        year, month = today.year + month // 12, month % 12 + 1
        return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    return today + timedelta(days=count)


def _week(text: str, today: date) -> date | None:
    match = _WEEK.match(text)
    if not match:
        return None
    week = int(match[1])
    years = [int(match[2])] if match[2] else [today.year, today.year + 1]
    for year in years:
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:  # week 53 in a year without one
            continue
        if match[2] or monday + timedelta(days=6) >= today:
            return monday
    return None


_HOUR_WORDS = {
    "et": 1, "en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7,
    "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
}  # fmt: skip
_CLOCK = re.compile(r"^(\d{1,2})(?:[.:](\d{2}))?$")
_SPOKEN = re.compile(r"^(halv|kvart over|kvart i)\s+(\d{1,2}|[a-z]+)$")
_WORKDAY_START = 7  # "halv tre" at work is 14.30, not 02.30


def read_time(text: str) -> time | None:
    """A time of day: "14", "kl. 14.30", "14:30", "halv tre" (14.30), "kvart over ni",
    "kvart i ti". A spoken hour before 7 is taken as the afternoon."""
    folded = fold(text).strip(" .!?")
    folded = re.sub(r"^(?:klokken|kl\.?|at)\s*", "", folded)
    folded = re.sub(r"\s*(?:h|uhr)$", "", folded)
    match = _CLOCK.match(folded)
    if match:
        hours, minutes = int(match[1]), int(match[2] or 0)
        return time(hours, minutes) if hours < 24 and minutes < 60 else None
    spoken = _SPOKEN.match(folded)
    if not spoken:
        return None
    hour = int(spoken[2]) if spoken[2].isdigit() else _HOUR_WORDS.get(spoken[2])
    if hour is None or not 1 <= hour <= 12:
        return None
    if hour < _WORKDAY_START:
        hour += 12
    minutes = {"halv": -30, "kvart over": 15, "kvart i": -15}[spoken[1]]
    moment = datetime.combine(date(2000, 1, 1), time(hour % 24)) + timedelta(minutes=minutes)
    return moment.time()
