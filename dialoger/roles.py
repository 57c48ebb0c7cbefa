"""Roles in chat, for the administration: `roller` (also `giv rolle`, `fjern rolle`) shows
who holds which role with a form to give or take one; the form's buttons do it. The
rules are the store's (`store.roles`); the ids the form sends are checked there again."""

from __future__ import annotations

from dialoger.context import Context, card_id
from dialoger.turn import TurnResult, card_reply, say
from kort.roles import SCOPE_PREFIX, roles_card
from store import roles
from store.enums import Role
from store.errors import Invalid
from store.views import ProgressView


async def show_roles(ctx: Context, current: ProgressView | None = None) -> TurnResult:
    actor = ctx.require_actor()
    held = await roles.holdings(ctx.session, actor)
    offered = await roles.choices(ctx.session, actor)
    return TurnResult((card_reply(ctx.turn, roles_card(ctx.texts, held, offered)),))


async def grant_from_card(ctx: Context) -> TurnResult:
    person_id, role, scope_id = _chosen(ctx)
    granted = await roles.grant(ctx.session, ctx.require_actor(), person_id, role, scope_id)
    return await _done(ctx, "roller.givet" if granted else "roller.havde_allerede", person_id)


async def remove_from_card(ctx: Context) -> TurnResult:
    person_id, role, scope_id = _chosen(ctx)
    await roles.remove(ctx.session, ctx.require_actor(), person_id, role, scope_id)
    return await _done(ctx, "roller.fjernet", person_id)


def _chosen(ctx: Context) -> tuple[int, Role, int | None]:
    """Person, role and scope from the form; a scope of the wrong kind is no scope."""
    data = ctx.turn.data
    person_id = card_id(data.get("person"), "roller.ukendt_person")
    try:
        role = Role(str(data.get("role") or ""))
    except ValueError:
        raise Invalid("roller.ukendt_rolle") from None
    prefix, scope = SCOPE_PREFIX.get(role), str(data.get("scope") or "")
    if prefix is None:
        return person_id, role, None
    if not scope.startswith(prefix):
        raise Invalid(f"roller.mangler_{role.value}")
    return person_id, role, card_id(scope[len(prefix) :], f"roller.mangler_{role.value}")


async def _done(ctx: Context, key: str, person_id: int) -> TurnResult:
    """The receipt, and the card again with the roles as they are now. The person's new
    roles count from their next message, not a minute later."""
    ctx.after_commit.append(lambda: ctx.memory.forget_person(person_id))
    actor = ctx.require_actor()
    held = await roles.holdings(ctx.session, actor)
    offered = await roles.choices(ctx.session, actor)
    person = next(name for pid, name in offered.people if pid == person_id)
    role = ctx.texts(f"roller.navn.{ctx.turn.data.get('role')}").lower()
    receipt = say(ctx.texts(key, person=person, role=role))
    return TurnResult((receipt, card_reply(ctx.turn, roles_card(ctx.texts, held, offered))))
