"""One turn in, replies out: the entry point `bot/` calls for every activity.

The routing is a short table: who sent it (municipality, person), where (personal chat
or channel), and how (typed, card, install). Each turn runs in one transaction, retried
when two devices saved the same dialogue at once.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialoger import cards, channel, runner
from dialoger.commands import COMMANDS, for_role
from dialoger.context import Context
from dialoger.engine import explain
from dialoger.intents import recognise
from dialoger.memory import Memory
from dialoger.talk import inside_dialogue, outside_dialogue
from dialoger.turn import Notice, Turn, TurnResult, Via, say
from kort.catalogue import Texts, texts
from store import audit, conversations, outbox, people, roleversion, seen
from store.dates import LOCAL_TIME
from store.errors import DomainError
from store.limits import MESSAGE_MAX
from store.profiles import profile
from store.progress import StaleProgress

log = logging.getLogger(__name__)
ATTEMPTS = 3


async def handle(
    sessions: async_sessionmaker[AsyncSession],
    turn: Turn,
    memory: Memory,
    tenants: frozenset[str] | None = None,
) -> TurnResult:
    """Run one turn. Domain refusals become a Danish explanation; nothing else is caught
    here, so the edge's error handler sees real failures. `tenants`: when given, the
    only tenants served (`PEJLING_TENANTS`); others are refused as if unknown."""
    for _ in range(ATTEMPTS):
        after_commit: list[Callable[[], None]] = []
        try:
            async with sessions.begin() as session:
                result = await _route(session, turn, memory, after_commit, tenants)
            for remember in after_commit:
                remember()
            return result
        except StaleProgress:
            log.info("dialogue saved concurrently; running the turn again")
            turn = replace(turn, again=True)
        except DomainError as refused:
            return TurnResult((say(explain(texts(), refused.key, refused.params)),))
    return TurnResult((say(texts()("dialog.samtidig")),))


async def _route(
    session: AsyncSession,
    turn: Turn,
    memory: Memory,
    after_commit: list[Callable[[], None]],
    tenants: frozenset[str] | None,
) -> TurnResult:
    if tenants is not None and turn.tenant_id not in tenants:
        return _unknown_municipality(turn, texts())  # not even read: nothing of it is served
    identity, first = await _identify_and_claim(session, turn, memory)
    # Whoever writes this turn is who the audit trail names (store/audit.py).
    session.info.update(source=audit.CHAT, actor=identity.actor and identity.actor.person_id)
    t = texts_for(identity.language, identity.profile)
    if identity.municipality_id is None:
        return _unknown_municipality(turn, t)
    if not first:  # a copy of an activity handled before (or being handled right now)
        return _already_handled(turn, t)
    ctx = Context(session, turn, t, identity.municipality_id, identity.actor, memory, after_commit)
    result = await _dispatch(ctx)
    if not ctx.notices:
        return result
    told = await _plan_notices(session, turn, ctx.notices)
    return replace(result, notices=(*result.notices, *ctx.notices), told=told)


async def _plan_notices(
    session: AsyncSession, turn: Turn, notices: Sequence[Notice]
) -> tuple[str, ...]:
    """Put the turn's notices in the outbox, saved with the turn: the turn is answered
    without waiting for Teams, and a throttled notice is tried again, never lost."""
    origin = turn.activity_id or uuid.uuid4().hex  # a copy of the activity is not handled
    stem = hashlib.sha256(f"{turn.conversation_id}|{origin}".encode()).hexdigest()[:24]
    planned = [
        outbox.notice(
            n.municipality_id, f"notice:{stem}:{i}", n.person_id, n.text, n.card, turn.now
        )
        for i, n in enumerate(notices)
    ]
    await outbox.plan(session, planned, turn.now)
    return tuple(p.key for p in planned)


def _unknown_municipality(turn: Turn, t: Texts) -> TurnResult:
    quiet = turn.via is Via.EVENT
    return TurnResult(() if quiet else (say(t("fejl.kommune_ukendt")),))


def _already_handled(turn: Turn, t: Texts) -> TurnResult:
    """A copy of a handled activity (Teams re-delivers when a bot is slow, TEAMS-FACTS
    §6): a clicked button still gets an answer (Teams waits
    for one), a message gets none, as its first copy was answered already."""
    return TurnResult((say(t("dialog.allerede_modtaget")),) if turn.via is Via.EXECUTE else ())


async def _dispatch(ctx: Context) -> TurnResult:
    turn, t = ctx.turn, ctx.texts
    await _remember(ctx)
    if turn.via is Via.EVENT:
        return TurnResult()
    if turn.via is Via.INSTALL:
        return _welcome(ctx)
    if not turn.personal:
        return await channel.handle(ctx, COMMANDS)
    if ctx.actor is None:
        return TurnResult((say(t("fejl.person_ukendt")),))
    if turn.from_card:
        return await cards.handle(ctx)
    return await _typed(ctx)


@cache
def texts_for(language: str, profile_key: str) -> Texts:
    """The catalogue in the municipality's language, with its profile's own labels."""
    base = texts(language)
    labels = profile(profile_key).labels
    if not labels:
        return base
    return base.with_labels({key: getattr(label, base.language) for key, label in labels.items()})


async def _identify_and_claim(
    session: AsyncSession, turn: Turn, memory: Memory
) -> tuple[people.Identity, bool]:
    """Who sent the turn, and whether this turn is the first to handle its activity: the
    check and the claim are one statement, and a copy goes no further and writes nothing.
    With the sender in memory, that statement also reads the roles version (one round
    trip where there were two)."""
    known = memory.identity(turn.tenant_id, turn.aad_object_id)
    if known is not None and known.municipality_id is not None and turn.activity_id:
        first, version = await seen.claim_reading_roles(
            session, known.municipality_id, turn.conversation_id, turn.activity_id, turn.now
        )
        if not first or version == known.roles_version:
            return known, first
        return await _identify_afresh(session, turn, memory), True
    identity = await _identify(session, turn, memory, known)
    if identity.municipality_id is None or not turn.activity_id:
        return identity, True
    claimed = await seen.claim(
        session, identity.municipality_id, turn.conversation_id, turn.activity_id, turn.now
    )
    return identity, claimed


async def _identify(
    session: AsyncSession, turn: Turn, memory: Memory, known: people.Identity | None
) -> people.Identity:
    # A role removed on another instance counts from the next turn: a kept identity is
    # used only while the municipality's roles version has not moved.
    if known is not None and known.roles_version == await roleversion.roles_version(
        session, turn.tenant_id
    ):
        return known
    return await _identify_afresh(session, turn, memory)


async def _identify_afresh(session: AsyncSession, turn: Turn, memory: Memory) -> people.Identity:
    # Deputies are for the turn's Danish date; the memory keeps this for a minute at most.
    today = turn.now.astimezone(LOCAL_TIME).date()
    found = await people.identify(session, turn.tenant_id, turn.aad_object_id, today)
    memory.keep_identity(turn.tenant_id, turn.aad_object_id, found)
    return found


async def _remember(ctx: Context) -> None:
    """Keep where this person or channel can be reached later (digests, reminders)."""
    turn = ctx.turn
    if turn.personal:
        person_id = ctx.actor.person_id if ctx.actor else None
        seen = conversations.ConversationSeen(
            turn.conversation_id, turn.conversation_type, turn.service_url, turn.bot_id,
            user_id=turn.user_id, person_id=person_id,
        )  # fmt: skip
    else:
        # A channel is one reference whoever writes and whichever thread they write in.
        where = turn.channel_id or turn.conversation_id.split(";")[0]
        seen = conversations.ConversationSeen(
            where, turn.conversation_type, turn.service_url, turn.bot_id,
            team_id=turn.team_id, channel_id=turn.channel_id,
        )  # fmt: skip
    if ctx.memory.knows_reference(ctx.municipality_id, seen):
        return
    changed = await conversations.remember(ctx.session, ctx.municipality_id, seen, turn.now)
    if changed and ctx.actor is not None and turn.personal:
        await people.remember_teams_user_id(ctx.session, ctx.actor, turn.user_id)
    ctx.after_commit.append(lambda: ctx.memory.keep_reference(ctx.municipality_id, seen))


def _welcome(ctx: Context) -> TurnResult:
    if not ctx.turn.personal:
        return TurnResult((say(ctx.texts("velkommen.kanal")),))
    if ctx.actor is None:
        return TurnResult((say(ctx.texts("fejl.person_ukendt")),))
    name = ctx.actor.person_name.split()[0]
    return TurnResult((say(ctx.texts(for_role(ctx, "velkommen.personlig"), name=name)),))


async def _typed(ctx: Context) -> TurnResult:
    if len(ctx.turn.text) > MESSAGE_MAX:
        return await runner.too_long(ctx)
    intent = recognise(ctx.turn.text)
    current = await runner.active(ctx)
    if intent is None:
        if current is None:
            # After a race, the other device's answer finished the dialogue this one answered.
            if ctx.turn.again:
                return TurnResult((say(ctx.texts("dialog.afsluttet_andetsteds")),))
            return await outside_dialogue(ctx, COMMANDS, for_role(ctx, "fejl.ukendt"))
        asked = await inside_dialogue(ctx, current, COMMANDS)
        return asked or await runner.answer(ctx, current)
    return await COMMANDS[intent[0]].handler(ctx, current)
