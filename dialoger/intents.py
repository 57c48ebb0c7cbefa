"""What a typed message asks for, when it is a command rather than an answer.

The command words are declared with each command in `dialoger/commands.py`; this module
reads a message against them, exactly or as a leader would write it.

A command is the whole message (after folding case and accents), so an answer that
merely starts with "status" is still an answer. Only `tilknyt` takes an argument.
"""

from __future__ import annotations

import enum
import re
from functools import cache

from rapidfuzz import fuzz, process

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
    CORRECT_STATUS = "correct_status"
    WITHDRAW_STATUS = "withdraw_status"
    OVERVIEW = "overview"


@cache
def _phrases() -> dict[Intent, frozenset[str]]:
    """Each command's words, from its one declaration in dialoger/commands.py (read on
    first use: that table names the dialogues, which read this module)."""
    from dialoger.commands import COMMANDS

    return {intent: command.words for intent, command in COMMANDS.items() if command.words}


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
    for intent, phrases in _phrases().items():
        if folded in phrases:
            return intent, ""
    if _SNOOZE.match(folded):
        return Intent.SNOOZE, ""
    link = _LINK.match(text.strip())
    if link:
        return Intent.LINK, link.group("rest").strip(" .!»«\"'")
    return None


# --- everyday phrasing and typos -------------------------------------------------------
# Leaders write "jeg vil gerne melde status", "kan jeg se mine mål?" or "staus". The polite
# words around a command are dropped, a few keywords point to the command, and a near miss
# of a command word is taken (or offered as "Mente du …?") by rapidfuzz's edit distance.
_POLITE = re.compile(
    r"^(?:(?:hej|hejsa|hey|hi|hello|goddag|pejling|ok|okay|nå|naa|men|og|saa|så)\b[\s,]*"
    r"|(?:jeg\s+)?(?:vil|ville|skal|skulle|maa|kan|kunne|oensker|onsker)\s+(?:godt\s+|gerne\s+|lige\s+)*(?:at\s+)?"
    r"|(?:kan|kunne|vil|maa)\s+(?:du|jeg|vi|man)\s+(?:godt\s+|lige\s+|gerne\s+)*(?:at\s+)?"
    r"|(?:hvordan|hvor)\s+(?:kan|skal|gør|goer)\s+(?:jeg|man|vi)\s+"
    r"|(?:jeg\s+)?(?:gerne|lige|venligst|please)\s+"
    r"|(?:i\s+(?:want|would\s+like)\s+to|can\s+i|can\s+you|let\s+me|please)\s+)"
)  # fmt: skip
_POLITE_END = re.compile(r"(?:\s+(?:tak|please|nu|lige|igen|herinde|her))+$")
_WORD = re.compile(r"[a-z0-9]+")
_KEYWORD_RULES = (
    (Intent.NEW_GOAL, "maal", "nyt nye opret oprette skrive skriv lave new"),
    (Intent.CORRECT_STATUS, "status", "ret rette aendre aendr korriger"),
    (Intent.WITHDRAW_STATUS, "status", "fortryd fortryde slet slette traek"),
    (Intent.STATUS, "", "status statusmelding statusmeldinger statussen"),
    (Intent.STATUS, "maal", "melde meld opdatere opdater indberette rapportere"),
    (Intent.HELP, "", "hjaelp hjalp vejledning help"),
    (Intent.MY_ABSENCE, "fravaer", "mit vis se"),
    (Intent.ABSENCE, "", "fravaer ferie syg sygemelde kursus absence"),
    (Intent.ABSENCE, "huset", "ude vaek"),
    (Intent.APPROVALS, "", "godkende godkendelse godkendelser godkend"),
    (Intent.PLAN_MEETING, "moede", "planlaegge planlaeg nyt booke book indkalde"),
    (Intent.PREPARE, "", "forberede forbered forberedelse"),
    (Intent.SUMMARY, "", "referat referatet opsummering"),
    (Intent.MEETINGS, "", "moede moeder dialogmoede dialogmoeder moedet"),
    (Intent.BEARINGS, "", "pejlemaerke pejlemaerker pejlemaerkerne"),
    (Intent.MATTERS, "", "sager sagerne beslutning beslutninger"),
    (Intent.YEAR, "", "aarshjul aarshjulet deadlines frister"),
    (Intent.MIDWAY, "", "midtvejsevaluering midtvejsevalueringen midtvejs"),
    (Intent.FINAL_REPORT, "", "slutrapport slutrapporten afrapportering"),
    (Intent.ROLES, "", "rolle roller rettigheder"),
    (Intent.RESUME, "", "kladde kladden fortsaette fortsaet"),
    (Intent.MY_GOALS, "maal", "mine vores vis se udviklet gaar liste oversigt historik"),
)
# (intent, words that must all be there, any one of these); the first rule that fits wins.
_KEYWORDS = tuple(
    (intent, frozenset(needed.split()), frozenset(any_of.split()))
    for intent, needed, any_of in _KEYWORD_RULES
)
# Old spellings and typing without æ/ø/å: "mål" folds to "maal", typed "mal" or "moder" too.
_SPELLINGS = {
    "mal": "maal", "maalene": "maal", "malene": "maal", "maalet": "maal", "malet": "maal",
    "mode": "moede", "moder": "moeder", "modet": "moedet", "moeder": "moeder",
    "dialogmode": "dialogmoede", "dialogmoder": "dialogmoeder", "fravar": "fravaer",
    "fravaeret": "fravaer", "hjalp": "hjaelp", "planlag": "planlaeg", "planlagge": "planlaegge",
    "pejlemarker": "pejlemaerker", "arshjul": "aarshjul", "forberde": "forberede",
}  # fmt: skip
SURE = 80  # a near miss this close to a command word is that command ("staus")
CLOSE = 72  # this close, it is offered as "Mente du …?"


def _plain(text: str) -> str:
    """`text` folded, without the polite words around it: "Kan jeg lige melde status?"
    is "melde status"."""
    folded = fold(text).strip(" .!?,:;")
    for _ in range(4):
        shorter = _POLITE.sub("", folded, count=1).strip(" .!?,:;")
        if shorter == folded or not shorter:
            break
        folded = shorter
    return _POLITE_END.sub("", folded).strip(" .!?,:;") or folded


_STEMS = ("maal", "moede", "hjaelp", "status")  # "målene", "dialogmødet", "hjælpe"


def _words(text: str) -> set[str]:
    """The words of `text` as the keyword rules know them: usual misspellings mended,
    and a word that begins with a stem ("dialogmøderne", "hjælpe") counted as the stem
    too — not another word that holds it ("personalemødet", "mødelokale")."""
    words = {_SPELLINGS.get(word, word) for word in _WORD.findall(text)}
    return words | {stem for stem in _STEMS for word in words if _inflected(word, stem)}


# Danish endings of a noun or verb: "møde|t", "mål|ene", "møde|rne", "hjælp|e".
_ENDINGS = frozenset({"", "e", "r", "n", "t", "s", "et", "en", "ne", "er", "ene", "rne", "sen"})


def _inflected(word: str, stem: str) -> bool:
    word = word.removeprefix("dialog")
    return word.startswith(stem) and word[len(stem) :] in _ENDINGS


def _exact(folded: str) -> Intent | None:
    return next((intent for intent, phrases in _phrases().items() if folded in phrases), None)


def understand(text: str) -> tuple[Intent, str] | None:
    """The command `text` asks for as a leader would write it: the exact command word,
    the same with polite words around it, a sentence naming it, or a close misspelling.
    For a message outside any dialogue; inside one, `recognise` is the careful reader."""
    found = recognise(text)
    if found is not None:
        return found
    plain = _plain(text)
    intent = _exact(plain) or _by_keywords(plain) or _by_spelling(plain)
    return (intent, "") if intent else None


def _by_keywords(plain: str) -> Intent | None:
    words = _words(plain)
    if len(words) > 9:  # a long message is a report or a question, not a command
        return None
    for intent, required, any_of in _KEYWORDS:
        if required <= words and words & any_of:
            return intent
    return None


def _scored(plain: str) -> list[tuple[Intent, float]]:
    """Each command's closest phrase to `plain`, best first; short messages only."""
    if not 4 <= len(plain) <= 40 or len(plain.split()) > 4:
        return []
    best: dict[Intent, float] = {}
    for intent, phrases in _phrases().items():
        hit = process.extractOne(plain, phrases, scorer=fuzz.ratio)
        if hit is not None:
            best[intent] = max(best.get(intent, 0.0), hit[1])
    return sorted(best.items(), key=lambda pair: -pair[1])


def _by_spelling(plain: str) -> Intent | None:
    scored = _scored(plain)
    if not scored or scored[0][1] < SURE:
        return None
    # Two commands equally close is no answer: that is for "Mente du …?".
    if len(scored) > 1 and scored[1][1] >= scored[0][1] - 3:
        return None
    return scored[0][0]


def suggestions(text: str, limit: int = 3) -> list[Intent]:
    """Commands `text` comes close to, for "Mente du …?" when nothing matched outright."""
    return [intent for intent, score in _scored(_plain(text)) if score >= CLOSE][:limit]


_QUESTION_START = frozenset(
    {"hvordan", "hvad", "hvor", "hvornaar", "hvem", "hvorfor", "hvilke", "hvilken", "kan",
     "kunne", "maa", "skal", "er", "har", "vil", "how", "what", "where", "when", "can"}
)  # fmt: skip


def looks_like_question(text: str) -> bool:
    """A question to Pejling rather than an answer: it ends with "?" and opens like a
    Danish question ("hvordan går det med vores mål?")."""
    stripped = text.strip()
    if not stripped.endswith("?") or "\n" in stripped:
        return False
    first = fold(stripped).split(maxsplit=1)[0].strip(",.")
    return first in _QUESTION_START


def understand_request(text: str) -> tuple[Intent, str] | None:
    """A command asked for in the middle of a dialogue, where most messages are answers:
    only a sentence that asks ("jeg vil gerne se mine mål", "kan jeg melde status") or a
    one- or two-word near miss of a command word ("staus"). "Status er, at vi mangler
    voksne" is an answer."""
    folded = fold(text).strip(" .!?,:;")
    asking = _POLITE.match(folded) is not None and not folded.startswith(("ok", "og", "men"))
    if asking and len(folded.split()) <= 9:
        return understand(text)
    if len(folded.split()) <= 2 and (intent := _by_spelling(_plain(text))) is not None:
        return intent, ""
    return None
