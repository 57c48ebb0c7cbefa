"""Two pure conversions: a Teams activity into a `Turn`, and a `Reply` into an activity.

Everything Teams-shaped stops here. A channel message has its @mention of the bot
removed — only the mention tag itself, so a bot called "Status" cannot eat the word
"status" from what the person wrote (shared/TEAMS-FACTS.md §3).
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    Entity,
)

from dialoger.turn import Reply, Target, Turn, Via
from kort.common import CARD_CONTENT_TYPE

CARD_ACTION_INVOKE = "adaptiveCard/action"
# How long the ids the store keeps of an activity may be. Teams' own are far shorter; a
# longer one is not from Teams, and PostgreSQL would refuse to store it mid-turn.
ID_MAX = 200  # people, bots, teams, channels
LONG_ID_MAX = 300  # conversations and messages: a thread's id carries ";messageid=…"
URL_MAX = 500
TYPE_MAX = 32  # conversation types: Teams has "personal", "groupChat" and "channel"
_LIMITS = {"id": LONG_ID_MAX, "replyToId": LONG_ID_MAX, "serviceUrl": URL_MAX}


# JSON field → Activity attribute, for the text fields Pejling or botbuilder reads.
_TEXT_FIELDS = {
    "type": "type",
    "id": "id",
    "serviceUrl": "service_url",
    "channelId": "channel_id",
    "text": "text",
    "textFormat": "text_format",
    "locale": "locale",
    "localTimezone": "local_timezone",
    "name": "name",
    "replyToId": "reply_to_id",
    "action": "action",
    "deliveryMode": "delivery_mode",
}


def activity_from_json(body: dict[str, Any]) -> Activity:
    """botbuilder's Activity, built straight from the JSON Teams sent.

    msrest's generic deserializer took a fifth of a turn's CPU, most of it parsing
    timestamps Pejling never reads. This builds the fields botbuilder's authentication
    and Pejling use, and checks each one's type: a malformed field is a ValueError,
    which the edge answers with 400.
    """
    fields = {attr: _string(body, key) for key, attr in _TEXT_FIELDS.items() if key in body}
    for key, limit in _LIMITS.items():
        _limited(fields.get(_TEXT_FIELDS[key]), limit, key)
    _check_service_url(fields.get("service_url"))
    _check_attachments(body.get("attachments"))
    channel_data = _object(body.get("channelData"), "channelData")
    return Activity(
        **fields,
        timestamp=_moment(body, "timestamp"),
        local_timestamp=_moment(body, "localTimestamp"),
        from_property=_account(body.get("from")),
        recipient=_account(body.get("recipient")),
        conversation=_conversation(body.get("conversation")),
        members_added=_accounts(body.get("membersAdded")),
        members_removed=_accounts(body.get("membersRemoved")),
        entities=_entities(body.get("entities")),
        channel_data=_checked_channel_data(channel_data),
        value=body.get("value"),
    )


def _string(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{key} must be text")
    return value


def _limited(value: str | None, limit: int, what: str) -> str | None:
    if value is not None and len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value


def _check_service_url(value: str | None) -> None:
    """Replies go to the serviceUrl: it must be a web address. (With authentication on,
    botbuilder also checks it against the token's claim.)"""
    if value is None:
        return
    parts = urlsplit(value)  # a ValueError of its own for a malformed one, such as "http://["
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("serviceUrl must be an http(s) address")


def _checked_channel_data(found: dict[str, Any] | None) -> dict[str, Any] | None:
    """The team's and channel's ids are stored with a channel's reference: bound them."""
    for key in ("team", "channel"):
        nested = (found or {}).get(key)
        if isinstance(nested, dict) and isinstance(nested.get("id"), str):
            _limited(nested["id"], ID_MAX, f"channelData.{key}.id")
    return found


def _moment(body: dict[str, Any], key: str) -> datetime | None:
    text = _string(body, key)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{key} must be an ISO 8601 time") from None


def _check_attachments(value: Any) -> None:
    """Pejling reads no attachments, but a malformed list is still malformed input."""
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError("attachments must be a list of objects")


def _object(value: Any, what: str) -> dict[str, Any] | None:
    if value is not None and not isinstance(value, dict):
        raise ValueError(f"{what} must be an object")
    return value


def _account(value: Any) -> ChannelAccount | None:
    found = _object(value, "an account")
    if found is None:
        return None
    return ChannelAccount(
        id=_limited(_string(found, "id"), ID_MAX, "an account's id"),
        name=_string(found, "name"),
        aad_object_id=_string(found, "aadObjectId"),
        role=_string(found, "role"),
    )


def _accounts(value: Any) -> list[ChannelAccount] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("members must be a list")
    return [account for account in map(_account, value) if account is not None]


def _conversation(value: Any) -> ConversationAccount | None:
    found = _object(value, "conversation")
    if found is None:
        return None
    is_group = found.get("isGroup")
    if is_group is not None and not isinstance(is_group, bool):
        raise ValueError("conversation.isGroup must be true or false")
    return ConversationAccount(
        id=_limited(_string(found, "id"), LONG_ID_MAX, "conversation.id"),
        name=_string(found, "name"),
        conversation_type=_limited(
            _string(found, "conversationType"), TYPE_MAX, "conversation.conversationType"
        ),
        tenant_id=_string(found, "tenantId"),
        is_group=is_group,
    )


def _entities(value: Any) -> list[Entity] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError("entities must be a list")
    entities = []
    for item in value:
        found = _object(item, "an entity") or {}
        entity = Entity(type=_string(found, "type"))
        entity.additional_properties = {k: v for k, v in found.items() if k != "type"}
        entities.append(entity)
    return entities


def to_turn(activity: Activity, now: datetime) -> Turn | None:
    """The turn an activity asks for, or None for one Pejling ignores."""
    via = _via(activity)
    if via is None:
        return None
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    conversation = activity.conversation
    sender = activity.from_property
    recipient = activity.recipient
    if conversation is None or sender is None or not conversation.id or not sender.id:
        return None
    if not activity.service_url or recipient is None or not recipient.id:
        return None  # nowhere to answer, or no bot to answer as
    return Turn(
        tenant_id=_tenant(activity, channel_data),
        user_id=sender.id,
        user_name=sender.name,
        aad_object_id=sender.aad_object_id,
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or "personal",
        service_url=activity.service_url or "",
        bot_id=recipient.id,
        now=now,
        via=via,
        text=_text(activity) if via is Via.TEXT else "",
        data=_data(activity, via),
        reply_to_id=activity.reply_to_id,
        activity_id=activity.id,
        team_id=_nested_id(channel_data, "team"),
        channel_id=_nested_id(channel_data, "channel"),
        locale=activity.locale,
    )


def _via(activity: Activity) -> Via | None:
    kind = activity.type
    if kind == ActivityTypes.message:
        value = activity.value
        return Via.SUBMIT if isinstance(value, dict) and value else Via.TEXT
    if kind == ActivityTypes.invoke:
        return Via.EXECUTE if activity.name == CARD_ACTION_INVOKE else None
    if kind == ActivityTypes.conversation_update:
        added = activity.members_added or []
        bot = activity.recipient.id if activity.recipient else None
        return Via.INSTALL if any(m.id == bot for m in added) else None
    if kind == ActivityTypes.installation_update:
        # Teams sends this beside the conversationUpdate that greets; greeting twice nags.
        return Via.EVENT if (activity.action or "").startswith("add") else None
    return None


def tenant_of(activity: Activity) -> str:
    """The tenant an activity came from ("" if it names none): whose rate budget a reply
    to it draws on."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return _tenant(activity, channel_data)


def _tenant(activity: Activity, channel_data: dict[str, Any]) -> str:
    tenant = channel_data.get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        return tenant["id"]
    conversation = activity.conversation
    return (conversation.tenant_id if conversation else None) or ""


def _nested_id(channel_data: dict[str, Any], key: str) -> str | None:
    value = channel_data.get(key)
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _text(activity: Activity) -> str:
    text = activity.text or ""
    bot = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        mentioned = props.get("mentioned")
        named = mentioned.get("id") if isinstance(mentioned, dict) else None  # may be anything
        tag = props.get("text")
        if entity.type == "mention" and named == bot and isinstance(tag, str):
            text = text.replace(tag, " ", 1)
    # Not cut here: a message too long to take is refused in Danish by `dialoger`, not
    # stored shortened without a word.
    return html.unescape(text).replace("\xa0", " ").strip()


def _data(activity: Activity, via: Via) -> dict[str, Any]:
    if via is Via.SUBMIT:
        return dict(activity.value)
    if via is Via.EXECUTE:
        value = activity.value if isinstance(activity.value, dict) else {}
        found = value.get("action")
        action = found if isinstance(found, dict) else {}
        data = dict(action["data"]) if isinstance(action.get("data"), dict) else {}
        # The verb names the action; cards posted before verbs carry it only in the data.
        verb = action.get("verb")
        if isinstance(verb, str) and verb:
            data["action"] = verb
        return data
    return {}


def combine(replies: list[Reply]) -> list[Reply]:
    """A question and the card that goes with it, sent as one message: the text above the
    card, one call to the connector instead of two, one bubble in the chat."""
    combined: list[Reply] = []
    for reply in replies:
        previous = combined[-1] if combined else None
        if (
            previous is not None
            and previous.card is None
            and previous.target is Target.NEW
            and reply.target is Target.NEW
            and reply.card is not None
            and not reply.text
        ):
            combined[-1] = Reply(text=previous.text, card=reply.card)
        else:
            combined.append(reply)
    return combined


def reply_activity(reply: Reply, turn: Turn) -> dict[str, Any]:
    """The message activity for a reply, as JSON. Built directly, not through msrest,
    which costs a quarter of a millisecond per card on every reply."""
    activity: dict[str, Any] = {
        "type": "message",
        "from": {"id": turn.bot_id},
        "recipient": {"id": turn.user_id},
        "conversation": {"id": turn.conversation_id},
    }
    activity.update(message_body(reply.text, reply.card))
    return activity


def message_body(text: str | None, card: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "message"}
    if text:
        body["text"] = text
        body["textFormat"] = "markdown"
    if card is not None:
        body["attachments"] = [{"contentType": CARD_CONTENT_TYPE, "content": card}]
    return body


def invoke_card_response(card: dict[str, Any]) -> dict[str, Any]:
    """The body that makes Teams replace the clicked card (Universal Actions)."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def invoke_message_response(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}
