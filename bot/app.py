"""The aiohttp application: `POST /api/messages`, `GET /healthz`, and the lifecycle of the
database engine, the outbound HTTP client and the scheduler."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticationConfiguration, BotFrameworkAuthentication

from bot import document_links
from bot.adapter import ForeignTenant, PejlingAdapter
from bot.connector import Connector
from bot.convert import activity_from_json
from bot.handler import PejlingBot
from bot.proactive import Proactive
from bot.ratelimit import RateLimiter
from bot.settings import MULTI_TENANT, Settings
from bot.shared import Leases, SharedRateLimiter, SharedTurnLimit
from bot.tokens import token_source
from bot.turnlimit import TurnLimit
from dialoger.memory import Memory
from store import migrate
from store.db import Engine, Sessions, create_engine, ping, sessionmaker

log = logging.getLogger(__name__)
# Teams activities are small; anything near this is not from Teams.
MAX_BODY = 512 * 1024
# A Teams activity arrives in well under a second; a body still coming after this is a
# slow client holding a connection open, and is given up on.
BODY_SECONDS = 10.0
CHANNEL_ISSUER = "https://api.botframework.com"
# Pejling is a Teams bot: the channel's signing key must vouch for Teams, whatever
# channelId the activity claims (an empty one would skip botbuilder's own check).
TEAMS_CHANNEL = "msteams"
CARD_FLUSH_SECONDS = 1.0
# Only an escape can put a NUL or a surrogate into parsed JSON; most bodies have none,
# and are not walked.
_ESCAPED_SUSPECT = re.compile(r"\\u(?:0000|[dD][89a-fA-F])")


@dataclass
class Runtime:
    """What the running app holds: one engine, one HTTP client, one adapter."""

    settings: Settings
    engine: Engine
    sessions: Sessions
    http: aiohttp.ClientSession
    connector: Connector
    adapter: PejlingAdapter
    bot: PejlingBot
    memory: Memory
    proactive: Proactive


RUNTIME = web.AppKey("runtime", Runtime)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app.cleanup_ctx.append(_runtime(settings))
    if settings.scheduler:
        from bot.scheduler import scheduler_context  # only `serve` needs the scheduler

        app.cleanup_ctx.append(scheduler_context)
    app.router.add_post("/api/messages", messages)
    app.router.add_head("/api/messages", reachable)
    app.router.add_get("/healthz", healthz)
    app.router.add_get(document_links.PATH, document_links.serve)  # signed document links
    return app


def _runtime(settings: Settings) -> Any:
    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        if settings.local_mode:
            log.warning(
                "LOCAL MODE: MicrosoftAppId is empty, so requests are NOT authenticated. "
                "For `pejling chat` and the Bot Framework Emulator only; never in production."
            )
        engine = create_engine(settings.database_url)
        await migrate.upgrade(engine)
        http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        runtime = build_runtime(settings, engine, http)
        app[RUNTIME] = runtime
        # What start-up made (modules, tables, compiled statements) lives as long as the
        # process. Frozen, it is left out of the garbage collector's full passes, which
        # otherwise walk ~160,000 objects and stall every turn in flight for ~90 ms.
        gc.collect()
        gc.freeze()
        flushing = asyncio.create_task(_flush_cards(runtime))
        yield
        flushing.cancel()
        await runtime.memory.flush(runtime.sessions)
        await http.close()
        await engine.dispose()

    return lifecycle


async def _flush_cards(runtime: Runtime) -> None:
    """Write the message ids of newly shown cards, batched, about once a second."""
    while True:
        await asyncio.sleep(CARD_FLUSH_SECONDS)
        try:
            await runtime.memory.flush(runtime.sessions)
        except Exception:
            log.warning("could not write the ids of shown cards", exc_info=True)


def build_runtime(settings: Settings, engine: Engine, http: aiohttp.ClientSession) -> Runtime:
    tokens = token_source(settings, http)
    sessions = sessionmaker(engine)
    leases = Leases(sessions)  # the limits every instance on this database shares
    limiter = _rate_limiter(settings, leases) if settings.rate_limits else None
    connector = Connector(http, tokens, limiter)
    memory = Memory()
    adapter = PejlingAdapter(authentication(settings), connector, settings.home_tenant)
    proactive = Proactive(sessions, connector, memory, settings.bot_id)
    turns = (
        SharedTurnLimit(TurnLimit(settings.turns_per_minute), leases)
        if settings.turns_per_minute
        else None
    )
    bot = PejlingBot(
        sessions,
        connector,
        memory,
        proactive,
        tenants=settings.tenants,
        turns=turns,
        http=http,
        public_url=settings.public_url or f"http://127.0.0.1:{settings.port}",
    )
    adapter.on_turn_error = bot.on_error
    return Runtime(settings, engine, sessions, http, connector, adapter, bot, memory, proactive)


def _rate_limiter(settings: Settings, leases: Leases) -> RateLimiter:
    if not settings.tenant_rps:
        return RateLimiter(None)  # only the per-conversation windows: nothing to share
    return SharedRateLimiter(settings.tenant_rps, leases)


def authentication(settings: Settings) -> BotFrameworkAuthentication:
    """botbuilder's inbound checks, configured as Azure Bot Service's own samples are
    (issuer, audience, signature, expiry, serviceurl, endorsement). With no app id,
    authentication is off (local mode)."""
    required = AuthenticationConfiguration(required_endorsements=[TEAMS_CHANNEL])
    return ConfigurationBotFrameworkAuthentication(
        _AuthConfig(settings), auth_configuration=required
    )


class _AuthConfig:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password or None
        # botbuilder demands an app id for the other types; local mode has none to check.
        self.APP_TYPE = MULTI_TENANT if settings.local_mode else settings.app_type
        self.APP_TENANTID = settings.app_tenant_id or None
        if settings.openid_metadata_url:  # tests and sovereign clouds: where the keys are
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.openid_metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = CHANNEL_ISSUER


async def messages(request: web.Request) -> web.Response:
    """Bot Framework activities. Bad input gets a 4xx with a reason, never a 500."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="Content-Type must be application/json")
    activity = await _activity(request)
    runtime = request.app[RUNTIME]
    try:
        response = await runtime.adapter.process_activity(
            request.headers.get("Authorization"), activity, runtime.bot.on_turn
        )
    except PermissionError:
        raise web.HTTPUnauthorized(text="missing or invalid token") from None
    except ForeignTenant:
        raise web.HTTPForbidden(text="this bot does not serve the activity's tenant") from None
    if response is not None:
        return web.json_response(response.body, status=int(response.status))
    return web.Response(status=201)


async def reachable(request: web.Request) -> web.Response:
    """`HEAD /api/messages`: the Agents Playground asks whether the bot is there before
    it connects. Yes, and nothing more: no body, no database."""
    return web.Response(status=200)


async def _body(request: web.Request) -> str:
    """The body, read only when its declared size fits and only as long as it takes a
    client that means well (413 and 408 otherwise; a client gone is one quiet line)."""
    declared = request.content_length
    if declared is not None and declared > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=declared)
    try:
        async with asyncio.timeout(BODY_SECONDS):
            return await request.text()
    except TimeoutError:
        raise web.HTTPRequestTimeout(text="the body did not arrive in time") from None
    except ConnectionResetError:
        log.info("a client went away before its body arrived")
        raise web.HTTPBadRequest(text="the body was cut off") from None


async def _activity(request: web.Request) -> Activity:
    try:
        raw = await _body(request)
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting: RecursionError
        raise web.HTTPBadRequest(text="the body is not JSON") from None
    if _ESCAPED_SUSPECT.search(raw) and _unstorable(body):
        raise web.HTTPBadRequest(text="the body holds a NUL or a lone surrogate")
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        raise web.HTTPBadRequest(text="an activity with a type is required")
    try:
        return activity_from_json(body)
    except ValueError as malformed:
        raise web.HTTPBadRequest(text=f"the activity has a malformed field: {malformed}") from None


def _unstorable(body: Any) -> bool:
    """A NUL or a lone UTF-16 surrogate in any key or value. Legal JSON, but Teams sends
    neither, PostgreSQL stores no NUL, and a lone surrogate cannot be written as UTF-8."""
    pending = [body]
    while pending:  # not recursive: the body may nest as deep as the JSON parser allowed
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item)
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str) and ("\x00" in item or not _encodable(item)):
            return True
    return False


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        await ping(runtime.engine)
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})
