"""The *Hent som PDF* buttons, end to end over HTTP: in the committee's channel the digest's
button gives a signed link that opens the report; in a personal chat the goal card's button
offers the file with Teams' file consent card, and on *Tillad* Pejling uploads the file to
the URL Teams gives and shows it in the chat (TEAMS-FACTS "Sending a file")."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from bot.digests import post_digest
from bot.document_buttons import CONSENT_CARD, FILE_CONSENT, FILE_INFO_CARD
from harness import CHANNEL, RunningPejling, committee
from kort import actions
from kort.common import walk

PDF = "Hent som PDF"


def document_button(card: dict[str, Any], title: str = PDF) -> dict[str, Any]:
    for node in walk(card):
        if node.get("type") == "Action.Execute" and node.get("title") == title:
            assert node["data"]["action"] == actions.DOCUMENT
            return dict(node["data"])
    raise AssertionError(f"no {title!r} button")


async def press(pejling: RunningPejling, key: str, where: Any, data: dict[str, Any]) -> list[Any]:
    before = len(pejling.fake.messages_in(where.conversation_id))
    status, _ = await pejling.post(pejling.wire.execute(pejling.who(key), where, data, None))
    assert status == 200
    return pejling.fake.messages_in(where.conversation_id)[before:]


async def test_the_digest_button_gives_the_channel_a_link_to_the_report(
    pejling: RunningPejling,
) -> None:
    pejling.runtime.bot.public_url = pejling.url  # PEJLING_PUBLIC_URL, where browsers reach it
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    chosen = await committee(pejling, "buu")
    await post_digest(pejling.runtime.proactive, chosen.id, datetime.now(UTC))
    posted = [r for r in pejling.fake.requests_to("POST") if r.path == "/v3/conversations"]
    last_card = posted[-1].body["activity"]["attachments"][0]["content"]
    answer = await press(pejling, "jens", CHANNEL, document_button(last_card))
    (link,) = re.findall(r"\((http://[^)]+/dokument/[^)]+)\)", answer[-1].text)
    assert "24 timer" in answer[-1].text
    async with pejling.http.get(link) as response:
        assert response.status == 200
        assert (await response.read()).startswith(b"%PDF")
    # Another committee's report is not given to this channel, whatever the button says.
    other = await committee(pejling, "oeu")
    forged = document_button(last_card)
    forged["document"] = {**forged["document"], "committee_id": other.id}
    refused = await press(pejling, "jens", CHANNEL, forged)
    assert refused[-1].text == "Det dokument har du ikke adgang til."


@pytest.fixture
async def onedrive() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A stand-in for the upload URL Teams hands out (OneDrive): records what is PUT."""
    received: list[tuple[dict[str, str], bytes]] = []

    async def put(request: web.Request) -> web.Response:
        received.append((dict(request.headers), await request.read()))
        return web.json_response({"id": "upload"}, status=201)

    app = web.Application(client_max_size=20 * 1024 * 1024)
    app.router.add_put("/upload/{name}", put)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/upload/dokument.pdf", received
    await runner.cleanup()


def consent_invoke(
    pejling: RunningPejling, key: str, action: str, context: dict[str, Any], upload_url: str
) -> dict[str, Any]:
    """What Teams sends when the person answers the file consent card."""
    activity = pejling.wire.execute(pejling.who(key), pejling.personal(key), {}, None)
    activity["name"] = FILE_CONSENT
    activity["value"] = {
        "type": "fileUpload",
        "action": action,
        "context": context,
        "uploadInfo": {
            "contentUrl": "https://boegeskov.sharepoint.com/personal/mette/dokument.pdf",
            "name": "Aftale-for-Bøgeskov-Skole.pdf",
            "uploadUrl": upload_url,
            "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C9D",
            "fileType": "pdf",
        },
    }
    return activity


async def test_a_leader_gets_her_agreement_as_a_file_in_her_chat(
    pejling: RunningPejling, onedrive: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    upload_url, received = onedrive
    mine = await pejling.say("mette", "mine mål")
    goal_button = next(
        n["data"]
        for n in walk(mine[-1].cards[-1])
        if n.get("type") == "Action.Execute" and n["data"].get("action") == actions.SHOW_GOAL
    )
    # The goal card takes the list's place: Teams gets it as the click's answer.
    where = pejling.personal("mette")
    _, answer = await pejling.post(
        pejling.wire.execute(pejling.who("mette"), where, goal_button, None)
    )
    shown = answer["value"]
    offer = (await press(pejling, "mette", pejling.personal("mette"), document_button(shown)))[-1]
    (attachment,) = offer.activity["attachments"]
    assert attachment["contentType"] == CONSENT_CARD
    assert attachment["name"] == "Aftale-for-Bøgeskov-Skole.pdf"
    assert attachment["content"]["sizeInBytes"] > 1000
    context = attachment["content"]["acceptContext"]

    before = len(pejling.fake.messages_in(pejling.personal("mette").conversation_id))
    status, _ = await pejling.post(consent_invoke(pejling, "mette", "accept", context, upload_url))
    assert status == 200
    ((headers, content),) = received
    assert content.startswith(b"%PDF")
    assert headers["Content-Range"] == f"bytes 0-{len(content) - 1}/{len(content)}"
    shown_file = pejling.fake.messages_in(pejling.personal("mette").conversation_id)[before:]
    (info,) = shown_file[-1].activity["attachments"]
    assert info["contentType"] == FILE_INFO_CARD
    assert info["content"]["uniqueId"] == "1150D938-8870-4044-9F2C-5BBDEBA70C9D"

    # Jonas leads another unit: Mette's accept context under his name uploads nothing.
    status, _ = await pejling.post(consent_invoke(pejling, "jonas", "accept", context, upload_url))
    assert status == 200 and len(received) == 1
    # Declined: nothing is uploaded, and she is told.
    status, _ = await pejling.post(consent_invoke(pejling, "mette", "decline", context, upload_url))
    assert status == 200 and len(received) == 1
    last = pejling.fake.messages_in(pejling.personal("mette").conversation_id)[-1]
    assert last.text == "Fint, så sender jeg ikke filen."


async def test_malformed_file_consent_answers_get_a_4xx_or_nothing_never_a_500(
    pejling: RunningPejling, onedrive: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    upload_url, received = onedrive
    request = {"document": {"kind": "aftale", "period_id": 1, "unit_id": 1}}
    hostile = [
        consent_invoke(pejling, "mette", "accept", request, "http://example.org/upload"),
        consent_invoke(pejling, "mette", "accept", {"document": "rapport"}, upload_url),
        consent_invoke(pejling, "mette", "accept", "ikke et objekt", upload_url),  # type: ignore[arg-type]
    ]
    no_tenant = consent_invoke(pejling, "mette", "accept", request, upload_url)
    no_tenant["channelData"]["tenant"] = "6f1c2a9e"
    no_value = consent_invoke(pejling, "mette", "accept", request, upload_url)
    no_value["value"] = ["accept"]
    for activity in [*hostile, no_tenant, no_value]:
        status, _ = await pejling.post(activity)
        assert status in (200, 400), activity
    assert received == []  # nothing went anywhere, least of all to example.org
