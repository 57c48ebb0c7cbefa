"""Self-tests of the fake Bot Framework service: over real HTTP, and against botbuilder itself."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
import pytest
import requests
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationParameters,
    ErrorResponseException,
)
from botbuilder.schema.teams import ChannelInfo, TeamsChannelData
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AppCredentials,
    BotFrameworkAuthentication,
    BotFrameworkAuthenticationFactory,
    JwtTokenExtractor,
    PasswordServiceClientCredentialFactory,
)
from yarl import URL

from fakebf import ADAPTIVE_CARD, BOT_FRAMEWORK_ISSUER, DROP, FakeBotFramework, SigningKey

pytest_plugins = ["pytester"]

APP_ID = "00000000-0000-4000-8000-00000000b07a"
APP_PASSWORD = "not-a-real-secret"
TENANT_ID = "11111111-1111-4111-8111-111111111111"
CHANNEL = "19:abc123@thread.tacv2"
USER = {"id": "29:1user", "name": "Mette Hansen", "aadObjectId": "aad-mette"}
CARD = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "OK"}]}


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP client, standing in for the bot's outbound calls."""
    async with aiohttp.ClientSession() as session:
        yield session


def conversation_url(fake: FakeBotFramework, conversation_id: str, *rest: str) -> URL:
    """A connector URL with the id percent-encoded, as msrest sends it.

    `encoded=True` keeps aiohttp from decoding `%3A` and friends before sending.
    """
    parts = [f"{fake.url}v3/conversations", quote(conversation_id, safe=""), *rest]
    return URL("/".join(parts), encoded=True)


def message(text: str) -> dict[str, Any]:
    """A minimal outgoing message activity."""
    return {"type": "message", "text": text}


async def post_json(
    session: aiohttp.ClientSession, url: str | URL, body: Any, method: str = "POST"
) -> tuple[int, Any]:
    """Send JSON and return the status and the parsed answer (None when there is none)."""
    async with session.request(method, url, json=body) as response:
        parsed = await response.json() if response.content_length else None
        return response.status, parsed


# ---------------------------------------------------------------------------
# connector routes


async def test_url_is_a_loopback_service_url_with_a_trailing_slash(
    fake_bf: FakeBotFramework,
) -> None:
    assert fake_bf.url.startswith("http://127.0.0.1:")
    assert fake_bf.url.endswith("/")
    assert int(fake_bf.url.rstrip("/").rsplit(":", 1)[1]) > 0


async def test_stop_ends_the_fakes_thread() -> None:
    fake = FakeBotFramework()
    await fake.start()
    await fake.stop()
    await fake.stop()  # twice is harmless

    assert "fake-bot-framework" not in [t.name for t in threading.enumerate()]


async def test_send_is_recorded_and_lands_in_the_transcript(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    conversation = f"{CHANNEL};messageid=1700000000000"
    url = conversation_url(fake_bf, conversation, "activities").with_query(trace="1")

    status, answer = await post_json(http, url, message("Hej"))

    assert status == 201
    [request] = fake_bf.requests_to("POST", "/v3/conversations/")
    assert request.route == "send_to_conversation"
    assert request.path == f"/v3/conversations/{conversation}/activities"
    assert request.raw_path.startswith("/v3/conversations/19%3Aabc123%40thread.tacv2%3B")
    assert request.query == {"trace": "1"}
    assert request.headers["content-type"].startswith("application/json")
    assert request.body == message("Hej")
    assert fake_bf.sent_to(conversation) == [{**message("Hej"), "id": answer["id"]}]
    assert fake_bf.sent_to(CHANNEL) == fake_bf.sent_to(conversation)  # a channel has its threads


async def test_reply_update_and_delete_keep_every_version(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    _, first = await post_json(
        http, conversation_url(fake_bf, CHANNEL, "activities"), message("Status?")
    )
    _, reply = await post_json(
        http, conversation_url(fake_bf, CHANNEL, "activities", first["id"]), message("Grøn")
    )
    updated = {"type": "message", "attachments": [{"contentType": ADAPTIVE_CARD, "content": CARD}]}
    status, answer = await post_json(
        http, conversation_url(fake_bf, CHANNEL, "activities", reply["id"]), updated, "PUT"
    )

    assert (status, answer) == (200, {"id": reply["id"]})
    current = fake_bf.message(reply["id"])
    assert current.reply_to_id == first["id"]
    assert [v.get("text") for v in current.versions] == ["Grøn", None]
    assert current.cards == [CARD]

    async with http.delete(conversation_url(fake_bf, CHANNEL, "activities", first["id"])) as r:
        assert r.status == 200
    assert fake_bf.message(first["id"]).deleted
    assert [a["id"] for a in fake_bf.sent_to(CHANNEL)] == [first["id"], reply["id"]]


async def test_updates_need_a_message_of_that_conversation(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    posted = fake_bf.seed_message("a:1personal", message("Gammel"))

    other = conversation_url(fake_bf, CHANNEL, "activities", posted)
    unknown = conversation_url(fake_bf, "a:1personal", "activities", "999")

    assert (await post_json(http, other, message("Ny"), "PUT"))[0] == 404
    assert (await post_json(http, unknown, message("Ny"), "PUT"))[0] == 404
    assert fake_bf.message(posted).text == "Gammel"


async def test_channel_post_opens_a_thread(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    parameters = {
        "isGroup": True,
        "channelData": {"channel": {"id": CHANNEL}, "tenant": {"id": TENANT_ID}},
        "activity": message("Ugens overblik"),
        "bot": {"id": f"28:{APP_ID}"},
    }

    status, answer = await post_json(http, f"{fake_bf.url}v3/conversations", parameters)

    assert status == 201
    assert answer["id"] == f"{CHANNEL};messageid={answer['activityId']}"
    [created] = fake_bf.created_conversations
    assert (created.id, created.parameters) == (answer["id"], parameters)
    assert fake_bf.sent_to(CHANNEL) == [{**message("Ugens overblik"), "id": answer["activityId"]}]


async def test_personal_chat_is_one_per_user(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    url = f"{fake_bf.url}v3/conversations"
    parameters = {"isGroup": False, "members": [USER], "tenantId": TENANT_ID}

    _, bare = await post_json(http, url, parameters)
    _, with_post = await post_json(http, url, {**parameters, "activity": message("Påmindelse")})

    assert bare == {"id": bare["id"]}  # no activityId without an activity
    assert bare["id"].startswith("a:")
    assert with_post["id"] == bare["id"]
    assert fake_bf.message(with_post["activityId"]).text == "Påmindelse"


@pytest.mark.parametrize(
    "parameters",
    [
        pytest.param({"isGroup": False, "members": [USER]}, id="no tenant"),
        pytest.param({"isGroup": False, "members": [], "tenantId": TENANT_ID}, id="no member"),
        pytest.param({"isGroup": True, "tenantId": TENANT_ID}, id="group chat"),
    ],
)
async def test_conversations_teams_refuses_are_refused(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession, parameters: dict[str, Any]
) -> None:
    status, answer = await post_json(http, f"{fake_bf.url}v3/conversations", parameters)

    assert status == 400
    assert answer["error"]["code"] == "BadArgument"
    assert fake_bf.created_conversations == []


async def test_activities_without_a_type_or_too_big_are_refused(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    url = conversation_url(fake_bf, CHANNEL, "activities")
    huge = message("x" * (101 * 1024))

    assert (await post_json(http, url, {"text": "no type"}))[0] == 400
    status, answer = await post_json(http, url, huge)

    assert status == 413
    assert answer["error"]["code"] == "MessageSizeTooBig"
    assert fake_bf.sent_to(CHANNEL) == []


async def test_members_come_whole_paged_or_one_at_a_time(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    roster = [{"id": f"29:{n}", "name": f"Person {n}", "aadObjectId": f"aad-{n}"} for n in range(5)]
    fake_bf.set_members(CHANNEL, roster)
    thread = f"{CHANNEL};messageid=1"

    async with http.get(conversation_url(fake_bf, thread, "members")) as response:
        assert await response.json() == roster
    pages = []
    token = ""
    while token is not None:
        page_url = conversation_url(fake_bf, CHANNEL, "pagedmembers")
        async with http.get(page_url, params={"pageSize": 2, "continuationToken": token}) as r:
            page = await r.json()
        pages.append(page["members"])
        token = page.get("continuationToken")
    async with http.get(conversation_url(fake_bf, CHANNEL, "members", "aad-3")) as response:
        member = await response.json()

    assert pages == [roster[0:2], roster[2:4], roster[4:5]]
    assert member == roster[3]


async def test_members_of_an_unknown_conversation_say_how_to_set_them(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    async with http.get(conversation_url(fake_bf, "a:1nobody", "members")) as response:
        assert response.status == 404
        assert "set_members" in (await response.json())["error"]["message"]


# ---------------------------------------------------------------------------
# auth routes


async def test_openid_metadata_points_at_one_endorsed_key(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    async with http.get(fake_bf.openid_metadata_url) as response:
        metadata = await response.json()
    async with http.get(metadata["jwks_uri"]) as response:
        [key] = (await response.json())["keys"]

    assert metadata["issuer"] == BOT_FRAMEWORK_ISSUER
    assert metadata["jwks_uri"] == fake_bf.jwks_url
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert metadata["token_endpoint_auth_methods_supported"]
    assert key["kid"] == fake_bf.signing_key.kid
    assert key["endorsements"] == ["msteams"]
    assert {"kty", "n", "e"} <= key.keys()


@pytest.mark.parametrize("tenant", ["botframework.com", TENANT_ID])
async def test_token_endpoint_grants_client_credentials(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession, tenant: str
) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": APP_ID,
        "client_secret": APP_PASSWORD,
        "scope": "https://api.botframework.com/.default",
    }

    async with http.post(fake_bf.token_url(tenant), data=form) as response:
        answer = await response.json()

    assert answer["token_type"] == "Bearer"
    assert answer["expires_in"] == answer["ext_expires_in"] == 3600
    [grant] = fake_bf.token_grants
    assert (grant.tenant, grant.client_id, grant.scope) == (tenant, APP_ID, form["scope"])
    public_key = fake_bf.signing_key.private_key.public_key()
    claims = jwt.decode(
        answer["access_token"], public_key, algorithms=["RS256"], audience=BOT_FRAMEWORK_ISSUER
    )
    assert claims["appid"] == APP_ID


async def test_token_endpoint_refuses_a_wrong_secret_or_grant(http: aiohttp.ClientSession) -> None:
    form = {"grant_type": "client_credentials", "client_id": APP_ID, "scope": "s/.default"}
    async with FakeBotFramework(app_passwords={APP_ID: APP_PASSWORD}) as fake:
        async with http.post(fake.token_url(), data={**form, "client_secret": "wrong"}) as r:
            assert (r.status, (await r.json())["error"]) == (401, "invalid_client")
        async with http.post(fake.token_url(), data={**form, "grant_type": "password"}) as r:
            assert (r.status, (await r.json())["error"]) == (400, "unsupported_grant_type")
        assert fake.token_grants == []


async def test_a_published_key_is_served_beside_the_signing_key(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    other = SigningKey.generate(endorsements=("webchat",))
    fake_bf.publish(other)

    async with http.get(fake_bf.jwks_url) as response:
        keys = (await response.json())["keys"]

    assert [(k["kid"], k["endorsements"]) for k in keys] == [
        (fake_bf.signing_key.kid, ["msteams"]),
        (other.kid, ["webchat"]),
    ]


async def test_managed_identity_tokens_as_app_service_and_a_vm_answer(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    query = {"resource": "https://api.botframework.com", "client_id": APP_ID}
    app_service = {"X-IDENTITY-HEADER": fake_bf.identity_header}
    async with http.get(
        fake_bf.identity_endpoint,
        params={**query, "api-version": "2019-08-01"},
        headers=app_service,
    ) as response:
        on_app_service = await response.json()
    imds = f"{fake_bf.url}metadata/identity/oauth2/token"
    async with http.get(
        imds, params={**query, "api-version": "2018-02-01"}, headers={"Metadata": "true"}
    ) as response:
        on_a_vm = await response.json()

    assert int(on_app_service["expires_on"]) > time.time() + 3000  # epoch seconds
    assert on_a_vm["expires_in"] == "3599"  # seconds, as a string
    tokens = [g.access_token for g in fake_bf.token_grants]
    assert tokens == [on_app_service["access_token"], on_a_vm["access_token"]]


async def test_managed_identity_refuses_a_wrong_header_or_resource(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    query = {"resource": "https://api.botframework.com", "client_id": APP_ID}
    good = {**query, "api-version": "2019-08-01"}
    for params, header in [
        (good, "wrong"),
        ({**good, "resource": "https://api.botframework.com/.default"}, fake_bf.identity_header),
    ]:
        headers = {"X-IDENTITY-HEADER": header}
        async with http.get(fake_bf.identity_endpoint, params=params, headers=headers) as r:
            assert r.status in (400, 401)
    imds = f"{fake_bf.url}metadata/identity/oauth2/token"
    async with http.get(imds, params={**query, "api-version": "2018-02-01"}) as response:
        assert response.status == 400  # no `Metadata: true`
    assert fake_bf.token_grants == []


async def test_connector_wants_an_issued_token_when_auth_is_required(
    http: aiohttp.ClientSession,
) -> None:
    form = {"grant_type": "client_credentials", "client_id": APP_ID, "scope": "s/.default"}
    async with FakeBotFramework(require_auth=True) as fake:
        url = conversation_url(fake, CHANNEL, "activities")
        async with http.post(url, json=message("anonym")) as response:
            assert response.status == 401
        async with http.post(fake.token_url(), data=form) as response:
            token = (await response.json())["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(url, json=message("med token"), headers=headers) as response:
            assert response.status == 201
        assert [a["text"] for a in fake.sent_to(CHANNEL)] == ["med token"]


# ---------------------------------------------------------------------------
# unknown routes fail the test


async def test_unknown_route_is_answered_404_and_fails_the_test(
    http: aiohttp.ClientSession,
) -> None:
    async with (
        FakeBotFramework() as fake,
        http.get(f"{fake.url}v3/teams/19:team/conversations") as response,
    ):
        assert response.status == 404

    assert [r.path for r in fake.unknown_requests] == ["/v3/teams/19:team/conversations"]
    with pytest.raises(pytest.fail.Exception, match="GET /v3/teams/19:team/conversations"):
        fake.assert_no_unknown_requests()


def test_fixture_teardown_fails_a_test_that_called_an_unknown_route(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makeconftest("from fakebf import fake_bf as fake_bf\n")
    pytester.makepyfile(
        test_inner="""
        import aiohttp

        async def test_calls_an_unknown_route(fake_bf):
            async with aiohttp.ClientSession() as session:
                await session.get(fake_bf.url + "v3/teams/19:team")
        """
    )
    pytester.syspathinsert(Path(__file__).parent)

    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*does not know*", "*GET /v3/teams/19:team*"])


# ---------------------------------------------------------------------------
# fault injection


async def test_queued_429s_come_first_then_normal_answers(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*/activities", statuses=[429, 429], retry_after=1)
    url = conversation_url(fake_bf, CHANNEL, "activities")

    answers = []
    for _ in range(3):
        async with http.post(url, json=message("Digest")) as response:
            answers.append((response.status, response.headers.get("Retry-After")))

    assert answers == [(429, "1"), (429, "1"), (201, None)]
    assert [r.status for r in fake_bf.requests] == [429, 429, 201]
    assert len(fake_bf.sent_to(CHANNEL)) == 1  # a refused post never reached the channel


async def test_retry_after_can_be_an_http_date(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    fake_bf.fail_next("*", "/v3/*", statuses=[503], retry_after=when)

    async with http.post(conversation_url(fake_bf, CHANNEL, "activities"), json=message("x")) as r:
        assert r.status == 503
        assert r.headers["Retry-After"] == "Wed, 02 Jan 2030 03:04:05 GMT"
        assert parsedate_to_datetime(r.headers["Retry-After"]) == when


async def test_403_says_message_writes_blocked_as_teams_does(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    fake_bf.fail_next("POST", "/v3/conversations", statuses=[403])
    parameters = {"isGroup": False, "members": [USER], "tenantId": TENANT_ID}

    status, answer = await post_json(http, f"{fake_bf.url}v3/conversations", parameters)

    assert status == 403
    assert answer["subCode"] == "MessageWritesBlocked"
    assert answer["error"]["code"] == "Forbidden"


async def test_delay_holds_only_the_matching_answers(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    fake_bf.delay("PUT", "/v3/*", 0.3)
    fake_bf.set_members(CHANNEL, [USER])
    posted = fake_bf.seed_message(CHANNEL, message("før"))

    started = time.monotonic()
    async with http.get(conversation_url(fake_bf, CHANNEL, "members")):
        fast = time.monotonic() - started
    url = conversation_url(fake_bf, CHANNEL, "activities", posted)
    await post_json(http, url, message("efter"), "PUT")
    slow = time.monotonic() - started - fast

    assert fast < 0.3 <= slow


# ---------------------------------------------------------------------------
# waiting for proactive posts


async def test_wait_for_posts_sees_a_post_that_arrives_later(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    async def post_later() -> None:
        await asyncio.sleep(0.2)
        await post_json(http, conversation_url(fake_bf, CHANNEL, "activities"), message("Sent"))

    task = asyncio.create_task(post_later())
    posts = await fake_bf.wait_for_posts(CHANNEL, count=1, timeout=5)
    await task

    assert [p["text"] for p in posts] == ["Sent"]


async def test_wait_for_times_out_saying_what_the_fake_saw(
    fake_bf: FakeBotFramework, http: aiohttp.ClientSession
) -> None:
    await post_json(http, conversation_url(fake_bf, "a:1other", "activities"), message("x"))

    with pytest.raises(AssertionError, match=r"POST /v3/conversations/a:1other/activities -> 201"):
        await fake_bf.wait_for(lambda: fake_bf.sent_to(CHANNEL), timeout=0.2)


# ---------------------------------------------------------------------------
# botbuilder against the fake


def channel_auth(fake: FakeBotFramework) -> BotFrameworkAuthentication:
    """botbuilder's inbound validation pointed at the fake, as the bot should configure it."""
    return BotFrameworkAuthenticationFactory.create(
        to_bot_from_channel_open_id_metadata_url=fake.openid_metadata_url,
        to_bot_from_channel_token_issuer=BOT_FRAMEWORK_ISSUER,
        to_channel_from_bot_login_url=fake.login_url,
        to_channel_from_bot_oauth_scope="https://api.botframework.com",
        credential_factory=PasswordServiceClientCredentialFactory(APP_ID, APP_PASSWORD),
    )


def inbound(fake: FakeBotFramework) -> Activity:
    """An inbound Teams message whose serviceUrl is the fake."""
    return Activity(type="message", channel_id="msteams", service_url=fake.url)


async def test_botbuilder_accepts_a_channel_token_signed_by_the_fake(
    fake_bf: FakeBotFramework,
) -> None:
    token = fake_bf.sign_channel_token(APP_ID, fake_bf.url)
    # botbuilder caches metadata per URL for the whole process; a fake that got the port of an
    # earlier one would otherwise be served from that cache and see no requests.
    JwtTokenExtractor.metadataCache.pop(fake_bf.openid_metadata_url, None)

    result = await channel_auth(fake_bf).authenticate_request(inbound(fake_bf), f"Bearer {token}")

    assert result.claims_identity.is_authenticated
    assert result.claims_identity.claims["aud"] == APP_ID
    assert result.claims_identity.claims["serviceurl"] == fake_bf.url
    # botbuilder read the metadata and the keys from the fake, with synchronous requests.
    assert [r.route for r in fake_bf.requests] == ["openid_metadata", "jwks"]
    assert fake_bf.requests[0].headers["User-Agent"].startswith("python-requests/")


# Only PermissionError becomes a 401 in CloudAdapter.process; the others surface as a 500.
REFUSALS = [
    pytest.param({"expires_in": -600}, jwt.ExpiredSignatureError, "expired", id="expired"),
    pytest.param({"audience": "another-bot"}, PermissionError, "Invalid AppId", id="audience"),
    pytest.param({"issuer": "https://evil.example"}, PermissionError, "Identity", id="issuer"),
    pytest.param({"service_url": "https://x/"}, PermissionError, "serviceurl", id="serviceurl"),
    pytest.param({"unsigned": True}, Exception, "algorithm not in allowed list", id="alg none"),
    pytest.param({"key": "same kid"}, jwt.InvalidSignatureError, "verification", id="forged"),
    pytest.param({"key": "new kid"}, IndexError, "out of range", id="unknown kid"),
]


@pytest.mark.parametrize(("knobs", "error", "says"), REFUSALS)
async def test_botbuilder_refuses_bad_channel_tokens(
    fake_bf: FakeBotFramework, knobs: dict[str, Any], error: type[Exception], says: str
) -> None:
    if "key" in knobs:
        same_kid = knobs["key"] == "same kid"
        knobs = {"key": SigningKey.generate(kid=fake_bf.signing_key.kid if same_kid else None)}
    token = fake_bf.sign_channel_token(APP_ID, **knobs)

    with pytest.raises(error, match=says):
        await channel_auth(fake_bf).authenticate_request(inbound(fake_bf), f"Bearer {token}")


async def test_botbuilder_allows_five_minutes_of_clock_skew(fake_bf: FakeBotFramework) -> None:
    token = fake_bf.sign_channel_token(APP_ID, expires_in=-240)

    result = await channel_auth(fake_bf).authenticate_request(inbound(fake_bf), f"Bearer {token}")

    assert result.claims_identity.is_authenticated


class FakeTokenCredentials(AppCredentials):
    """Outbound credentials that fetch the bot's token from the fake's token endpoint.

    botbuilder's own MicrosoftAppCredentials go through MSAL, which accepts only https
    authorities (see the next test), so a plain-HTTP fake needs this small stand-in.
    """

    def __init__(self, fake: FakeBotFramework) -> None:
        super().__init__(app_id=APP_ID, oauth_scope="https://api.botframework.com")
        self.token_url = fake.token_url()

    def get_access_token(self, force_refresh: bool = False) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.microsoft_app_id,
            "client_secret": APP_PASSWORD,
            "scope": f"{self.oauth_scope}/.default",
        }
        answer = requests.post(self.token_url, data=form, timeout=5)
        answer.raise_for_status()
        return str(answer.json()["access_token"])


async def test_msal_credentials_cannot_use_a_plain_http_authority(
    fake_bf: FakeBotFramework,
) -> None:
    factory = PasswordServiceClientCredentialFactory(APP_ID, APP_PASSWORD)
    credentials = await factory.create_credentials(
        APP_ID, "https://api.botframework.com", fake_bf.login_url, False
    )

    with pytest.raises(ValueError, match="https url"):
        credentials.get_access_token()
    assert fake_bf.requests == []


async def test_botbuilder_connector_client_round_trip() -> None:
    async with FakeBotFramework(require_auth=True, app_passwords={APP_ID: APP_PASSWORD}) as fake:
        fake.set_members(CHANNEL, [USER])
        client = ConnectorClient(FakeTokenCredentials(fake), base_url=fake.url)
        conversations = client.conversations
        parameters = ConversationParameters(
            is_group=True,
            channel_data=TeamsChannelData(channel=ChannelInfo(id=CHANNEL)),
            activity=Activity(type="message", text="Ny tråd"),
        )

        created = await conversations.create_conversation(parameters)
        reply = await conversations.reply_to_activity(
            created.id, created.activity_id, Activity(type="message", text="Svar")
        )
        await conversations.update_activity(
            created.id, reply.id, Activity(type="message", text="Rettet svar")
        )
        await conversations.delete_activity(created.id, created.activity_id)
        members = await conversations.get_conversation_paged_members(created.id, page_size=50)

        assert [a["text"] for a in fake.sent_to(CHANNEL)] == ["Ny tråd", "Svar"]
        assert fake.message(reply.id).text == "Rettet svar"
        assert fake.message(created.activity_id).deleted
        assert [ChannelAccount.serialize(m)["id"] for m in members.members] == [USER["id"]]
        assert fake.token_grants[0].scope == "https://api.botframework.com/.default"
        assert fake.unknown_requests == []


async def test_botbuilder_sees_a_429_with_its_retry_after(fake_bf: FakeBotFramework) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[429], retry_after="2")
    client = ConnectorClient(FakeTokenCredentials(fake_bf), base_url=fake_bf.url)

    with pytest.raises(ErrorResponseException) as raised:
        await client.conversations.send_to_conversation(
            CHANNEL, Activity(type="message", text="for hurtigt")
        )

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "2"


# ---------------------------------------------------------------------------
# Faults for storms: timeouts and a service that goes away for a while


async def test_a_dropped_call_gets_no_answer_and_is_not_handled(fake_bf: FakeBotFramework) -> None:
    fake_bf.fail_next("POST", "/v3/conversations/*", statuses=[DROP])
    url = f"{fake_bf.url}/v3/conversations/a:x/activities"
    async with aiohttp.ClientSession() as http:
        with pytest.raises(aiohttp.ClientError):
            async with http.post(url, json={"type": "message", "text": "1"}):
                pass
        async with http.post(url, json={"type": "message", "text": "2"}) as again:
            assert again.status == 201

    assert [m.text for m in fake_bf.messages_in("a:x")] == ["2"]


async def test_a_service_gone_away_answers_503_until_it_is_back(fake_bf: FakeBotFramework) -> None:
    fake_bf.go_away(0.5)
    url = f"{fake_bf.url}/v3/conversations/a:y/activities"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"type": "message", "text": "1"}) as away:
            assert away.status == 503
        await asyncio.sleep(0.6)
        async with http.post(url, json={"type": "message", "text": "2"}) as back:
            assert back.status == 201

    assert [m.text for m in fake_bf.messages_in("a:y")] == ["2"]
