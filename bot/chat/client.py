"""`pejling chat`: a terminal that plays Teams for one person of the organisation file.

Three layers, each usable without the one above it:

- `Connector` is the local stand-in for the Teams connector service. The activities the
  chat sends name it as their `serviceUrl`, so the bot's replies, updates and new channel
  posts arrive here over real HTTP, exactly as they would go to Teams.
- `ChatSession` is the chat itself: it sends typed text and button presses to the bot
  (activities built by `bot.chat.wire`), keeps the cards it has seen with the values
  filled in, and writes everything that happens to an output sink as readable text.
- `Shell` turns lines typed at a prompt into session calls (`/1 gul`, `/A`, `/kort` …),
  and `PipeTerminal`/`TtyTerminal` read those lines from a script or a person.

Tests drive `ChatSession` and `Shell` directly with a list as the output sink.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import unquote

import aiohttp
from aiohttp import web

from bot.chat.render import (
    EXECUTE,
    OPEN_URL,
    SENDING_ACTIONS,
    SHOW_CARD,
    SUBMIT,
    CardButton,
    CardInput,
    InputRefused,
    RenderedCard,
    action_data,
    current_value,
    inputs_for,
    is_empty,
    missing_required,
    parse_input,
    render_card,
    render_input,
    render_markdown,
)
from bot.chat.wire import TeamsWire, Where, Who
from kort.tekster import LOCAL_TIME, Texts
from store.text import fold

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"
THREAD_MARKER = ";messageid="
# A bot with a MicrosoftAppId wants a token the chat cannot give; it must run in local mode.
_ACCESS_REFUSED = frozenset({HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN})
# How long the bot must have been silent before its answer to a line counts as complete.
DEFAULT_QUIET = 0.3
# Never hold the prompt back longer than this, even if the bot keeps talking.
MAX_SETTLE = 15.0
BOT_TIMEOUT = aiohttp.ClientTimeout(total=60)
PORT_ATTEMPTS = 20

Output = Callable[[str], None]


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


def messages_url(bot_url: str) -> str:
    """`http://host:3978` or `…/api/messages` → the full messages endpoint."""
    url = bot_url.rstrip("/")
    return url if url.endswith("/api/messages") else f"{url}/api/messages"


def bot_base(bot_url: str) -> str:
    """The bot's address as people write it, without `/api/messages`."""
    return messages_url(bot_url).removesuffix("/api/messages")


# ---------------------------------------------------------------------------
# The connector endpoint


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


@dataclass
class Card:
    """A card the bot showed, with what the person has filled in so far."""

    number: int
    message_id: str
    conversation_id: str
    content: dict[str, Any]
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatPerson:
    """Who the chat is, and who else of the organisation the bot may write to."""

    who: Who
    email: str | None = None


@dataclass(frozen=True)
class Channel:
    """The team channel the chat sits in, for the team/channel routes."""

    name: str
    team_name: str


class ChatSession:
    """One person talking to Pejling, in their personal chat or in a team channel."""

    def __init__(
        self,
        *,
        bot_url: str,
        person: ChatPerson,
        where: Where,
        texts: Texts,
        output: Output,
        http: aiohttp.ClientSession,
        people: Sequence[ChatPerson] = (),
        channel: Channel | None = None,
        width: int = 76,
        ansi: bool = False,
        quiet: float = DEFAULT_QUIET,
        clock: Callable[[], datetime] | None = None,
        bot_name: str = "Pejling",
        host: str = "127.0.0.1",
    ) -> None:
        self.bot_url = bot_base(bot_url)
        self.person = person
        self.who = person.who
        self.where = where
        self.texts = texts
        self.output = output
        self.http = http
        self.people = {p.who.user_id: p for p in (person, *people)}
        self.channel = channel
        self.width = width
        self.ansi = ansi
        self.quiet = quiet
        self.clock = clock or (lambda: datetime.now(LOCAL_TIME))
        self.bot_name = bot_name
        self.connector = Connector(self, host)
        self.wire = TeamsWire("", bot_name=bot_name)
        self.cards: list[Card] = []
        self.sent: list[dict[str, Any]] = []
        self._message_cards: dict[str, list[int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._ids = itertools.count(1)

    # -- lifecycle ----------------------------------------------------------

    async def open(self, port: int = 0) -> int:
        """Start the connector endpoint; returns the port it listens on."""
        bound = await self.connector.start(port)
        self.wire = TeamsWire(self.connector.service_url, bot_name=self.bot_name)
        return bound

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.connector.stop()

    @property
    def personal_conversation_id(self) -> str:
        return Where.personal(self.where.tenant_id, self.who).conversation_id

    @property
    def in_channel(self) -> bool:
        return self.where.conversation_type == "channel"

    async def install(self) -> None:
        """What Teams sends when the app is added: the bot keeps the address and greets."""
        if self.in_channel:
            await self._send(self.wire.team_install(self.who, self.where))
            await self._send(self.wire.installation_update(self.who, self.where))
        else:
            await self._send(self.wire.personal_install(self.who, self.where))

    async def settle(self, quiet: float | None = None) -> None:
        """Wait until the bot has been quiet for `quiet` seconds and nothing is in flight."""
        quiet = self.quiet if quiet is None else quiet
        deadline = time.monotonic() + MAX_SETTLE
        while time.monotonic() < deadline:
            idle = time.monotonic() - self.connector.last_traffic
            if self.connector.busy == 0 and not self._tasks and idle >= quiet:
                return
            await asyncio.sleep(max(quiet - idle, 0.02))

    # -- what the person does ------------------------------------------------

    async def send_text(self, text: str) -> None:
        """A typed message (in a channel, Teams adds the @mention of the bot)."""
        await self._send(self.wire.message(self.who, self.where, text))

    def fill(self, input_ref: int | str, raw: str, card_number: int | None = None) -> CardInput:
        """Set an input of a card (the newest interactive one unless named) from typed text."""
        card = self.card(card_number)
        rendered = self.render(card)
        card_input = _find_input(rendered, input_ref)
        if card_input is None:
            raise ChatError("chat.ukendt_felt", field=input_ref, card=card.number)
        try:
            card.values[card_input.id] = parse_input(card_input, raw)
        except InputRefused as refused:
            raise ChatError(refused.key, **refused.params) from None
        return card_input

    async def press(
        self,
        letter: str,
        values: Mapping[int | str, str] | None = None,
        card_number: int | None = None,
    ) -> None:
        """Press a button, after filling in `values` (input number or id → typed text)."""
        card = self.card(card_number)
        for ref, raw in (values or {}).items():
            self.fill(ref, raw, card.number)
        rendered = self.render(card)
        button = rendered.button(letter)
        if button is None:
            raise ChatError("chat.ukendt_knap", letter=letter.upper(), card=card.number)
        missing = missing_required(rendered, button, card.values)
        if button.kind in SENDING_ACTIONS and missing:
            raise ChatError("chat.mangler", fields=_field_list(missing))
        self.say(
            self.texts("chat.trykker", letter=button.letter, title=button.title, card=card.number)
        )
        await self._press(card, rendered, button)

    async def _press(self, card: Card, rendered: RenderedCard, button: CardButton) -> None:
        if button.kind == EXECUTE:
            await self._execute(card, action_data(rendered, button, card.values), button.verb)
        elif button.kind == SUBMIT:
            await self._submit(card, action_data(rendered, button, card.values))
        elif button.kind == OPEN_URL:
            self.say(self.texts("chat.aabn_link", url=button.url or ""))
        elif button.kind == SHOW_CARD:
            self.say(self.texts("chat.vist_under_knap", letter=button.letter))
            self.show_card(card.number)
        else:
            self.say(self.texts("chat.knaptype_ukendt", kind=button.kind))

    async def _execute(
        self, card: Card, data: Any, verb: str | None, trigger: str = "manual"
    ) -> None:
        """Action.Execute: an invoke, whose answer may replace the card that was clicked."""
        activity = self.wire.execute(self.who, self.where, data, card.message_id, verb=verb)
        activity["value"]["trigger"] = trigger
        status, body = await self._send(activity)
        self._show_invoke_result(card, status, body)

    async def _submit(self, card: Card, data: Any) -> None:
        """Action.Submit: a message with the data as `value`; Teams' imBack/messageBack too."""
        msteams = data.get("msteams") if isinstance(data, dict) else None
        kind = msteams.get("type") if isinstance(msteams, dict) else None
        if kind == "imBack":
            await self.send_text(str(msteams.get("value", "")))
            return
        activity = self.wire.submit(self.who, self.where, data, card.message_id)
        if kind == "messageBack":
            activity["text"] = str(msteams.get("text") or "")
            activity["value"] = msteams.get("value")
        await self._send(activity)

    # -- cards ----------------------------------------------------------------

    def card(self, number: int | None = None) -> Card:
        """Card `number`, or the newest card that has inputs or buttons."""
        if number is not None:
            found = next((c for c in self.cards if c.number == number), None)
            if found is None:
                raise ChatError("chat.ukendt_kort", card=number)
            return found
        for card in reversed(self.cards):
            if self.render(card).interactive:
                return card
        raise ChatError("chat.intet_kort")

    def render(self, card: Card) -> RenderedCard:
        return render_card(card.content, self.texts, card.values, width=self.width, ansi=self.ansi)

    def show_card(self, number: int | None = None) -> None:
        """Card `number`, or the newest card of all, as it looks with the values filled in."""
        if number is None and not self.cards:
            raise ChatError("chat.ingen_kort")
        card = self.card(number) if number is not None else self.cards[-1]
        header = self.texts("chat.hoved.kort", time=self.clock_text(), card=card.number)
        self.emit(["", header, *self._card_lines(card)])

    def describe_input(self, card: Card, card_input: CardInput) -> list[str]:
        return render_input(card_input, self.texts, card.values, width=self.width, ansi=self.ansi)

    def _card_lines(self, card: Card) -> list[str]:
        rendered = self.render(card)
        lines = [f"  │ {line}" if line else "  │" for line in rendered.lines]
        return lines + ([f"  {rendered.hint}"] if rendered.hint else [])

    def _new_card(self, message_id: str, conversation_id: str, content: dict[str, Any]) -> Card:
        card = Card(len(self.cards) + 1, message_id, conversation_id, content)
        self.cards.append(card)
        self._message_cards.setdefault(message_id, []).append(card.number)
        return card

    # -- showing what the bot says ---------------------------------------------

    def _show_message(
        self, message_id: str, conversation_id: str, activity: Mapping[str, Any], header_key: str
    ) -> None:
        """A new message from the bot: its text, its cards (numbered) and other attachments."""
        cards = [
            self._new_card(message_id, conversation_id, dict(content))
            for content in _adaptive_cards(activity)
        ]
        header = self.texts(header_key, time=self.clock_text(), bot=self.bot_name)
        if cards:
            numbers = ", ".join(str(c.number) for c in cards)
            header += self.texts("chat.hoved.med_kort", cards=numbers)
        self.emit(["", header, *self._activity_lines(activity, cards)])
        for card in cards:
            self._maybe_refresh(card)

    def _activity_lines(self, activity: Mapping[str, Any], cards: Iterable[Card]) -> list[str]:
        lines: list[str] = []
        text = activity.get("text")
        if isinstance(text, str) and text.strip():
            lines += [f"  {line}" if line else "" for line in self._markdown(text)]
        for card in cards:
            lines += self._card_lines(card)
        for attachment in _other_attachments(activity):
            lines.append("  " + self.texts("chat.vedhaeftning", kind=attachment))
        suggestions = _suggested_titles(activity)
        if suggestions:
            lines.append("  " + self.texts("chat.forslag", choices=" · ".join(suggestions)))
        return lines

    def _show_update(self, activity_id: str, activity: Mapping[str, Any]) -> None:
        """A message the bot changed: its cards get the new content under the same numbers."""
        old = [c for c in self.cards if c.number in self._message_cards.get(activity_id, [])]
        contents = [dict(c) for c in _adaptive_cards(activity)]
        for card, content in zip(old, contents, strict=False):
            card.content, card.values = content, {}
        conversation_id = old[0].conversation_id if old else ""
        added = [self._new_card(activity_id, conversation_id, c) for c in contents[len(old) :]]
        cards = [*old[: len(contents)], *added]
        now = self.clock_text()
        if cards:
            numbers = ", ".join(str(c.number) for c in cards)
            header = self.texts(
                "chat.hoved.kort_aendret", time=now, bot=self.bot_name, cards=numbers
            )
        else:
            header = self.texts("chat.hoved.besked_aendret", time=now, bot=self.bot_name)
        self.emit(["", header, *self._activity_lines(activity, cards)])

    def _show_invoke_result(self, card: Card, status: int, body: Any) -> None:
        """What the bot answered a card click: a new card in its place, a text, or an error."""
        if status != HTTPStatus.OK or not isinstance(body, Mapping):
            if status != HTTPStatus.OK and status not in _ACCESS_REFUSED:  # already said
                self.say(self.texts("chat.klik_fejl", status=status, message="").rstrip())
            return
        code = int(body.get("statusCode") or 200)
        kind, value = body.get("type"), body.get("value")
        if code == HTTPStatus.OK and kind == ADAPTIVE_CARD and isinstance(value, Mapping):
            card.content, card.values = dict(value), {}
            header = self.texts(
                "chat.hoved.kort_skiftet",
                time=self.clock_text(),
                bot=self.bot_name,
                card=card.number,
            )
            self.emit(["", header, *self._card_lines(card)])
        elif code == HTTPStatus.OK and kind == INVOKE_MESSAGE:
            header = self.texts("chat.hoved.besked", time=self.clock_text(), bot=self.bot_name)
            self.emit(["", header, *(f"  {line}" for line in self._markdown(str(value)))])
        elif code >= HTTPStatus.BAD_REQUEST:
            message = value.get("message", "") if isinstance(value, Mapping) else value or ""
            self.say(self.texts("chat.klik_fejl", status=code, message=message).rstrip())

    def _maybe_refresh(self, card: Card) -> None:
        """Teams refreshes a card with `refresh` for the users it names (or all, if none)."""
        refresh = card.content.get("refresh")
        action = refresh.get("action") if isinstance(refresh, Mapping) else None
        if not isinstance(action, Mapping) or action.get("type") != EXECUTE:
            return
        users = refresh.get("userIds")
        if users is not None and self.who.user_id not in users:
            return
        data, verb = action.get("data") or {}, action.get("verb")
        self._spawn(self._execute(card, data, verb, trigger="automatic"))

    def _spawn(self, work: Awaitable[None]) -> None:
        # Runs after the connector has answered the bot, which may still be waiting on us.
        async def guarded() -> None:
            try:
                await work
            except ChatError as error:
                self.say(self.texts(error.key, **error.params))

        task = asyncio.ensure_future(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- ConnectorHandler: the bot calls these through the connector -------------

    def create_conversation(self, body: dict[str, Any]) -> tuple[int, Any]:
        """A new top-level channel post, or a 1:1 chat (Teams reuses the existing one)."""
        channel = (body.get("channelData") or {}).get("channel") or {}
        activity = body.get("activity")
        message_id = self._new_id()
        if body.get("isGroup") and channel.get("id"):
            conversation_id = f"{channel['id']}{THREAD_MARKER}{message_id}"
            key = "chat.hoved.nyt_opslag"
        else:
            members = body.get("members") or [{}]
            conversation_id = self._personal_chat_of(str(members[0].get("id", "")))
            key = "chat.hoved.besked"
        answer: dict[str, Any] = {"id": conversation_id}
        if isinstance(activity, dict):
            self._receive(message_id, conversation_id, activity, key)
            answer["activityId"] = message_id
        return HTTPStatus.CREATED, answer

    def post_activity(
        self, conversation_id: str, activity: dict[str, Any], reply_to_id: str | None
    ) -> tuple[int, Any]:
        message_id = self._new_id()
        self._receive(message_id, conversation_id, activity, "chat.hoved.besked")
        return HTTPStatus.CREATED, {"id": message_id}

    def update_activity(
        self, conversation_id: str, activity_id: str, activity: dict[str, Any]
    ) -> tuple[int, Any]:
        if self._is_shown(conversation_id):
            self._show_update(activity_id, activity)
        else:
            self._note_elsewhere(conversation_id)
        return HTTPStatus.OK, {"id": activity_id}

    def delete_activity(self, conversation_id: str, activity_id: str) -> tuple[int, Any]:
        numbers = self._message_cards.pop(activity_id, [])
        self.cards = [c for c in self.cards if c.number not in numbers]
        if self._is_shown(conversation_id):
            what = ", ".join(map(str, numbers))
            key = "chat.slettet_kort" if numbers else "chat.slettet_besked"
            self.say(self.texts(key, bot=self.bot_name, cards=what))
        return HTTPStatus.OK, None

    def members(self, conversation_id: str) -> tuple[int, Any]:
        return HTTPStatus.OK, [self._member_json(self.person)]

    def paged_members(self, conversation_id: str) -> tuple[int, Any]:
        return HTTPStatus.OK, {"members": [self._member_json(self.person)]}

    def member(self, conversation_id: str, member_id: str) -> tuple[int, Any]:
        for person in self.people.values():
            if member_id in (person.who.user_id, person.who.aad_object_id):
                return HTTPStatus.OK, self._member_json(person)
        return HTTPStatus.NOT_FOUND, error_body("MemberNotFoundInConversation", member_id)

    def team(self, team_id: str) -> tuple[int, Any]:
        if not self.channel or team_id != self.where.team_id:
            return HTTPStatus.NOT_FOUND, error_body("TeamNotFound", team_id)
        return HTTPStatus.OK, {"id": team_id, "name": self.channel.team_name, "aadGroupId": team_id}

    def team_channels(self, team_id: str) -> tuple[int, Any]:
        if not self.channel or team_id != self.where.team_id:
            return HTTPStatus.NOT_FOUND, error_body("TeamNotFound", team_id)
        channel = {"id": self.where.channel_id, "name": self.channel.name}
        return HTTPStatus.OK, {"conversations": [channel]}

    def unknown_route(self, method: str, path: str) -> None:
        self.say(self.texts("chat.ukendt_adresse", method=method, path=path))

    # -- helpers ------------------------------------------------------------------

    def _receive(
        self, message_id: str, conversation_id: str, activity: Mapping[str, Any], header_key: str
    ) -> None:
        """Show a bot message if it belongs here, else say briefly where it went."""
        if activity.get("type", "message") != "message":
            return
        base, thread, _ = conversation_id.partition(THREAD_MARKER)
        if base == self.where.conversation_id:
            # A post in the thread under a channel post, e.g. a reply under a digest.
            in_thread = thread and header_key == "chat.hoved.besked"
            key = "chat.hoved.traad" if in_thread else header_key
            self._show_message(message_id, conversation_id, activity, key)
        elif base == self.personal_conversation_id:
            self._show_message(message_id, conversation_id, activity, "chat.hoved.personlig")
        else:
            self._note_elsewhere(conversation_id)

    def _is_shown(self, conversation_id: str) -> bool:
        base = conversation_id.split(THREAD_MARKER)[0]
        return base in (self.where.conversation_id, self.personal_conversation_id)

    def _note_elsewhere(self, conversation_id: str) -> None:
        """One line for a message to someone else, so the demo shows that it happened."""
        base = conversation_id.split(THREAD_MARKER)[0]
        person = next(
            (p for p in self.people.values() if base == _personal_id(self.where, p.who)), None
        )
        if person is not None:
            self.say(self.texts("chat.andensteds_person", bot=self.bot_name, name=person.who.name))
        else:
            self.say(self.texts("chat.andensteds_samtale", bot=self.bot_name, id=base))

    def _personal_chat_of(self, user_id: str) -> str:
        person = self.people.get(user_id)
        if person is not None:
            return _personal_id(self.where, person.who)
        return f"a:personal-{user_id.removeprefix('29:')}"

    def _member_json(self, person: ChatPerson) -> dict[str, Any]:
        given, _, surname = person.who.name.partition(" ")
        return {
            "id": person.who.user_id,
            "name": person.who.name,
            "aadObjectId": person.who.aad_object_id,
            "givenName": given,
            "surname": surname,
            "email": person.email,
            "userPrincipalName": person.email,
            "tenantId": self.where.tenant_id,
            "userRole": "user",
        }

    async def _send(self, activity: dict[str, Any]) -> tuple[int, Any]:
        """POST an activity to the bot; returns the HTTP status and the JSON body, if any."""
        self.sent.append(activity)
        try:
            async with self.http.post(
                messages_url(self.bot_url), json=activity, timeout=BOT_TIMEOUT
            ) as response:
                body = await _response_json(response)
                status = response.status
        except aiohttp.ClientConnectionError as error:
            raise BotUnavailable(self.bot_url) from error
        except TimeoutError as error:
            raise ChatError("chat.bot_langsom", seconds=int(BOT_TIMEOUT.total or 0)) from error
        finally:
            self.connector.touch()
        if status in _ACCESS_REFUSED:
            self.say(self.texts("chat.bot_afviser_adgang", status=status))
        elif status >= HTTPStatus.BAD_REQUEST and activity.get("type") != "invoke":
            # An invoke's error is part of its answer; the caller shows it.
            self.say(self.texts("chat.bot_fejl", status=status))
        return status, body

    def _new_id(self) -> str:
        # Teams message ids are epoch milliseconds; the counter keeps them unique.
        return f"{int(time.time() * 1000)}{next(self._ids):03d}"

    def clock_text(self) -> str:
        now = self.clock().astimezone(LOCAL_TIME)
        return self.texts("chat.klokken", hour=f"{now.hour:02d}", minute=f"{now.minute:02d}")

    def _markdown(self, text: str) -> list[str]:
        return render_markdown(text, width=self.width, ansi=self.ansi)

    def say(self, line: str) -> None:
        """A line from the chat itself (not from the bot)."""
        self.emit([line])

    def emit(self, lines: Sequence[str]) -> None:
        self.output("\n".join(lines))


def _find_input(rendered: RenderedCard, ref: int | str) -> CardInput | None:
    if isinstance(ref, int) or str(ref).isdigit():
        return rendered.input(int(ref))
    return next((i for i in rendered.inputs if i.id == ref), None)


def _field_list(inputs: Iterable[CardInput]) -> str:
    return ", ".join(f"[{i.number}] {i.label}" for i in inputs)


def _personal_id(where: Where, who: Who) -> str:
    return Where.personal(where.tenant_id, who).conversation_id


def _adaptive_cards(activity: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    attachments = activity.get("attachments") or []
    return [
        a["content"]
        for a in attachments
        if isinstance(a, Mapping)
        and a.get("contentType") == ADAPTIVE_CARD
        and isinstance(a.get("content"), Mapping)
    ]


def _other_attachments(activity: Mapping[str, Any]) -> list[str]:
    attachments = activity.get("attachments") or []
    return [
        str(a.get("contentType", "?"))
        for a in attachments
        if isinstance(a, Mapping) and a.get("contentType") != ADAPTIVE_CARD
    ]


def _suggested_titles(activity: Mapping[str, Any]) -> list[str]:
    suggested = activity.get("suggestedActions")
    actions = suggested.get("actions") if isinstance(suggested, Mapping) else None
    return [
        str(a.get("title") or a.get("value") or "") for a in actions or [] if isinstance(a, Mapping)
    ]


async def _response_json(response: aiohttp.ClientResponse) -> Any:
    raw = await response.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------------------
# The shell: commands typed at the prompt

_BUTTON_OR_INPUT = re.compile(r"^/(\d+|[A-Za-z]{1,2})(?:@(\d+))?(?:\s+(.*))?$", re.DOTALL)
_HELP = frozenset({"hjaelp", "help", "?", "h"})
_SHOW = frozenset({"kort", "vis"})
_QUIT = frozenset({"slut", "quit", "exit", "farvel"})
_CANCEL = "/fortryd"

Ask = Callable[[str], Awaitable[str | None]]


class Shell:
    """Turns typed lines into messages and commands for a `ChatSession`."""

    def __init__(self, session: ChatSession, ask: Ask, *, echo: bool = False) -> None:
        self.session = session
        self.ask = ask
        self.echo = echo
        self.texts = session.texts

    @property
    def prompt(self) -> str:
        return f"{self.session.who.name.split()[0]} › "

    async def handle(self, line: str) -> bool:
        """Act on one line; False when the person wants to stop."""
        line = line.rstrip("\n")
        if not line.strip():
            return True
        if self.echo:
            self._echo(line)
        try:
            return await self._dispatch(line.strip())
        except ChatError as error:
            self.session.say(self.texts(error.key, **error.params))
            return True

    async def _dispatch(self, line: str) -> bool:
        if line.startswith("//"):
            await self.session.send_text(line[1:])
            return True
        if not line.startswith("/"):
            await self.session.send_text(line)
            return True
        word, _, rest = line[1:].partition(" ")
        command = fold(word)
        if command in _QUIT:
            return False
        if command in _HELP:
            self.session.say(self.texts("chat.hjaelp"))
        elif command in _SHOW:
            self.session.show_card(int(rest) if rest.strip().isdigit() else None)
        else:
            await self._card_command(line)
        return True

    async def _card_command(self, line: str) -> None:
        found = _BUTTON_OR_INPUT.match(line)
        if not found:
            raise ChatError("chat.ukendt_kommando", command=line.split()[0])
        ref, card_text, value = found.groups()
        card_number = int(card_text) if card_text else None
        if ref.isdigit():
            await self._fill(int(ref), value, card_number)
        else:
            await self._press(ref, card_number)

    async def _fill(self, number: int, value: str | None, card_number: int | None) -> None:
        """`/1 gul` sets input 1; `/1` alone asks for the value (several lines if multiline)."""
        session = self.session
        card = session.card(card_number)
        if value is None:
            card_input = _find_input(session.render(card), number)
            if card_input is None:
                raise ChatError("chat.ukendt_felt", field=number, card=card.number)
            await self._ask_input(card, card_input, must=False)
        else:
            session.fill(number, value, card.number)
        self._confirm(card, number)

    async def _press(self, letter: str, card_number: int | None) -> None:
        """`/A` presses button A; required inputs still empty are asked for first."""
        session = self.session
        card = session.card(card_number)
        rendered = session.render(card)
        button = rendered.button(letter)
        if button is None:
            raise ChatError("chat.ukendt_knap", letter=letter.upper(), card=card.number)
        if button.kind in SENDING_ACTIONS:
            empty = [i for i in inputs_for(rendered, button) if is_empty(i, card.values)]
            if empty:
                session.say(self.texts("chat.tomme_felter", fields=_field_list(empty)))
            for card_input in missing_required(rendered, button, card.values):
                if not await self._ask_input(card, card_input, must=True):
                    session.say(self.texts("chat.ikke_trykket", letter=button.letter))
                    return
        await session.press(button.letter, card_number=card.number)

    async def _ask_input(self, card: Card, card_input: CardInput, *, must: bool) -> bool:
        """Ask until the input has a valid value; False if the person gave up."""
        session = self.session
        session.emit(session.describe_input(card, card_input))
        while True:
            raw = await self._read_answer(card_input)
            if raw is None or fold(raw.strip()) == fold(_CANCEL):
                return False
            try:
                session.fill(card_input.number, raw, card.number)
            except ChatError as error:
                session.say(self.texts(error.key, **error.params))
                continue
            if not (must and is_empty(card_input, card.values)):
                return True
            session.say(self.texts("chat.felt.skal_udfyldes", field=card_input.label))

    async def _read_answer(self, card_input: CardInput) -> str | None:
        """One line, or for a multiline text several lines ended by an empty line."""
        prompt = f"[{card_input.number}] › "
        if not card_input.multiline:
            return await self._ask(prompt)
        self.session.say(self.texts("chat.flere_linjer"))
        lines: list[str] = []
        while True:
            line = await self._ask(prompt if not lines else "… ")
            if line is None:
                return None if not lines else "\n".join(lines)
            if not line.strip():
                return "\n".join(lines)
            lines.append(line)

    async def _ask(self, prompt: str) -> str | None:
        answer = await self.ask(prompt)
        if answer is not None and self.echo:
            self.session.say(f"{prompt}{answer}")
        return answer

    def _confirm(self, card: Card, input_number: int) -> None:
        """Say what the input holds now, in the words of the card."""
        session = self.session
        card_input = session.render(card).input(input_number)
        if card_input is None:
            return
        value = _shown_value(card_input, card.values)
        key = "chat.felt_sat" if value else "chat.felt_tomt"
        session.say(
            self.texts(
                key, card=card.number, number=card_input.number, label=card_input.label, value=value
            )
        )

    def _echo(self, line: str) -> None:
        session = self.session
        header = session.texts(
            "chat.hoved.person", time=session.clock_text(), name=session.who.name
        )
        session.emit(["", header, f"  {line}"])


def _shown_value(card_input: CardInput, values: Mapping[str, str]) -> str:
    """The value as the person knows it: choice titles rather than their values."""
    value = current_value(card_input, values)
    if card_input.kind != "Input.ChoiceSet" or not value:
        return value.replace("\n", " / ")
    titles = {c.value: c.title for c in card_input.choices}
    return ", ".join(titles.get(v, v) for v in value.split(","))


# ---------------------------------------------------------------------------
# Terminals: where lines come from and text goes to


class Terminal(Protocol):
    interactive: bool

    async def read(self, prompt: str) -> str | None: ...
    def show(self, text: str) -> None: ...


class PipeTerminal:
    """Lines from a script on stdin; no prompts. A daemon thread reads, so exit never hangs."""

    interactive = False

    def __init__(self, stream: Any = None, out: Any = None) -> None:
        self.stream = stream or sys.stdin
        self.out = out or sys.stdout
        self._queue: asyncio.Queue[str | None] | None = None
        self._ended = False

    async def read(self, prompt: str) -> str | None:
        """The next line, or None at the end of input (and every time after it)."""
        if self._ended:
            return None
        if self._queue is None:
            self._queue = asyncio.Queue()
            loop = asyncio.get_running_loop()
            threading.Thread(target=self._pump, args=(loop, self._queue), daemon=True).start()
        line = await self._queue.get()
        self._ended = line is None
        return line

    def _pump(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
        for line in self.stream:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    def show(self, text: str) -> None:
        # A reader that went away (`| head`) must not turn the bot's calls into errors.
        with contextlib.suppress(BrokenPipeError):
            self.out.write(text + "\n")
            self.out.flush()


class TtyTerminal:
    """A person at a terminal: readline editing, and bot posts printed above the prompt.

    `input()` runs in a daemon thread so the event loop stays free to receive the bot's
    posts; when one arrives while the person is typing, the half-typed line is cleared,
    the post is printed, and the prompt is drawn again with what was typed so far.
    """

    interactive = True

    def __init__(self) -> None:
        import readline  # enables line editing for input(); there is none on Windows

        self._readline = readline
        self._lock = threading.Lock()
        self._prompt = ""
        self._reading = False
        if hasattr(readline, "set_pre_input_hook"):
            readline.set_pre_input_hook(self._started_reading)

    def _started_reading(self) -> None:
        # Called by readline once the prompt is on screen.
        self._reading = True

    async def read(self, prompt: str) -> str | None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str | None] = loop.create_future()
        self._prompt = prompt

        def work() -> None:
            try:
                line: str | None = input(prompt)
            except EOFError:
                line = None
            with self._lock:
                self._reading = False
            loop.call_soon_threadsafe(_resolve, answer, line)

        threading.Thread(target=work, daemon=True).start()
        return await answer

    def show(self, text: str) -> None:
        with self._lock:
            if self._reading:
                typed = self._readline.get_line_buffer()
                sys.stdout.write(f"\r\x1b[2K{text}\n{self._prompt}{typed}")
            else:
                sys.stdout.write(text + "\n")
            sys.stdout.flush()


def _resolve(future: asyncio.Future[str | None], line: str | None) -> None:
    if not future.done():
        future.set_result(line)


async def run_shell(session: ChatSession, terminal: Terminal, wait_after: float = 0.0) -> None:
    """The prompt loop: read a line, act on it, let the bot's answer settle, repeat."""
    shell = Shell(session, terminal.read, echo=not terminal.interactive)
    while True:
        line = await terminal.read(shell.prompt)
        if line is None:
            break
        if not await shell.handle(line):  # a bot that stopped answering is said there
            break
        await session.settle()
    await session.settle()
    if wait_after > 0:
        seconds = _seconds(wait_after, session.texts.language)
        session.say(session.texts("chat.venter", seconds=seconds))
        await asyncio.sleep(wait_after)
        await session.settle()


def _seconds(value: float, language: str) -> str:
    """30 or 2,5 (Danish decimal comma)."""
    shown = f"{value:g}"
    return shown.replace(".", ",") if language == "da" else shown
