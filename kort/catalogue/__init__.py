"""The text catalogue: every sentence a user sees, in Danish with English beside it.

Each language is a folder of YAML files (`da/`, `en/`); their nested keys are joined with
dots (`status.ask_color`). Text is looked up by key, with `{name}` placeholders filled in.
A text with a `{count}` may have a variant for exactly one under the key + `_1`.
Dates and times are written the Danish way ("3. marts 2027 kl. 14.05") in Europe/Copenhagen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any

from store.dates import LOCAL_TIME
from store.shipped import read_yaml

Day = date  # `Texts.date` below hides the name `date` inside the class
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


class Texts:
    """The catalogue of one language."""

    def __init__(self, language: str, entries: Mapping[str, str]) -> None:
        self.language = language
        self._entries = dict(entries)

    def __call__(self, key: str, /, **params: Any) -> str:
        # "1 nyt mål venter", not "1 nye mål venter": a text may have a variant for one.
        if params.get("count") == 1 and f"{key}_1" in self._entries:
            key = f"{key}_1"
        try:
            template = self._entries[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in the {self.language} catalogue") from None
        return template.format(**params) if params else template

    def with_labels(self, labels: Mapping[str, str]) -> Texts:
        """This catalogue with some texts replaced, e.g. a municipality profile's own labels."""
        unknown = set(labels) - set(self._entries)
        if unknown:
            raise KeyError(f"labels for texts that do not exist: {sorted(unknown)}")
        return Texts(self.language, {**self._entries, **labels})

    def has(self, key: str) -> bool:
        return key in self._entries

    def keys(self) -> frozenset[str]:
        return frozenset(self._entries)

    def date(self, value: Day | datetime) -> str:
        """`3. marts 2027` (da) or `3 March 2027` (en); a moment is dated in Danish time."""
        if isinstance(value, datetime):
            value = value.astimezone(LOCAL_TIME).date()
        month = self(f"kalender.maaned.{value.month}")
        return self("kalender.dato", day=value.day, month=month, year=value.year)

    def day(self, value: Day | datetime) -> str:
        """`onsdag 3. marts 2027`: a date that may start a card line. Card markdown makes a
        line that begins "3. " an item of a numbered list; the weekday first keeps it text."""
        if isinstance(value, datetime):
            value = value.astimezone(LOCAL_TIME).date()
        weekday = self(f"kalender.ugedag.{value.isoweekday()}")
        return self("kalender.dag", weekday=weekday, date=self.date(value))

    def day_time(self, value: datetime) -> str:
        """`onsdag 3. marts 2027 kl. 14.05`, in Danish local time; see `day`."""
        local = value.astimezone(LOCAL_TIME)
        return self(
            "kalender.tidspunkt",
            date=self.day(local.date()),
            hour=f"{local.hour:02d}",
            minute=f"{local.minute:02d}",
        )

    def datetime(self, value: datetime) -> str:
        """A moment in Danish local time: `3. marts 2027 kl. 14.05`."""
        local = value.astimezone(LOCAL_TIME)
        return self(
            "kalender.tidspunkt",
            date=self.date(local.date()),
            hour=f"{local.hour:02d}",
            minute=f"{local.minute:02d}",
        )


def texts(language: str = DEFAULT_LANGUAGE) -> Texts:
    """The catalogue for `language`, falling back to Danish for a language we lack."""
    return _catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@cache
def _catalogue(language: str) -> Texts:
    return Texts(language, _load(language))


def _load(language: str) -> dict[str, str]:
    entries: dict[str, str] = {}
    folder = resources.files(__package__).joinpath(language)
    for file in sorted(folder.iterdir(), key=lambda f: f.name):
        if file.name.endswith(".yaml"):
            _flatten(read_yaml(file.read_text(encoding="utf-8")) or {}, "", entries, file.name)
    return entries


def _flatten(node: Any, prefix: str, into: dict[str, str], source: str) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(value, f"{prefix}{key}.", into, source)
        return
    key = prefix.rstrip(".")
    if key in into:
        raise ValueError(f"text {key!r} is defined twice (again in {source})")
    into[key] = str(node).rstrip("\n")
