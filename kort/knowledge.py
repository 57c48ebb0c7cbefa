"""Cards of a committee's knowledge pack (vidensgrundlag): the pack as the committee's
channel gets it before the dialogue meetings, its section in the meeting pack, and the
form on which the administration enters pieces and posts the pack."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, text, title
from store.enums import KnowledgeKind
from store.limits import NOTE_MAX, TITLE_MAX
from store.meetingviews import KnowledgeItemView, KnowledgePackView

FIELDS = ("kind", "title", "text", "url", "value", "unit", "year")


def figure(value: float) -> str:
    """A key figure the Danish way: 1.250 and 82,5."""
    whole = float(value).is_integer()
    shown = f"{value:,.0f}" if whole else f"{value:,.2f}".rstrip("0")
    return shown.replace(",", "§").replace(".", ",").replace("§", ".")


def item_line(item: KnowledgeItemView, texts: Texts) -> str:
    """One piece in a line: "Trivsel i indskolingen (2026): 82 %", a link by its title,
    or the title of a text (its words follow below it)."""
    if item.kind is KnowledgeKind.FIGURE and item.value is not None:
        shown = f"{figure(item.value)} {item.unit or ''}".strip()
        if item.year is not None:
            return texts("viden.tal_aar", title=item.title, year=item.year, value=shown)
        return texts("viden.tal", title=item.title, value=shown)
    if item.kind is KnowledgeKind.LINK and item.url:
        return f"[{_escaped(item.title)}]({item.url})"
    return item.title


def _escaped(words: str) -> str:
    return words.replace("[", "(").replace("]", ")")


def knowledge_section(
    items: Sequence[KnowledgeItemView], texts: Texts, heading: bool = True
) -> list[Any]:
    """The pack's pieces under their kinds: key figures, trends and surveys, links."""
    blocks: list[Any] = [text(texts("viden.overskrift"), bold=True)] if heading else []
    for kind in (KnowledgeKind.FIGURE, KnowledgeKind.TEXT, KnowledgeKind.LINK):
        shown = [i for i in items if i.kind is kind]
        if not shown:
            continue
        blocks.append(text(texts(f"viden.art.{kind.value}"), bold=True, small=True))
        for item in shown:
            blocks.append(text(item_line(item, texts), bold=kind is KnowledgeKind.TEXT))
            if item.text:
                blocks.append(text(item.text, subtle=kind is not KnowledgeKind.TEXT, small=True))
    return blocks


def knowledge_pack_card(pack: KnowledgePackView, texts: Texts) -> dict[str, Any]:
    """The pack as the committee's channel gets it, before the dialogue meetings."""
    heading = texts("viden.kanal_titel", committee=pack.committee_name)
    body: list[Any] = [
        title(heading),
        text(texts("viden.kanal_intro", period=pack.period_name), subtle=True),
        *knowledge_section(pack.items, texts, heading=False),
    ]
    return card(body, fallback_text=heading)


def knowledge_form_card(pack: KnowledgePackView, texts: Texts) -> dict[str, Any]:
    """The administration's card: the pack so far, each piece with *Fjern*, a form for a
    new piece (or a piece with the same title, to replace it), and *Send til kanalen*."""
    scope = {"committee": pack.committee_id, "period": pack.period_id}
    body: list[Any] = [
        title(texts("viden.form_titel", committee=pack.committee_name)),
        text(pack.period_name, subtle=True),
    ]
    if not pack.items:
        body.append(text(texts("viden.ingen"), subtle=True))
    for item in pack.items:
        body.append(_piece(item, texts))
    body += [text(texts("viden.ny"), bold=True), *_inputs(texts)]
    add = {"action": actions.SAVE_KNOWLEDGE, **scope, "fields": list(FIELDS)}
    post = {"action": actions.POST_KNOWLEDGE, **scope}
    shown = [button(texts("viden.knap.gem"), add, positive=True)]
    if pack.items:
        shown.append(button(texts("viden.knap.send"), post, validate=False))
    body.append(buttons(*shown))
    return card(body, fallback_text=texts("viden.form_titel", committee=pack.committee_name))


def _piece(item: KnowledgeItemView, texts: Texts) -> ac.Container:
    remove = {"action": actions.REMOVE_KNOWLEDGE, "item": item.id}
    items: list[Any] = [text(item_line(item, texts), bold=True)]
    if item.text:
        items.append(text(item.text, small=True))
    items.append(buttons(button(texts("viden.knap.fjern"), remove, validate=False)))
    return ac.Container(items=items, separator=True, spacing=t.Spacing.MEDIUM)


def _inputs(texts: Texts) -> list[Any]:
    kinds = [
        ac.InputChoice(title=texts(f"viden.art.{kind.value}"), value=kind.value)
        for kind in KnowledgeKind
    ]
    return [
        ac.InputChoiceSet(id="kind", label=texts("viden.felt.kind"), value="text", choices=kinds),
        ac.InputText(id="title", label=texts("viden.felt.title"), max_length=TITLE_MAX,
                     is_required=True, error_message=texts("viden.titel_mangler")),
        ac.InputText(id="text", label=texts("viden.felt.text"), is_multiline=True,
                     max_length=NOTE_MAX),
        ac.InputText(id="url", label=texts("viden.felt.url"), style=t.TextInputStyle.URL),
        ac.InputText(id="value", label=texts("viden.felt.value")),
        ac.InputText(id="unit", label=texts("viden.felt.unit"), max_length=50),
        ac.InputNumber(id="year", label=texts("viden.felt.year"), min=1990, max=2100),
    ]  # fmt: skip
