"""Out of office end to end over HTTP: a leader registers an absence with a deputy, the
deputy is told in their personal chat and reports status for the absent leader's unit,
and when the leader is back the deputy is told and reports for their own unit only."""

from __future__ import annotations

from cardcheck import schema_errors
from goalkit import personal_messages, sent_cards
from harness import RunningPejling, card_text, person_id, report_status, status_updates


async def test_a_deputy_is_told_and_reports_for_the_absent_leader(pejling: RunningPejling) -> None:
    await pejling.say("jonas", "hej")  # Pejling can write to him, and knows him already

    for answer in ("fravær", "i dag", "i morgen", "Jonas Bach"):
        await pejling.say("mette", answer)
    [saved] = await pejling.say("mette", "gem")
    assert saved.text.startswith("Gemt. Du er væk fra ")
    assert "Jonas Bach er stedfortræder og kan melde status imens." in saved.text
    assert "Stedfortræder: Jonas Bach" in card_text(saved.cards[0])
    told = personal_messages(pejling, "jonas")[-1]
    assert "Mette Kjærgaard er væk" in told.text and "Bøgeskov Skole" in told.text

    [listed] = await pejling.say("jonas", "status")
    assert "Du melder som stedfortræder for Mette Kjærgaard." in card_text(listed.cards[0])
    [thanks] = await report_status(pejling, "jonas", "grøn", "Legepatruljen kører.")
    assert thanks.text.endswith("Du meldte som stedfortræder for Mette Kjærgaard.")
    # The form he did not use became the receipt.
    shown = [card_text(c) for m in personal_messages(pejling, "jonas") for c in m.cards]
    assert any("Meldt af: Jonas Bach, stedfortræder for Mette Kjærgaard" in c for c in shown)
    newest = (await status_updates(pejling, "boegeskov-skole-trivsel"))[-1]
    assert newest.reported_by == await person_id(pejling, "jonas")

    [back] = await pejling.say("mette", "fravær slut")
    assert back.text.startswith("Dit fravær ")
    assert "Du skal ikke være stedfortræder." in personal_messages(pejling, "jonas")[-1].text
    [own_only] = await pejling.say("jonas", "status")
    assert "stedfortræder" not in card_text(own_only.cards[0])
    assert "Flere elever trives" not in card_text(own_only.cards[0])
    assert all(schema_errors(card) == [] for card in sent_cards(pejling.fake))
