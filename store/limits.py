"""Limits on what people type, shared by the rules in store/ and the forms in kort/."""

from __future__ import annotations

NARRATIVE_MAX = 2000
EVIDENCE_MAX = 1000
NOTE_MAX = 2000  # a field of a preparation note or a meeting summary
PLACE_MAX = 200
TITLE_MAX = 300  # a bearing's or a matter's title
COMMENT_MAX = 2000
MESSAGE_MAX = 4000  # a whole typed message; longer is refused in Danish, never cut
