"""Two pure conversions: a Teams activity into a `Turn`, and a `Reply` into an activity.

Everything Teams-shaped stops here. A channel message has its @mention of the bot
removed — only the mention tag itself, so a bot called "Status" cannot eat the word
"status" from what the person wrote (shared/TEAMS-FACTS.md §3).
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from botbuilder.schema import Activity, ActivityTypes

from dialoger.turn import Reply, Target, Turn, Via
from kort.common import CARD_CONTENT_TYPE

CARD_ACTION_INVOKE = "adaptiveCard/action"
TEXT_MAX = 10_000  # longer messages are cut: nobody types a status that long in chat


def to_turn(activity: Activity, now: datetime) -> Turn | None:
    """The turn an activity asks for, or None for one Pejling ignores."""
    via = _via(activity)
    if via is None:
        return None
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    conversation = activity.conversation
    sender = activity.from_property
    if conversation is None or sender is None or not conversation.id:
        return None
    return Turn(
        tenant_id=_tenant(activity, channel_data),
        user_id=sender.id or "",
        user_name=sender.name,
        aad_object_id=sender.aad_object_id,
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or "personal",
        service_url=activity.service_url or "",
        bot_id=activity.recipient.id if activity.recipient else "",
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


def _tenant(activity: Activity, channel_data: dict[str, Any]) -> str:
    tenant = channel_data.get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        return tenant["id"]
    conversation = activity.conversation
    if conversation is None:
        return ""
    # botbuilder maps `tenant_id` to "tenantID"; the "tenantId" Teams sends lands here.
    extra = conversation.additional_properties or {}
    found = conversation.tenant_id or extra.get("tenantId")
    return found if isinstance(found, str) else ""


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
        mentioned = props.get("mentioned") or {}
        tag = props.get("text")
        if entity.type == "mention" and mentioned.get("id") == bot and isinstance(tag, str):
            text = text.replace(tag, " ", 1)
    return html.unescape(text).replace("\xa0", " ").strip()[:TEXT_MAX]


def _data(activity: Activity, via: Via) -> dict[str, Any]:
    if via is Via.SUBMIT:
        return dict(activity.value)
    if via is Via.EXECUTE:
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action") if isinstance(value.get("action"), dict) else {}
        data = action.get("data")
        return dict(data) if isinstance(data, dict) else {}
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
