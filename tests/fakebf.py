"""A fake Bot Framework service for end-to-end tests: Teams' connector, tokens and keys.

The bot under test gets this fake's URL as the activity `serviceUrl`, as its token endpoint
and as its OpenID metadata URL. The fake answers over real HTTP on 127.0.0.1, records every
request, keeps a transcript per conversation, injects faults (429 with `Retry-After`, 403
`MessageWritesBlocked`, 502 and 504, a connection dropped unanswered as a timeout looks
to the client, and `go_away` for a while), can enforce Teams' rate limits (`cap_rates`)
and fails the test when the bot calls a route it does not know, as python-telegram-bot's
`OfflineRequest` does.
The design follows bolt-python's `tests/mock_web_api_server/`: tests assert on what went
*out* of the bot.

The fake runs its own event loop on a thread. botbuilder fetches OpenID metadata with
synchronous `requests`, and msrest signs outbound calls with a synchronous token fetch, both
on the bot's event loop; a fake on that same loop could never answer them.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from fnmatch import fnmatchcase
from functools import cache
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote

import jwt
import pytest
import pytest_asyncio
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from multidict import CIMultiDict, CIMultiDictProxy

T = TypeVar("T")

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com"
# The Entra tenant behind "botframework.com"; outbound bot tokens name it as issuer.
BOT_FRAMEWORK_TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
THREAD_MARKER = ";messageid="
# Teams refuses bot messages above about 100 KB (TEAMS-FACTS §2). The fake measures the
# UTF-8 JSON body, which is close enough to catch a digest that has grown out of bounds.
MAX_ACTIVITY_BYTES = 100 * 1024
MESSAGE_WRITES_BLOCKED: dict[str, Any] = {
    "error": {"code": "Forbidden", "message": "The bot is not allowed to post here."},
    "subCode": "MessageWritesBlocked",
}
DENIED = {"message": "Authorization has been denied for this request."}
# Teams' per-bot, per-thread limits as (calls, seconds) windows (TEAMS-FACTS §1). Written
# out here rather than imported from bot/, so the fake checks the bot against the source.
SEND_LIMITS = ((7, 1.0), (8, 2.0), (60, 30.0), (1800, 3600.0))
READ_LIMITS = ((14, 1.0), (16, 2.0), (120, 30.0), (3600, 3600.0))
READ_ROUTES = frozenset(
    {"get_conversation_members", "get_conversation_member", "get_paged_members"}
)
# A fault status: close the connection unanswered (a timeout, from the client's side).
DROP = 599
THROTTLED: dict[str, Any] = {
    "error": {"code": "Throttled", "message": "Too many requests: the rate limit was exceeded."}
}


# ---------------------------------------------------------------------------
# keys and tokens


@dataclass(frozen=True)
class SigningKey:
    """An RSA key that signs tokens, published in the JWKS the way Bot Framework does."""

    kid: str
    private_key: rsa.RSAPrivateKey
    endorsements: tuple[str, ...] = ("msteams",)

    @classmethod
    def generate(
        cls, kid: str | None = None, endorsements: Iterable[str] = ("msteams",)
    ) -> SigningKey:
        """A fresh 2048-bit key; pass the fake's `kid` to forge a same-kid foreign key."""
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid or secrets.token_urlsafe(20), private_key, tuple(endorsements))

    def jwk(self) -> dict[str, Any]:
        """The public half as a JWK, with the `endorsements` list Bot Framework keys carry."""
        public = RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": public["n"],
            "e": public["e"],
            "endorsements": list(self.endorsements),
        }

    def sign(self, claims: Mapping[str, Any]) -> str:
        """An RS256 JWT over `claims`, with this key's id in the header."""
        return jwt.encode(
            dict(claims), self.private_key, algorithm="RS256", headers={"kid": self.kid}
        )


@cache
def default_signing_key() -> SigningKey:
    """The key every fake in this process publishes unless given another one.

    botbuilder caches OpenID metadata per URL for the life of the process and, when a kid
    is missing from that cache, raises IndexError instead of refreshing. A fake that reuses
    a port a previous fake had must therefore publish the same key.
    """
    return SigningKey.generate()


@dataclass(frozen=True)
class TokenGrant:
    """One client-credentials token the fake's token endpoint handed out."""

    tenant: str
    client_id: str
    scope: str
    access_token: str


# ---------------------------------------------------------------------------
# what the fake records


@dataclass
class RecordedRequest:
    """One HTTP request as the fake received it, and the status it answered."""

    method: str
    path: str  # percent-decoded, without the query
    raw_path: str
    query: dict[str, str]
    headers: CIMultiDictProxy[str]
    body: Any  # parsed JSON, a dict for a form, else None
    text: str
    at: float  # time.monotonic() on arrival, for spacing assertions
    route: str | None  # None when the fake has no such route
    status: int | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Message:
    """An activity the bot posted: every version it had, newest last."""

    id: str
    conversation_id: str
    versions: list[dict[str, Any]]
    reply_to_id: str | None = None
    deleted: bool = False

    @property
    def activity(self) -> dict[str, Any]:
        """The current content, after all updates."""
        return self.versions[-1]

    @property
    def text(self) -> str | None:
        """The current text of the activity."""
        return self.activity.get("text")

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards attached to the current version."""
        attachments = self.activity.get("attachments") or []
        return [a["content"] for a in attachments if a.get("contentType") == ADAPTIVE_CARD]


@dataclass(frozen=True)
class CreatedConversation:
    """A conversation the bot created: the id the fake gave it and the parameters sent."""

    id: str
    activity_id: str | None
    parameters: dict[str, Any]


@dataclass(frozen=True)
class _Fault:
    """A queued answer that replaces the next matching request's normal one."""

    method: str
    pattern: str
    status: int
    headers: dict[str, str]
    body: dict[str, Any]

    def matches(self, request: RecordedRequest) -> bool:
        """Whether this fault is meant for `request`."""
        return _matches(self.method, self.pattern, request)


@dataclass
class _Delay:
    """A pause before answering the next `remaining` matching requests (None: all)."""

    method: str
    pattern: str
    seconds: float
    remaining: int | None


class _RateCap:
    """Teams' rate limits over arrivals: per app and tenant (the fake is one tenant's
    service), and per thread. A call over any window is refused and not counted."""

    def __init__(self, tenant_rps: int | None, per_thread: bool) -> None:
        self.tenant = ((tenant_rps, 1.0),) if tenant_rps else ()
        self.per_thread = per_thread
        self.accepted = 0
        self.refused = 0
        self._times: dict[tuple[str, str], deque[float]] = {}

    def admit(self, kind: str, thread: str, now: float) -> float | None:
        """None if the call may go (and it is counted); else seconds until it could."""
        limits = READ_LIMITS if kind == "read" else SEND_LIMITS
        checks = [(("tenant", ""), self.tenant)]
        if self.per_thread:
            checks.append(((kind, thread), limits))
        wait = max(self._wait(key, windows, now) for key, windows in checks)
        if wait > 0:
            self.refused += 1
            return wait
        for key, windows in checks:
            if windows:
                self._log(key, windows).append(now)
        self.accepted += 1
        return None

    def _wait(
        self, key: tuple[str, str], windows: Sequence[tuple[int, float]], now: float
    ) -> float:
        if not windows:
            return 0.0
        times = self._log(key, windows)
        waits = [times[-n] + seconds - now for n, seconds in windows if len(times) >= n]
        return max([0.0, *waits])

    def _log(self, key: tuple[str, str], windows: Sequence[tuple[int, float]]) -> deque[float]:
        if key not in self._times:
            self._times[key] = deque(maxlen=max(n for n, _ in windows))
        return self._times[key]


def _matches(method: str, pattern: str, request: RecordedRequest) -> bool:
    """Method ("*" for any) and a glob over the decoded path."""
    return method in ("*", request.method) and fnmatchcase(request.path, pattern)


# ---------------------------------------------------------------------------
# routing

Handler = Callable[[RecordedRequest, dict[str, str]], web.Response]


@dataclass(frozen=True)
class _Route:
    """A method and a path pattern such as `v3/conversations/{conversation_id}/members`."""

    name: str
    method: str
    segments: tuple[str, ...]
    handler: Handler
    connector: bool  # connector calls need the bot's token when auth is required

    def match(self, method: str, segments: Sequence[str]) -> dict[str, str] | None:
        """The path parameters if this route takes the request, else None."""
        if method != self.method or len(segments) != len(self.segments):
            return None
        params: dict[str, str] = {}
        for pattern, actual in zip(self.segments, segments, strict=True):
            if pattern.startswith("{"):
                params[pattern.strip("{}")] = actual
            elif pattern != actual:
                return None
        return params


def _segments(raw_path: str) -> list[str]:
    """Split before decoding: Teams ids hold `:`, `;` and `@`, and may arrive encoded."""
    return [unquote(part) for part in raw_path.lstrip("/").split("/")]


def _parse_body(content_type: str, raw: bytes) -> Any:
    """JSON or form content as Python values; anything else (or broken JSON) as None."""
    if not raw:
        return None
    if "json" in content_type:
        try:
            return json.loads(raw)
        except ValueError:
            return None
    if "x-www-form-urlencoded" in content_type:
        return dict(parse_qsl(raw.decode()))
    return None


def _error(status: int, code: str, message: str) -> web.Response:
    """A Bot Framework ErrorResponse, which botbuilder raises as ErrorResponseException."""
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def _default_fault_body(status: int) -> dict[str, Any]:
    """The body Teams sends with `status`; a 403 is the blocked-or-uninstalled case."""
    if status == HTTPStatus.FORBIDDEN:
        return copy.deepcopy(MESSAGE_WRITES_BLOCKED)
    if status == DROP:
        return {}  # never sent: the connection is closed instead
    phrase = HTTPStatus(status).phrase
    return {"error": {"code": phrase.replace(" ", ""), "message": phrase}}


def _retry_after(value: str | int | datetime) -> str:
    """A `Retry-After` value: delta-seconds, or an HTTP-date for a datetime (RFC 9110)."""
    if isinstance(value, datetime):
        return format_datetime(value.astimezone(UTC), usegmt=True)
    return str(value)


def _thread_root(conversation_id: str) -> str:
    """The channel a thread belongs to; other conversation ids are their own root."""
    return conversation_id.split(THREAD_MARKER, 1)[0]


def _in_conversation(message_conversation: str, conversation_id: str) -> bool:
    """A channel id also covers its threads, as Teams shows them in the channel."""
    if message_conversation == conversation_id:
        return True
    return THREAD_MARKER not in conversation_id and message_conversation.startswith(
        conversation_id + THREAD_MARKER
    )


def _thread_of(request: RecordedRequest, params: dict[str, str]) -> str:
    """The thread a call counts against: a channel (with its reply chains), a chat, or for
    a new conversation the channel it opens in or the user it is with."""
    if "conversation_id" in params:
        return _thread_root(params["conversation_id"])
    body = _json_object(request) or {}
    channel = (body.get("channelData") or {}).get("channel") or {}
    members = body.get("members") or [{}]
    return str(channel.get("id") or members[0].get("id") or "")


def _json_object(request: RecordedRequest) -> dict[str, Any] | None:
    """The body if it is a JSON object, which every connector write needs."""
    return request.body if isinstance(request.body, dict) else None


# ---------------------------------------------------------------------------
# the fake


class FakeBotFramework:
    """Teams' side of the Bot Framework on 127.0.0.1: connector v3, tokens and OpenID keys.

    Use the `fake_bf` fixture, or `async with FakeBotFramework() as fake:`.
    """

    def __init__(
        self,
        *,
        signing_key: SigningKey | None = None,
        app_passwords: Mapping[str, str] | None = None,
        require_auth: bool = False,
        max_activity_bytes: int | None = MAX_ACTIVITY_BYTES,
    ) -> None:
        """`app_passwords` makes the token endpoint check secrets; `require_auth` makes
        connector calls need a token from that endpoint, as Teams does."""
        self.signing_key = signing_key or default_signing_key()
        self._other_keys: list[SigningKey] = []  # published beside it (`publish`)
        # The secret App Service hands a managed identity's process in IDENTITY_HEADER.
        self.identity_header = secrets.token_urlsafe(16)
        self.app_passwords = dict(app_passwords) if app_passwords is not None else None
        self.require_auth = require_auth
        self.max_activity_bytes = max_activity_bytes
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._messages: dict[str, Message] = {}
        self._conversations: list[CreatedConversation] = []
        self._personal_chats: dict[str, str] = {}  # user id -> a: conversation id
        self._members: dict[str, list[dict[str, Any]]] = {}
        self._grants: list[TokenGrant] = []
        self._faults: list[_Fault] = []
        self._delays: list[_Delay] = []
        self._cap: _RateCap | None = None
        self._away: tuple[str, float, int] | None = None  # pattern, until, status
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self._next_id = int(time.time() * 1000)  # Teams message ids are epoch milliseconds
        self._answer_ids = True  # False: posts are answered without the message's id
        self._routes = self._build_routes()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ----------------------------------------------------------------------
    # lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 at a free port, on a loop of the fake's own."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fake-bot-framework", daemon=True
        )
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)
        self._port = await asyncio.wrap_future(future)

    async def stop(self) -> None:
        """Stop serving and end the fake's thread; safe to call twice."""
        if self._loop is None or self._thread is None:
            return
        if self._runner is not None:
            future = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop)
            await asyncio.wrap_future(future)
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join)
        self._loop.close()
        self._loop = self._thread = self._runner = None

    async def __aenter__(self) -> FakeBotFramework:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _serve(self) -> int:
        """Runs on the fake's loop: bind, start, and return the port."""
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        # A short shutdown timeout, so stopping with a delayed answer pending is quick.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        return int(self._runner.addresses[0][1])

    # ----------------------------------------------------------------------
    # addresses

    @property
    def url(self) -> str:
        """The service URL, with the trailing slash Teams service URLs have."""
        if self._port is None:
            raise RuntimeError("FakeBotFramework is not started")
        return f"http://127.0.0.1:{self._port}/"

    @property
    def openid_metadata_url(self) -> str:
        """Where botbuilder reads the channel's OpenID metadata."""
        return f"{self.url}v1/.well-known/openidconfiguration"

    @property
    def jwks_url(self) -> str:
        """The signing keys the metadata points to."""
        return f"{self.url}v1/.well-known/keys"

    @property
    def login_url(self) -> str:
        """The authority botbuilder calls `to_channel_from_bot_login_url`."""
        return f"{self.url}botframework.com"

    def token_url(self, tenant: str = "botframework.com") -> str:
        """The OAuth2 client-credentials endpoint, for multi-tenant or a given tenant."""
        return f"{self.url}{tenant}/oauth2/v2.0/token"

    @property
    def identity_endpoint(self) -> str:
        """A managed identity's token service as App Service names it in IDENTITY_ENDPOINT;
        the fake's URL itself stands in for the VM metadata service (IMDS) host."""
        return f"{self.url}msi/token"

    # ----------------------------------------------------------------------
    # setup by tests

    def set_members(self, conversation_id: str, members: Sequence[Mapping[str, Any]]) -> None:
        """The roster the member routes answer for a conversation (and a channel's threads)."""
        with self._lock:
            self._members[conversation_id] = [dict(m) for m in members]

    def seed_message(self, conversation_id: str, activity: Mapping[str, Any]) -> str:
        """A message that exists before the test (e.g. an earlier digest); returns its id."""
        with self._lock:
            return self._store(conversation_id, activity, reply_to_id=None)

    def answer_without_ids(self, without: bool = True) -> None:
        """Answer posted messages without their id, as the Agents Playground does (it
        splits a message's text and card into two): the bot cannot update them later.
        The messages are still kept, so a test can read and press them."""
        with self._lock:
            self._answer_ids = not without

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        *,
        statuses: Sequence[int] = (HTTPStatus.TOO_MANY_REQUESTS,),
        retry_after: str | int | datetime | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> None:
        """Answer the next matching requests with `statuses`, in order, then normally.

        `path_pattern` is a glob over the decoded path, e.g. "/v3/conversations/*". A
        status of `DROP` closes the connection without an answer (and without handling
        the request), which is what a timeout looks like to the client.
        """
        headers = {"Retry-After": _retry_after(retry_after)} if retry_after is not None else {}
        with self._lock:
            for status in statuses:
                fault_body = dict(body) if body is not None else _default_fault_body(status)
                self._faults.append(_Fault(method, path_pattern, int(status), headers, fault_body))

    def go_away(self, seconds: float, path_pattern: str = "/v3/*", status: int = 503) -> None:
        """For `seconds` from now, answer every matching connector call with `status`
        (Teams down for a while), without handling it."""
        with self._lock:
            self._away = (path_pattern, time.monotonic() + seconds, status)

    def cap_rates(self, tenant_rps: int | None = 30, *, per_thread: bool = True) -> None:
        """Refuse connector calls over Teams' rate limits with 429 and a `Retry-After`, as
        Teams does: `tenant_rps` calls in any second for the whole fake (one tenant), and
        per thread the limits of TEAMS-FACTS §1. Refused calls are not counted."""
        with self._lock:
            self._cap = _RateCap(tenant_rps, per_thread)

    @property
    def rate_counts(self) -> tuple[int, int]:
        """(accepted, refused) connector calls since `cap_rates`."""
        with self._lock:
            return (self._cap.accepted, self._cap.refused) if self._cap else (0, 0)

    def delay(
        self, method: str, path_pattern: str, seconds: float, *, times: int | None = 1
    ) -> None:
        """Hold the answer to the next `times` matching requests (None: all) for `seconds`."""
        with self._lock:
            self._delays.append(_Delay(method, path_pattern, seconds, times))

    def publish(self, key: SigningKey) -> None:
        """Serve `key` in the JWKS beside the fake's own, e.g. one endorsed for other channels.
        botbuilder reads the keys once a day: publish before the bot's first request."""
        with self._lock:
            self._other_keys.append(key)

    def sign_channel_token(
        self,
        app_id: str,
        service_url: str | None = None,
        *,
        expires_in: int = 3600,
        audience: str | None = None,
        issuer: str | None = None,
        key: SigningKey | None = None,
        not_before: datetime | None = None,
        unsigned: bool = False,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """A channel-to-bot JWT as Bot Framework signs it for the bot `app_id`.

        The knobs make it refused: a negative `expires_in` beyond botbuilder's 5-minute
        leeway, a `not_before` in the future, another `audience` or `issuer`, a foreign
        `key`, or `unsigned` (alg none). `extra` adds claims (a `tid`, say).
        `service_url` defaults to this fake's URL.
        """
        now = datetime.now(UTC)
        claims = {
            "serviceurl": service_url if service_url is not None else self.url,
            "nbf": int((not_before or now).timestamp()),
            "exp": int((now + timedelta(seconds=expires_in)).timestamp()),
            "iat": int(now.timestamp()),
            "iss": issuer or BOT_FRAMEWORK_ISSUER,
            "aud": audience or app_id,
            **(extra or {}),
        }
        key = key or self.signing_key
        if unsigned:
            return jwt.encode(claims, None, algorithm="none", headers={"kid": key.kid})
        return key.sign(claims)

    # ----------------------------------------------------------------------
    # assertions

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, in order of arrival."""
        with self._lock:
            return list(self._requests)

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests to routes the fake does not know; each fails the test at teardown."""
        return [r for r in self.requests if r.route is None]

    @property
    def token_grants(self) -> list[TokenGrant]:
        """The tokens handed out, with the client id and scope asked for."""
        with self._lock:
            return list(self._grants)

    @property
    def created_conversations(self) -> list[CreatedConversation]:
        """The conversations the bot created, in order."""
        with self._lock:
            return copy.deepcopy(self._conversations)

    def requests_to(self, method: str, path_prefix: str = "/") -> list[RecordedRequest]:
        """Requests with this method ("*" for any) whose decoded path starts with the prefix."""
        return [
            r for r in self.requests if method in ("*", r.method) and r.path.startswith(path_prefix)
        ]

    def sent_to(self, conversation_id: str) -> list[dict[str, Any]]:
        """The activities posted to a conversation, as posted, each with the id it got."""
        return [m.versions[0] for m in self.messages_in(conversation_id)]

    def messages_in(self, conversation_id: str, since: int = 0) -> list[Message]:
        """The messages in a conversation (a channel includes its threads), oldest first;
        `since`: leaving out the first so many (those a test had already read)."""
        with self._lock:
            found = [
                m
                for m in self._messages.values()
                if _in_conversation(m.conversation_id, conversation_id)
            ]
            return copy.deepcopy(found[since:])

    def count_in(self, conversation_id: str) -> int:
        """How many messages a conversation holds: `len(messages_in(…))` without copying
        them, for a test that reads only what comes next."""
        with self._lock:
            return sum(
                _in_conversation(m.conversation_id, conversation_id)
                for m in self._messages.values()
            )

    def message(self, activity_id: str) -> Message:
        """A message by id, with its current content after updates."""
        with self._lock:
            if activity_id not in self._messages:
                raise KeyError(f"the bot never posted an activity with id {activity_id!r}")
            return copy.deepcopy(self._messages[activity_id])

    # A timeout argument rather than asyncio.timeout(): it reads well in tests, and the
    # fake can then say what it saw instead of raising a bare TimeoutError.
    async def wait_for(
        self,
        predicate: Callable[[], T],
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> T:
        """Wait until `predicate()` is truthy and return it; proactive posts come late."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        waiter = (loop, event)
        with self._lock:
            self._waiters.add(waiter)
        try:
            return await self._wait_on(event, predicate, loop.time() + timeout)
        finally:
            with self._lock:
                self._waiters.discard(waiter)

    async def wait_for_posts(
        self,
        conversation_id: str,
        count: int = 1,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Wait until at least `count` activities reached the conversation, and return all."""

        def posts() -> list[dict[str, Any]] | None:
            sent = self.sent_to(conversation_id)
            return sent if len(sent) >= count else None

        found = await self.wait_for(posts, timeout=timeout)
        assert found is not None  # wait_for only returns truthy values
        return found

    def assert_no_unknown_requests(self) -> None:
        """Fail the test if the bot called a route the fake does not know."""
        unknown = self.unknown_requests
        if unknown:
            listed = "\n".join(f"  {r.method} {r.raw_path}" for r in unknown)
            pytest.fail(
                f"The bot called routes the fake Bot Framework does not know:\n{listed}",
                pytrace=False,
            )

    async def _wait_on(
        self, event: asyncio.Event, predicate: Callable[[], T], deadline: float
    ) -> T:
        """Re-check `predicate` whenever the fake records something, until `deadline`."""
        loop = asyncio.get_running_loop()
        while True:
            # Clear before checking, so a request recorded during the check wakes us.
            event.clear()
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(self._timeout_message())
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue

    def _timeout_message(self) -> str:
        """What the fake saw, for a wait that ran out."""
        seen = "\n".join(f"  {r}" for r in self.requests[-20:]) or "  (no requests)"
        return f"Timed out waiting on the fake Bot Framework; last requests:\n{seen}"

    def _notify(self) -> None:
        """Wake every waiter; they live on other loops than the fake's."""
        with self._lock:
            waiters = list(self._waiters)
        for loop, event in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    # ----------------------------------------------------------------------
    # dispatch (runs on the fake's loop)

    def _build_routes(self) -> list[_Route]:
        """The routes the fake knows; everything else is answered 404 and fails the test."""
        conversation = "v3/conversations/{conversation_id}"
        activity = f"{conversation}/activities/{{activity_id}}"
        connector: list[tuple[str, str, str, Handler]] = [
            ("create_conversation", "POST", "v3/conversations", self._create_conversation),
            ("send_to_conversation", "POST", f"{conversation}/activities", self._send),
            ("reply_to_activity", "POST", activity, self._reply),
            ("update_activity", "PUT", activity, self._update),
            ("delete_activity", "DELETE", activity, self._delete),
            ("get_conversation_members", "GET", f"{conversation}/members", self._members_route),
            (
                "get_conversation_member",
                "GET",
                f"{conversation}/members/{{member_id}}",
                self._member,
            ),
            ("get_paged_members", "GET", f"{conversation}/pagedmembers", self._paged_members),
        ]
        auth: list[tuple[str, str, str, Handler]] = [
            ("issue_token", "POST", "{tenant}/oauth2/v2.0/token", self._issue_token),
            ("openid_metadata", "GET", "v1/.well-known/openidconfiguration", self._openid_metadata),
            ("jwks", "GET", "v1/.well-known/keys", self._jwks),
            ("managed_identity_token", "GET", "msi/token", self._app_service_identity),
            ("imds_token", "GET", "metadata/identity/oauth2/token", self._imds_identity),
        ]
        return [
            _Route(name, method, tuple(pattern.split("/")), handler, table is connector)
            for table in (connector, auth)
            for name, method, pattern, handler in table
        ]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        """Record the request, then answer it: unknown route, delay, fault, or normally."""
        raw_path = request.rel_url.raw_path
        segments = _segments(raw_path)
        route, params = self._route_for(request.method, segments)
        raw_body = await request.read()
        recorded = RecordedRequest(
            method=request.method,
            path="/" + "/".join(segments),
            raw_path=raw_path,
            query=dict(request.rel_url.query),
            headers=CIMultiDictProxy(CIMultiDict(request.headers)),
            body=_parse_body(request.content_type, raw_body),
            text=raw_body.decode(errors="replace"),
            at=time.monotonic(),
            route=route.name if route else None,
        )
        with self._lock:
            self._requests.append(recorded)
        try:
            response = await self._answer(recorded, route, params)
            recorded.status = response.status
            if response.status == DROP and request.transport is not None:
                request.transport.close()  # no answer at all: the client's call fails
            return response
        finally:
            self._notify()

    def _route_for(
        self, method: str, segments: Sequence[str]
    ) -> tuple[_Route | None, dict[str, str]]:
        """The first route that takes the request, with its path parameters."""
        for route in self._routes:
            params = route.match(method, segments)
            if params is not None:
                return route, params
        return None, {}

    async def _answer(
        self, request: RecordedRequest, route: _Route | None, params: dict[str, str]
    ) -> web.Response:
        """The response to one recorded request."""
        if route is None:
            message = f"The fake Bot Framework has no route {request.method} {request.path}"
            return _error(HTTPStatus.NOT_FOUND, "NotFound", message)
        seconds = self._take_delay(request)
        if seconds:
            await asyncio.sleep(seconds)
        away = self._gone(request)
        if away is not None:
            return away
        fault = self._take_fault(request)
        if fault is not None and fault.status == DROP:
            return web.Response(status=DROP)
        if fault is not None:
            return web.json_response(fault.body, status=fault.status, headers=fault.headers)
        if route.connector and not self._authorized(request):
            return web.json_response(DENIED, status=HTTPStatus.UNAUTHORIZED)
        with self._lock:
            throttled = self._throttle(request, route, params)
            return throttled or route.handler(request, params)

    def _throttle(
        self, request: RecordedRequest, route: _Route, params: dict[str, str]
    ) -> web.Response | None:
        """The 429 for a call over the rate cap, if one is set (called with the lock held)."""
        if self._cap is None or not route.connector:
            return None
        kind = "read" if route.name in READ_ROUTES else "send"
        wait = self._cap.admit(kind, _thread_of(request, params), time.monotonic())
        if wait is None:
            return None
        # Retry-After in whole seconds, as RFC 9110 has it: at least 1.
        headers = {"Retry-After": str(max(1, math.ceil(wait)))}
        return web.json_response(THROTTLED, status=HTTPStatus.TOO_MANY_REQUESTS, headers=headers)

    def _gone(self, request: RecordedRequest) -> web.Response | None:
        """The answer while the service is away (`go_away`), if it is."""
        with self._lock:
            away = self._away
        if away is None or time.monotonic() >= away[1] or not _matches("*", away[0], request):
            return None
        body = _default_fault_body(away[2])
        return web.json_response(body, status=away[2], headers={"Retry-After": "1"})

    def _take_delay(self, request: RecordedRequest) -> float:
        """The pause owed to this request, used up by it."""
        with self._lock:
            for pending in self._delays:
                if pending.remaining != 0 and _matches(pending.method, pending.pattern, request):
                    if pending.remaining is not None:
                        pending.remaining -= 1
                    return pending.seconds
        return 0.0

    def _take_fault(self, request: RecordedRequest) -> _Fault | None:
        """The first queued fault for this request, removed from the queue."""
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(request):
                    return self._faults.pop(index)
        return None

    def _authorized(self, request: RecordedRequest) -> bool:
        """Whether the call carries a token this fake issued (only checked if required)."""
        if not self.require_auth:
            return True
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        with self._lock:
            return scheme == "Bearer" and any(g.access_token == token for g in self._grants)

    # ----------------------------------------------------------------------
    # connector routes (called with the lock held)

    def _create_conversation(self, request: RecordedRequest, _: dict[str, str]) -> web.Response:
        """POST /v3/conversations: a new channel thread, or a 1:1 chat with a user."""
        parameters = _json_object(request)
        if parameters is None:
            return _error(HTTPStatus.BAD_REQUEST, "BadArgument", "Expected ConversationParameters")
        channel = (parameters.get("channelData") or {}).get("channel") or {}
        if parameters.get("isGroup") and channel.get("id"):
            conversation_id, activity_id = self._open_thread(channel["id"], parameters)
        else:
            opened = self._open_personal_chat(parameters)
            if isinstance(opened, web.Response):
                return opened
            conversation_id, activity_id = opened
        self._conversations.append(
            CreatedConversation(conversation_id, activity_id, copy.deepcopy(parameters))
        )
        answer = {"id": conversation_id}
        if activity_id is not None:
            answer["activityId"] = activity_id
        return web.json_response(answer, status=HTTPStatus.CREATED)

    def _open_thread(self, channel_id: str, parameters: dict[str, Any]) -> tuple[str, str]:
        """A new top-level channel post; its id names the thread (`C;messageid=N`)."""
        activity = parameters.get("activity")
        activity_id = self._new_id()
        conversation_id = f"{channel_id}{THREAD_MARKER}{activity_id}"
        if activity:
            self._store(conversation_id, activity, reply_to_id=None, activity_id=activity_id)
        return conversation_id, activity_id

    def _open_personal_chat(
        self, parameters: dict[str, Any]
    ) -> tuple[str, str | None] | web.Response:
        """A 1:1 chat with one `29:` user; the same user always gets the same chat, as in Teams."""
        members = parameters.get("members") or []
        if len(members) != 1 or not str(members[0].get("id", "")).startswith("29:"):
            message = "A bot can only create a channel post or a 1:1 chat with one 29: user"
            return _error(HTTPStatus.BAD_REQUEST, "BadArgument", message)
        tenant = parameters.get("tenantId") or (
            (parameters.get("channelData") or {}).get("tenant") or {}
        ).get("id")
        if not tenant:
            return _error(HTTPStatus.BAD_REQUEST, "BadArgument", "A 1:1 chat needs the tenant id")
        user_id = members[0]["id"]
        conversation_id = self._personal_chats.setdefault(
            user_id, "a:1" + secrets.token_urlsafe(32)
        )
        self._members.setdefault(conversation_id, [dict(members[0])])
        activity = parameters.get("activity")
        if not activity:
            return conversation_id, None
        return conversation_id, self._store(conversation_id, activity, reply_to_id=None)

    def _send(self, request: RecordedRequest, params: dict[str, str]) -> web.Response:
        """POST .../activities: a new message in the conversation."""
        return self._post(request, params["conversation_id"], reply_to_id=None)

    def _reply(self, request: RecordedRequest, params: dict[str, str]) -> web.Response:
        """POST .../activities/{id}: a reply to a message."""
        return self._post(request, params["conversation_id"], reply_to_id=params["activity_id"])

    def _post(
        self, request: RecordedRequest, conversation_id: str, reply_to_id: str | None
    ) -> web.Response:
        """Store a posted activity after the checks Teams makes, and answer its id."""
        activity = self._activity_in(request)
        if isinstance(activity, web.Response):
            return activity
        activity_id = self._store(conversation_id, activity, reply_to_id)
        answer = {"id": activity_id} if self._answer_ids else {}
        return web.json_response(answer, status=HTTPStatus.CREATED)

    def _update(self, request: RecordedRequest, params: dict[str, str]) -> web.Response:
        """PUT .../activities/{id}: new content for a message the bot posted."""
        activity = self._activity_in(request)
        if isinstance(activity, web.Response):
            return activity
        message = self._find_message(params)
        if message is None:
            return _error(HTTPStatus.NOT_FOUND, "NotFound", "No such activity in this conversation")
        message.versions.append({**copy.deepcopy(activity), "id": message.id})
        return web.json_response({"id": message.id})

    def _delete(self, _: RecordedRequest, params: dict[str, str]) -> web.Response:
        """DELETE .../activities/{id}: the message stays in the transcript, marked deleted."""
        message = self._find_message(params)
        if message is None:
            return _error(HTTPStatus.NOT_FOUND, "NotFound", "No such activity in this conversation")
        message.deleted = True
        return web.Response(status=HTTPStatus.OK)

    def _activity_in(self, request: RecordedRequest) -> dict[str, Any] | web.Response:
        """The posted activity, or the 400 (no activity) or 413 (too big) Teams answers."""
        activity = _json_object(request)
        if activity is None or not activity.get("type"):
            return _error(HTTPStatus.BAD_REQUEST, "BadArgument", "The activity needs a type")
        limit = self.max_activity_bytes
        if limit is not None and len(request.text.encode()) > limit:
            return _error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "MessageSizeTooBig", "Message size too big"
            )
        return activity

    def _find_message(self, params: dict[str, str]) -> Message | None:
        """The message named in the path, if it lives in that conversation (or its channel)."""
        message = self._messages.get(params["activity_id"])
        if message is None or message.deleted:
            return None
        same_channel = _thread_root(message.conversation_id) == _thread_root(
            params["conversation_id"]
        )
        return message if same_channel else None

    def _members_route(self, _: RecordedRequest, params: dict[str, str]) -> web.Response:
        """GET .../members: the whole roster."""
        members = self._roster(params["conversation_id"])
        if members is None:
            return self._no_roster(params["conversation_id"])
        return web.json_response(members)

    def _member(self, _: RecordedRequest, params: dict[str, str]) -> web.Response:
        """GET .../members/{id}: one member, by 29: id or Entra object id."""
        members = self._roster(params["conversation_id"]) or []
        wanted = params["member_id"]
        for member in members:
            if wanted in (member.get("id"), member.get("aadObjectId")):
                return web.json_response(member)
        return _error(HTTPStatus.NOT_FOUND, "MemberNotFoundInConversation", "No such member")

    def _paged_members(self, request: RecordedRequest, params: dict[str, str]) -> web.Response:
        """GET .../pagedmembers: the roster a page at a time, with a continuation token."""
        members = self._roster(params["conversation_id"])
        if members is None:
            return self._no_roster(params["conversation_id"])
        try:
            size = int(request.query.get("pageSize") or 200)
            start = int(request.query.get("continuationToken") or 0)
        except ValueError:
            return _error(HTTPStatus.BAD_REQUEST, "BadArgument", "Bad pageSize or token")
        page: dict[str, Any] = {"members": members[start : start + size]}
        if start + size < len(members):
            page["continuationToken"] = str(start + size)
        return web.json_response(page)

    def _roster(self, conversation_id: str) -> list[dict[str, Any]] | None:
        """The members set for the conversation, or for the channel a thread is in."""
        found = self._members.get(conversation_id)
        if found is None:
            found = self._members.get(_thread_root(conversation_id))
        return copy.deepcopy(found) if found is not None else None

    @staticmethod
    def _no_roster(conversation_id: str) -> web.Response:
        """A 404 that tells the test author what to set up."""
        message = f"No members for {conversation_id}; call fake.set_members() in the test"
        return _error(HTTPStatus.NOT_FOUND, "ConversationNotFound", message)

    def _store(
        self,
        conversation_id: str,
        activity: Mapping[str, Any],
        reply_to_id: str | None,
        activity_id: str | None = None,
    ) -> str:
        """Keep a posted activity under a new (or the given) id; returns the id."""
        activity_id = activity_id or self._new_id()
        posted = {**copy.deepcopy(dict(activity)), "id": activity_id}
        self._messages[activity_id] = Message(activity_id, conversation_id, [posted], reply_to_id)
        return activity_id

    def _new_id(self) -> str:
        """A Teams-like message id: epoch milliseconds, kept unique by counting up."""
        self._next_id += 1
        return str(self._next_id)

    # ----------------------------------------------------------------------
    # auth routes (called with the lock held)

    def _issue_token(self, request: RecordedRequest, params: dict[str, str]) -> web.Response:
        """POST /{tenant}/oauth2/v2.0/token: a client-credentials grant, as Entra ID answers."""
        form = request.body if isinstance(request.body, dict) else {}
        if form.get("grant_type") != "client_credentials":
            return _oauth_error(HTTPStatus.BAD_REQUEST, "unsupported_grant_type", "AADSTS70003")
        client_id, scope = form.get("client_id", ""), form.get("scope", "")
        if not client_id or not scope:
            return _oauth_error(HTTPStatus.BAD_REQUEST, "invalid_request", "AADSTS900144")
        if self.app_passwords is not None and (
            self.app_passwords.get(client_id) != form.get("client_secret")
        ):
            return _oauth_error(HTTPStatus.UNAUTHORIZED, "invalid_client", "AADSTS7000215")
        token = self._access_token(params["tenant"], client_id, scope)
        self._grants.append(TokenGrant(params["tenant"], client_id, scope, token))
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "ext_expires_in": 3600,
                "access_token": token,
            }
        )

    def _app_service_identity(self, request: RecordedRequest, _: dict[str, str]) -> web.Response:
        """GET {IDENTITY_ENDPOINT}: a user-assigned identity's token, as App Service answers
        (api-version 2019-08-01; `expires_on` in epoch seconds, as a string)."""
        if request.headers.get("X-IDENTITY-HEADER") != self.identity_header:
            return _error(HTTPStatus.UNAUTHORIZED, "Unauthorized", "X-IDENTITY-HEADER is wrong")
        refused = self._identity_refusal(request, "2019-08-01")
        if refused is not None:
            return refused
        token = self._grant_identity(request)
        expires_on = str(int(time.time()) + 3600)
        resource = request.query["resource"]
        return web.json_response(
            {"access_token": token, "expires_on": expires_on, "resource": resource,
             "token_type": "Bearer", "client_id": request.query["client_id"]}
        )  # fmt: skip

    def _imds_identity(self, request: RecordedRequest, _: dict[str, str]) -> web.Response:
        """GET /metadata/identity/oauth2/token: the same from a VM's metadata service
        (api-version 2018-02-01; `expires_in` as a string; `Metadata: true` required)."""
        if request.headers.get("Metadata") != "true":
            return _error(HTTPStatus.BAD_REQUEST, "BadRequest", "Required metadata header")
        refused = self._identity_refusal(request, "2018-02-01")
        if refused is not None:
            return refused
        token = self._grant_identity(request)
        resource = request.query["resource"]
        return web.json_response(
            {"access_token": token, "expires_in": "3599", "resource": resource,
             "token_type": "Bearer", "client_id": request.query["client_id"]}
        )  # fmt: skip

    @staticmethod
    def _identity_refusal(request: RecordedRequest, api_version: str) -> web.Response | None:
        """A user-assigned identity is named by `client_id`; the resource has no /.default."""
        query = request.query
        if query.get("api-version") != api_version or not query.get("client_id"):
            return _error(HTTPStatus.BAD_REQUEST, "BadRequest", "api-version or client_id")
        if query.get("resource") != BOT_FRAMEWORK_SCOPE:
            return _error(HTTPStatus.BAD_REQUEST, "BadRequest", "Unknown resource")
        return None

    def _grant_identity(self, request: RecordedRequest) -> str:
        """Hand out a managed identity's token, recorded as a grant of tenant "managed-identity"."""
        client_id, resource = request.query["client_id"], request.query["resource"]
        token = self._access_token("managed-identity", client_id, resource)
        self._grants.append(TokenGrant("managed-identity", client_id, resource, token))
        return token

    def _access_token(self, tenant: str, client_id: str, scope: str) -> str:
        """A bot-to-channel access token shaped like Entra ID's v1 app tokens."""
        now = int(time.time())
        tenant_id = BOT_FRAMEWORK_TENANT_ID if tenant == "botframework.com" else tenant
        return self.signing_key.sign(
            {
                "aud": scope.removesuffix("/.default"),
                "iss": f"https://sts.windows.net/{tenant_id}/",
                "iat": now,
                "nbf": now,
                "exp": now + 3600,
                "appid": client_id,
                "tid": tenant_id,
                "ver": "1.0",
                "jti": base64.urlsafe_b64encode(secrets.token_bytes(12)).decode(),
            }
        )

    def _openid_metadata(self, _: RecordedRequest, __: dict[str, str]) -> web.Response:
        """GET /v1/.well-known/openidconfiguration, as login.botframework.com serves it."""
        return web.json_response(
            {
                "issuer": BOT_FRAMEWORK_ISSUER,
                "authorization_endpoint": "https://invalid.botframework.com",
                "jwks_uri": self.jwks_url,
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    def _jwks(self, _: RecordedRequest, __: dict[str, str]) -> web.Response:
        """GET /v1/.well-known/keys: the signing key, endorsed for msteams, and any other
        key published."""
        keys = [self.signing_key, *self._other_keys]
        return web.json_response({"keys": [key.jwk() for key in keys]})


def _oauth_error(status: int, error: str, aadsts: str) -> web.Response:
    """An OAuth2 error body in Entra ID's shape (MSAL reads `error`)."""
    body = {"error": error, "error_description": f"{aadsts}: refused by the fake token endpoint"}
    return web.json_response(body, status=status)


# ---------------------------------------------------------------------------
# pytest fixture


@pytest_asyncio.fixture
async def fake_bf() -> AsyncIterator[FakeBotFramework]:
    """A started fake on 127.0.0.1; the test fails if the bot called a route it does not know."""
    async with FakeBotFramework() as fake:
        yield fake
    fake.assert_no_unknown_requests()
