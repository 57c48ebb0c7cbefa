"""The *Hent som PDF* buttons on the digest, the meeting pack, the summary and the goal card.

In a personal chat the document comes as a file, through Teams' file consent card: Pejling
offers the file, the person accepts, Teams sends `fileConsent/invoke` with an upload URL,
Pejling puts the bytes there and shows the file in the chat (TEAMS-FACTS "Sending a
file"). Teams lets a bot send files only in personal chats; in a channel or a group chat the
answer is a signed link to `GET /dokument/{token}` (store/links.py), for the committee whose
channel it is. Both are replies within the person's own turn, not proactive messages.

Files and links are Teams and HTTP matters, so they live here at the edge; who may have
which document is the store's rule (store/reports.may_see)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from botbuilder.core import TurnContext

from bot.adapter import PejlingAdapter
from bot.convert import invoke_message_response, message_body
from dialoger.documents import render
from dialoger.turn import Turn, Via
from kort import actions
from kort.catalogue import Texts, texts
from store import committees, links, people
from store import documents as documents_store
from store.db import Session
from store.documentviews import DocumentRequest
from store.errors import DomainError
from store.views import Actor

if TYPE_CHECKING:
    from bot.handler import PejlingBot

log = logging.getLogger(__name__)
FILE_CONSENT = "fileConsent/invoke"
CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info"


def wants_document(turn: Turn) -> bool:
    return turn.action == actions.DOCUMENT


def is_consent(context: TurnContext) -> bool:
    activity = context.activity
    return activity.type == "invoke" and activity.name == FILE_CONSENT


async def answer(bot: PejlingBot, context: TurnContext, turn: Turn) -> None:
    """A document button was pressed: a file offer in a personal chat, else a link."""
    if bot.tenants is not None and turn.tenant_id not in bot.tenants:
        await _send(bot, context, turn, message_body(texts()("dokument.ikke_adgang"), None))
        return
    async with bot.sessions.begin() as session:
        identity = await people.identify(session, turn.tenant_id, turn.aad_object_id)
        t = texts(identity.language)
        try:
            request = DocumentRequest.of(_dict(turn.data.get("document")))
            if turn.personal:
                reply = await _offer(session, identity.actor, request, turn, t)
            else:
                reply = await _link(bot, session, identity.municipality_id, request, turn, t)
        except DomainError as refused:
            reply = message_body(t(refused.key), None)
    await _send(bot, context, turn, reply)


async def _offer(
    session: Session, actor: Actor | None, request: DocumentRequest, turn: Turn, t: Texts
) -> dict[str, Any]:
    """The file consent card; the document is made now for its size and again on accept."""
    if actor is None or not await documents_store.may_see(session, actor, request):
        return message_body(t("dokument.ikke_adgang"), None)
    made = await render(session, request, actor.person_name, turn.now, t=t)
    consent = {
        "description": made.meta.title,
        "sizeInBytes": len(made.content),
        "acceptContext": {"document": request.as_dict()},
        "declineContext": {"document": request.as_dict()},
    }
    body = message_body(t("dokument.tilbud", name=made.file_name), None)
    body["attachments"] = [
        {"contentType": CONSENT_CARD, "name": made.file_name, "content": consent}
    ]
    return body


async def _link(
    bot: PejlingBot,
    session: Session,
    municipality_id: int | None,
    request: DocumentRequest,
    turn: Turn,
    t: Texts,
) -> dict[str, Any]:
    """A link for the committee whose channel this is, to that committee's documents only."""
    committee = await committees.by_channel(session, municipality_id, turn.channel_id)
    belongs = await documents_store.committee_of(session, request)
    if municipality_id is None or committee is None or belongs != committee:
        return message_body(t("dokument.ikke_adgang"), None)
    if request.kind == "revision":
        return message_body(t("dokument.ikke_adgang"), None)
    token = await links.sign(
        session, municipality_id, request, links.Audience(committee_id=committee), turn.now
    )
    url = f"{bot.public_url.rstrip('/')}/dokument/{token}"
    hours = int(links.CHANNEL_LIFETIME.total_seconds() // 3600)
    return message_body(t("dokument.link", url=url, hours=hours), None)


async def consent(bot: PejlingBot, context: TurnContext) -> None:
    """The person accepted or declined the file: upload it, or say it was not sent."""
    activity = context.activity
    value = _dict(activity.value)
    tenant = _dict(_dict(activity.channel_data).get("tenant")).get("id")
    sender = activity.from_property
    if not isinstance(tenant, str) or not activity.service_url or not activity.conversation:
        PejlingAdapter.set_invoke_response(context, 400, {})  # not what Teams sends
        return
    if bot.tenants is not None and tenant not in bot.tenants:
        PejlingAdapter.set_invoke_response(context, 200, {})
        return
    async with bot.sessions() as session:
        identity = await people.identify(session, tenant, sender.aad_object_id if sender else None)
        t = texts(identity.language)
        if value.get("action") != "accept":
            PejlingAdapter.set_invoke_response(context, 200, {})
            await _reply(bot, context, message_body(t("dokument.afvist"), None))
            return
        try:
            request = DocumentRequest.of(_dict(_dict(value.get("context")).get("document")))
            actor = identity.actor
            # The context came back through the client: whether they may is asked again.
            if actor is None or not await documents_store.may_see(session, actor, request):
                raise DomainError("dokument.ikke_adgang")
            now = bot.clock()
            made = await render(session, request, actor.person_name, now, t=t)
        except DomainError as refused:
            PejlingAdapter.set_invoke_response(
                context, 200, invoke_message_response(t(refused.key))
            )
            return
    upload = _dict(value.get("uploadInfo"))
    await _upload(bot, context, upload, made.content, t)


async def _upload(
    bot: PejlingBot, context: TurnContext, upload: dict[str, Any], content: bytes, t: Texts
) -> None:
    url = upload.get("uploadUrl")
    if bot.http is None or not isinstance(url, str) or not _may_upload_to(url):
        PejlingAdapter.set_invoke_response(context, 400, {})
        return
    headers = {
        "Content-Range": f"bytes 0-{len(content) - 1}/{len(content)}",
        "Content-Length": str(len(content)),
    }
    try:
        async with bot.http.put(url, data=content, headers=headers) as response:
            ok = response.status < 300
    except aiohttp.ClientError:
        ok = False
    PejlingAdapter.set_invoke_response(context, 200, {})
    if not ok:
        log.warning("a document upload was refused by Teams' file service")
        await _reply(bot, context, message_body(t("dokument.upload_fejl"), None))
        return
    info = {
        "contentType": FILE_INFO_CARD,
        "contentUrl": upload.get("contentUrl"),
        "name": upload.get("name"),
        "content": {"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType")},
    }
    body = message_body(t("dokument.sendt"), None)
    body["attachments"] = [info]
    await _reply(bot, context, body)


async def _send(bot: PejlingBot, context: TurnContext, turn: Turn, body: dict[str, Any]) -> None:
    if turn.via is Via.EXECUTE:
        PejlingAdapter.set_invoke_response(context, 200, {"statusCode": 200})
    await bot.connector.send(turn.service_url, turn.conversation_id, body, tenant_id=turn.tenant_id)


async def _reply(bot: PejlingBot, context: TurnContext, body: dict[str, Any]) -> None:
    activity = context.activity
    await bot.connector.send(activity.service_url, activity.conversation.id, body)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _may_upload_to(url: str) -> bool:
    """Teams' upload URLs are https (OneDrive); plain http only to this machine (tests)."""
    parts = urlsplit(url)
    return parts.scheme == "https" or (parts.scheme == "http" and parts.hostname == "127.0.0.1")
