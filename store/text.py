"""Folding text for matching what people type against names, keys and commands."""

from __future__ import annotations

import re
import unicodedata

# Danish letters become their usual two-letter spellings, so "Oestergaard" finds "Østergaard"
# on a keyboard without ø; other accents are dropped ("annullér" matches "annuller").
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    lowered = _SPACES.sub(" ", text.casefold().strip()).translate(_DANISH)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# In Danish alphabetical order Æ, Ø and Å come after Z (and "aa" is Å, as in Aabenraa).
_ALPHABET_END = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|"})


def danish_order(name: str) -> tuple[str, str]:
    """A sort key that puts names in Danish alphabetical order, whatever the database's
    collation: Bøgeskov before Børnehaven, Ærø after Zealand, Aabenraa among the Å's."""
    lowered = name.casefold().strip()
    if lowered.startswith("aa"):
        lowered = "å" + lowered[2:]
    return lowered.translate(_ALPHABET_END), name


def shorten(text: str, limit: int) -> str:
    """`text` on one line and at most `limit` characters, cut with "…": for quoting what
    someone wrote back to them, or in a list where a long text would crowd the rest."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
