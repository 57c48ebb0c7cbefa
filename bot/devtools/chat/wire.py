"""Activities shaped as Teams sends them to a bot.

`pejling chat` plays Teams with these, and the end-to-end tests use the same builders,
so both exercise the payloads the bot meets in production: a personal message, a channel
message that @mentions the bot, an Action.Execute invoke, an Action.Submit message, and
the install events. Field names and nesting follow real Teams payloads (see
shared/TEAMS-FACTS.md §2–3).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

ConversationType = Literal["personal", "channel", "groupChat"]
CARD_ACTION_INVOKE = "adaptiveCard/action"

_sequence = itertools.count(1)


@dataclass(frozen=True)
class Who:
    """A person in Teams: the bot-specific 29: id, the display name and the Entra object id."""

    user_id: str
    name: str
    aad_object_id: str


@dataclass(frozen=True)
class Where:
    """A conversation: a personal chat, or a channel of a team."""

    tenant_id: str
    conversation_id: str
    conversation_type: ConversationType = "personal"
    team_id: str | None = None
    team_name: str | None = None
    channel_id: str | None = None

    @classmethod
    def personal(cls, tenant_id: str, who: Who) -> Where:
        return cls(tenant_id, f"a:personal-{who.aad_object_id}")

    @classmethod
    def channel(cls, tenant_id: str, channel_id: str, team_id: str, team_name: str) -> Where:
        return cls(tenant_id, channel_id, "channel", team_id, team_name, channel_id)


def _activity_id() -> str:
    # Teams message ids are millisecond timestamps; a counter keeps them unique within one run.
    return f"{int(time.time() * 1000)}{next(_sequence):04d}"


class TeamsWire:
    """Builds inbound activities for one bot, as the Teams service at `service_url` would."""

    def __init__(self, service_url: str, bot_id: str = "28:pejling", bot_name: str = "Pejling"):
        self.service_url = service_url
        self.bot_id = bot_id
        self.bot_name = bot_name

    def message(self, who: Who, where: Where, text: str) -> dict[str, Any]:
        """A typed message. In a channel the bot only hears it when @mentioned, so it is."""
        activity = self._base("message", who, where)
        activity["textFormat"] = "plain"
        if where.conversation_type == "personal":
            activity["text"] = text
            return activity
        mention = f"<at>{self.bot_name}</at>"
        # Typing "@Pejling" in Teams picks the bot and becomes this mention: do the same.
        typed = text.strip()
        if typed.casefold().startswith(f"@{self.bot_name}".casefold()):
            text = typed[len(self.bot_name) + 1 :].lstrip()
        activity["text"] = f"{mention} {text}"
        activity["entities"].insert(
            0,
            {
                "type": "mention",
                "text": mention,
                "mentioned": {"id": self.bot_id, "name": self.bot_name},
            },
        )
        return activity

    def submit(
        self, who: Who, where: Where, value: dict[str, Any], reply_to_id: str
    ) -> dict[str, Any]:
        """An Action.Submit click: a message with `value` (data merged with inputs), no text."""
        activity = self._base("message", who, where, reply_to_id=reply_to_id)
        activity["value"] = value
        activity["channelData"]["source"] = {"name": "message"}
        activity["channelData"]["legacy"] = {"replyToId": reply_to_id}
        return activity

    def execute(
        self,
        who: Who,
        where: Where,
        data: dict[str, Any],
        reply_to_id: str,
        verb: str | None = None,
    ) -> dict[str, Any]:
        """An Action.Execute click: an `adaptiveCard/action` invoke."""
        activity = self._base("invoke", who, where, reply_to_id=reply_to_id)
        action: dict[str, Any] = {"type": "Action.Execute", "data": data}
        if verb:
            action["verb"] = verb
        activity["name"] = CARD_ACTION_INVOKE
        activity["value"] = {"action": action, "trigger": "manual"}
        return activity

    def personal_install(self, who: Who, where: Where) -> dict[str, Any]:
        """The conversationUpdate Teams sends when a person adds the bot to a personal chat."""
        activity = self._base("conversationUpdate", who, where)
        activity["membersAdded"] = [
            {"id": self.bot_id},
            {"id": who.user_id, "aadObjectId": who.aad_object_id},
        ]
        return activity

    def team_install(self, who: Who, where: Where) -> dict[str, Any]:
        """The conversationUpdate Teams sends when the bot is added to a team."""
        activity = self._base("conversationUpdate", who, where)
        activity["membersAdded"] = [{"id": self.bot_id}]
        activity["channelData"]["eventType"] = "teamMemberAdded"
        return activity

    def installation_update(self, who: Who, where: Where, action: str = "add") -> dict[str, Any]:
        activity = self._base("installationUpdate", who, where)
        activity["action"] = action
        if where.channel_id:
            activity["channelData"]["settings"] = {"selectedChannel": {"id": where.channel_id}}
        return activity

    def _base(
        self, kind: str, who: Who, where: Where, reply_to_id: str | None = None
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        activity: dict[str, Any] = {
            "type": kind,
            "id": _activity_id(),
            "timestamp": now.isoformat().replace("+00:00", "Z"),
            "localTimestamp": now.astimezone().isoformat(),
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": who.user_id, "name": who.name, "aadObjectId": who.aad_object_id},
            "recipient": {"id": self.bot_id, "name": self.bot_name},
            "conversation": _conversation(where),
            "channelData": _channel_data(where),
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": "da-DK",
                    "country": "DK",
                    "platform": "Web",
                    "timezone": "Europe/Copenhagen",
                }
            ],
            "locale": "da-DK",
            "localTimezone": "Europe/Copenhagen",
        }
        if reply_to_id:
            activity["replyToId"] = reply_to_id
        return activity


def _conversation(where: Where) -> dict[str, Any]:
    conversation: dict[str, Any] = {
        "conversationType": where.conversation_type,
        "tenantId": where.tenant_id,
        "id": where.conversation_id,
    }
    if where.conversation_type != "personal":
        conversation["isGroup"] = True
    return conversation


def _channel_data(where: Where) -> dict[str, Any]:
    data: dict[str, Any] = {"tenant": {"id": where.tenant_id}}
    if where.team_id:
        data["team"] = {"id": where.team_id, "name": where.team_name}
        data["teamsTeamId"] = where.team_id
    if where.channel_id:
        data["channel"] = {"id": where.channel_id}
        data["teamsChannelId"] = where.channel_id
    return data
