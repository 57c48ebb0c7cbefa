"""Writing to someone later, from a stored conversation reference (reminders use this)."""

from __future__ import annotations

from sqlalchemy import select

from bot.convert import message_body
from flowkit import NOW
from harness import RunningPejling
from store.models import ConversationRef


async def test_a_stored_personal_chat_can_be_written_to_later(pejling: RunningPejling) -> None:
    where = pejling.personal("karin")
    await pejling.post(pejling.wire.personal_install(pejling.who("karin"), where))
    rt = pejling.runtime
    sent = await rt.proactive.to_conversation(
        1, where.conversation_id, message_body("Husk status", None), NOW
    )
    assert sent is not None
    assert pejling.fake.message(sent).text == "Husk status"


async def test_a_conversation_never_written_in_is_not_guessed(pejling: RunningPejling) -> None:
    rt = pejling.runtime
    body = message_body("Hej", None)
    assert await rt.proactive.to_conversation(1, "a:ukendt", body, NOW) is None
    assert pejling.fake.requests_to("POST", "/v3/conversations") == []


async def test_a_blocked_bot_marks_the_conversation_unreachable_and_stops(
    pejling: RunningPejling,
) -> None:
    where = pejling.personal("karin")
    await pejling.post(pejling.wire.personal_install(pejling.who("karin"), where))
    pejling.fake.fail_next("POST", "/v3/conversations/*", statuses=(403,))
    rt, body = pejling.runtime, message_body("Husk status", None)
    first = await rt.proactive.to_conversation(1, where.conversation_id, body, NOW)
    assert first is None
    async with rt.sessions() as session:
        reference = await session.scalar(
            select(ConversationRef).where(ConversationRef.conversation_id == where.conversation_id)
        )
    assert reference is not None and reference.unreachable_at == NOW
    attempts = len(pejling.fake.requests_to("POST", "/v3/conversations/"))
    again = await rt.proactive.to_conversation(1, where.conversation_id, body, NOW)
    assert again is None
    assert len(pejling.fake.requests_to("POST", "/v3/conversations/")) == attempts  # not retried

    # Writing to the bot again makes the conversation reachable again.
    await pejling.say("karin", "hej")
    assert await rt.proactive.to_conversation(1, where.conversation_id, body, NOW)
