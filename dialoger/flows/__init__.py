"""Every flow, by the name its progress rows are stored under."""

from __future__ import annotations

from typing import Any

from dialoger.engine import Flow
from dialoger.flows import absences, evaluations, goals, meetings, preparations, status, summaries

# Each flow is over data of its own; the table holds them all.
FLOWS: dict[str, Flow[Any]] = (
    {
        flow.name: flow
        for flow in (status.FLOW, meetings.FLOW, preparations.FLOW, summaries.FLOW, absences.FLOW)
    }
    | goals.FLOWS
    | evaluations.FLOWS
)
