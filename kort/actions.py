"""Names of card actions. A card that emits an action and the route that receives it use
the same constant, so they cannot drift apart. Each travels as the Action.Execute's `verb`
(Teams refuses a click on an Action.Execute without one) and, for the Action.Submit
fallback and for cards posted before verbs, in the action's data as `action`, beside the
ids it acts on (`progress`, `step`, `goal`).

`ALL` (every constant of this module) and `DESTRUCTIVE` (what undoes something for others
too, set apart from the other buttons; not CANCEL, a form's plain Annullér) are gathered
when first read, so a constant added at the end of the file is in `ALL` without a second
list to keep.

`AT_THE_EDGE` are the verbs answered in bot/, before the dialogues, because the answer is a
Teams or HTTP matter (DOCUMENT: a file consent card or a signed link, bot/document_buttons.py);
every other verb has its handler in dialoger/cards.ROUTES.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import Any


def __getattr__(name: str) -> Any:
    # PEP 562: computed on first use, once every constant of the module is defined.
    if name == "ALL":
        return _all()
    if name == "DESTRUCTIVE":
        return frozenset({CANCEL_MEETING, REMOVE_ROLE, WITHDRAW_STATUS})
    if name == "AT_THE_EDGE":
        return frozenset({DOCUMENT})
    raise AttributeError(name)


@cache
def _all() -> frozenset[str]:
    module = vars(sys.modules[__name__])
    return frozenset(v for k, v in module.items() if k.isupper() and isinstance(v, str))


START_STATUS = "status.start"
CHOOSE_GOAL = "status.choose_goal"
ANSWER = "dialogue.answer"
CANCEL = "dialogue.cancel"
RESUME = "dialogue.resume"  # data: progress — ask its current question again


# Goals. In a goal dialogue, field answers and the review decision travel as ANSWER
# (the inputs are named after the dialogue's steps; the review step is "review").
NEW_GOAL = "goal.new"
GOAL_FORM = "goal.form"  # show the whole form instead of one question at a time
EDIT_FIELD = "goal.edit_field"  # data: progress, field
SHOW_GOAL = "goal.show"  # data: goal
EDIT_GOAL = "goal.edit"  # data: goal — open a saved goal in the dialogue again
APPROVE_GOAL = "goal.approve"  # data: goal, revision
RETURN_GOAL = "goal.return"  # data: goal, revision; input: comment
COMMITTEE_APPROVAL = "goal.committee"  # inputs: goal_<id> toggles, meeting_date
MY_GOALS = "goal.mine"

# Dialogue meetings. Ids in the data are checked again by the store before anything changes.
PLAN_MEETING = "meeting.plan"  # start the planning dialogue
SHOW_MEETING = "meeting.show"  # data: meeting
EDIT_MEETING = "meeting.edit"  # data: meeting — the planning dialogue on a planned meeting
CANCEL_MEETING = "meeting.cancel"  # data: meeting, revision
PREPARE = "meeting.prepare"  # data: meeting, unit — start the preparation dialogue
SEND_PACK = "meeting.send_pack"  # data: meeting — post the meeting pack now
WRITE_SUMMARY = "summary.write"  # data: meeting — start (or resume) the summary dialogue
SEND_SUMMARY = "summary.send"  # data: summary, revision — send for comments
COMMENT_SUMMARY = "summary.comment"  # data: summary, revision; input: comment
APPROVE_SUMMARY = "summary.approve"  # data: summary, revision
DECIDE_MATTER = "matter.decide"  # data: matter; inputs: decision, decided_on

# Midway evaluations and final reports. In the dialogue, answers travel as ANSWER and the
# review's Ret buttons as EDIT_FIELD; a reminder card starts it with START_EVALUATION.
START_EVALUATION = "evaluation.start"  # data: kind (midway | final), goal (optional)

# The year's reminders.
SNOOZE = "reminder.snooze"  # data: key (the reminder), days — remind me again then

# Roles, managed by the administration. Inputs: person, role, scope (u12, d3, c2).
GRANT_ROLE = "role.grant"
REMOVE_ROLE = "role.remove"

# Correcting and withdrawing one's own latest status on a goal.
CORRECT_STATUS = "status.correct"  # data: status — open it in the status form to correct it
WITHDRAW_STATUS = "status.withdraw"  # data: status — take it back

# The committee's documents: a *Hent som PDF/Excel* button on the digest, the meeting
# pack, the summary and the goal card; answered in bot/document_buttons.py, before the dialogues.
DOCUMENT = "document.get"  # data: document (a DocumentRequest as a dict)

# The overview on demand: `overblik` for the administration offers a committee; the
# overview's drop-downs open a unit's page or a goal's card, as a new message.
SHOW_OVERVIEW = "overview.show"  # data: committee
SHOW_UNIT = "unit.show"  # data or input: unit
OPEN_GOAL = "overview.goal"  # data or input: goal

# Matters for decision: the administration completes a matter's consequences and chooses
# the committee meeting whose list it is on, from the `sager` card.
EDIT_MATTER = "matter.edit"  # data: matter — open its form
SAVE_MATTER = "matter.save"  # data: matter; inputs: legal, economic, staff, other,
#   committee_meeting (an id), new_meeting (a date: a committee meeting to add)

# The committee decides its bearings: the administration records the decision on a
# proposal from a dialogue meeting, on the `pejlemærker` card.
DECIDE_BEARING = (
    "bearing.decide"  # data: bearing; inputs: bearing_decided_on_<id>, bearing_words_<id>
)

# The department head answers a leader's midway evaluation on its card: agrees or not,
# comments and signs it off.
ANSWER_MIDWAY = "midway.answer"  # data: goal, read_at; inputs: head_agrees (yes|no), head_comment
# The committee's knowledge pack before the dialogue meetings: the administration opens it
# from a meeting's card, enters or removes pieces, and posts it to the committee's channel.
SHOW_KNOWLEDGE = "knowledge.show"  # data: meeting, or committee and period
SAVE_KNOWLEDGE = "knowledge.save"  # data: committee, period; inputs: kind, title, text, url,
#   value, unit, year
REMOVE_KNOWLEDGE = "knowledge.remove"  # data: item
POST_KNOWLEDGE = "knowledge.post"  # data: committee, period

# Joint dialogue meetings: the administration chooses the other committees taking part,
# from a meeting's card.
CHOOSE_JOINT = "meeting.choose_joint"  # data: meeting — the form with the other committees
SAVE_JOINT = "meeting.save_joint"  # data: meeting; input: committees (ids, comma separated)

# The unit's leader comments on a goal the administration wrote for the unit as pen-holder.
COMMENT_GOAL = "goal.comment"  # data: goal; input: goal_comment
# A leader carries a goal into the next period as a draft, while that period's goals are
# being drafted (the goal card's button).
CARRY_GOAL = "goal.carry_over"  # data: goal
