"""A status corrected by its leader reaches the committee's digest as corrected."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digests import post_digest
from harness import CHANNEL, RunningPejling, card_text, committee


async def test_the_digest_shows_the_corrected_status_marked_rettet(pejling: RunningPejling) -> None:
    await pejling.say("camilla", "tilknyt buu", CHANNEL)
    await pejling.say("mette", "trivsel rød, ingen voksne i gården")
    await pejling.say("mette", "ja")
    await pejling.say("mette", "ret status")
    await pejling.say("mette", "gul")
    await pejling.say("mette", "ja")

    buu = await committee(pejling, "buu")
    await post_digest(pejling.runtime.proactive, buu.id, datetime.now(UTC))

    [created] = pejling.fake.created_conversations
    shown = card_text(created.parameters["activity"]["attachments"][0]["content"])
    assert "Gul  Flere elever trives i frikvartererne" in shown
    assert "Ny melding siden sidst, stadig Gul · rettet" in shown  # was yellow, and corrected
