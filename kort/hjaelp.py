"""The help card: what Pejling can do, with a button for the most common thing."""

from __future__ import annotations

from typing import Any

from kort import actions
from kort.common import button, buttons, card, text, title
from kort.tekster import Texts

PERSONAL_LINES = ("status", "annuller", "tilbage", "spring", "hjaelp")


def help_card(texts: Texts, can_report: bool) -> dict[str, Any]:
    """Help in a personal chat; the status button only for those who have goals to report on."""
    lines = "\n".join(f"- {texts(f'hjaelp.{key}')}" for key in PERSONAL_LINES)
    body: list[Any] = [title(texts("hjaelp.titel")), text(texts("hjaelp.intro")), text(lines)]
    if can_report:
        start = {"action": actions.START_STATUS}
        body.append(buttons(button(texts("hjaelp.knap_status"), start, positive=True)))
    return card(body, fallback_text=texts("hjaelp.intro"))


def channel_help_card(texts: Texts) -> dict[str, Any]:
    lines = f"- {texts('hjaelp.kanal_tilknyt')}\n- {texts('hjaelp.hjaelp')}"
    body = [title(texts("hjaelp.kanal_titel")), text(lines), text(texts("hjaelp.kanal_status"))]
    return card(body, fallback_text=texts("hjaelp.kanal_titel"))
