"""Errors the domain raises. They carry a catalogue key, never a sentence, so the edge
can tell the user in their own language what went wrong."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import NoResultFound

# A row a caller named by id is gone (`session.get_one`): the edge answers "not yours" or
# "not found" without knowing the database library.
RowMissing = NoResultFound


class DomainError(Exception):
    """A rule of the domain said no. `key` names the explanation in the catalogue."""

    def __init__(self, key: str, /, **params: Any) -> None:
        # Positional-only, so a param may itself be called `key` (org.duplicate_key has one).
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"DomainError({self.key!r}, {self.params!r})"


class NotAllowed(DomainError):
    """The person may not do this (wrong unit, wrong role, another municipality)."""


class Invalid(DomainError):
    """The input breaks a rule (empty narrative, unknown colour, text too long)."""


class OrgFileError(DomainError):
    """The organisation file cannot be read or does not hold together."""
