"""Proactive posts: messages nobody asked for in this turn — a digest in a channel, and
(for reminders) a message in a conversation the bot knows from a stored reference.

All go through the pooled connector with the proactive retry policy, within Teams'
rate limits. A 403 means the bot was blocked or removed there: the reference is marked
unreachable, forgotten by the turn memory (so the next message from there restores it),
and not retried.

A person who has never written to the bot is reached the way Teams allows: their 29: id
is looked up in the roster of a team the bot is installed in, a 1:1 chat is opened with
it, and that chat is stored like one they had started themselves.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.connector import PROACTIVE_POLICY, Connector, Unreachable
from bot.rosters import Rosters
from dialoger.memory import Memory
from store import conversations, people
from store.conversations import Contact, ConversationSeen, Team
from store.db import Sessions
from store.views import ChannelTarget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posted:
    conversation_id: str
    activity_id: str | None
    tenant_id: str | None = None  # whose rate budget replies in its thread draw on


@dataclass(frozen=True)
class Proactive:
    sessions: Sessions
    connector: Connector
    memory: Memory
    bot_id: str
    rosters: Rosters = field(default_factory=Rosters)
    # 1:1 chats being opened, so two messages to one person at once open one chat.
    _opening: dict[tuple[int, int], asyncio.Task[str | None]] = field(default_factory=dict)

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
            target.service_url, parameters, tenant_id=target.tenant_id
        )
        return Posted(conversation_id, activity_id, target.tenant_id)

    async def reply_in_thread(self, service_url: str, posted: Posted, body: dict[str, Any]) -> None:
        """A further message under a post made with `new_channel_post`."""
        await self.connector.send(
            service_url,
            posted.conversation_id,
            body,
            policy=PROACTIVE_POLICY,
            tenant_id=posted.tenant_id,
        )

    async def to_conversation(
        self, municipality_id: int, conversation_id: str, body: dict[str, Any], now: datetime
    ) -> str | None:
        """Send to a conversation the bot has a stored reference for; the message id, or
        None when there is no usable reference (never written, or unreachable)."""
        async with self.sessions() as session:
            place = await conversations.reachable_place(session, municipality_id, conversation_id)
        if place is None:
            return None
        try:
            return await self.connector.send(
                place.service_url,
                conversation_id,
                body,
                policy=PROACTIVE_POLICY,
                tenant_id=place.tenant_id,
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
        """A message in the person's personal chat; its message id, or None if they cannot
        be reached.

        Without a chat, one is opened from a team the bot is installed in, and kept. Who is
        on no such team's roster (the bot was never installed for them), or blocked the bot,
        gets nothing; `pejling uopnåelige` lists them.
        """
        async with self.sessions() as session:
            chat = await conversations.personal_conversation(session, municipality_id, person_id)
        if chat is None:
            chat = await self._open_chat_once(municipality_id, person_id, now)
        if chat is None:
            return None
        return await self.to_conversation(municipality_id, chat, body, now)

    async def _open_chat_once(
        self, municipality_id: int, person_id: int, now: datetime
    ) -> str | None:
        key = (municipality_id, person_id)
        opening = self._opening.get(key)
        if opening is None:
            opening = asyncio.ensure_future(self._open_chat(municipality_id, person_id, now))
            self._opening[key] = opening
            opening.add_done_callback(lambda _: self._opening.pop(key, None))
        return await asyncio.shield(opening)

    async def _open_chat(self, municipality_id: int, person_id: int, now: datetime) -> str | None:
        """A new 1:1 chat with the person, stored; None if Teams will not have one."""
        async with self.sessions() as session:
            chat = await conversations.personal_conversation(session, municipality_id, person_id)
            if chat is not None:  # opened by a message sent a moment ago
                return chat
            who = await conversations.contact(session, municipality_id, person_id)
            teams = await conversations.installed_teams(session, municipality_id)
        if who is None or who.removed:
            return None  # a 403 is not retried (TEAMS-FACTS §1); they must write first
        found = await self._find_member(who, teams)
        if found is None:
            log.info("person %s is on no roster of a team with Pejling", person_id)
            return None
        team, user_id = found
        seen = ConversationSeen(
            user_id, "personal", team.service_url, self.bot_id, user_id, person_id
        )
        try:
            chat, _ = await self.connector.create_conversation(
                team.service_url, self._chat_with(user_id, who.tenant_id), tenant_id=who.tenant_id
            )
        except Unreachable:
            chat = None
        async with self.sessions.begin() as session:
            await people.remember_user_id(session, person_id, user_id)
            if chat is None:
                await conversations.remember_refused(session, municipality_id, seen, now)
            else:
                seen = ConversationSeen(
                    chat, "personal", team.service_url, self.bot_id, user_id, person_id
                )
                await conversations.remember(session, municipality_id, seen, now)
        return chat

    async def _find_member(self, who: Contact, teams: list[Team]) -> tuple[Team, str] | None:
        """A team the person is in, and their 29: id; a known id needs no roster."""
        if who.teams_user_id and teams:
            return teams[0], who.teams_user_id
        for team in teams:
            roster = await self.rosters.user_ids(self.connector, team, who.tenant_id)
            if who.aad_object_id in roster:
                return team, roster[who.aad_object_id]
        return None

    def _chat_with(self, user_id: str, tenant_id: str) -> dict[str, Any]:
        """ConversationParameters for a 1:1 chat: one 29: member, and the tenant twice."""
        return {
            "isGroup": False,
            "bot": {"id": self.bot_id},
            "members": [{"id": user_id}],
            "tenantId": tenant_id,
            "channelData": {"tenant": {"id": tenant_id}},
        }
