"""The prompt: lines typed by a person (or a script) become chat session calls
(`/1 gul`, `/A`, `/kort` …). `PipeTerminal` reads a script, `TtyTerminal` a person.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import select
import sys
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol

from bot.devtools.chat.connector import ChatError
from bot.devtools.chat.render import (
    SENDING_ACTIONS,
    CardInput,
    current_value,
    inputs_for,
    is_empty,
    missing_required,
)
from bot.devtools.chat.session import Card, ChatSession, field_list, find_input
from store.text import fold

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
            card_input = find_input(session.render(card), number)
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
                session.say(self.texts("chat.tomme_felter", fields=field_list(empty)))
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
                line: str | None = read_pasted(input, prompt, _more_waiting)
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


PASTE_GAP = 0.05  # seconds: lines closer than this came in one paste, not typed one by one


def _more_waiting() -> bool:
    """More typed input is already there: the rest of a paste."""
    try:
        return bool(select.select([sys.stdin], [], [], PASTE_GAP)[0])
    except (OSError, ValueError):  # no real terminal (Windows, a closed stdin)
        return False


def read_pasted(read: Callable[[str], str], prompt: str, more: Callable[[], bool]) -> str:
    """One answer, even when it was pasted as several lines: the lines that arrive at once
    with the first are its continuation, not separate messages. A typed line is itself."""
    lines = [read(prompt)]
    while more():
        try:
            lines.append(read(""))
        except EOFError:
            break
    return "\n".join(lines)


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
