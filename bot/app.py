"""The aiohttp application: `POST /api/messages`, `GET /healthz`, and the lifecycle of the
database engine, the outbound HTTP client and the scheduler."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.auth import (
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    PasswordServiceClientCredentialFactory,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.adapter import PejlingAdapter
from bot.connector import Connector, TokenSource
from bot.convert import activity_from_json
from bot.handler import PejlingBot
from bot.proactive import Proactive
from bot.ratelimit import RateLimiter
from bot.settings import Settings
from dialoger.memory import Memory
from store import migrate
from store.db import create_engine, sessionmaker

log = logging.getLogger(__name__)
# Teams activities are small; anything near this is not from Teams.
MAX_BODY = 512 * 1024
CHANNEL_ISSUER = "https://api.botframework.com"
CARD_FLUSH_SECONDS = 1.0


@dataclass
class Runtime:
    """What the running app holds: one engine, one HTTP client, one adapter."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
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
    app.router.add_get("/healthz", healthz)
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


def build_runtime(settings: Settings, engine: AsyncEngine, http: aiohttp.ClientSession) -> Runtime:
    tokens = None
    if not settings.local_mode:
        tokens = TokenSource(
            http, settings.token_endpoint(), settings.app_id, settings.app_password
        )
    limiter = RateLimiter(settings.tenant_rps) if settings.rate_limits else None
    connector = Connector(http, tokens, limiter)
    sessions = sessionmaker(engine)
    memory = Memory()
    adapter = PejlingAdapter(authentication(settings), connector)
    proactive = Proactive(sessions, connector, memory, settings.bot_id)
    bot = PejlingBot(sessions, connector, memory, proactive)
    adapter.on_turn_error = bot.on_error
    return Runtime(settings, engine, sessions, http, connector, adapter, bot, memory, proactive)


def authentication(settings: Settings) -> BotFrameworkAuthentication:
    """botbuilder's inbound checks. With no app id, authentication is off (local mode)."""
    if settings.local_mode or not settings.openid_metadata_url:
        return ConfigurationBotFrameworkAuthentication(_AuthConfig(settings))
    return BotFrameworkAuthenticationFactory.create(
        to_bot_from_channel_open_id_metadata_url=settings.openid_metadata_url,
        to_bot_from_channel_token_issuer=CHANNEL_ISSUER,
        credential_factory=PasswordServiceClientCredentialFactory(
            settings.app_id, settings.app_password, settings.app_tenant_id or None
        ),
    )


class _AuthConfig:
    """The attribute names ConfigurationBotFrameworkAuthentication reads."""

    def __init__(self, settings: Settings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TYPE = settings.app_type
        self.APP_TENANTID = settings.app_tenant_id


async def messages(request: web.Request) -> web.Response:
    """Bot Framework activities. Bad input gets a 4xx with a reason, never a 500."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise web.HTTPUnsupportedMediaType(text="Content-Type must be application/json")
    activity = await _activity(request)
    runtime = request.app[RUNTIME]
    try:
        response = await runtime.adapter.process_activity(
            request.headers.get("Authorization", ""), activity, runtime.bot.on_turn
        )
    except PermissionError:
        raise web.HTTPUnauthorized(text="missing or invalid token") from None
    if response is not None:
        return web.json_response(response.body, status=int(response.status))
    return web.Response(status=201)


async def _activity(request: web.Request) -> Activity:
    try:
        body = json.loads(await request.text())
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        raise web.HTTPBadRequest(text="an activity with a type is required")
    try:
        return activity_from_json(body)
    except ValueError as malformed:
        raise web.HTTPBadRequest(text=f"the activity has a malformed field: {malformed}") from None


async def healthz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]
    try:
        async with runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return web.json_response({"status": "error", "database": "unreachable"}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})
