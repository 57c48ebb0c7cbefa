"""The chat itself: sends typed text and button presses to the bot (activities built by
`bot.devtools.chat.wire`), keeps the cards it has seen with the values filled in, and writes
everything that happens to an output sink as readable text. Tests drive it directly
with a list as the sink.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from http import HTTPStatus
from typing import Any

import aiohttp

from bot.devtools.chat.connector import BotUnavailable, ChatError, Connector, error_body
from bot.devtools.chat.render import (
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
    missing_required,
    parse_input,
    render_card,
    render_input,
    render_markdown,
)
from bot.devtools.chat.wire import TeamsWire, Where, Who
from kort.catalogue import Texts
from store.dates import LOCAL_TIME

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
Output = Callable[[str], None]


def messages_url(bot_url: str) -> str:
    """`http://host:3978` or `…/api/messages` → the full messages endpoint."""
    url = bot_url.rstrip("/")
    return url if url.endswith("/api/messages") else f"{url}/api/messages"


def bot_base(bot_url: str) -> str:
    """The bot's address as people write it, without `/api/messages`."""
    return messages_url(bot_url).removesuffix("/api/messages")


# ---------------------------------------------------------------------------
# The connector endpoint


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
        card_input = find_input(rendered, input_ref)
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
            raise ChatError("chat.mangler", fields=field_list(missing))
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
        msteams = msteams if isinstance(msteams, dict) else {}
        kind = msteams.get("type")
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
        if not isinstance(refresh, Mapping):
            return
        action = refresh.get("action")
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


def find_input(rendered: RenderedCard, ref: int | str) -> CardInput | None:
    if isinstance(ref, int) or str(ref).isdigit():
        return rendered.input(int(ref))
    return next((i for i in rendered.inputs if i.id == ref), None)


def field_list(inputs: Iterable[CardInput]) -> str:
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
