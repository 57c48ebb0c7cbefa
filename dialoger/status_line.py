"""A status in one message: "læsemålet: gul, forsinket pga. sygdom".

A leader names the goal (a word of its title, or its number), the colour in any of its
Danish forms and the reason, in any order. This reads what it can and says what it
could not, so the status dialogue asks only for what is missing. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from store.enums import Color
from store.text import fold
from store.views import GoalView


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Folded forms: "rødt" folds to "roedt", typed without ø it is "rodt".
_COLOR_FORMS = {
    Color.RED: "roed roedt roede rod rodt rode red",
    Color.YELLOW: "gul gult gule yellow",
    Color.GREEN: "groen groent groenne gron gront gronne green",
}
COLOR_OF = {form: color for color, forms in _COLOR_FORMS.items() for form in forms.split()}
_EMOJI = {"🔴": Color.RED, "🟡": Color.YELLOW, "🟠": Color.YELLOW, "🟢": Color.GREEN}
_COLOR_WORD = re.compile(
    r"\b(?:(?:(?:det|den|status|farven|farve|er|paa|staar|star|i)\s+)*)"
    r"(" + "|".join(sorted(COLOR_OF, key=len, reverse=True)) + r")\b(?:\s+lys\b)?"
)
_FROM_TO = re.compile(r"\bfra\s+(\w+)\s+til\s+(\w+)\b")
_SEGMENTS = re.compile(r"\s*(?:[:;,–—]|\s-\s|\.\s+(?=[A-ZÆØÅ])|\n)\s*")
_NUMBER = re.compile(
    r"(?:^|(?<=\s))(?:(?:maal|mal|goal)\s*(?:nr\.?|nummer)?\s*|nr\.?\s*|#)(\d{1,2})\b"
)
_EVIDENCE = re.compile(r"\d\s*(?:%|procent|pct)|(?:dokumentation|data|kilde|evidens)\s*:", re.I)
# Words that carry no meaning of their own in "trivsel er grøn" or "status på læsning".
_FILLER = _word_set(
    "status statussen det den er paa staar star i og til for med af fra maal malet maalet "
    "vores min mit mine nu lige ok farve farven lys nr"
)
_STOP = _word_set("og i paa for med af til de det den en et at som om der har er saa men")
# Words of a goal title that say nothing of which goal it is: its direction ("flere",
# "færre", "bedre") and everyday words a reason uses too ("hver", "alle").
_WEAK = _STOP | _word_set(
    "alle hver ikke meget over under efter siden mere flere faerre bedre lavere hoejere "
    "kortere laengere mindre stoerre styrket taettere"
)


@dataclass(frozen=True)
class StatusLine:
    """What one message said. `goals`: the goals it may name, best first (one when sure)."""

    color: Color | None
    goals: tuple[GoalView, ...]
    narrative: str | None
    evidence: str | None

    @property
    def goal(self) -> GoalView | None:
        return self.goals[0] if len(self.goals) == 1 else None


def color_in(text: str) -> Color | None:
    """The one colour `text` names; None when it names none, or two ("fra gul til grøn"
    names the second: that is where it stands now)."""
    folded = fold(text)
    found = {color for emoji, color in _EMOJI.items() if emoji in text}
    moved = _FROM_TO.search(folded)
    if moved and moved[2] in COLOR_OF:
        return COLOR_OF[moved[2]]
    found |= {COLOR_OF[match[1]] for match in _COLOR_WORD.finditer(folded)}
    return found.pop() if len(found) == 1 else None


def read(text: str, goals: Sequence[GoalView]) -> StatusLine | None:
    """The status `text` reports, or None when it names no colour: then it is not a
    status in one message, and the caller reads it as something else."""
    color = color_in(text)
    if color is None:
        return None
    named = _goals_named(text, goals)
    narrative, evidence = _narrative(text, named)
    return StatusLine(color, named, narrative, evidence)


def _goals_named(text: str, goals: Sequence[GoalView]) -> tuple[GoalView, ...]:
    folded = fold(text)
    number = _NUMBER.search(folded)
    if number and 1 <= int(number[1]) <= len(goals):
        return (goals[int(number[1]) - 1],)
    words = _content_words(folded)
    scored = [(score, goal) for goal in goals if (score := _title_score(goal.title, words))]
    if not scored:
        return tuple(goals) if len(goals) != 1 else (goals[0],)
    best = max(score for score, _ in scored)
    return tuple(goal for score, goal in scored if score == best)


def _content_words(folded: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", folded) if len(w) >= 3 and w not in _WEAK]


def _title_score(title: str, words: list[str]) -> int:
    """How many of the title's words the message names: the word, its beginning
    ("læsemålet" for "Læsning"), or a near spelling."""
    hits = 0
    for part in _content_words(fold(title)):
        if any(_same_word(part, word) for word in words if word not in _FILLER):
            hits += len(part)  # a long word is a surer hit than a short one
    return hits


def _same_word(title_word: str, word: str) -> bool:
    common = 0
    for a, b in zip(title_word, word, strict=False):
        if a != b:
            break
        common += 1
    if common >= 4 or title_word == word:
        return True
    return min(len(title_word), len(word)) >= 5 and fuzz.ratio(title_word, word) >= 80


def _narrative(text: str, named: tuple[GoalView, ...]) -> tuple[str | None, str | None]:
    """The reason and the evidence: what is left of the message when the parts that only
    name the goal or the colour are taken out. A part with a figure is the evidence."""
    kept: list[str] = []
    evidence: list[str] = []
    title_words = (
        {w for g in named for w in _content_words(fold(g.title))} if len(named) == 1 else set()
    )
    for part in (p.strip(" .!") for p in _SEGMENTS.split(text.strip())):
        if not part or _only_names(part, title_words):
            continue
        if _EVIDENCE.search(part):
            evidence.append(part)
        else:
            kept.append(_trimmed(part, title_words) if _names_color(part) else part)
    narrative = ", ".join(kept) or None
    if narrative:
        narrative = narrative[0].upper() + narrative[1:]
    return narrative, "; ".join(evidence) or None


def _only_names(part: str, title_words: set[str]) -> bool:
    """A part like "trivsel grøn", "🟢", "mål 2" or "status på læsning: gul" that says
    nothing but which goal and which colour."""
    folded = fold(part)
    for emoji in _EMOJI:
        folded = folded.replace(emoji, " ")
    folded = _NUMBER.sub(" ", folded)
    rest = [
        w
        for w in re.findall(r"[a-z0-9]+", folded)
        if w not in COLOR_OF
        and w not in _FILLER
        and w not in _STOP
        and not any(_same_word(t, w) for t in title_words)
    ]
    return not rest


def _names_color(part: str) -> bool:
    return any(e in part for e in _EMOJI) or bool(_COLOR_WORD.search(fold(part)))


def _trimmed(part: str, title_words: set[str]) -> str:
    """`part` without the words at either end that only name the goal or the colour:
    "mål 2 🟢 alt kører" is "alt kører"."""
    words = _trim_edge(part.split(), title_words)
    words = list(reversed(_trim_edge(list(reversed(words)), title_words)))
    return " ".join(words) or part


def _trim_edge(words: list[str], title_words: set[str]) -> list[str]:
    """`words` without the naming words they start with. Past the colour, a word like the
    goal's title is the reason's own ("forældre grøn, forældrekaffe …"): kept."""
    seen_color = False
    while words:
        folded = fold(words[0]).strip(".,!?:;()")
        color = folded in _EMOJI or folded in COLOR_OF
        names_goal = not seen_color and any(_same_word(t, folded) for t in title_words)
        plain = folded in _FILLER or folded in _STOP or (folded.isdigit() and len(folded) <= 2)
        if folded and not (color or names_goal or plain):
            break
        seen_color = seen_color or color
        words = words[1:]
    return words
