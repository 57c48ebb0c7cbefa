"""Proactive posts: messages nobody asked for in this turn — a digest in a channel, and
(for reminders) a message in a conversation the bot knows from a stored reference.

All go through the pooled connector with the proactive retry policy. A 403 means the
bot was blocked or removed there: the reference is marked unreachable, forgotten by the
turn memory (so the next message from there restores it), and not retried.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.connector import PROACTIVE_POLICY, Connector, Unreachable
from dialoger.memory import Memory
from store import conversations
from store.views import ChannelTarget


@dataclass(frozen=True)
class Posted:
    conversation_id: str
    activity_id: str | None


@dataclass(frozen=True)
class Proactive:
    sessions: async_sessionmaker[AsyncSession]
    connector: Connector
    memory: Memory
    bot_id: str

    async def new_channel_post(self, target: ChannelTarget, body: dict[str, Any]) -> Posted:
        """A new top-level post in a channel (not a reply in someone's thread)."""
        parameters: dict[str, Any] = {
            "isGroup": True,
            "bot": {"id": self.bot_id},
            "channelData": {
                "channel": {"id": target.channel_id},
                "tenant": {"id": target.tenant_id},
            },
            "tenantId": target.tenant_id,
            "activity": body,
        }
        conversation_id, activity_id = await self.connector.create_conversation(
            target.service_url, parameters
        )
        return Posted(conversation_id, activity_id)

    async def reply_in_thread(self, service_url: str, posted: Posted, body: dict[str, Any]) -> None:
        """A further message under a post made with `new_channel_post`."""
        await self.connector.send(
            service_url, posted.conversation_id, body, policy=PROACTIVE_POLICY
        )

    async def to_conversation(
        self, municipality_id: int, conversation_id: str, body: dict[str, Any], now: datetime
    ) -> str | None:
        """Send to a conversation the bot has a stored reference for; the message id, or
        None when there is no usable reference (never written, or unreachable)."""
        async with self.sessions() as session:
            service_url = await conversations.reachable_service_url(
                session, municipality_id, conversation_id
            )
        if service_url is None:
            return None
        try:
            return await self.connector.send(
                service_url, conversation_id, body, policy=PROACTIVE_POLICY
            )
        except Unreachable:
            await self.unreachable(municipality_id, conversation_id, now)
            return None

    async def unreachable(self, municipality_id: int, conversation_id: str, now: datetime) -> None:
        async with self.sessions.begin() as session:
            await conversations.mark_unreachable(session, municipality_id, conversation_id, now)
        self.memory.forget_reference(municipality_id, conversation_id)

    async def to_person(
        self, municipality_id: int, person_id: int, body: dict[str, Any], now: datetime
    ) -> str | None:
        """A message in the person's personal chat; None if they have none the bot can use
        (they have never written to it, or it was removed)."""
        async with self.sessions() as session:
            conversation = await conversations.personal_conversation(
                session, municipality_id, person_id
            )
        if conversation is None:
            return None
        return await self.to_conversation(municipality_id, conversation, body, now)
