"""Where `pejling serve` and `pejling demo` listen.

In local mode (no app id) nothing is authenticated: anyone who reaches the port can speak
as any person of the municipality. So local mode listens on 127.0.0.1 unless told
otherwise twice over: an address (`--host` or `HOST`) and `--uden-login`, and then it
says so on every start. With an app id every request carries a token that is checked, and
the address is the operator's choice, as it always was: `--host`, `HOST`, or every
interface.
"""

from __future__ import annotations

import argparse
import ipaddress

from bot.settings import Settings, SettingsError
from kort.catalogue import texts

LOOPBACK = "127.0.0.1"
t = texts()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", metavar="ADRESSE", help=t("vaert.hjaelp_host"))
    parser.add_argument("--uden-login", "--without-login", dest="without_login",
                        action="store_true", help=t("vaert.hjaelp_uden_login"))  # fmt: skip


def listen_host(settings: Settings, requested: str | None, without_login: bool) -> str | None:
    """The address to listen on (None: every interface, aiohttp's default). `requested`
    is `--host`, else the HOST setting. Raises SettingsError when local mode is asked to
    listen beyond this machine without `--uden-login`."""
    wanted = requested or settings.host
    if not settings.local_mode:
        return wanted
    if wanted is None:
        return LOOPBACK
    if is_loopback(wanted):
        return wanted
    if not without_login:
        raise SettingsError(t("vaert.kun_lokalt", host=wanted))
    return wanted


def warning(settings: Settings, host: str | None) -> str | None:
    """What to say at start when no one is asked who they are and the port is reachable
    from other machines; None when there is nothing to warn about."""
    if not settings.local_mode or (host is not None and is_loopback(host)):
        return None
    return t("vaert.advarsel", host=host or "0.0.0.0")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False
