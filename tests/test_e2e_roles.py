"""Roles in chat: the administration lists, gives and removes roles on the roles card;
nobody else can; the municipality keeps its last administration role."""

from __future__ import annotations

from sqlalchemy import select

from cardcheck import schema_errors
from harness import RunningPejling, card_text, person_id, rows
from store.models import Department, RoleAssignment, Unit


async def roles_of(pejling: RunningPejling, key: str) -> list[tuple[str, int | None]]:
    query = select(RoleAssignment).where(RoleAssignment.person_id == await person_id(pejling, key))
    found = await rows(pejling, query)
    return sorted((r.role, r.unit_id or r.department_id or r.committee_id) for r in found)


async def first_id(pejling: RunningPejling, model: type, key: str) -> int:
    [found] = await rows(pejling, select(model.id).where(model.key == key))
    return int(found)


async def test_the_administration_sees_everyones_roles(pejling: RunningPejling) -> None:
    [card] = await pejling.say("camilla", "roller")

    shown = card_text(card.cards[0])
    assert schema_errors(card.cards[0]) == []
    assert "Mette Kjærgaard" in shown and "Leder (Bøgeskov Skole)" in shown
    assert "Organisationsfilen bestemmer" in shown


async def test_giving_and_removing_a_role_on_the_card(pejling: RunningPejling) -> None:
    [card] = await pejling.say("camilla", "giv rolle")
    unit = await first_id(pejling, Unit, "engholm-skole")
    lise = await person_id(pejling, "lise")
    before = await roles_of(pejling, "lise")
    form = {"person": str(lise), "role": "unit_leader", "scope": f"u{unit}"}

    body, replies = await pejling.execute("camilla", card, "Giv rollen", form)

    assert "er nu leder" in replies[0].text and "organisationsfilen" in replies[0].text
    assert await roles_of(pejling, "lise") == sorted([*before, ("unit_leader", unit)])
    assert body["type"] == "application/vnd.microsoft.card.adaptive"  # the card, updated

    _, replies = await pejling.execute("camilla", card, "Fjern rollen", form)

    assert "ikke længere leder" in replies[0].text
    assert await roles_of(pejling, "lise") == before


async def test_the_new_role_counts_from_the_persons_next_message(pejling: RunningPejling) -> None:
    await pejling.say("jens", "status")  # remembered as someone who leads nothing
    [card] = await pejling.say("camilla", "roller")
    unit = await first_id(pejling, Unit, "boegeskov-skole")
    form = {"person": str(await person_id(pejling, "jens")), "role": "unit_leader",
            "scope": f"u{unit}"}  # fmt: skip
    await pejling.execute("camilla", card, "Giv rollen", form)

    [goal_list] = await pejling.say("jens", "status")

    assert goal_list.cards  # his goal list, not "you have no goals"


async def test_a_leader_needs_a_unit_not_a_department(pejling: RunningPejling) -> None:
    [card] = await pejling.say("camilla", "roller")
    department = await first_id(pejling, Department, "dagtilbud-skole")
    form = {"person": str(await person_id(pejling, "lise")), "role": "unit_leader",
            "scope": f"d{department}"}  # fmt: skip
    before = await roles_of(pejling, "lise")

    body, _ = await pejling.execute("camilla", card, "Giv rollen", form)

    assert "En leder skal have en enhed" in body["value"]
    assert await roles_of(pejling, "lise") == before


async def test_the_last_administration_role_cannot_be_removed(pejling: RunningPejling) -> None:
    [card] = await pejling.say("camilla", "roller")
    form = {"person": str(await person_id(pejling, "camilla")), "role": "administration"}

    body, _ = await pejling.execute("camilla", card, "Fjern rollen", form)

    assert "sidste administrationsrolle" in body["value"]
    assert ("administration", None) in await roles_of(pejling, "camilla")


async def test_only_the_administration_manages_roles(pejling: RunningPejling) -> None:
    [card] = await pejling.say("camilla", "roller")
    form = {"person": str(await person_id(pejling, "henrik")), "role": "administration"}

    [answer] = await pejling.say("henrik", "roller")
    body, _ = await pejling.execute("henrik", card, "Giv rollen", form)

    assert "Kun administrationen" in answer.text
    assert "Kun administrationen" in body["value"]
    assert ("administration", None) not in await roles_of(pejling, "henrik")
