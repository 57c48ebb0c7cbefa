"""What Pejling remembers between turns: copies of the database, kept briefly, and card
message ids written behind the turn."""

from __future__ import annotations

from cachetools import TTLCache
from sqlalchemy import select

from dialoger.memory import Memory
from store import progress
from store.conversations import ConversationSeen
from store.models import DialogueProgress
from store.orgfile import OrgFile
from store.people import Identity
from store.views import ProgressView
from store_helpers import NOW, Sessions, actor_of


def test_a_known_person_is_remembered_and_an_unknown_one_only_briefly() -> None:
    clock = [0.0]
    memory = Memory(
        identities=TTLCache(10, 60, timer=lambda: clock[0]),
        unknown=TTLCache(10, 5, timer=lambda: clock[0]),
    )
    nobody = Identity(1, "da", None)
    memory.keep_identity("tenant", "aad-new", nobody)
    assert memory.identity("tenant", "aad-new") == nobody
    clock[0] = 6.0  # just imported: found again within seconds
    assert memory.identity("tenant", "aad-new") is None


def test_a_reference_is_known_only_as_it_was_stored() -> None:
    memory = Memory()
    seen = ConversationSeen("a:1", "personal", "https://a/", "28:bot")
    memory.keep_reference(1, seen)
    assert memory.knows_reference(1, seen)
    moved = ConversationSeen("a:1", "personal", "https://b/", "28:bot")
    assert not memory.knows_reference(1, moved)  # Teams moved the tenant: store again
    memory.forget_reference(1, "a:1")  # e.g. after a 403
    assert not memory.knows_reference(1, seen)


def test_a_card_shown_since_the_last_save_is_part_of_the_dialogue_read() -> None:
    memory = Memory()
    read = ProgressView("p-1", "status", "color", card_activity_id=None)
    memory.card_shown("p-1", "msg-7")
    assert memory.with_card(read).card_activity_id == "msg-7"
    memory.card_saved(memory.with_card(read))
    assert memory.cards == {}


async def test_card_ids_not_saved_with_a_turn_are_written_in_one_batch(
    sessions: Sessions, demo: OrgFile
) -> None:
    async with sessions.begin() as session:
        mette = await actor_of(session, demo, "mette")
        started = [
            await progress.start(session, mette.municipality_id, mette.person_id, "a:1", "status",
                                 "goal", NOW, pause=False)
            for _ in range(3)
        ]  # fmt: skip
    memory = Memory()
    for number, dialogue in enumerate(started):
        memory.card_shown(dialogue.id, f"msg-{number}")
    await memory.flush(sessions)
    async with sessions() as session:
        found = await session.execute(
            select(DialogueProgress.id, DialogueProgress.card_activity_id)
        )
        written = {row.id: row.card_activity_id for row in found}
    assert [written[d.id] for d in started] == ["msg-0", "msg-1", "msg-2"]
    assert memory.cards == {}
