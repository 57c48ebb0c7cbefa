"""Helpers for the goal tests: hand-made drafting data for flow tests without a database,
and, over HTTP, a leader answering the goal dialogue, the goals and their history as
the database holds them, and every card the bot sent, for the schema check."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.devtools.chat.wire import Where
from cardcheck import schema_errors
from dialoger.flows.goals import GoalData, flow_name
from fakebf import ADAPTIVE_CARD, FakeBotFramework, Message
from harness import RunningPejling, button_data, card_text, rows
from kort.common import walk
from store.goalviews import BearingView, DraftingContext, DraftingUnit
from store.models import Bearing, Goal, GoalEvent, Unit
from store.profiles import profile
from store.views import PeriodView, ProgressView

# ---------------------------------------------------------------------------
# Drafting data by hand, for flow tests

ELECTION = PeriodView("Valgperioden 2026–2029", date(2026, 1, 1), date(2029, 12, 31))
YEAR = PeriodView("Aftaleåret 2027", date(2027, 1, 1), date(2027, 12, 31))
BUU = 4  # committee ids
SSU = 5
BUU_BEARINGS = (
    BearingView(31, "Alle børn skal trives og høre til i et fællesskab"),
    BearingView(32, "Tidlig indsats for sprog og læsning"),
    BearingView(33, "Sammenhængende overgange fra dagtilbud til skole"),
)
SSU_BEARINGS = (BearingView(41, "En meningsfuld hverdag for ældre borgere"),)
SCHOOL = DraftingUnit(1, "Bøgeskov Skole", "skole", "standard", BUU, active_goals=2)
SOLSIKKEN = DraftingUnit(4, "Vuggestuen Solsikken", "dagtilbud", "standard", BUU, 1)
TROLDEHOEJ = DraftingUnit(5, "Børnehaven Troldehøj", "dagtilbud", "standard", BUU, 1)


def drafting(
    profile_key: str = "hvidovre",
    units: tuple[DraftingUnit, ...] = (SCHOOL,),
    period: PeriodView | None = ELECTION,
    leader: str = "Mette Kjærgaard",
) -> GoalData:
    """What `nyt mål` loads for a leader: the profile, the period, the units, and per
    unit the bearings of its committee (and those of a unit that is not theirs)."""
    chosen = profile(profile_key)
    placed = tuple(
        DraftingUnit(u.id, u.name, u.unit_type, chosen.template_for(u.unit_type).key,
                     u.committee_id, u.active_goals)
        for u in units
    )  # fmt: skip
    of_committee = {BUU: BUU_BEARINGS, SSU: SSU_BEARINGS}
    bearings = {u.id: of_committee[u.committee_id] for u in placed} | {99: SSU_BEARINGS}
    context = DraftingContext(chosen, 7 if period else None, period, placed, bearings)
    return GoalData(context, leader)


def at(step: str, profile_key: str = "hvidovre", **answers: Any) -> ProgressView:
    """A goal dialogue of `profile_key` standing at `step` with these answers."""
    return ProgressView(
        id="p-1", flow=flow_name(profile_key), step=step, answers=dict(answers), version=3
    )


def unit_answer(unit: DraftingUnit, template: str = "standard") -> dict[str, Any]:
    return {"id": unit.id, "template": template}


# Every answer of the Hvidovre template, as a leader types them, in the order asked.
TYPED = {
    "title": "Mere leg og færre konflikter i skolegården",
    "bearings": "1, 3",
    "goal_type": "1",
    "expected_effect": "Færre konflikter, og flere elever har nogen at være sammen med.",
    "success_criteria": "Mindst 80 % svarer 'ofte god' i frikvartersmålingen\n"
    "Færre konflikter end i 2026",
    "evaluation_method": "tilfredshed",
    "data_source": "Den nationale trivselsmåling",
    "sub_goals": "spring over",
    "deadline": "30. juni 2027",
    "responsible": "mig",
}

# The same answers, as they are stored in the dialogue.
ANSWERED = {
    "title": "Mere leg og færre konflikter i skolegården",
    "bearings": [31, 33],
    "goal_type": "development",
    "expected_effect": "Færre konflikter, og flere elever har nogen at være sammen med.",
    "success_criteria": [
        "Mindst 80 % svarer 'ofte god' i frikvartersmålingen",
        "Færre konflikter end i 2026",
    ],
    "evaluation_method": "survey",
    "data_source": "Den nationale trivselsmåling",
    "sub_goals": None,
    "deadline": "2027-06-30",
    "responsible": "Mette Kjærgaard",
}


# ---------------------------------------------------------------------------
# Over HTTP

# Mette's answers, one message each, after `nyt mål` (she leads one unit: no unit question).
METTE_FIRST_HALF = [TYPED[n] for n in ("title", "bearings", "goal_type", "expected_effect")]
METTE_SECOND_HALF = [
    TYPED[n]
    for n in (
        "success_criteria",
        "evaluation_method",
        "data_source",
        "sub_goals",
        "deadline",
        "responsible",
    )
]
METTE_ALL = METTE_FIRST_HALF + METTE_SECOND_HALF


async def answer(
    pejling: RunningPejling, key: str, answers: Iterable[str], where: Where | None = None
) -> list[Message]:
    """`key` types each answer in turn; the bot's replies to the last one."""
    replies: list[Message] = []
    for text in answers:
        replies = await pejling.say(key, text, where)
    return replies


async def write_goal(pejling: RunningPejling, key: str = "mette", finish: str = "send") -> int:
    """`key` writes the whole goal by typing and ends the review with `finish` (send or
    gem); the goal's id."""
    await pejling.say(key, "nyt mål")
    await answer(pejling, key, [*METTE_ALL, finish])
    return (await new_goals(pejling))[-1].id


def another_device(pejling: RunningPejling, key: str, device: str = "mobile") -> Where:
    """The same person's personal chat as another device (here: another conversation id)."""
    return Where(pejling.org.municipality.tenant_id, f"a:{device}-{pejling.who(key).aad_object_id}")


def days_later(pejling: RunningPejling, days: int) -> datetime:
    """From now on, the bot's clock says it is `days` days later; that moment."""
    then = datetime.now(UTC) + timedelta(days=days)
    pejling.runtime.bot.clock = lambda: then
    return then


async def new_goals(pejling: RunningPejling) -> list[Goal]:
    """Goals written in the dialogue (the organisation file's have no origin), oldest first."""
    return await rows(pejling, select(Goal).where(Goal.origin.is_not(None)).order_by(Goal.id))


async def goal_row(pejling: RunningPejling, goal_id: int) -> Goal:
    [found] = await rows(pejling, select(Goal).where(Goal.id == goal_id))
    return found


async def events(pejling: RunningPejling, goal_id: int) -> list[tuple[str, int]]:
    """The goal's history as (action, version), oldest first."""
    query = select(GoalEvent).where(GoalEvent.goal_id == goal_id)
    found = await rows(pejling, query.order_by(GoalEvent.at, GoalEvent.id))
    return [(e.action, e.version) for e in found]


async def unit_id(pejling: RunningPejling, key: str) -> int:
    [found] = await rows(pejling, select(Unit.id).where(Unit.key == key))
    return int(found)


def sent_cards(fake: FakeBotFramework) -> list[dict[str, Any]]:
    """Every Adaptive Card the bot sent to the connector: posts, updates, new chats."""
    return [
        node["content"]
        for request in fake.requests
        for node in walk(request.body)
        if node.get("contentType") == ADAPTIVE_CARD
    ]


def last_card(messages: list[Message]) -> Message:
    """The last of `messages` that holds a card."""
    return [m for m in messages if m.cards][-1]


async def press(
    pejling: RunningPejling,
    key: str,
    message: Message,
    button: str,
    inputs: dict[str, Any] | None = None,
) -> tuple[Any, list[Message]]:
    """`key` presses the Action.Execute button titled `button` on `message`, with these
    inputs filled in; the card that replaces it (or the text Teams shows beside it) and
    any new messages. A card in the answer must be a valid Adaptive Card 1.5."""
    data = {**button_data(message.cards[-1], button), **(inputs or {})}
    return await send_card_data(pejling, key, message, data)


async def send_card_data(
    pejling: RunningPejling, key: str, message: Message, data: dict[str, Any]
) -> tuple[Any, list[Message]]:
    """An Action.Execute from a card in `message` carrying `data`, whatever button it is."""
    place = pejling.personal(key)
    before = pejling.fake.count_in(place.conversation_id)
    status, body = await pejling.post(
        pejling.wire.execute(pejling.who(key), place, data, message.id)
    )
    assert status == 200, (status, body)
    if body.get("type") == ADAPTIVE_CARD:
        assert schema_errors(body["value"]) == []
    return body["value"], pejling.fake.messages_in(place.conversation_id, since=before)


def button_for(card: dict[str, Any], button: str, **wanted: Any) -> dict[str, Any]:
    """The data of the button titled `button` whose data holds `wanted` (cards that list
    several goals or fields have a button of the same title for each)."""
    for node in walk(card):
        data = node.get("data") or {}
        is_button = node.get("type") == "Action.Execute" and node.get("title") == button
        if is_button and all(data.get(k) == v for k, v in wanted.items()):
            return dict(data)
    raise AssertionError(f"no button {button!r} with {wanted} on the card")


async def bearing_id(pejling: RunningPejling, key: str) -> int:
    """The database id of a bearing from the organisation file."""
    [found] = await rows(pejling, select(Bearing.id).where(Bearing.key == key))
    return int(found)


def unit_section(card: dict[str, Any], unit: str) -> str:
    """The text of a digest's section for `unit` (a container headed by the unit's name)."""
    for node in walk(card):
        items = node.get("items") if node.get("type") == "Container" else None
        if items and items[0].get("text") == unit:
            return card_text(node)
    raise AssertionError(f"no section for {unit!r} in the digest")


def personal_messages(pejling: RunningPejling, key: str) -> list[Message]:
    """Everything the bot has posted in `key`'s personal chat, oldest first."""
    return pejling.fake.messages_in(pejling.personal(key).conversation_id)
