"""The local stand-in for the Teams connector service that `pejling chat` listens on.

The activities the chat sends name it as their `serviceUrl`, so the bot's replies,
updates and new channel posts arrive here over real HTTP, exactly as they would go to
Teams. Routes are a table; an unknown route is answered 404 and reported.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from aiohttp import web

PORT_ATTEMPTS = 20


class ChatError(Exception):
    """Something the person asked for cannot be done; `key` names why in the catalogue."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class BotUnavailable(ChatError):
    """Nothing answers at the bot's address."""

    def __init__(self, url: str) -> None:
        super().__init__("chat.svarer_ikke", url=url)


class NoFreePort(ChatError):
    """Every port the connector may take is in use."""

    def __init__(self, first: int, last: int) -> None:
        super().__init__("chat.ingen_port", first=first, last=last)


class ConnectorHandler(Protocol):
    """What the connector asks the chat when the bot calls one of the Teams routes."""

    def create_conversation(self, body: dict[str, Any]) -> tuple[int, Any]: ...
    def post_activity(
        self, conversation_id: str, activity: dict[str, Any], reply_to_id: str | None
    ) -> tuple[int, Any]: ...
    def update_activity(
        self, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> tuple[int, Any]: ...
    def delete_activity(self, conversation_id: str, activity_id: str) -> tuple[int, Any]: ...
    def members(self, conversation_id: str) -> tuple[int, Any]: ...
    def member(self, conversation_id: str, member_id: str) -> tuple[int, Any]: ...
    def paged_members(self, conversation_id: str) -> tuple[int, Any]: ...
    def team(self, team_id: str) -> tuple[int, Any]: ...
    def team_channels(self, team_id: str) -> tuple[int, Any]: ...
    def unknown_route(self, method: str, path: str) -> None: ...


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: tuple[str, ...]  # "*" takes one path segment
    call: Callable[[ConnectorHandler, list[str], Any], tuple[int, Any]]
    wants_body: bool = False

    def match(self, method: str, segments: list[str]) -> list[str] | None:
        """The wildcard segments if this route takes the request, else None."""
        if method != self.method or len(segments) != len(self.pattern):
            return None
        if any(p not in ("*", s) for p, s in zip(self.pattern, segments, strict=True)):
            return None
        return [s for p, s in zip(self.pattern, segments, strict=True) if p == "*"]


_CONVERSATION = ("v3", "conversations", "*")
_ACTIVITY = (*_CONVERSATION, "activities", "*")
# The Bot Connector REST API as botbuilder calls it (botframework/connector operations).
ROUTES: tuple[_Route, ...] = (
    _Route("POST", ("v3", "conversations"), lambda h, _, b: h.create_conversation(b), True),
    _Route(
        "POST", (*_CONVERSATION, "activities"), lambda h, p, b: h.post_activity(p[0], b, None), True
    ),
    _Route("POST", _ACTIVITY, lambda h, p, b: h.post_activity(p[0], b, p[1]), True),
    _Route("PUT", _ACTIVITY, lambda h, p, b: h.update_activity(p[0], p[1], b), True),
    _Route("DELETE", _ACTIVITY, lambda h, p, _: h.delete_activity(p[0], p[1])),
    _Route("GET", (*_CONVERSATION, "members"), lambda h, p, _: h.members(p[0])),
    _Route("GET", (*_CONVERSATION, "members", "*"), lambda h, p, _: h.member(p[0], p[1])),
    _Route("GET", (*_CONVERSATION, "pagedmembers"), lambda h, p, _: h.paged_members(p[0])),
    _Route("GET", ("v3", "teams", "*"), lambda h, p, _: h.team(p[0])),
    _Route("GET", ("v3", "teams", "*", "conversations"), lambda h, p, _: h.team_channels(p[0])),
)


def path_segments(raw_path: str) -> list[str]:
    """Split before decoding: conversation ids may hold percent-encoded `/`, `:`, `;`, `@`."""
    return [unquote(part) for part in raw_path.strip("/").split("/")]


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


class Connector:
    """The local Teams connector: an aiohttp server the bot sends its replies to."""

    def __init__(self, handler: ConnectorHandler, host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.host = host
        self.port = 0
        self.busy = 0
        self.last_traffic = time.monotonic()
        self._runner: web.AppRunner | None = None

    @property
    def service_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    async def start(self, port: int) -> int:
        """Listen on `port`, or the next free one after it; 0 lets the system choose."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        candidates = range(port, port + PORT_ATTEMPTS) if port else range(1)
        for candidate in candidates:
            with contextlib.suppress(OSError):
                site = web.TCPSite(self._runner, self.host, candidate, reuse_address=True)
                await site.start()
                # With port 0 the system chose; the runner knows which.
                self.port = candidate or self._runner.addresses[-1][1]
                return self.port
        await self.stop()
        raise NoFreePort(port, port + PORT_ATTEMPTS - 1)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def touch(self) -> None:
        self.last_traffic = time.monotonic()

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.busy += 1
        self.touch()
        try:
            return await self._answer(request)
        finally:
            self.busy -= 1
            self.touch()

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        segments = path_segments(request.rel_url.raw_path)
        for route in ROUTES:
            params = route.match(request.method, segments)
            if params is None:
                continue
            body = await _json_body(request) if route.wants_body else None
            if route.wants_body and not isinstance(body, dict):
                return web.json_response(error_body("BadArgument", "Expected JSON"), status=400)
            status, answer = route.call(self.handler, params, body)
            if answer is None:
                return web.Response(status=status)
            return web.json_response(answer, status=status)
        self.handler.unknown_route(request.method, request.rel_url.raw_path)
        return web.json_response(error_body("NotFound", "Unknown route"), status=404)


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------------------
# The chat session
