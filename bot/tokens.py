"""The bot's own bearer tokens for calling the Bot Connector, by MicrosoftAppType.

botbuilder 4.17 (`ConfigurationServiceClientCredentialFactory`) signs in three ways, and
so does Pejling, over its one pooled aiohttp client instead of MSAL and `requests`:

- MultiTenant: client credentials (app id and password) at the `botframework.com` authority;
- SingleTenant: the same at the authority of MicrosoftAppTenantId;
- UserAssignedMSI: no password; the managed identity whose client id is MicrosoftAppId asks
  the platform's token service for the connector, as MSAL's `ManagedIdentityClient` does —
  App Service, Functions and Container Apps through IDENTITY_ENDPOINT and IDENTITY_HEADER,
  VMs and AKS through the instance metadata service (IMDS). MSAL also knows Service
  Fabric, Azure Arc and Azure ML; Pejling does not run there with a managed identity.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bot.connector import ConnectorError
from bot.settings import CONNECTOR_SCOPE, USER_ASSIGNED_MSI, Settings

# A managed identity names the resource, not an OAuth2 scope (MSAL: `resource=oauth_scope`).
CONNECTOR_RESOURCE = CONNECTOR_SCOPE.removesuffix("/.default")
# Renew this long before a token expires, as botbuilder and MSAL do.
MARGIN_SECONDS = 300
APP_SERVICE_API = "2019-08-01"
IMDS_API = "2018-02-01"

Fetch = Callable[[], Awaitable[tuple[str, float]]]


class TokenSource:
    """A token fetched once and reused until five minutes before it expires."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch  # a fresh token and the seconds it lives
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        async with self._lock:  # one fetch, however many turns want a token at once
            if not self._token or time.monotonic() >= self._expires:
                self._token, lifetime = await self._fetch()
                self._expires = time.monotonic() + lifetime - MARGIN_SECONDS
        return self._token


def token_source(settings: Settings, http: aiohttp.ClientSession) -> TokenSource | None:
    """How this configuration signs in; None in local mode, where nothing asks for a token."""
    if settings.local_mode:
        return None
    if settings.app_type == USER_ASSIGNED_MSI:
        return TokenSource(lambda: _managed_identity(http, settings))
    return TokenSource(lambda: _client_credentials(http, settings))


async def _client_credentials(http: aiohttp.ClientSession, settings: Settings) -> tuple[str, float]:
    form = {
        "grant_type": "client_credentials",
        "client_id": settings.app_id,
        "client_secret": settings.app_password,
        "scope": CONNECTOR_SCOPE,
    }
    async with http.post(settings.token_endpoint(), data=form) as response:
        body = await _token_body(response)
    return body["access_token"], float(body.get("expires_in", 3600))


async def _managed_identity(http: aiohttp.ClientSession, settings: Settings) -> tuple[str, float]:
    """The user-assigned identity's token; MicrosoftAppId is its client id."""
    query = {"resource": CONNECTOR_RESOURCE, "client_id": settings.app_id}
    if settings.identity_endpoint and settings.identity_header:
        url = settings.identity_endpoint
        query["api-version"] = APP_SERVICE_API
        headers = {"X-IDENTITY-HEADER": settings.identity_header}
    else:
        url = settings.imds_host.rstrip("/") + "/metadata/identity/oauth2/token"
        query["api-version"] = IMDS_API
        headers = {"Metadata": "true"}  # IMDS refuses requests without it (anti-SSRF)
    async with http.get(url, params=query, headers=headers) as response:
        body = await _token_body(response)
    return body["access_token"], _lifetime(body)


def _lifetime(body: dict[str, Any]) -> float:
    """Seconds a managed identity's token lives: IMDS says `expires_in`, App Service only
    `expires_on` (epoch seconds); both as strings."""
    if body.get("expires_in"):
        return float(body["expires_in"])
    return float(body.get("expires_on", time.time() + 3600)) - time.time()


async def _token_body(response: aiohttp.ClientResponse) -> dict[str, Any]:
    if response.status != 200:
        raise ConnectorError(response.status, await response.text())
    body = await response.json(content_type=None)
    if not isinstance(body, dict) or not body.get("access_token"):
        raise ConnectorError(response.status, "the token service answered without a token")
    return body
