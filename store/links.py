"""Signed links to the committee's documents, served by Pejling itself at
`GET /dokument/{token}` (bot/app.py), for a channel and wherever Teams cannot send a file.

A token is the document request, whom it is for (a person, or the committee in whose
channel it was posted) and when it expires, signed with HMAC-SHA256 under the
municipality's own random secret (`link_key`, made once on first use). So a link is
unguessable, cannot be altered or made for another person or committee without the secret,
and stops working when it expires. When it is opened, Pejling checks again that its
audience may still see the document (a politician who left the committee is refused)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store import documents as documents_store
from store.db import dialect_name
from store.documentviews import DocumentRequest
from store.errors import DomainError
from store.models import LinkKey
from store.views import Actor

# A person opens theirs at once; a channel post is read over the day.
PERSONAL_LIFETIME = timedelta(hours=1)
CHANNEL_LIFETIME = timedelta(hours=24)
_INSERT = {
    name: dialect.insert(LinkKey).on_conflict_do_nothing(index_elements=[LinkKey.municipality_id])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class LinkRefused(DomainError):
    """A link that cannot be served; `status` is the HTTP answer (403, 404, 410)."""

    def __init__(self, key: str, status: int) -> None:
        super().__init__(key)
        self.status = status


@dataclass(frozen=True)
class Audience:
    """Whom a link is for: one person, or the committee whose channel it is posted in."""

    person_id: int | None = None
    committee_id: int | None = None


@dataclass(frozen=True)
class Opened:
    municipality_id: int
    request: DocumentRequest
    audience: Audience


async def sign(
    session: AsyncSession,
    municipality_id: int,
    request: DocumentRequest,
    audience: Audience,
    now: datetime,
) -> str:
    lifetime = PERSONAL_LIFETIME if audience.person_id else CHANNEL_LIFETIME
    payload = {
        "m": municipality_id,
        "d": request.as_dict(),
        "p": audience.person_id,
        "c": audience.committee_id,
        "e": int((now + lifetime).timestamp()),
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(await _secret(session, municipality_id), body))}"


async def open_link(session: AsyncSession, token: str, now: datetime) -> Opened:
    """The link's request and audience. 404: not a link of ours; 403: the signature does
    not match (altered, forged, or signed for someone else); 410: expired."""
    body, _, signature = token.partition(".")
    payload = _payload(body)
    municipality = payload["m"]
    known = await session.scalar(
        select(LinkKey.secret).where(LinkKey.municipality_id == municipality)
    )
    if known is None:
        raise LinkRefused("dokument.link_ukendt", 404)
    try:
        given = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except (binascii.Error, ValueError):
        raise LinkRefused("dokument.link_forfalsket", 403) from None
    if not hmac.compare_digest(given, _mac(known, body)):
        raise LinkRefused("dokument.link_forfalsket", 403)
    if now.timestamp() >= payload["e"]:
        raise LinkRefused("dokument.link_udloebet", 410)
    try:
        request = DocumentRequest.of(payload["d"])
    except DomainError:
        raise LinkRefused("dokument.link_ukendt", 404) from None
    return Opened(municipality, request, Audience(payload["p"], payload["c"]))


async def audience_may_see(session: AsyncSession, opened: Opened, actor: Actor | None) -> bool:
    """The person still may see the document; or it belongs to the channel's committee."""
    if opened.audience.person_id is not None:
        return actor is not None and await documents_store.may_see(session, actor, opened.request)
    committee = await documents_store.committee_of(session, opened.request)
    return (
        committee is not None
        and committee == opened.audience.committee_id
        and opened.request.kind != "revision"
    )


def _payload(body: str) -> dict[str, Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise LinkRefused("dokument.link_ukendt", 404) from None
    wanted = {"m": int, "d": dict, "e": int}
    if not isinstance(raw, dict) or any(type(raw.get(k)) is not t for k, t in wanted.items()):
        raise LinkRefused("dokument.link_ukendt", 404)
    for key in ("p", "c"):
        if raw.get(key) is not None and type(raw[key]) is not int:
            raise LinkRefused("dokument.link_ukendt", 404)
    return raw


async def _secret(session: AsyncSession, municipality_id: int) -> str:
    """The municipality's secret; the first to ask makes it, and every other reads that one
    (ON CONFLICT DO NOTHING, then read)."""
    insert = _INSERT.get(dialect_name(session), _INSERT["sqlite"])
    await session.execute(
        insert.values(municipality_id=municipality_id, secret=secrets.token_urlsafe(48))
    )
    found = await session.execute(
        select(LinkKey.secret).where(LinkKey.municipality_id == municipality_id)
    )
    return found.scalar_one()


def _mac(secret: str, body: str) -> bytes:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
