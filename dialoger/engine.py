"""Guided dialogues as declarative flows, and `advance`, the pure step function that runs them.

A flow is an ordered list of steps. Each step asks one question (a text, a card or both)
and parses one answer into `answers[step.name]`; a card input with the step's name
answers the step too, so one form can answer several steps in one go. The next step is
the first applicable one still unanswered, which makes `tilbage` (back) and editing a
single answer plain jumps. `advance` does no I/O: the shell in `dialoger.runner` loads
what a flow needs, calls it, and saves the progress it returns.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from dialoger.turn import Reply, Turn, say
from kort.catalogue import Texts
from store.errors import DomainError
from store.text import fold
from store.views import ProgressView

if TYPE_CHECKING:
    from dialoger.context import Context

PENDING = "_pending"  # answers that failed their check, kept so nothing typed is lost
SKIP_WORDS = frozenset({"spring over", "spring", "skip", "-", "nej", "ingen", "no"})
BACK_WORDS = frozenset({"tilbage", "back", "forrige"})

# What a flow loads before each turn (the leader's goals, the meeting being planned, ...):
# every step of a `Flow[D]` is handed the same `D`.
D = TypeVar("D")


@dataclass(frozen=True)
class Ok:
    value: Any  # an answer as it is stored: JSON


@dataclass(frozen=True)
class Problem:
    """Why an answer was refused: a catalogue key and its parameters."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, error: DomainError) -> Problem:
        return cls(error.key, error.params)


Parsed = Ok | Problem


def explain(texts: Texts, key: str, params: Mapping[str, Any]) -> str:
    """A refusal in words: a field is named by its label, a date written as a date and a
    moment as a date and a time."""
    shown: dict[str, Any] = {}
    for name, value in params.items():
        if name == "field" and texts.has(f"maal.felt.{value}.label"):
            value = texts(f"maal.felt.{value}.label")
        elif isinstance(value, datetime):
            value = texts.datetime(value)
        elif isinstance(value, date):
            value = texts.date(value)
        shown[name] = value
    return texts(key, **shown)


@dataclass(frozen=True)
class Ask(Generic[D]):
    """What a step has at hand when it asks its question."""

    turn: Turn
    progress: ProgressView
    data: D
    texts: Texts
    repeat: bool = False  # asked again after a refused answer


# A parser gets the raw answer (typed text, or whatever JSON a card sent), the flow's
# loaded data and the answers so far (so a coaching hint can let the same answer through
# the second time).
Parser = Callable[[Any, D, Mapping[str, Any]], Parsed]


# How a step asks its question, and when a step applies (given the answers so far).
Asker = Callable[[Ask[D]], list[Reply]]
Applies = Callable[[Mapping[str, Any]], bool]
# A typed message that moves to another step: that step's name, or None.
Navigator = Callable[[ProgressView, str, D, Texts], str | None]
# Why a dialogue cannot go on because what it is about has gone since it began (see `Flow.gone`).
Gone = Callable[["Context", ProgressView, D], Awaitable[DomainError | None]]


async def _nothing_gone(ctx: Context, progress: ProgressView, data: Any) -> DomainError | None:
    return None


@dataclass(frozen=True)
class Step(Generic[D]):
    name: str
    ask: Asker[D]
    parse: Parser[D]
    optional: bool = False
    applies: Applies = lambda answers: True
    # How a value from card data is read, when it differs from a typed one (an id, not a number).
    parse_card: Parser[D] | None = None
    # Typed words that answer this step, although they would otherwise mean "skip" ("ingen"
    # is how a leader says a goal follows none of the bearings).
    answer_words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Flow(Generic[D]):
    """A named dialogue over the data `D` it loads. The name is stored with every progress
    row: never rename one."""

    name: str
    steps: tuple[Step[D], ...]
    load: Callable[[Context], Awaitable[D]]
    finish: Callable[[Context, ProgressView, D], Awaitable[list[Reply]]]
    refuse: Callable[[D, Texts], str | None] = lambda data, texts: None
    # When saving is refused with one of these keys, the named step is asked again.
    redo_on: Mapping[str, str] = field(default_factory=dict)
    # A typed message that moves to another step instead of answering this one
    # (e.g. a field's name at the review); returns that step's name, or None.
    navigate: Navigator[D] = lambda progress, text, data, texts: None
    # Answers a new dialogue starts with (e.g. the unit, when the leader has one).
    prefill: Callable[[D], dict[str, Any]] = lambda data: {}
    # Asked before each turn of a dialogue under way: why it can no longer be finished,
    # now that what it is about has gone (the goal was closed, the unit is no longer the
    # leader's), or None. Only then may it look in the store; the loaded data tells.
    gone: Gone[D] = _nothing_gone
    # The steps whose answers are the person's own words, each with the catalogue key of
    # its label (or None): given back to them when the dialogue has to end unsaved, so
    # nothing they wrote is lost.
    own_words: Mapping[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [step.name for step in self.steps]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"flow {self.name!r} needs steps with unique names")
        if any(name.startswith("_") for name in names):
            raise ValueError(f"flow {self.name!r}: step names starting with _ are reserved")

    def step(self, name: str) -> Step[D] | None:
        return next((step for step in self.steps if step.name == name), None)

    def applicable(self, answers: Mapping[str, Any]) -> list[Step[D]]:
        return [step for step in self.steps if step.applies(answers)]


_EDIT = re.compile(r"^(?:ret|aendr|rediger|edit)\s+(.+)$")


def named_part(text: str, labels: Mapping[str, str]) -> str | None:
    """Which part a review's "ret tidspunkt" (or just "tidspunkt") names: `labels` maps
    each part's name to its label; the name, the label or a word of it will do."""
    wanted = fold(text).strip(" .!")
    match = _EDIT.match(wanted)
    wanted = match[1] if match else wanted
    for name, label in labels.items():
        folded = fold(label)
        if wanted and (wanted in (name, folded) or wanted in folded.split()):
            return name
    return None


@dataclass(frozen=True)
class Advance:
    progress: ProgressView
    replies: tuple[Reply, ...]
    complete: bool = False


def first_step(flow: Flow[D], answers: Mapping[str, Any] | None = None) -> Step[D]:
    return next_step(flow, answers or {}, None) or flow.steps[0]


def next_step(flow: Flow[D], answers: Mapping[str, Any], after: str | None) -> Step[D] | None:
    """The first applicable unanswered step after `after`, wrapping round; None when done."""
    steps = flow.applicable(answers)
    names = [step.name for step in steps]
    start = names.index(after) + 1 if after in names else 0
    for step in steps[start:] + steps[:start]:
        if step.name not in answers:
            return step
    return None


def ask(flow: Flow[D], progress: ProgressView, turn: Turn, data: D, texts: Texts) -> list[Reply]:
    """The question of the step `progress` stands at."""
    step = flow.step(progress.step) or first_step(flow, progress.answers)
    return step.ask(Ask(turn, replace(progress, step=step.name), data, texts))


def advance(flow: Flow[D], progress: ProgressView, turn: Turn, data: D, texts: Texts) -> Advance:
    """Apply one turn (a typed answer, a card submit or `tilbage`) to a dialogue."""
    if not turn.from_card and fold(turn.text) in BACK_WORDS:
        return _back(flow, progress, turn, data, texts)
    if not turn.from_card and (target := flow.navigate(progress, turn.text, data, texts)):
        return jump(flow, progress, target, turn, data, texts)
    answers = dict(progress.answers)
    raw = _raw_answers(flow, progress, turn)
    if not raw:  # a card that answers nothing here (an old one): ask the question again
        return Advance(progress, tuple(ask(flow, progress, turn, data, texts)))
    refused: tuple[Step[D], Problem] | None = None
    for step in flow.steps:
        if step.name not in raw or not step.applies(answers):
            continue
        outcome = _parse(step, raw[step.name], turn, data, answers)
        pending = dict(answers.get(PENDING, {}))
        if isinstance(outcome, Problem):
            pending[step.name] = raw[step.name]
            refused = refused or (step, outcome)
        else:
            answers[step.name] = outcome.value
            pending.pop(step.name, None)
        answers[PENDING] = pending
    if refused is not None:
        step, problem = refused
        return _ask_again(step, problem, progress, answers, turn, data, texts)
    following = next_step(flow, answers, progress.step)
    if following is None:
        return Advance(replace(progress, answers=answers), (), complete=True)
    moved = replace(progress, step=following.name, answers=answers)
    return Advance(moved, tuple(following.ask(Ask(turn, moved, data, texts))))


FORM_FIELDS = "fields"  # card data: the inputs a form holds


def written(
    flow: Flow[D], progress: ProgressView, texts: Texts, turn: Turn | None = None
) -> list[str]:
    """The person's own words in the dialogue (`flow.own_words`), with those this `turn`
    brings and those refused on the way, in the order of the steps, each after its label."""
    given = {**progress.answers, **progress.answers.get(PENDING, {})}
    if turn is not None:
        given.update(_raw_answers(flow, progress, turn))
    found = []
    for name, label in flow.own_words.items():
        value = given.get(name)
        parts = value if isinstance(value, list) else [value]
        said = "\n".join(str(p).strip() for p in parts if p is not None and str(p).strip())
        if said and fold(said) not in SKIP_WORDS:
            found.append(f"**{texts(label)}:** {said}" if label else said)
    return found


def _raw_answers(flow: Flow[D], progress: ProgressView, turn: Turn) -> dict[str, Any]:
    """What this turn answers. Teams leaves empty inputs out of a card's data, so a form
    lists its inputs under `fields`, and a listed input that is missing was left empty."""
    if not turn.from_card:
        return {progress.step: turn.text}
    listed = turn.data.get(FORM_FIELDS)
    held = set(listed) if isinstance(listed, list) else set()
    return {
        step.name: turn.data.get(step.name)
        for step in flow.steps
        if step.name in turn.data or step.name in held
    }


def _parse(step: Step[D], raw: Any, turn: Turn, data: D, answers: Mapping[str, Any]) -> Parsed:
    blank = raw is None or (isinstance(raw, str) and not raw.strip())
    if not turn.from_card and fold(str(raw)) in step.answer_words:
        return step.parse(raw, data, answers)
    if step.optional and (blank or (not turn.from_card and fold(str(raw)) in SKIP_WORDS)):
        return Ok(None)
    if not turn.from_card and fold(str(raw)) in SKIP_WORDS:
        return Problem("dialog.kan_ikke_springes_over")
    if blank:
        return Problem("dialog.tomt_svar")
    if turn.from_card and step.parse_card is not None:
        return step.parse_card(raw, data, answers)
    return step.parse(raw, data, answers)


def _ask_again(
    step: Step[D],
    problem: Problem,
    progress: ProgressView,
    answers: dict[str, Any],
    turn: Turn,
    data: D,
    texts: Texts,
) -> Advance:
    staying = replace(progress, step=step.name, answers=answers)
    question = step.ask(Ask(turn, staying, data, texts, repeat=True))
    return Advance(staying, (say(explain(texts, problem.key, problem.params)), *question))


def jump(
    flow: Flow[D], progress: ProgressView, target: str, turn: Turn, data: D, texts: Texts
) -> Advance:
    """Go to step `target` and ask it again; its answer is kept until a new one comes."""
    step = flow.step(target)
    if step is None or not step.applies(progress.answers):
        return Advance(progress, tuple(ask(flow, progress, turn, data, texts)))
    moved = replace(progress, step=step.name)
    return Advance(moved, tuple(step.ask(Ask(turn, moved, data, texts))))


def _back(flow: Flow[D], progress: ProgressView, turn: Turn, data: D, texts: Texts) -> Advance:
    steps = flow.applicable(progress.answers)
    names = [step.name for step in steps]
    here = names.index(progress.step) if progress.step in names else 0
    if here == 0:
        question = steps[0].ask(Ask(turn, progress, data, texts, repeat=True))
        return Advance(progress, (say(texts("dialog.ingen_tilbage")), *question))
    previous = steps[here - 1]
    moved = replace(progress, step=previous.name)
    return Advance(moved, tuple(previous.ask(Ask(turn, moved, data, texts))))
