"""Authentication, end to end: Pejling with an app id checks every request's channel token
against the fake's OpenID keys, and calls the connector with a token from the fake's token
endpoint, as Azure Bot Service requires (TEAMS-FACTS §4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from botframework.connector.auth import JwtTokenExtractor

from fakebf import FakeBotFramework, SigningKey
from harness import RunningPejling, button_data, running_pejling, table_counts
from store.orgfile import OrgFile

APP_ID = "00000000-0000-4000-8000-00000000b07a"
SECRET = "not-a-real-secret"


@pytest.fixture
async def teams() -> AsyncIterator[FakeBotFramework]:
    """A fake that, like Teams, takes connector calls only with a token it issued the bot."""
    async with FakeBotFramework(require_auth=True, app_passwords={APP_ID: SECRET}) as fake:
        # botbuilder caches OpenID metadata per URL for the process; a reused port must not
        # be served from an earlier test's cache.
        JwtTokenExtractor.metadataCache.pop(fake.openid_metadata_url, None)
        yield fake
    fake.assert_no_unknown_requests()


@pytest.fixture
async def secured(
    teams: FakeBotFramework, tmp_path: Path, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    async with running_pejling(
        teams,
        tmp_path,
        demo_org,
        app_id=APP_ID,
        app_password=SECRET,
        openid_metadata_url=teams.openid_metadata_url,
        token_url=teams.token_url(),
    ) as running:
        yield running


def bearer(fake: FakeBotFramework, **knobs: Any) -> dict[str, str]:
    """The Authorization header of a channel token; `knobs` make it bad (see fakebf)."""
    return {"Authorization": f"Bearer {fake.sign_channel_token(APP_ID, **knobs)}"}


async def say(pejling: RunningPejling, text: str, headers: dict[str, str]) -> int:
    """mette types `text` in her personal chat, with these headers; the HTTP status."""
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), text)
    status, _ = await pejling.post(message, headers=headers)
    return status


async def test_a_signed_request_is_answered_with_the_bots_own_token(
    secured: RunningPejling,
) -> None:
    fake = secured.fake

    assert await say(secured, "hej", bearer(fake)) == 201

    assert [r.route for r in fake.requests[:2]] == ["openid_metadata", "jwks"]
    [grant] = fake.token_grants
    assert (grant.client_id, grant.scope) == (APP_ID, "https://api.botframework.com/.default")
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


async def test_a_request_without_a_token_gets_401_and_changes_nothing(
    secured: RunningPejling,
) -> None:
    before = await table_counts(secured)

    assert await say(secured, "status", {}) == 401

    assert await table_counts(secured) == before
    assert secured.fake.requests_to("*", "/v3/") == []


REFUSED = [
    pytest.param({"expires_in": -600}, id="expired"),
    pytest.param({"audience": "another-bot"}, id="wrong audience"),
    pytest.param({"issuer": "https://evil.example"}, id="wrong issuer"),
    pytest.param({"service_url": "https://elsewhere.example/"}, id="other service url"),
    pytest.param({"key": "foreign"}, id="foreign key"),
    pytest.param({"key": "forged"}, id="forged with the fake's key id"),
    pytest.param({"unsigned": True}, id="unsigned"),
]


@pytest.mark.parametrize("knobs", REFUSED)
async def test_a_bad_token_gets_401_and_changes_nothing(
    secured: RunningPejling, knobs: dict[str, Any]
) -> None:
    """botbuilder raises several of these as other errors (a 500); Pejling answers 401."""
    if "key" in knobs:
        kid = secured.fake.signing_key.kid if knobs["key"] == "forged" else None
        knobs = {"key": SigningKey.generate(kid=kid)}
    before = await table_counts(secured)

    assert await say(secured, "status", bearer(secured.fake, **knobs)) == 401

    assert await table_counts(secured) == before
    assert secured.fake.requests_to("*", "/v3/") == []
    assert secured.fake.token_grants == []


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer not.a.jwt", "Basic bWV0dGU6c2VjcmV0", "bearer"],
)
async def test_a_malformed_authorization_header_gets_401(
    secured: RunningPejling, header: str
) -> None:
    assert await say(secured, "status", {"Authorization": header}) == 401

    assert secured.fake.requests_to("*", "/v3/") == []


async def test_a_token_within_five_minutes_of_expiry_skew_is_accepted(
    secured: RunningPejling,
) -> None:
    """Clocks differ; botbuilder allows five minutes, and so does Pejling."""
    assert await say(secured, "hej", bearer(secured.fake, expires_in=-240)) == 201
