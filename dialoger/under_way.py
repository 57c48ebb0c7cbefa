"""Which dialogue is under way, in words, for `fortsæt` and a greeting to name it."""

from __future__ import annotations

from dialoger.context import Context
from store.views import ProgressView

# What a dialogue under way is, said by its flow's name ("maal:hvidovre", "moede:referat").
_UNDER_WAY = {
    "status": "tale.under_vejs.status",
    "fravaer": "tale.under_vejs.fravaer",
    "moede:planlaeg": "tale.under_vejs.moede",
    "moede:forbered": "tale.under_vejs.forbered",
    "moede:referat": "tale.under_vejs.referat",
}


def under_way(ctx: Context, current: ProgressView) -> str:
    """Which dialogue `fortsæt` picks up, in words: "målet »Mere udeliv«"."""
    t = ctx.texts
    if current.flow.startswith("maal:"):
        title = current.answers.get("title")
        return t("tale.under_vejs.maal", title=title) if title else t("tale.under_vejs.nyt_maal")
    if current.flow.startswith("evaluering:"):
        return t("tale.under_vejs.evaluering")
    return t(_UNDER_WAY.get(current.flow, "tale.under_vejs.samtale"))
