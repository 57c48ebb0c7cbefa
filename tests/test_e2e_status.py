"""A unit leader reports status in a personal chat, end to end over HTTP."""

from __future__ import annotations

from harness import RunningPejling, card_text


async def test_typed_status_dialogue_saves_the_update(pejling: RunningPejling) -> None:
    replies = await pejling.say("mette", "status")
    assert "Hvilket mål" in replies[0].text
    [goal_list] = replies
    assert "Flere elever trives i frikvartererne" in card_text(goal_list.cards[0])

    replies = await pejling.say("mette", "1")
    assert "Hvordan går det med »Flere elever trives i frikvartererne«" in replies[0].text
    replies = await pejling.say("mette", "gul")
    assert "Fortæl kort" in replies[0].text
    replies = await pejling.say("mette", "Legepatruljen er i gang i alle frikvarterer.")
    assert "spring over" in replies[0].text
    replies = await pejling.say("mette", "spring over")
    assert "er gemt som **Gul**" in replies[0].text
    print([m.text for m in replies], [card_text(c) for m in replies for c in m.cards])
