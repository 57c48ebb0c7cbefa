"""People of the demo municipality in their personal chats, writing to Pejling through
`dialoger.router.handle` one turn at a time over a real store, and whom each turn tells
something. Used by the dialogue tests of meetings, absences, evaluations and the year."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from dialoger.memory import Memory
from dialoger.router import handle
from dialoger.turn import Notice, Turn, TurnResult, Via
from flowkit import NOW
from harness import button_data
from kort.common import walk
from store import progress
from store.models import Committee, Person, Unit
from store.orgfile import OrgFile
from store.views import ProgressView
from store_helpers import Sessions, municipality_id


@dataclass
class Chat:
    """The demo municipality's people in their personal chats with Pejling."""

    sessions: Sessions
    org: OrgFile
    municipality_id: int
    people: dict[str, int]  # person key → id
    units: dict[str, int]  # unit key → id
    committees: dict[str, int]  # committee key → id
    now: datetime = NOW
    memory: Memory = field(default_factory=Memory)

    async def say(self, key: str, *messages: str) -> TurnResult:
        """`key` types each message in turn; the result of the last."""
        result = TurnResult()
        for text in messages:
            result = await self._turn(key, Via.TEXT, text=text)
        return result

    async def press(self, key: str, data: dict[str, Any]) -> TurnResult:
        """`key` presses a card button (Action.Execute) carrying `data`."""
        return await self._turn(key, Via.EXECUTE, data=data, reply_to_id="card-1")

    async def press_on(self, key: str, result: TurnResult, button: str) -> TurnResult:
        """`key` presses the button titled `button` on the last card `result` showed."""
        card = [r.card for r in result.replies if r.card][-1]
        return await self.press(key, button_data(card, button))

    async def _turn(self, key: str, via: Via, **fields: Any) -> TurnResult:
        person = self.org.find_person(key)
        assert person is not None, key
        turn = Turn(
            tenant_id=self.org.municipality.tenant_id,
            user_id=f"29:{key}",
            aad_object_id=person.aad_object_id,
            conversation_id=f"a:{key}",
            conversation_type="personal",
            service_url="http://connector.invalid/",
            bot_id="28:pejling",
            now=self.now,
            via=via,
            **fields,
        )
        return await handle(self.sessions, turn, self.memory)

    async def dialogue(self, key: str) -> ProgressView | None:
        """The dialogue `key` is in the middle of, as saved."""
        async with self.sessions() as session:
            return await progress.active(session, self.municipality_id, self.people[key])

    def told(self, result: TurnResult) -> list[str]:
        """Whom the turn's notices go to (person keys, in the order told)."""
        keys = {person_id: key for key, person_id in self.people.items()}
        return [keys[n.person_id] for n in result.notices]

    def notices_to(self, result: TurnResult, key: str) -> list[Notice]:
        return [n for n in result.notices if n.person_id == self.people[key]]

    def unit_list(self, *keys: str) -> str:
        """Unit ids as a multi-select input sends them: comma separated."""
        return ",".join(str(self.units[key]) for key in keys)


async def chat_with(sessions: Sessions, org: OrgFile) -> Chat:
    """A chat with `org` (already imported), knowing its people's and units' ids."""
    async with sessions() as session:
        people = dict((await session.execute(select(Person.key, Person.id))).all())
        units = dict((await session.execute(select(Unit.key, Unit.id))).all())
        committees = dict((await session.execute(select(Committee.key, Committee.id))).all())
        municipality = await municipality_id(session, org)
    return Chat(sessions, org, municipality, people, units, committees)


def submitted(card: dict[str, Any], button: str, **typed: str) -> dict[str, Any]:
    """What Teams sends when `button` on `card` is pressed: the button's data and every
    input's value (empty ones left out), with `typed` written over them."""
    values = {
        node["id"]: node["value"]
        for node in walk(card)
        if str(node.get("type", "")).startswith("Input.") and node.get("value")
    }
    return {**button_data(card, button), **values, **typed}
