"""Slow and hostile clients at the HTTP edge: a body declared too large is refused before
it is read, a body that never finishes is given up on, and a client that goes away is
logged as one quiet line, not an ERROR with a traceback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit

import pytest

import bot.app
from harness import RunningPejling

Connect = Callable[[bytes], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


@pytest.fixture
async def connect(pejling: RunningPejling) -> AsyncIterator[Connect]:
    """Open raw connections to the app (closed after the test)."""
    address = urlsplit(pejling.url)
    writers: list[asyncio.StreamWriter] = []

    async def opened(request: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
        writers.append(writer)
        writer.write(request)
        await writer.drain()
        return reader, writer

    yield opened
    for writer in writers:
        writer.close()


def started(length: int, body: bytes = b'{"type": "mess') -> bytes:
    """A request declaring a body of `length` bytes, of which only `body` is sent."""
    return (
        "POST /api/messages HTTP/1.1\r\nHost: pejling\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode() + body


async def status_of(reader: asyncio.StreamReader) -> int:
    """The answer's status; a test fails (not hangs) when the app never answers."""
    try:
        async with asyncio.timeout(10):
            line = await reader.readline()
    except TimeoutError:
        raise AssertionError("no answer in 10 s") from None
    return int(line.split()[1])


async def test_a_declared_10_gb_body_is_refused_before_it_is_read(connect: Connect) -> None:
    reader, _ = await connect(started(10 * 1024**3))

    assert await status_of(reader) == 413


async def test_a_body_that_never_finishes_is_given_up_on(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.app, "BODY_SECONDS", 0.5)
    reader, _ = await connect(started(100))  # and then nothing more

    assert await status_of(reader) == 408


async def test_a_client_that_goes_away_mid_body_is_one_quiet_line(
    pejling: RunningPejling, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for _ in range(3):
        _, writer = await connect(started(1000))
        writer.close()
        await writer.wait_closed()
    status, _ = await pejling.post({"type": "message"})  # the app serves on
    for _ in range(50):  # the handlers notice the closed connections soon after
        if len([r for r in caplog.records if "went away" in r.getMessage()]) == 3:
            break
        await asyncio.sleep(0.05)

    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert errors == [], [r.getMessage() for r in errors]
    gone = [r for r in caplog.records if "went away" in r.getMessage()]
    assert len(gone) == 3 and all(r.exc_info is None for r in gone)
    assert status in (200, 201, 400)
