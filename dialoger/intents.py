"""What a typed message asks for, when it is a command rather than an answer.

A command is the whole message (after folding case and accents), so an answer that
merely starts with "status" is still an answer. Only `tilknyt` takes an argument.
"""

from __future__ import annotations

import enum
import re

from store.text import fold


class Intent(enum.StrEnum):
    HELP = "help"
    CANCEL = "cancel"
    STATUS = "status"
    GREETING = "greeting"
    LINK = "link"
    NEW_GOAL = "new_goal"
    MY_GOALS = "my_goals"
    RESUME = "resume"
    APPROVALS = "approvals"
    MEETINGS = "meetings"
    PLAN_MEETING = "plan_meeting"
    PREPARE = "prepare"
    SUMMARY = "summary"
    BEARINGS = "bearings"
    MATTERS = "matters"
    YEAR = "year"
    MIDWAY = "midway"
    FINAL_REPORT = "final_report"
    SNOOZE = "snooze"
    ABSENCE = "absence"
    ABSENCE_END = "absence_end"
    MY_ABSENCE = "my_absence"
    ROLES = "roles"
    OVERVIEW = "overview"


# English words are here too: Teams sends the command title of the user's own language.
_PHRASES: dict[Intent, frozenset[str]] = {
    Intent.HELP: frozenset({"hjaelp", "help", "?", "hvad kan du", "hvad kan du?", "menu"}),
    Intent.CANCEL: frozenset({"annuller", "afbryd", "stop", "fortryd", "cancel", "quit"}),
    Intent.STATUS: frozenset(
        {
            "status",
            "statusmelding",
            "meld status",
            "ny status",
            "ny statusmelding",
            "opdater status",
            "rapporter",
            "rapporter status",
            "report",
            "status update",
        }
    ),
    Intent.GREETING: frozenset({"hej", "hejsa", "goddag", "god morgen", "hi", "hello"}),
    Intent.NEW_GOAL: frozenset(
        {"nyt maal", "nyt mal", "opret maal", "skriv et maal", "nyt aftalemaal", "new goal"}
    ),
    Intent.MY_GOALS: frozenset({"mine maal", "mine mal", "maal", "vis mine maal", "my goals"}),
    Intent.RESUME: frozenset({"fortsaet", "fortsat", "videre", "genoptag", "continue", "resume"}),
    Intent.APPROVALS: frozenset(
        {"til godkendelse", "godkend", "godkendelser", "godkend maal", "approvals", "approve"}
    ),
    Intent.MEETINGS: frozenset(
        {"dialogmoeder", "dialogmoder", "moeder", "moder", "mine moeder", "mine moder",
         "vis moeder", "meetings", "my meetings"}
    ),
    Intent.PLAN_MEETING: frozenset(
        {"nyt dialogmoede", "nyt dialogmode", "planlaeg dialogmoede", "planlaeg dialogmode",
         "planlaeg moede", "planlaeg mode", "nyt moede", "nyt mode", "new meeting", "plan meeting"}
    ),
    Intent.PREPARE: frozenset(
        {"forbered", "forberedelse", "forbered moede", "forbered mode", "forbered dig", "prepare"}
    ),
    Intent.SUMMARY: frozenset(
        {"referat", "opsummering", "skriv referat", "skriv opsummering", "summary"}
    ),
    Intent.BEARINGS: frozenset(
        {"pejlemaerker", "pejlemarker", "politiske pejlemaerker", "vis pejlemaerker", "bearings"}
    ),
    Intent.MATTERS: frozenset(
        {"sager", "til beslutning", "sager til beslutning", "beslutninger", "matters"}
    ),
    Intent.YEAR: frozenset(
        {"aarshjul", "arshjul", "mit aarshjul", "hvad skal jeg", "hvornaar", "the year", "year"}
    ),
    Intent.MIDWAY: frozenset(
        {"midtvejsevaluering", "midtvejs", "midtvejsevaluer", "midtvejs evaluering",
         "midtvejsstatus", "ny midtvejsevaluering", "midway evaluation", "midway"}
    ),
    Intent.FINAL_REPORT: frozenset(
        {"slutrapport", "slutrapporter", "skriv slutrapport", "ny slutrapport", "afrapportering",
         "endelig afrapportering", "final report"}
    ),
    Intent.ABSENCE: frozenset(
        {"fravaer", "fravar", "meld fravaer", "meld fravar", "nyt fravaer", "ude af huset",
         "jeg er ude af huset", "out of office", "absence", "away"}
    ),
    Intent.ABSENCE_END: frozenset(
        {"fravaer slut", "fravar slut", "afslut fravaer", "afslut fravar", "stop fravaer",
         "slut fravaer", "jeg er tilbage", "tilbage igen", "end absence", "back again"}
    ),
    Intent.MY_ABSENCE: frozenset(
        {"mit fravaer", "mit fravar", "vis fravaer", "vis fravar", "my absence"}
    ),
    Intent.ROLES: frozenset(
        {"roller", "vis roller", "giv rolle", "fjern rolle", "roles", "grant role", "remove role"}
    ),
    Intent.OVERVIEW: frozenset(
        {"overblik", "overblikket", "vis overblik", "vis overblikket", "udvalgets overblik",
         "vis overblikket for udvalget", "hvordan gaar det", "hvordan gar det",
         "hvordan gaar det?", "hvordan gar det?", "hvordan gaar det med maalene",
         "hvordan gaar det med maalene?", "hvordan staar det til", "hvordan staar det til?",
         "dashboard", "overview", "how are we doing", "how are we doing?"}
    ),
}  # fmt: skip
_LINK = re.compile(r"^(tilknyt|link)\b\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
# `udsæt`, `udsæt 3`, `udsæt 3 dage`, `udsæt 1 uge`: snooze the newest reminder.
_SNOOZE = re.compile(
    r"^(udsaet|udsat|snooze)(\s+(?P<count>\d{1,2})(\s*(?P<unit>dag|dage|days?|uge|uger|weeks?))?)?$"
)


def snooze_days(text: str) -> int | None:
    """The days asked for in a typed `udsæt 3` or `udsæt 1 uge`; None without a number."""
    found = _SNOOZE.match(fold(text).strip(" .!"))
    if not found or not found.group("count"):
        return None
    weeks = (found.group("unit") or "").startswith(("uge", "week"))
    return int(found.group("count")) * (7 if weeks else 1)


def recognise(text: str) -> tuple[Intent, str] | None:
    """The command `text` is, with its argument; None when it is not a command."""
    folded = fold(text).strip(" .!")
    for intent, phrases in _PHRASES.items():
        if folded in phrases:
            return intent, ""
    if _SNOOZE.match(folded):
        return Intent.SNOOZE, ""
    link = _LINK.match(text.strip())
    if link:
        return Intent.LINK, link.group("rest").strip(" .!»«\"'")
    return None
