"""Every flow, by the name its progress rows are stored under."""

from __future__ import annotations

from dialoger.engine import Flow
from dialoger.flows import evaluering, forbered, fravaer, maal, moede, referat, status

FLOWS: dict[str, Flow] = (
    {
        flow.name: flow
        for flow in (status.FLOW, moede.FLOW, forbered.FLOW, referat.FLOW, fravaer.FLOW)
    }
    | maal.FLOWS
    | evaluering.FLOWS
)
