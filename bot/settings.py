"""Settings from the environment, read once at start and frozen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.ratelimit import DEFAULT_TENANT_RPS
from bot.turnlimit import DEFAULT_PER_MINUTE
from store.db import database_url

N = TypeVar("N", int, float)  # a number setting

DEFAULT_PORT = 3978
# Where a bot gets tokens for calling the Bot Connector (Azure Bot Service): the Entra ID
# host, then the tenant ("botframework.com" for a multi-tenant bot).
LOGIN_URL = "https://login.microsoftonline.com"
MULTI_TENANT_AUTHORITY = "botframework.com"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
# Azure's own metadata service, where a VM or AKS pod asks for its managed identity's token.
IMDS_HOST = "http://169.254.169.254"
# MicrosoftAppType, as Azure Bot names them; botbuilder reads them in any case.
MULTI_TENANT = "MultiTenant"
SINGLE_TENANT = "SingleTenant"
USER_ASSIGNED_MSI = "UserAssignedMSI"
APP_TYPES = {name.lower(): name for name in (MULTI_TENANT, SINGLE_TENANT, USER_ASSIGNED_MSI)}


class SettingsError(ValueError):
    """A configuration Pejling cannot run with; raised at start, before serving anything."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    port: int = DEFAULT_PORT
    # `HOST`: where to listen; None is every interface, or 127.0.0.1 in local mode
    # (bot/listen.py).
    host: str | None = None
    app_id: str = ""
    app_password: str = ""
    app_type: str = MULTI_TENANT
    app_tenant_id: str = ""
    # For tests and sovereign clouds: where channel tokens are checked, and bot tokens fetched
    # (`token_url` whole, or `login_url` as the host before the tenant).
    openid_metadata_url: str | None = None
    token_url: str | None = None
    login_url: str = LOGIN_URL
    # A managed identity's token service, as App Service and Container Apps announce it in
    # IDENTITY_ENDPOINT and IDENTITY_HEADER; without them, the metadata service at `imds_host`.
    identity_endpoint: str | None = None
    identity_header: str | None = None
    imds_host: str = IMDS_HOST
    scheduler: bool = True
    # Calls per second to Teams for each tenant (TEAMS-FACTS §1: design for ≤ 30); 0 turns
    # the tenant's cap off, leaving only the per-conversation limits.
    tenant_rps: float = DEFAULT_TENANT_RPS
    # `PEJLING_TENANTS`: when set, the only Teams tenants served, even if the store holds
    # others; None serves every municipality in the store.
    tenants: frozenset[str] | None = None
    # `PEJLING_TURNS_PER_MINUTE`: turns one person may take a minute (bot/turnlimit.py);
    # 0 turns the limit off.
    turns_per_minute: int = DEFAULT_PER_MINUTE
    # Off only where turns come faster than anyone types and the other end is not Teams:
    # the test suites, and `PEJLING_TEAMS_RATE_LIMITS=0` for the turn benchmark against its
    # stand-in connector. Against Teams a burst would then meet 429s.
    rate_limits: bool = True
    # `PEJLING_PUBLIC_URL`: where people's browsers reach Pejling, for the signed document
    # links (`GET /dokument/{token}`); by default this machine on `port`.
    public_url: str = ""

    def __post_init__(self) -> None:
        if self.app_type not in APP_TYPES.values():
            raise SettingsError(_unknown_type(self.app_type))
        if not self.local_mode:
            for missing in self._missing():
                raise SettingsError(f"MicrosoftAppType={self.app_type} needs {missing}")

    def _missing(self) -> list[str]:
        """What botbuilder requires for the app type, and Pejling to fetch its own tokens:
        a password unless a managed identity signs in, a tenant unless multi-tenant."""
        needed = {
            "MicrosoftAppPassword": self.app_type != USER_ASSIGNED_MSI,
            "MicrosoftAppTenantId": self.app_type != MULTI_TENANT,
        }
        values = {
            "MicrosoftAppPassword": self.app_password,
            "MicrosoftAppTenantId": self.app_tenant_id,
        }
        return [name for name, required in needed.items() if required and not values[name]]

    @property
    def local_mode(self) -> bool:
        """No app id: no authentication at all. For `pejling chat` and the emulator only."""
        return not self.app_id

    @property
    def bot_id(self) -> str:
        return f"28:{self.app_id or 'pejling'}"

    @property
    def home_tenant(self) -> str | None:
        """The one tenant a single-tenant bot or a managed identity serves; None: any
        (a multi-tenant bot, or local mode, where nothing is checked)."""
        if self.local_mode or self.app_type == MULTI_TENANT:
            return None
        return self.app_tenant_id

    def token_endpoint(self) -> str:
        """Where the bot's client-credential tokens come from (botbuilder's authority)."""
        if self.token_url:
            return self.token_url
        tenant = self.home_tenant or MULTI_TENANT_AUTHORITY
        return f"{self.login_url.rstrip('/')}/{tenant}/oauth2/v2.0/token"


def from_environment(env: Mapping[str, str] | None = None) -> Settings:
    source = os.environ if env is None else env
    return Settings(
        database_url=database_url(source.get("DATABASE_URL")),
        port=int(source.get("PORT") or DEFAULT_PORT),
        host=source.get("HOST", "").strip() or None,
        app_id=source.get("MicrosoftAppId", "").strip(),
        app_password=source.get("MicrosoftAppPassword", ""),
        app_type=_app_type(source.get("MicrosoftAppType", "")),
        app_tenant_id=source.get("MicrosoftAppTenantId", "").strip(),
        openid_metadata_url=source.get("PEJLING_OPENID_METADATA_URL") or None,
        token_url=source.get("PEJLING_TOKEN_URL") or None,
        login_url=source.get("PEJLING_LOGIN_URL") or LOGIN_URL,
        identity_endpoint=source.get("IDENTITY_ENDPOINT") or None,
        identity_header=source.get("IDENTITY_HEADER") or None,
        imds_host=source.get("AZURE_POD_IDENTITY_AUTHORITY_HOST") or IMDS_HOST,
        scheduler=source.get("PEJLING_SCHEDULER", "1") != "0",
        tenant_rps=_at_least_zero(source, "PEJLING_TENANT_RPS", DEFAULT_TENANT_RPS, float),
        turns_per_minute=_at_least_zero(
            source, "PEJLING_TURNS_PER_MINUTE", DEFAULT_PER_MINUTE, int
        ),
        tenants=_tenants(source.get("PEJLING_TENANTS")),
        rate_limits=source.get("PEJLING_TEAMS_RATE_LIMITS", "1") != "0",
        public_url=source.get("PEJLING_PUBLIC_URL")
        or f"http://127.0.0.1:{int(source.get('PORT') or DEFAULT_PORT)}",
    )


def _app_type(value: str) -> str:
    """MicrosoftAppType in Azure's spelling; botbuilder accepts any case, and so do we."""
    if not value.strip():
        return MULTI_TENANT
    known = APP_TYPES.get(value.strip().lower())
    if known is None:
        raise SettingsError(_unknown_type(value))
    return known


def _unknown_type(value: str) -> str:
    # botbuilder would quietly treat an unknown type as MultiTenant; a typo in
    # "SingleTenant" must not widen who may talk to the bot.
    return f"MicrosoftAppType {value!r} is not one of {', '.join(APP_TYPES.values())}"


def _at_least_zero(source: Mapping[str, str], name: str, default: N, kind: type[N]) -> N:
    """The number setting `name`, 0 or more (`kind` int or float); unset or empty is
    `default`."""
    value = source.get(name)
    if value is None or not value.strip():
        return default
    number = kind(value)
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, not {value!r}")
    return number


def _tenants(value: str | None) -> frozenset[str] | None:
    """`PEJLING_TENANTS`: comma-separated tenant ids; unset or empty allows every tenant."""
    found = frozenset(part.strip() for part in (value or "").split(",") if part.strip())
    return found or None
