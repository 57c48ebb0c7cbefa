"""When a card cannot be updated — the client answered its post without an id (the Agents
Playground splits text and card and names neither), or the connector refuses the update —
the answer goes out as a new message, and the old card, if pressed, is refused kindly in
Danish. Never an error."""

from __future__ import annotations

from harness import RunningPejling, buttons, card_text

REFUSED = "Det kort er ikke aktivt længere"
FILLED = {"color": "green", "narrative": "Alt er på plads."}


async def test_without_ids_the_receipt_is_a_new_message(pejling: RunningPejling) -> None:
    await pejling.say("mette", "status")  # the list of goals still comes back with its id
    pejling.fake.answer_without_ids()
    [form] = await pejling.say("mette", "1")
    for answer in ("gul", "Legepatruljen er i gang."):
        await pejling.say("mette", answer)

    replies = await pejling.say("mette", "spring over")

    assert "er gemt som **Gul**" in replies[0].text
    assert "Statusmelding gemt" in card_text(replies[-1].cards[0])
    # Not put in place of the list of goals, the last card whose id is known.
    assert pejling.fake.requests_to("PUT") == []
    # The form the bot could not close is refused when pressed, and nothing is saved twice.
    body, new = await pejling.execute("mette", form, "Gem statusmelding", FILLED)
    assert REFUSED in str(body) + " ".join(m.text or "" for m in new)


async def test_an_update_refused_with_a_4xx_is_sent_as_a_new_message(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    await pejling.say("mette", "1")
    for answer in ("gul", "Legepatruljen er i gang."):
        await pejling.say("mette", answer)
    pejling.fake.fail_next("PUT", "/v3/conversations/*", statuses=(400,))

    replies = await pejling.say("mette", "spring over")

    assert [r.status for r in pejling.fake.requests_to("PUT")] == [400]
    assert "Statusmelding gemt" in card_text(replies[-1].cards[0])


async def test_an_old_client_press_whose_card_cannot_be_updated_still_answers(
    pejling: RunningPejling,
) -> None:
    [goals] = await pejling.say("mette", "status")
    pejling.fake.fail_next("PUT", "/v3/conversations/*", statuses=(400,))

    new = await pejling.submit("mette", goals, "Meld status")

    [form] = new
    assert buttons(form.cards[0]) == ["Gem statusmelding", "Annullér"]


async def test_a_finished_dialogues_card_is_refused_kindly(pejling: RunningPejling) -> None:
    pejling.fake.answer_without_ids()
    [goals] = await pejling.say("mette", "status")
    await pejling.say("mette", "stop")

    body, new = await pejling.execute("mette", goals, "Meld status")

    assert REFUSED in str(body) + " ".join(m.text or "" for m in new)
