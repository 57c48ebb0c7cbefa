"""Limits on what people type, shared by the rules in store/ and the forms in kort/."""

from __future__ import annotations

NARRATIVE_MAX = 2000
EVIDENCE_MAX = 1000
