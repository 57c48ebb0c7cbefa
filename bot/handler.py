"""The bot: an activity becomes a turn, the turn goes to `dialoger`, the replies go back.

Replies are sent after the turn's transaction has committed (inside `router.handle`),
so a failure while sending never loses what the person answered.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
from botbuilder.core import Bot, TurnContext
from botbuilder.schema import ActivityTypes

from bot import document_buttons
from bot import outbox as outbox_edge
from bot.adapter import PejlingAdapter
from bot.connector import Connector, ConnectorError
from bot.convert import (
    combine,
    invoke_card_response,
    invoke_message_response,
    message_body,
    reply_activity,
    tenant_of,
    to_turn,
)
from bot.proactive import Proactive
from bot.shared import SharedTurnLimit
from bot.turnlimit import Verdict
from dialoger import router
from dialoger.memory import Memory
from dialoger.turn import Reply, Target, Turn, TurnResult, Via
from kort.catalogue import texts
from store.db import Sessions
from store.outbox import Kind

log = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")


def safe(value: object) -> str:
    """An id from outside, fit for a log line: no control characters, no forged lines."""
    return _UNSAFE.sub("?", str(value))[:200]


def utcnow() -> datetime:
    return datetime.now(UTC)


class PejlingBot(Bot):
    def __init__(
        self,
        sessions: Sessions,
        connector: Connector,
        memory: Memory,
        proactive: Proactive,
        clock: Callable[[], datetime] = utcnow,
        tenants: frozenset[str] | None = None,
        turns: SharedTurnLimit | None = None,
        http: aiohttp.ClientSession | None = None,
        public_url: str = "",
    ) -> None:
        self.http = http  # for uploading documents to Teams (bot/document_buttons.py)
        self.public_url = public_url  # where `GET /dokument/{token}` is reached
        self.turns = turns  # how fast one person may go; None: as fast as they like
        self.sessions = sessions
        self.tenants = tenants  # the allow-list, when `PEJLING_TENANTS` is set
        self.connector = connector
        self.memory = memory
        self.proactive = proactive
        self.clock = clock
        self._later: set[asyncio.Task[None]] = set()
        self._telling: set[asyncio.Task[None]] = set()

    async def on_turn(self, context: TurnContext) -> None:
        if document_buttons.is_consent(context):
            await document_buttons.consent(self, context)
            return
        turn = to_turn(context.activity, self.clock())
        if turn is None:
            if context.activity.type == ActivityTypes.invoke:
                PejlingAdapter.set_invoke_response(context, 200, {})  # accepted, not for us
            return
        if self.turns is not None and not await self._within_limit(self.turns, context, turn):
            return
        if document_buttons.wants_document(turn):
            await document_buttons.answer(self, context, turn)
            return
        result = await router.handle(self.sessions, turn, self.memory, self.tenants)
        await _Delivery(self, context, turn, result).run()

    async def _within_limit(self, limit: SharedTurnLimit, context: TurnContext, turn: Turn) -> bool:
        """Count the turn against its sender's limit; over it, say so once, then nothing."""
        verdict = await limit.check((turn.tenant_id, turn.aad_object_id or turn.user_id))
        if verdict is Verdict.ALLOW:
            return True
        slow_down = texts()("fejl.for_hurtigt")
        if turn.via is Via.EXECUTE:
            # Teams waits for an invoke's answer anyway, and it costs no call to Teams.
            PejlingAdapter.set_invoke_response(context, 200, invoke_message_response(slow_down))
        elif verdict is Verdict.WARN and turn.via in (Via.TEXT, Via.SUBMIT):
            log.info("a person in tenant %s went over the turn limit", safe(turn.tenant_id))
            body = message_body(slow_down, None)
            try:
                await self.connector.send(
                    turn.service_url, turn.conversation_id, body, tenant_id=turn.tenant_id
                )
            except ConnectorError as error:
                log.warning("the turn limit notice was not delivered: %s", error)
        return False

    def after_turn(
        self, work: Coroutine[Any, Any, None], group: set[asyncio.Task[None]] | None = None
    ) -> None:
        """Run `work` once the turn is answered, logging its errors (no one waits for it)."""
        held = self._later if group is None else group
        task = asyncio.create_task(_logged(work))
        held.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(held.discard)

    def tell_after_turn(self, work: Coroutine[Any, Any, None]) -> None:
        """Send a turn's notices once it is answered; `told` waits for them."""
        self.after_turn(work, self._telling)

    async def told(self) -> None:
        """Wait until the notices of turns answered so far have been tried (for shutdown,
        and for tests that read what the others were told)."""
        while self._telling:
            await asyncio.gather(*self._telling, return_exceptions=True)

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        """The one error handler for turns: log with ids only, apologise in Danish."""
        activity = context.activity
        log.error(
            "turn failed: %s in conversation %s, activity %s",
            type(error).__name__,
            safe(activity.conversation.id if activity.conversation else "-"),
            safe(activity.id),
            exc_info=error,
        )
        apology = texts()("fejl.teknisk")
        if activity.type == ActivityTypes.invoke:
            PejlingAdapter.set_invoke_response(context, 200, invoke_message_response(apology))
            return
        try:
            await self.connector.send(
                activity.service_url,
                activity.conversation.id,
                message_body(apology, None),
                tenant_id=tenant_of(activity),
            )
        except Exception:  # noqa: BLE001 - the apology is best effort
            log.warning("could not send the apology either")


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except Exception:
        log.exception("work after the turn failed")


@dataclass
class _Delivery:
    """Sends one turn's replies: new messages, updated cards and the invoke response."""

    bot: PejlingBot
    context: TurnContext
    turn: Turn
    result: TurnResult
    answered_invoke: bool = False
    card_message: str | None = None

    async def run(self) -> None:
        replies = list(self.result.replies)
        if self.turn.via is Via.EXECUTE and not any(r.target is Target.REPLACE for r in replies):
            replies = self._answer_invoke_with_text(replies)
        for reply in combine(replies):
            await self._send(reply)
        if self.turn.via is Via.EXECUTE and not self.answered_invoke:
            PejlingAdapter.set_invoke_response(self.context, 200, {"statusCode": 200})
        if self.result.card_owner and self.card_message is not None:
            self.bot.memory.card_shown(self.result.card_owner, self.card_message)
        if self.result.told:
            # Planned in the outbox with the turn; a storm must not hold up the answer.
            self.bot.tell_after_turn(self._tell())
        if self.result.posted:
            self.bot.after_turn(self._post())
        if self.result.dispatch:
            # A pack in parts, with retries, can outlast the ~15 s Teams waits for a click;
            # it would then deliver the click again, and post the pack again.
            self.bot.after_turn(self._dispatch())

    async def _dispatch(self) -> None:
        for item in self.result.dispatch:
            # A pack asked for by the button goes out again; anything else only once.
            await outbox_edge.deliver(
                self.bot.proactive, item, self.turn.now, again=item.kind is Kind.PACK
            )

    async def _post(self) -> None:
        for planned in self.result.posted:  # planned with the turn; a failure waits for the tick
            await outbox_edge.send_now(
                self.bot.proactive, planned.municipality_id, (planned.key,), self.turn.now
            )

    async def _tell(self) -> None:
        municipality_id = self.result.notices[0].municipality_id
        await outbox_edge.send_now(
            self.bot.proactive, municipality_id, self.result.told, self.turn.now
        )

    def _answer_invoke_with_text(self, replies: list[Reply]) -> list[Reply]:
        # With no card to replace, Teams shows the invoke's text answer by the card.
        first = next((r for r in replies if r.text and r.card is None), None)
        if first is None:
            return replies
        body = invoke_message_response(first.text or "")
        PejlingAdapter.set_invoke_response(self.context, 200, body)
        self.answered_invoke = True
        return [r for r in replies if r is not first]

    async def _updated(self, reply: Reply, target: str) -> bool:
        """Put `reply` in place of message `target`; False: send it as a new message."""
        turn = self.turn
        try:
            await self.bot.connector.update(
                turn.service_url,
                turn.conversation_id,
                target,
                reply_activity(reply, turn),
                tenant_id=turn.tenant_id,
            )
        except ConnectorError as error:
            if not 400 <= error.status < 500:
                raise
            # Refused: the message is gone, lives in another device's chat, or the client
            # cannot update messages (the Agents Playground). The answer goes out as a new
            # message rather than failing the turn; the old card, if pressed, is refused.
            log.info("card %s not updated (%s): sent as a new message", safe(target), error)
            return False
        self.card_message = target if reply.target is Target.REPLACE else self.card_message
        return True

    async def _send(self, reply: Reply) -> None:
        turn, connector = self.turn, self.bot.connector
        if reply.target is Target.REPLACE and turn.via is Via.EXECUTE and not self.answered_invoke:
            body = invoke_card_response(reply.card or {})
            PejlingAdapter.set_invoke_response(self.context, 200, body)
            self.answered_invoke = True
            self.card_message = turn.reply_to_id
            return
        target = reply.update_id if reply.target is Target.UPDATE else None
        if reply.target is Target.REPLACE and turn.via is Via.SUBMIT:
            target = turn.reply_to_id  # Action.Submit cannot answer with a card: update it
        if target and await self._updated(reply, target):
            return
        message_id = await connector.send(
            turn.service_url,
            turn.conversation_id,
            reply_activity(reply, turn),
            reply_to_id=turn.activity_id,
            tenant_id=turn.tenant_id,
        )
        if reply.card is not None:
            # Without an id (the Playground answers none) the card cannot be updated
            # later: "" keeps a later update from landing on an older card instead.
            self.card_message = message_id or ""
