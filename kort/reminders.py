"""The year's reminders as cards: to a leader (or their deputy) the button that does the
work and `udsæt`; to a department head, which units are late; to the administration,
whom Pejling cannot reach."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from adaptive_cards import card as ac

from kort import actions
from kort.catalogue import Texts
from kort.common import button, button_rows, buttons, card, text, title
from store.reminderviews import Owing, Stage
from store.views import ItemKind

_EVALUATION_KIND = {ItemKind.MIDWAY: "midway", ItemKind.FINAL_REPORT: "final"}


def reminder_card(owing: Owing, texts: Texts) -> dict[str, Any]:
    """A leader's reminder, or the department head's list of late units."""
    if owing.reminder.stage is Stage.ESCALATE:
        return _escalation_card(owing, texts)
    reminder = owing.reminder
    subject = reminder.subject.value
    deadline = texts.date(reminder.deadline)
    said = texts(f"paamindelse.forklaring.{subject}", date=deadline)
    heading = texts(f"paamindelse.titel.{subject}")
    if reminder.stage is not Stage.REMIND:
        heading = texts("paamindelse.titel_rykker", what=texts(f"paamindelse.hvad.{subject}"))
    body: list[Any] = [title(heading), text(said)]
    if reminder.stage is Stage.NUDGE:
        body.append(text(texts("paamindelse.frist_overskredet", date=deadline), bold=True))
    if reminder.stage is Stage.AGAIN:
        body.append(text(texts("paamindelse.igen"), subtle=True))
    if owing.on_behalf_of:
        names = ", ".join(owing.on_behalf_of)
        body.append(text(texts("paamindelse.stedfortraeder", names=names), subtle=True))
    body += [_units(owing, texts), _actions(owing, texts)]
    return card(body, fallback_text=said)


def _units(owing: Owing, texts: Texts) -> Any:
    names = "\n".join(f"- {name}" for _, name in owing.units)
    return text(f"{texts('paamindelse.mangler')}\n{names}")


def _actions(owing: Owing, texts: Texts) -> Any:
    subject = owing.reminder.subject
    work = button(texts(f"paamindelse.knap.{subject.value}"), _work(subject), positive=True)
    later = [
        button(_snooze_label(days, texts), snooze_data(owing.key, days))
        for days in owing.snooze_days
    ]
    if not later:
        return buttons(work)
    # The work on a row of its own, the ways to put it off together below it.
    return ac.Container(items=[*button_rows(work), *button_rows(*later)])


def snooze_data(key: str, days: int) -> dict[str, Any]:
    return {"action": actions.SNOOZE, "key": key, "days": days}


def _work(subject: ItemKind) -> dict[str, Any]:
    """The action that starts the dialogue the reminder is about."""
    if subject is ItemKind.STATUS:
        return {"action": actions.START_STATUS}
    if subject is ItemKind.DRAFTING:
        return {"action": actions.MY_GOALS}
    return {"action": actions.START_EVALUATION, "kind": _EVALUATION_KIND[subject]}


def _snooze_label(days: int, texts: Texts) -> str:
    return texts("paamindelse.udsaet_uge") if days == 7 else texts("paamindelse.udsaet", count=days)


def _escalation_card(owing: Owing, texts: Texts) -> dict[str, Any]:
    subject = owing.reminder.subject.value
    what = texts(f"paamindelse.hvad.{subject}")
    said = texts("paamindelse.eskalering", what=what, date=texts.date(owing.reminder.deadline))
    body: list[Any] = [title(texts("paamindelse.eskalering_titel", what=what)), text(said)]
    body.append(text("\n".join(f"- {name}" for _, name in owing.units)))
    if owing.leaders:
        names = ", ".join(owing.leaders)
        body.append(text(texts("paamindelse.eskalering_ledere", names=names), subtle=True))
    if owing.on_behalf_of:
        names = ", ".join(owing.on_behalf_of)
        body.append(text(texts("paamindelse.stedfortraeder", names=names), subtle=True))
    return card(body, fallback_text=said)


class Lost(Protocol):
    """Someone, or a committee's channel, Pejling cannot write to."""

    @property
    def name(self) -> str: ...
    @property
    def since(self) -> datetime | None: ...
    @property
    def channel(self) -> bool: ...


def unreached_card(lost: Sequence[Lost], texts: Texts) -> dict[str, Any]:
    """The administration's weekly list of people and channels Pejling cannot reach."""
    said = texts("uopnaaelige.forklaring")
    lines = [f"- {_lost_line(entry, texts)}" for entry in lost]
    body: list[Any] = [title(texts("uopnaaelige.titel")), text(said), text("\n".join(lines))]
    return card(body, fallback_text=said)


def _lost_line(entry: Lost, texts: Texts) -> str:
    if entry.channel:
        when = texts.date(entry.since) if entry.since else ""
        return texts("uopnaaelige.kanal", name=entry.name, date=when)
    if entry.since is None:
        return texts("uopnaaelige.aldrig", name=entry.name)
    return texts("uopnaaelige.fjernet", name=entry.name, date=texts.date(entry.since))
