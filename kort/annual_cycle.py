"""The year card (årshjul): what is due when, month by month."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from kort.catalogue import Texts
from kort.common import card, text, title
from store.views import CycleItem


def item_line(item: CycleItem, texts: Texts) -> str:
    """One item in words: "15. marts 2027 – Statusmelding på jeres mål"."""
    when = texts.day_time(item.at) if item.at else texts.day(item.on)
    what = texts(f"aarshjul.punkt.{item.kind.value}", about=item.about or "",
                 until=texts.date(item.until) if item.until else "")  # fmt: skip
    return texts("aarshjul.linje", when=when, what=what)


def year_card(items: Sequence[CycleItem], heading: str, texts: Texts) -> dict[str, Any]:
    body: list[Any] = [title(heading)]
    if not items:
        body.append(text(texts("aarshjul.intet"), subtle=True))
    for (year, month), group in groupby(items, key=lambda i: (i.on.year, i.on.month)):
        body.append(text(texts("aarshjul.maaned", month=texts(f"kalender.maaned.{month}"),
                               year=year), bold=True))  # fmt: skip
        body.append(text("\n".join(f"- {item_line(i, texts)}" for i in group)))
    return card(body, fallback_text=heading)
