"""Where Pejling listens. Local mode has no authentication, so anyone
who reaches the port can speak as any person of the municipality: it listens on
127.0.0.1 unless told twice over (`--host` and `--uden-login`), and then warns. With an
app id, `HOST` (or `--host`) is the operator's choice, as before."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.listen import LOOPBACK, listen_host, warning
from bot.settings import Settings, SettingsError, from_environment
from harness import PEJLING, RunningPejling

APP_ID = "6a6b3d6e-1f0f-4f55-9d0b-3c1a7f2e9b10"
LOCAL = Settings(database_url="sqlite://")
WITH_APP_ID = Settings(database_url="sqlite://", app_id=APP_ID, app_password="hemmelig")


def test_local_mode_listens_on_this_machine_only() -> None:
    assert listen_host(LOCAL, None, without_login=False) == LOOPBACK
    assert warning(LOCAL, LOOPBACK) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_local_mode_may_listen_on_any_loopback_address(host: str) -> None:
    assert listen_host(LOCAL, host, without_login=False) == host
    assert warning(LOCAL, host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.2", "pejling.example"])
def test_local_mode_refuses_another_address_without_uden_login(host: str) -> None:
    with pytest.raises(SettingsError) as refused:
        listen_host(LOCAL, host, without_login=False)

    assert f"ikke på {host}" in str(refused.value)
    assert "--uden-login" in str(refused.value)


def test_host_from_the_environment_is_refused_in_local_mode_too() -> None:
    """A container's HOST=0.0.0.0 must not quietly open an unauthenticated bot."""
    settings = from_environment({"DATABASE_URL": "sqlite://", "HOST": "0.0.0.0"})

    with pytest.raises(SettingsError, match="--uden-login"):
        listen_host(settings, None, without_login=False)
    assert listen_host(settings, None, without_login=True) == "0.0.0.0"


def test_uden_login_listens_where_asked_and_warns() -> None:
    host = listen_host(LOCAL, "0.0.0.0", without_login=True)

    assert host == "0.0.0.0"
    said = warning(LOCAL, host)
    assert said is not None
    assert said.startswith("ADVARSEL: Pejling lytter på 0.0.0.0 uden login.")


def test_with_an_app_id_host_is_honoured_as_before() -> None:
    settings = from_environment(
        {
            "DATABASE_URL": "sqlite://",
            "MicrosoftAppId": APP_ID,
            "MicrosoftAppPassword": "hemmelig",
            "HOST": "192.0.2.2",
        }
    )

    assert listen_host(settings, None, without_login=False) == "192.0.2.2"
    assert listen_host(settings, "0.0.0.0", without_login=False) == "0.0.0.0"
    assert warning(settings, "0.0.0.0") is None


def test_with_an_app_id_and_no_host_every_interface_is_used_as_before() -> None:
    assert listen_host(WITH_APP_ID, None, without_login=False) is None
    assert warning(WITH_APP_ID, None) is None


async def test_head_on_the_messaging_endpoint_answers_200_without_a_body(
    pejling: RunningPejling,
) -> None:
    """The Agents Playground asks `HEAD /api/messages` before it connects; 405 made it
    look as if the bot were down."""
    async with pejling.http.head(f"{pejling.url}/api/messages") as response:
        assert response.status == 200
        assert await response.read() == b""
    assert pejling.fake.requests_to("*", "/v3/") == []


# Through the real command: what the operating system says the process listens on.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> set[str]:
    """The IPv4 addresses something listens on at `port`, as /proc/net/tcp lists them."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


@asynccontextmanager
async def _serving(tmp_path: Path, *options: str) -> AsyncIterator[tuple[int, bytearray]]:
    """`pejling serve` in local mode on a free port, once it listens; yields the port and
    its stderr, read to the end when the server has stopped."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "PEJLING_"))}
    env.pop("HOST", None)
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "PORT": str(port),
        "PEJLING_SCHEDULER": "0",
    }
    process = await asyncio.create_subprocess_exec(
        str(PEJLING), "serve", *options, env=env, stderr=asyncio.subprocess.PIPE
    )
    assert process.stderr is not None
    err = bytearray()
    reading = asyncio.create_task(_collect(process.stderr, err))
    try:
        async with asyncio.timeout(60):
            while not _listening(port):  # the OS's word, polled until the server is up
                assert process.returncode is None, f"pejling serve stopped: {err.decode()}"
                await asyncio.sleep(0.1)
        yield port, err
    finally:
        process.terminate()
        await process.wait()
        await reading


async def _collect(stream: asyncio.StreamReader, into: bytearray) -> None:
    while line := await stream.readline():
        into += line


async def test_serve_in_local_mode_listens_on_127_0_0_1(tmp_path: Path) -> None:
    async with _serving(tmp_path) as (port, _):
        assert _listening(port) == {"127.0.0.1"}


async def test_serve_with_uden_login_listens_everywhere_and_says_so(tmp_path: Path) -> None:
    async with _serving(tmp_path, "--host", "0.0.0.0", "--uden-login") as (port, err):
        assert _listening(port) == {"0.0.0.0"}
    # All of stderr has been read once the server has stopped.
    assert "ADVARSEL: Pejling lytter på 0.0.0.0 uden login." in err.decode()


async def test_serve_refuses_0_0_0_0_in_local_mode_and_says_how(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "PEJLING_"))}
    env |= {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", "PORT": "0"}
    process = await asyncio.create_subprocess_exec(
        str(PEJLING), "demo", "--host", "0.0.0.0", env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)

    assert process.returncode == 2
    assert "lytter Pejling kun på 127.0.0.1, ikke på 0.0.0.0" in err.decode()
    assert "tilføj --uden-login" in err.decode()
    assert not (tmp_path / "serve.db").exists()  # refused before anything was imported
