"""The engine's input and output: a plain turn in, a list of replies out.

`bot/` turns each Teams activity into a `Turn` and each `Reply` back into an activity;
nothing below `bot/` knows what an activity is.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from store.outbox import Due, Planned


class Via(enum.StrEnum):
    """How the person acted."""

    TEXT = "text"  # typed a message
    EXECUTE = "execute"  # pressed an Action.Execute button; the reply can replace the card
    SUBMIT = "submit"  # pressed an Action.Submit button (older clients); the card is updated
    INSTALL = "install"  # added the bot to a personal chat or a team: greet
    EVENT = "event"  # another install or update event: remember where we are, say nothing


class Target(enum.StrEnum):
    """Where a reply goes."""

    NEW = "new"  # a new message in the conversation
    REPLACE = "replace"  # in place of the card whose button was pressed
    UPDATE = "update"  # in place of an earlier message, named by `Reply.update_id`


@dataclass(frozen=True)
class Turn:
    tenant_id: str
    user_id: str
    aad_object_id: str | None
    conversation_id: str
    conversation_type: str
    service_url: str
    bot_id: str
    now: datetime
    via: Via = Via.TEXT
    text: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    user_name: str | None = None
    reply_to_id: str | None = None
    activity_id: str | None = None
    team_id: str | None = None
    channel_id: str | None = None
    locale: str | None = None
    # Run again because another device's answer to the same dialogue was saved first.
    again: bool = False

    @property
    def action(self) -> str | None:
        value = self.data.get("action")
        return value if isinstance(value, str) else None

    @property
    def personal(self) -> bool:
        return self.conversation_type == "personal"

    @property
    def from_card(self) -> bool:
        return self.via in (Via.EXECUTE, Via.SUBMIT)


@dataclass(frozen=True)
class Reply:
    text: str | None = None
    card: dict[str, Any] | None = None
    target: Target = Target.NEW
    update_id: str | None = None


@dataclass(frozen=True)
class Notice:
    """A message for someone else than the sender, caused by this turn: a department head
    told that a goal waits for them, a leader told what was decided."""

    municipality_id: int
    person_id: int
    text: str | None = None
    card: dict[str, Any] | None = None


@dataclass(frozen=True)
class TurnResult:
    """The replies, and the dialogue whose newest card is the last new card among them
    (its message id is kept, so that card can be closed when the dialogue ends), and the
    notices to send to others once the turn is saved."""

    replies: tuple[Reply, ...] = ()
    card_owner: str | None = None
    notices: tuple[Notice, ...] = ()
    # Outbox items to send at once after the turn (a meeting pack, an approved summary).
    dispatch: tuple[Due, ...] = ()
    # The outbox keys the notices were planned under, in the turn's own transaction.
    told: tuple[str, ...] = ()
    # Channel posts this turn planned in the outbox (a knowledge pack): sent after the turn.
    posted: tuple[Planned, ...] = ()


def say(text: str) -> Reply:
    return Reply(text=text)


def show(card: dict[str, Any], target: Target = Target.NEW, update_id: str | None = None) -> Reply:
    return Reply(card=card, target=target, update_id=update_id)


def card_reply(turn: Turn, card: dict[str, Any]) -> Reply:
    """A card in place of the pressed one when a button was pressed, else a new message."""
    return show(card, Target.REPLACE if turn.from_card else Target.NEW)
