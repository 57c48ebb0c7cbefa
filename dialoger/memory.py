"""What a running Pejling remembers between turns, to spare the database.

- Who a sender is (municipality, person, roles), for a minute: nearly every turn
  would otherwise read three tables for it. A role changed by `pejling import` is
  seen at the latest a minute later.
- Which conversation references are stored as they are, for a few minutes: an
  unchanged reference needs no read at all.
- The message ids of the cards dialogues have just shown. They are known only after
  the reply is sent, so they are written behind the turn: with the dialogue's next
  save, or by `flush`, which the app runs every second and at shutdown.

Everything here is a copy of what the database holds, except the pending card ids,
which are only ever a pointer used to close an old card.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cachetools import TTLCache
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from store import progress
from store.conversations import ConversationSeen
from store.people import Identity
from store.views import ProgressView

IDENTITY_SECONDS = 60
UNKNOWN_SECONDS = 5  # a person just imported is found within seconds
REFERENCE_SECONDS = 300
SIZE = 50_000


@dataclass
class Memory:
    identities: TTLCache[tuple[str, str | None], Identity] = field(
        default_factory=lambda: TTLCache(SIZE, IDENTITY_SECONDS)
    )
    unknown: TTLCache[tuple[str, str | None], Identity] = field(
        default_factory=lambda: TTLCache(SIZE, UNKNOWN_SECONDS)
    )
    references: TTLCache[tuple[int, str], ConversationSeen] = field(
        default_factory=lambda: TTLCache(SIZE, REFERENCE_SECONDS)
    )
    cards: dict[str, str] = field(default_factory=dict)

    def identity(self, tenant_id: str, aad_object_id: str | None) -> Identity | None:
        key = (tenant_id, aad_object_id)
        return self.identities.get(key) or self.unknown.get(key)

    def keep_identity(self, tenant_id: str, aad_object_id: str | None, found: Identity) -> None:
        cache = self.identities if found.actor is not None else self.unknown
        cache[(tenant_id, aad_object_id)] = found

    def forget_person(self, person_id: int) -> None:
        """Read this person afresh on their next turn: they were just made someone's deputy
        (or stopped being one), which changes their roles at once, not within a minute."""
        held = self.identities.items()
        stale = [key for key, found in held if found.actor and found.actor.person_id == person_id]
        for key in stale:
            self.identities.pop(key, None)

    def knows_reference(self, municipality_id: int, seen: ConversationSeen) -> bool:
        return self.references.get((municipality_id, seen.conversation_id)) == seen

    def keep_reference(self, municipality_id: int, seen: ConversationSeen) -> None:
        self.references[(municipality_id, seen.conversation_id)] = seen

    def forget_reference(self, municipality_id: int, conversation_id: str) -> None:
        self.references.pop((municipality_id, conversation_id), None)

    def card_shown(self, progress_id: str, activity_id: str) -> None:
        self.cards[progress_id] = activity_id

    def with_card(self, found: ProgressView) -> ProgressView:
        """The dialogue as read, with the id of a card shown since its last save."""
        pending = self.cards.get(found.id)
        if pending is None or pending == found.card_activity_id:
            return found
        return replace(found, card_activity_id=pending)

    def card_saved(self, saved: ProgressView) -> None:
        if self.cards.get(saved.id) == saved.card_activity_id:
            self.cards.pop(saved.id, None)

    async def flush(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        """Write the card ids not yet written with a save, in one transaction."""
        if not self.cards:
            return
        pending, self.cards = self.cards, {}
        async with sessions.begin() as session:
            await progress.remember_cards(session, pending)
