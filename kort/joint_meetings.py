"""Cards of a joint dialogue meeting: the administration's choice of the other committees
taking part, and the invitation their politicians get."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adaptive_cards import card as ac
from adaptive_cards import types as t

from kort import actions
from kort.catalogue import Texts
from kort.common import button, buttons, card, text, title
from kort.meetings import meeting_facts
from store.meetingviews import MeetingView


def joint_form_card(
    meeting: MeetingView, others: Sequence[tuple[int, str]], texts: Texts
) -> dict[str, Any]:
    """The committees that can take part besides the meeting's own, those taking part
    chosen; none chosen makes it the committee's own meeting again."""
    chosen = ",".join(str(cid) for cid, _ in meeting.joint) or None
    choices = [ac.InputChoice(title=name, value=str(cid)) for cid, name in others]
    data = {"action": actions.SAVE_JOINT, "meeting": meeting.id, "fields": ["committees"]}
    body: list[Any] = [
        title(texts("moedekort.faelles.titel")),
        meeting_facts(meeting, texts, units=False),
        ac.InputChoiceSet(
            id="committees", label=texts("moedekort.faelles.label"), is_multi_select=True,
            style=t.ChoiceInputStyle.EXPANDED, value=chosen, choices=choices,
        ),
        buttons(button(texts("moedekort.faelles.gem"), data, positive=True)),
    ]  # fmt: skip
    return card(body, fallback_text=texts("moedekort.faelles.titel"))


def joint_invitation_card(meeting: MeetingView, texts: Texts) -> dict[str, Any]:
    """To a politician whose committee takes part in another committee's meeting."""
    said = texts(
        "moedekort.faelles.invitation", committee=meeting.committee_name,
        time=texts.day_time(meeting.starts_at),
    )  # fmt: skip
    body: list[Any] = [
        title(texts("moedekort.faelles.invitation_titel")),
        text(said),
        meeting_facts(meeting, texts),
    ]
    return card(body, fallback_text=said)
