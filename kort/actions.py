"""Names of card actions. A card that emits an action and the route that receives it use
the same constant, so they cannot drift apart. Each travels in the action's data as
`action`, beside the ids it acts on (`progress`, `step`, `goal`)."""

from __future__ import annotations

START_STATUS = "status.start"
CHOOSE_GOAL = "status.choose_goal"
ANSWER = "dialogue.answer"
CANCEL = "dialogue.cancel"

ALL = frozenset({START_STATUS, CHOOSE_GOAL, ANSWER, CANCEL})
