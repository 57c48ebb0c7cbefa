"""Settings from the environment, read once at start and frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.ratelimit import DEFAULT_TENANT_RPS
from store.db import database_url

DEFAULT_PORT = 3978
# Where a bot gets tokens for calling the Bot Connector (Azure Bot Service).
BOTFRAMEWORK_AUTHORITY = "https://login.microsoftonline.com/botframework.com"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"


@dataclass(frozen=True)
class Settings:
    database_url: str
    port: int = DEFAULT_PORT
    app_id: str = ""
    app_password: str = ""
    app_type: str = "MultiTenant"
    app_tenant_id: str = ""
    # For tests and sovereign clouds: where channel tokens are checked, and bot tokens fetched.
    openid_metadata_url: str | None = None
    token_url: str | None = None
    scheduler: bool = True
    # Calls per second to Teams for each tenant (TEAMS-FACTS §1: design for ≤ 30); 0 turns
    # the tenant's cap off, leaving only the per-conversation limits.
    tenant_rps: float = DEFAULT_TENANT_RPS
    # Off only in tests that drive turns faster than anyone types: Teams' limits are then
    # not kept at all, and a burst of calls meets 429s instead. Not read from the environment.
    rate_limits: bool = True

    @property
    def local_mode(self) -> bool:
        """No app id: no authentication at all. For `pejling chat` and the emulator only."""
        return not self.app_id

    @property
    def bot_id(self) -> str:
        return f"28:{self.app_id or 'pejling'}"

    def token_endpoint(self) -> str:
        if self.token_url:
            return self.token_url
        if self.app_type.lower() == "singletenant":
            return f"https://login.microsoftonline.com/{self.app_tenant_id}/oauth2/v2.0/token"
        return f"{BOTFRAMEWORK_AUTHORITY}/oauth2/v2.0/token"


def from_environment(env: Mapping[str, str] | None = None) -> Settings:
    source = os.environ if env is None else env
    return Settings(
        database_url=database_url(source.get("DATABASE_URL")),
        port=int(source.get("PORT") or DEFAULT_PORT),
        app_id=source.get("MicrosoftAppId", "").strip(),
        app_password=source.get("MicrosoftAppPassword", ""),
        app_type=source.get("MicrosoftAppType", "").strip() or "MultiTenant",
        app_tenant_id=source.get("MicrosoftAppTenantId", "").strip(),
        openid_metadata_url=source.get("PEJLING_OPENID_METADATA_URL") or None,
        token_url=source.get("PEJLING_TOKEN_URL") or None,
        scheduler=source.get("PEJLING_SCHEDULER", "1") != "0",
        tenant_rps=_rate(source.get("PEJLING_TENANT_RPS")),
    )


def _rate(value: str | None) -> float:
    """`PEJLING_TENANT_RPS`: a number ≥ 0; unset or empty is the default."""
    if value is None or not value.strip():
        return DEFAULT_TENANT_RPS
    rate = float(value)
    if rate < 0:
        raise ValueError(f"PEJLING_TENANT_RPS must be 0 or more, not {value!r}")
    return rate
