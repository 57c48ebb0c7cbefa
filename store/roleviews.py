"""Who holds which role, as the roles card shows it: plain frozen views, no SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass

from store.enums import Role


@dataclass(frozen=True)
class Holding:
    """One role one person holds, with the name of what it is for."""

    person_id: int
    person_name: str
    role: Role
    scope_id: int | None
    scope_name: str | None


@dataclass(frozen=True)
class Choices:
    """What a role form offers: the people, and per kind of scope its rows (id, name)."""

    people: tuple[tuple[int, str], ...]
    scopes: dict[Role, tuple[tuple[int, str], ...]]
