"""What a handler has at hand during one turn."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from dialoger.memory import Memory
from dialoger.turn import Notice, Turn
from kort.catalogue import Texts
from store.dates import LOCAL_TIME
from store.errors import Invalid
from store.views import Actor

MAX_ID = 2**31 - 1  # the largest id an integer column holds


def card_id(value: Any, unknown: str) -> int:
    """An id from card data. Anything else (text, a number no row can have) is refused
    with the `unknown` text before the database sees it."""
    try:
        found = int(str(value))
    except ValueError:
        raise Invalid(unknown) from None
    if not 0 < found <= MAX_ID:
        raise Invalid(unknown)
    return found


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    turn: Turn
    texts: Texts
    municipality_id: int
    actor: Actor | None
    memory: Memory
    # What to remember once the turn's transaction has committed (not before: a rolled
    # back write must not be remembered as done).
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    # Messages for others that this turn causes; sent after the commit, like the replies.
    notices: list[Notice] = field(default_factory=list)

    def notify(
        self, person_id: int, text: str | None = None, card: dict[str, Any] | None = None
    ) -> None:
        self.notices.append(Notice(self.municipality_id, person_id, text, card))

    @property
    def today(self) -> date:
        """Today in Denmark, which is what "within the period" means to a municipality."""
        return self.turn.now.astimezone(LOCAL_TIME).date()

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise LookupError("this handler needs a known person; the router checks that first")
        return self.actor
