"""Team rosters: how the bot finds the 29: id of someone who has never written to it.

A 1:1 chat can only be opened with a person's bot-specific 29: id, and Teams hands that
out in the rosters of teams the bot is installed in (TEAMS-FACTS §3). A fan-out to 2,000
leaders who never wrote must not read a team's roster 2,000 times: each roster is read
once (callers asking at the same time share the one read) and kept for ten minutes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.connector import Connector, Unreachable
from store.conversations import Team

log = logging.getLogger(__name__)
ROSTER_SECONDS = 600.0

Roster = Mapping[str, str]  # Entra object id -> 29: id


@dataclass
class Rosters:
    """Rosters read recently, by tenant and team."""

    seconds: float = ROSTER_SECONDS
    clock: Callable[[], float] = time.monotonic
    _read: dict[tuple[str, str], tuple[float, asyncio.Task[Roster]]] = field(default_factory=dict)

    async def user_ids(self, connector: Connector, team: Team, tenant_id: str) -> Roster:
        """Everyone in the team: their Entra object id to their 29: id."""
        key = (tenant_id, team.team_id)
        held = self._read.get(key)
        if held is None or held[0] + self.seconds <= self.clock():
            task = asyncio.ensure_future(_read_roster(connector, team, tenant_id))
            held = self._read[key] = (self.clock(), task)
        try:
            # Shielded: one caller giving up must not cancel the read the others wait on.
            return await asyncio.shield(held[1])
        except Exception:
            if self._read.get(key) is held:
                del self._read[key]  # a failed read is tried again by the next caller
            raise


async def _read_roster(connector: Connector, team: Team, tenant_id: str) -> Roster:
    try:
        members = await connector.paged_members(team.service_url, team.team_id, tenant_id)
    except Unreachable:
        # Removed from the team since it was seen: nobody can be reached through it.
        log.info("team %s refused its roster (403); the bot was removed from it", team.team_id)
        return {}
    return {
        str(m["aadObjectId"]): str(m["id"])
        for m in members
        if m.get("aadObjectId") and str(m.get("id", "")).startswith("29:")
    }
