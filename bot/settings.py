"""Settings from the environment, read once at start and frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

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
    )
