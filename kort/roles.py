"""The roles card: who holds which role in the municipality, and a form on which the
administration gives or takes away a role (person, role, and what it is for)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, text, title
from store.enums import Role
from store.roleviews import Choices, Holding

# A scope's value on the form names its kind, so a unit cannot be taken for a committee.
SCOPE_PREFIX = {Role.UNIT_LEADER: "u", Role.DEPARTMENT_HEAD: "d", Role.POLITICIAN: "c"}


def roles_card(texts: Texts, held: list[Holding], offered: Choices) -> dict[str, Any]:
    body: list[Any] = [title(texts("roller.titel"))]
    body += [text(line) for line in _lines(texts, held)] or [text(texts("roller.ingen"))]
    body += [text(texts("roller.form_titel"), bold=True), *_inputs(texts, offered)]
    body.append(
        buttons(
            button(texts("roller.knap_giv"), {"action": actions.GRANT_ROLE}, positive=True),
            button(texts("roller.knap_fjern"), {"action": actions.REMOVE_ROLE}),
        )
    )
    body.append(text(texts("roller.kilde"), subtle=True, small=True))
    return card(body, fallback_text=texts("roller.titel"))


def role_name(texts: Texts, holding: Holding) -> str:
    name = texts(f"roller.navn.{holding.role.value}")
    return f"{name} ({holding.scope_name})" if holding.scope_name else name


def _lines(texts: Texts, held: list[Holding]) -> list[str]:
    by_person = groupby(held, key=lambda h: (h.person_id, h.person_name))
    return [
        f"**{name}**: " + ", ".join(role_name(texts, h) for h in roles)
        for (_, name), roles in by_person
    ]


def _inputs(texts: Texts, offered: Choices) -> list[Any]:
    compact = t.ChoiceInputStyle.COMPACT
    people = [ac.InputChoice(title=name, value=str(pid)) for pid, name in offered.people]
    kinds = [ac.InputChoice(title=texts(f"roller.navn.{r.value}"), value=r.value) for r in Role]
    scopes = [
        ac.InputChoice(title=f"{texts(f'roller.navn.{role.value}')}: {name}", value=f"{p}{sid}")
        for role, p in SCOPE_PREFIX.items()
        for sid, name in offered.scopes.get(role, ())
    ]
    return [
        ac.InputChoiceSet(id="person", label=texts("roller.felt.person"), style=compact,
                          choices=people, is_required=True,
                          error_message=texts("roller.felt.mangler")),
        ac.InputChoiceSet(id="role", label=texts("roller.felt.rolle"), style=compact,
                          choices=kinds, is_required=True,
                          error_message=texts("roller.felt.mangler")),
        ac.InputChoiceSet(id="scope", label=texts("roller.felt.for"), style=compact,
                          choices=scopes),
    ]  # fmt: skip
