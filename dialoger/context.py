"""What a handler has at hand during one turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from dialoger.turn import Turn
from kort.tekster import LOCAL_TIME, Texts
from store.views import Actor


@dataclass(frozen=True)
class Context:
    session: AsyncSession
    turn: Turn
    texts: Texts
    municipality_id: int
    actor: Actor | None

    @property
    def today(self) -> date:
        """Today in Denmark, which is what "within the period" means to a municipality."""
        return self.turn.now.astimezone(LOCAL_TIME).date()

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise LookupError("this handler needs a known person; the router checks that first")
        return self.actor
