"""The help card: what Pejling can do, with a button for the most common thing."""

from __future__ import annotations

from typing import Any

from kort import actions
from kort.common import button, buttons, card, text, title
from kort.tekster import Texts

ALWAYS = ("annuller", "tilbage", "spring", "hjaelp")


def help_card(
    texts: Texts,
    *,
    leads: bool,
    uses_goals: bool = True,
    decides: bool = False,
    plans: bool = False,
) -> dict[str, Any]:
    """Help in a personal chat: what this person can do, and buttons for the most common.
    A leader reports status, writes goals and prepares for dialogue meetings; whoever
    approves goals sees them waiting; the administration plans meetings and writes their
    summaries; everyone follows the meetings, the bearings and the matters for decision."""
    keys: list[str] = []
    if leads and uses_goals:
        keys += ["status", "status_linje", "ret_status", "nyt_maal", "mine_maal", "fortsaet",
                 "midtvejs", "slutrapport", "udsaet"]  # fmt: skip
    if decides and uses_goals:
        keys.append("godkendelse")
    keys += ["forbered"] if leads else []
    keys += ["nyt_moede", "referat"] if plans else []
    keys += ["fravaer"] if leads or decides or plans else []
    keys += ["moeder", "pejlemaerker", "sager", "aarshjul"]
    lines = "\n".join(f"- {texts(f'hjaelp.{key}')}" for key in (*keys, *ALWAYS))
    body: list[Any] = [title(texts("hjaelp.titel")), text(texts("hjaelp.intro")), text(lines)]
    if leads and uses_goals:
        report = button(
            texts("hjaelp.knap_status"), {"action": actions.START_STATUS}, positive=True
        )
        draft = button(texts("hjaelp.knap_nyt_maal"), {"action": actions.NEW_GOAL})
        body.append(buttons(report, draft))
    elif plans:
        planning = button(texts("hjaelp.knap_nyt_moede"), {"action": actions.PLAN_MEETING})
        body.append(buttons(planning))
    return card(body, fallback_text=texts("hjaelp.intro"))


def channel_help_card(texts: Texts) -> dict[str, Any]:
    lines = f"- {texts('hjaelp.kanal_tilknyt')}\n- {texts('hjaelp.hjaelp')}"
    body = [title(texts("hjaelp.kanal_titel")), text(lines), text(texts("hjaelp.kanal_status"))]
    return card(body, fallback_text=texts("hjaelp.kanal_titel"))
