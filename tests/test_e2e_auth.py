"""Authentication, end to end: Pejling with an app id checks every request's channel token
against the fake's OpenID keys, and calls the connector with a token of its own — from the
fake's token endpoint, or its managed-identity service — as Azure Bot Service requires
(TEAMS-FACTS §4). A refused request is answered 401 (bad token) or 403 (another tenant),
and leaves the database and the connector untouched."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botframework.connector.auth import JwtTokenExtractor

from bot.devtools.chat.wire import Where, Who
from bot.settings import Settings, SettingsError, from_environment
from fakebf import FakeBotFramework, SigningKey
from harness import PEJLING, RunningPejling, button_data, running_pejling, table_counts
from store.orgfile import OrgFile

APP_ID = "00000000-0000-4000-8000-00000000b07a"
SECRET = "not-a-real-secret"
STRANGER = Who("29:stranger", "Ukendt Person", "00000000-0000-4000-8000-0000000000aa")
OTHER_TENANT = "99999999-9999-4999-8999-999999999999"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"


@pytest.fixture
async def teams() -> AsyncIterator[FakeBotFramework]:
    """A fake that, like Teams, takes connector calls only with a token it issued the bot."""
    async with FakeBotFramework(require_auth=True, app_passwords={APP_ID: SECRET}) as fake:
        # botbuilder caches OpenID metadata per URL for the process; a reused port must not
        # be served from an earlier test's cache.
        JwtTokenExtractor.metadataCache.pop(fake.openid_metadata_url, None)
        yield fake
    fake.assert_no_unknown_requests()


@asynccontextmanager
async def pejling_as(
    teams: FakeBotFramework, tmp_path: Path, org: OrgFile, **app_type: Any
) -> AsyncIterator[RunningPejling]:
    """Pejling with an app id, checking tokens against the fake's keys and signing in at the
    fake's Entra ID (`login_url`: the tenant's token endpoint follows from the app type)."""
    settings = {
        "app_id": APP_ID,
        "app_password": SECRET,
        "openid_metadata_url": teams.openid_metadata_url,
        "login_url": teams.url,
        **app_type,
    }
    async with running_pejling(teams, tmp_path, org, **settings) as running:
        yield running


@pytest.fixture
async def secured(
    teams: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    """Pejling as a multi-tenant bot (the botbuilder default)."""
    async with pejling_as(teams, tmp_path, demo_org) as running:
        yield running


def single_tenant(org: OrgFile) -> dict[str, Any]:
    return {"app_type": "SingleTenant", "app_tenant_id": org.municipality.tenant_id}


def managed_identity(org: OrgFile, teams: FakeBotFramework, where: str) -> dict[str, Any]:
    """A user-assigned managed identity on App Service (IDENTITY_ENDPOINT and
    IDENTITY_HEADER) or on a VM (the metadata service); no password."""
    found = (
        {"identity_endpoint": teams.identity_endpoint, "identity_header": teams.identity_header}
        if where == "app service"
        else {"imds_host": teams.url}
    )
    tenant = org.municipality.tenant_id
    return {"app_type": "UserAssignedMSI", "app_tenant_id": tenant, "app_password": "", **found}


def bearer(fake: FakeBotFramework, **knobs: Any) -> dict[str, str]:
    """The Authorization header of a channel token; `knobs` make it bad (see fakebf)."""
    return {"Authorization": f"Bearer {fake.sign_channel_token(APP_ID, **knobs)}"}


async def say(
    pejling: RunningPejling, text: str, headers: dict[str, str], where: Where | None = None
) -> int:
    """mette types `text` in her personal chat (or `where`), with these headers; the status."""
    place = where or pejling.personal("mette")
    message = pejling.wire.message(pejling.who("mette"), place, text)
    status, _ = await pejling.post(message, headers=headers)
    return status


def nothing_went_out(fake: FakeBotFramework) -> bool:
    """No call to the connector, and no token fetched to make one."""
    return fake.requests_to("*", "/v3/") == [] and fake.token_grants == []


# ---------------------------------------------------------------------------
# A good token


async def test_a_signed_request_is_answered_with_the_bots_own_token(
    secured: RunningPejling,
) -> None:
    fake = secured.fake

    assert await say(secured, "hej", bearer(fake)) == 201

    assert [r.route for r in fake.requests[:2]] == ["openid_metadata", "jwks"]
    [grant] = fake.token_grants
    assert (grant.tenant, grant.client_id, grant.scope) == (
        "botframework.com",
        APP_ID,
        CONNECTOR_SCOPE,
    )
    [reply] = fake.requests_to("POST", "/v3/conversations/")
    assert reply.status == 201
    assert reply.headers["Authorization"] == f"Bearer {grant.access_token}"
    assert fake.sent_to(secured.personal("mette").conversation_id)[0]["text"].startswith("Hej")


async def test_the_bots_token_is_fetched_once_and_reused(secured: RunningPejling) -> None:
    for text in ("hej", "status", "annullér"):
        assert await say(secured, text, bearer(secured.fake)) == 201

    assert len(secured.fake.token_grants) == 1
    replies = secured.fake.requests_to("*", "/v3/conversations/")
    assert len(replies) >= 3
    assert {r.headers["Authorization"] for r in replies} == {
        f"Bearer {secured.fake.token_grants[0].access_token}"
    }


async def test_a_card_action_with_a_valid_token_gets_its_invoke_response(
    secured: RunningPejling,
) -> None:
    await say(secured, "status", bearer(secured.fake))
    goal_list = secured.fake.messages_in(secured.personal("mette").conversation_id)[-1]
    data = button_data(goal_list.cards[0], "Meld status")
    invoke = secured.wire.execute(
        secured.who("mette"), secured.personal("mette"), data, goal_list.id
    )

    status, body = await secured.post(invoke, headers=bearer(secured.fake))

    assert status == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"


def minutes_from_now(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "knobs",
    [
        pytest.param(lambda: {"expires_in": -240}, id="expired four minutes ago"),
        pytest.param(lambda: {"not_before": minutes_from_now(4)}, id="valid in four minutes"),
    ],
)
async def test_a_token_within_five_minutes_of_clock_skew_is_accepted(
    secured: RunningPejling, knobs: Callable[[], dict[str, Any]]
) -> None:
    """Clocks differ; botbuilder allows five minutes either way, and so does Pejling."""
    assert await say(secured, "hej", bearer(secured.fake, **knobs())) == 201


# ---------------------------------------------------------------------------
# A missing or bad token: 401, and nothing happens


def published(fake: FakeBotFramework, *endorsements: str) -> SigningKey:
    """A key the fake serves in its JWKS, endorsed only for `endorsements`."""
    key = SigningKey.generate(endorsements=endorsements)
    fake.publish(key)
    return key


def stripped(token: str) -> str:
    """The token with its signature cut off, header and claims intact."""
    return token.rsplit(".", 1)[0] + "."


Forgery = Callable[[FakeBotFramework], str]
REFUSED: dict[str, Forgery] = {
    "expired": lambda fake: fake.sign_channel_token(APP_ID, expires_in=-600),
    "not yet valid": lambda fake: fake.sign_channel_token(APP_ID, not_before=minutes_from_now(10)),
    "for another bot": lambda fake: fake.sign_channel_token(APP_ID, audience="another-bot"),
    "wrong issuer": lambda fake: fake.sign_channel_token(APP_ID, issuer="https://evil.example"),
    "emulator issuer": lambda fake: fake.sign_channel_token(
        APP_ID,
        issuer="https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/",
        extra={"ver": "1.0", "appid": APP_ID},
    ),
    "for another service url": lambda fake: fake.sign_channel_token(
        APP_ID, "https://elsewhere.example/"
    ),
    "key not in the keys": lambda fake: fake.sign_channel_token(APP_ID, key=SigningKey.generate()),
    "forged with the real key id": lambda fake: fake.sign_channel_token(
        APP_ID, key=SigningKey.generate(kid=fake.signing_key.kid)
    ),
    "key not endorsed for Teams": lambda fake: fake.sign_channel_token(
        APP_ID, key=published(fake, "webchat", "directline")
    ),
    "unsigned (alg none)": lambda fake: fake.sign_channel_token(APP_ID, unsigned=True),
    "signature stripped": lambda fake: stripped(fake.sign_channel_token(APP_ID)),
}


@pytest.mark.parametrize("forge", REFUSED.values(), ids=REFUSED.keys())
async def test_a_bad_token_gets_401_and_changes_nothing(
    secured: RunningPejling, forge: Forgery
) -> None:
    """botbuilder raises several of these as other errors (a 500); Pejling answers 401."""
    before = await table_counts(secured)

    status = await say(secured, "status", {"Authorization": f"Bearer {forge(secured.fake)}"})

    assert status == 401
    assert await table_counts(secured) == before
    assert nothing_went_out(secured.fake)


async def test_a_request_without_a_token_gets_401_and_changes_nothing(
    secured: RunningPejling,
) -> None:
    before = await table_counts(secured)

    assert await say(secured, "status", {}) == 401

    assert await table_counts(secured) == before
    assert nothing_went_out(secured.fake)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer not.a.jwt", "Basic bWV0dGU6c2VjcmV0", "bearer", "Bearer a b"],
)
async def test_a_malformed_authorization_header_gets_401(
    secured: RunningPejling, header: str
) -> None:
    assert await say(secured, "status", {"Authorization": header}) == 401

    assert nothing_went_out(secured.fake)


@pytest.mark.parametrize("channel", ["webchat", ""])
async def test_an_activity_cannot_claim_another_channel_to_pass_a_key_not_endorsed_for_teams(
    secured: RunningPejling, channel: str
) -> None:
    """botbuilder checks the key against the activity's own channelId, and an empty one
    against nothing; Pejling requires the key to vouch for Teams whatever the activity says."""
    key = published(secured.fake, "webchat")
    message = secured.wire.message(secured.who("mette"), secured.personal("mette"), "status")
    message["channelId"] = channel
    before = await table_counts(secured)

    status, _ = await secured.post(message, headers=bearer(secured.fake, key=key))

    assert status == 401
    assert await table_counts(secured) == before
    assert nothing_went_out(secured.fake)


# ---------------------------------------------------------------------------
# Tenants


async def test_an_unknown_tenant_with_a_good_token_is_told_so_and_nothing_is_stored(
    secured: RunningPejling,
) -> None:
    """A multi-tenant bot takes tokens for any tenant; the store decides who is served."""
    place = Where.personal(OTHER_TENANT, STRANGER)
    before = await table_counts(secured)

    status, _ = await secured.post(
        secured.wire.message(STRANGER, place, "status"), headers=bearer(secured.fake)
    )

    assert status == 201
    [answer] = secured.fake.messages_in(place.conversation_id)
    assert "ikke sat op" in answer.text
    await asyncio.sleep(0)  # let anything the turn left for later run before counting
    assert await table_counts(secured) == before


async def test_a_token_naming_another_tenant_than_the_activity_gets_403(
    secured: RunningPejling,
) -> None:
    before = await table_counts(secured)

    status = await say(secured, "status", bearer(secured.fake, extra={"tid": OTHER_TENANT}))

    assert status == 403
    assert await table_counts(secured) == before
    assert nothing_went_out(secured.fake)


# ---------------------------------------------------------------------------
# MicrosoftAppType: SingleTenant and UserAssignedMSI


async def test_a_single_tenant_bot_signs_in_at_its_own_tenant(
    teams: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> None:
    async with pejling_as(teams, tmp_path, demo_org, **single_tenant(demo_org)) as pejling:
        assert await say(pejling, "hej", bearer(teams)) == 201

    [grant] = teams.token_grants
    assert (grant.tenant, grant.client_id, grant.scope) == (
        demo_org.municipality.tenant_id,
        APP_ID,
        CONNECTOR_SCOPE,
    )
    [reply] = teams.requests_to("POST", "/v3/conversations/")
    assert reply.headers["Authorization"] == f"Bearer {grant.access_token}"


@pytest.mark.parametrize("where", ["app service", "vm"])
async def test_a_managed_identity_bot_gets_its_token_without_a_password(
    teams: FakeBotFramework, tmp_path: Path, demo_org: OrgFile, where: str
) -> None:
    config = managed_identity(demo_org, teams, where)
    async with pejling_as(teams, tmp_path, demo_org, **config) as pejling:
        for text in ("hej", "status"):
            assert await say(pejling, text, bearer(teams)) == 201

    [grant] = teams.token_grants  # fetched once, kept until near its expiry
    assert (grant.tenant, grant.client_id, grant.scope) == (
        "managed-identity",
        APP_ID,
        "https://api.botframework.com",  # a managed identity names the resource
    )
    assert teams.requests_to("POST", "/v3/conversations/")
    assert {r.headers["Authorization"] for r in teams.requests_to("*", "/v3/")} == {
        f"Bearer {grant.access_token}"
    }


APP_TYPES = ["MultiTenant", "SingleTenant", "UserAssignedMSI"]


def configured(app_type: str, org: OrgFile, teams: FakeBotFramework) -> dict[str, Any]:
    if app_type == "SingleTenant":
        return single_tenant(org)
    if app_type == "UserAssignedMSI":
        return managed_identity(org, teams, "app service")
    return {}


@pytest.mark.parametrize("app_type", APP_TYPES)
@pytest.mark.parametrize("forge", ["no token", "key not in the keys", "expired"])
async def test_every_app_type_refuses_a_missing_or_forged_token(
    teams: FakeBotFramework, tmp_path: Path, demo_org: OrgFile, app_type: str, forge: str
) -> None:
    config = configured(app_type, demo_org, teams)
    async with pejling_as(teams, tmp_path, demo_org, **config) as pejling:
        before = await table_counts(pejling)
        headers = (
            {} if forge == "no token" else {"Authorization": f"Bearer {REFUSED[forge](teams)}"}
        )

        assert await say(pejling, "status", headers) == 401

        assert await table_counts(pejling) == before
    assert nothing_went_out(teams)


@pytest.mark.parametrize("app_type", ["SingleTenant", "UserAssignedMSI"])
async def test_a_bot_of_one_tenant_refuses_another_tenants_activity_with_403(
    teams: FakeBotFramework, tmp_path: Path, demo_org: OrgFile, app_type: str
) -> None:
    """The token is good, but the bot serves its own tenant only: 403, nothing stored or
    sent — not even the "not set up here" answer a multi-tenant bot gives."""
    config = configured(app_type, demo_org, teams)
    place = Where.personal(OTHER_TENANT, STRANGER)
    async with pejling_as(teams, tmp_path, demo_org, **config) as pejling:
        before = await table_counts(pejling)

        status, _ = await pejling.post(
            pejling.wire.message(STRANGER, place, "status"), headers=bearer(teams)
        )

        assert status == 403
        assert await table_counts(pejling) == before
    assert nothing_went_out(teams)


# ---------------------------------------------------------------------------
# Configuration refused at start


BASE = {"DATABASE_URL": "sqlite+aiosqlite:///unused.db", "MicrosoftAppId": APP_ID}


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"MicrosoftAppType": "SingelTenant"}, "is not one of"),
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppPassword": SECRET}, "TenantId"),
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppTenantId": "t"}, "Password"),
        ({"MicrosoftAppType": "UserAssignedMSI"}, "MicrosoftAppTenantId"),
        ({"MicrosoftAppType": "MultiTenant"}, "MicrosoftAppPassword"),
    ],
)
def test_an_incomplete_or_unknown_app_type_is_refused_when_read(
    env: dict[str, str], complaint: str
) -> None:
    with pytest.raises(SettingsError, match=complaint):
        from_environment({**BASE, **env})


def test_app_types_are_read_in_any_case_and_a_managed_identity_needs_no_password() -> None:
    settings = from_environment(
        {**BASE, "MicrosoftAppType": "userassignedmsi", "MicrosoftAppTenantId": "t"}
    )

    assert settings.app_type == "UserAssignedMSI"
    assert settings.home_tenant == "t"


def test_settings_made_in_code_are_checked_too() -> None:
    with pytest.raises(SettingsError, match="SingleTenant needs MicrosoftAppTenantId"):
        Settings(
            database_url="sqlite://", app_id=APP_ID, app_password=SECRET, app_type="SingleTenant"
        )


def test_local_mode_ignores_the_app_type() -> None:
    """No app id: nothing to authenticate (`pejling chat`, tidsrejse), whatever the type."""
    settings = from_environment({"DATABASE_URL": "sqlite://", "MicrosoftAppType": "SingleTenant"})

    assert settings.local_mode


async def test_serve_stops_at_start_with_the_reason(tmp_path: Path) -> None:
    """`pejling serve` with an incomplete single-tenant configuration exits at once, naming
    what is missing, instead of answering Teams with 500s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "PEJLING_"))}
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "PORT": "0",
        "MicrosoftAppId": APP_ID,
        "MicrosoftAppPassword": SECRET,
        "MicrosoftAppType": "SingleTenant",
    }
    process = await asyncio.create_subprocess_exec(
        str(PEJLING),
        "serve",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()

    assert process.returncode == 2
    assert err.decode().strip() == "MicrosoftAppType=SingleTenant needs MicrosoftAppTenantId"
    assert not (tmp_path / "serve.db").exists()
