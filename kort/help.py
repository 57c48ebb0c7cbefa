"""The help card, one per role: what this person does most (about five commands), the
rest behind "Flere kommandoer", and a button for the most common thing."""

from __future__ import annotations

from typing import Any

from adaptive_cards import card as ac

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, text, title

ALWAYS = ("annuller", "tilbage", "spring", "hjaelp")


def help_card(
    texts: Texts,
    *,
    leads: bool,
    uses_goals: bool = True,
    decides: bool = False,
    plans: bool = False,
    midway: bool = True,
) -> dict[str, Any]:
    """Help in a personal chat for a unit leader, a department head (`decides`), the
    administration (`plans`) or anyone else (a politician): what they can do, the most
    common first. Only a leader is told that Pejling helps write goals and report status;
    `midway`: whether the municipality holds a midway evaluation at all."""
    intro, first, rest = _commands(leads=leads, uses_goals=uses_goals, decides=decides, plans=plans)
    rest = rest if midway else tuple(key for key in rest if key != "midtvejs")
    if not uses_goals:
        # Everyone meets the same intro about the meetings, which the profile may word.
        intro = "hjaelp.intro_moeder"
    body: list[Any] = [title(texts("hjaelp.titel")), text(texts(intro)), text(_lines(first, texts))]
    more = card([text(_lines((*rest, *ALWAYS), texts))], fallback_text=texts("hjaelp.flere"))
    # The nested card is built as JSON like every other card; the library sends it as it is.
    shown = ac.ActionShowCard(title=texts("hjaelp.flere"), card=more)  # type: ignore[arg-type]
    body.append(ac.ActionSet(actions=[shown]))
    if leads and uses_goals:
        report = button(
            texts("hjaelp.knap_status"), {"action": actions.START_STATUS}, positive=True
        )
        draft = button(texts("hjaelp.knap_nyt_maal"), {"action": actions.NEW_GOAL})
        body.append(buttons(report, draft))
    elif plans:
        planning = button(texts("hjaelp.knap_nyt_moede"), {"action": actions.PLAN_MEETING})
        body.append(buttons(planning))
    return card(body, fallback_text=texts(intro))


def _commands(
    *, leads: bool, uses_goals: bool, decides: bool, plans: bool
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The intro, the first commands and the rest, by role (the first role that fits)."""
    approvals = ("godkendelse",) if decides and uses_goals else ()
    if leads and uses_goals:
        return "hjaelp.intro", ("status", "status_linje", "nyt_maal", "mine_maal", "forbered"), (
            "ret_status", "fortsaet", "aarshjul", "midtvejs", "slutrapport", "udsaet", "fravaer",
            *approvals, "moeder", "pejlemaerker", "sager",
        )  # fmt: skip
    if leads:
        first = ("forbered", "moeder", "aarshjul", "fravaer", "pejlemaerker")
        return "hjaelp.intro_moeder", first, ("sager",)
    if plans:
        first = ("nyt_moede", "referat", "moeder", "pejlemaerker", "sager")
        rest = ("viden", *approvals, "roller", "fravaer", "aarshjul")
        return "hjaelp.intro_administration", first, rest
    if decides:
        first = (*approvals, "pejlemaerker", "moeder", "sager", "fravaer")
        return "hjaelp.intro_godkender", first, ("aarshjul",)
    return "hjaelp.intro_politiker", ("pejlemaerker", "moeder", "sager", "aarshjul"), ()


def _lines(keys: tuple[str, ...], texts: Texts) -> str:
    return "\n".join(f"- {texts(f'hjaelp.{key}')}" for key in keys)


def channel_help_card(texts: Texts) -> dict[str, Any]:
    lines = f"- {texts('hjaelp.kanal_tilknyt')}\n- {texts('hjaelp.hjaelp')}"
    body = [title(texts("hjaelp.kanal_titel")), text(lines), text(texts("hjaelp.kanal_status"))]
    return card(body, fallback_text=texts("hjaelp.kanal_titel"))
