"""Every flow, by the name its progress rows are stored under."""

from __future__ import annotations

from dialoger.engine import Flow
from dialoger.flows import maal, status

FLOWS: dict[str, Flow] = {status.FLOW.name: status.FLOW, **maal.FLOWS}
