"""The table of outbox kinds (dialoger/outbox_kinds.py) is the one place a kind of
message is declared; these are the rules an entry must keep."""

from __future__ import annotations

from datetime import timedelta

from dialoger.outbox_kinds import KINDS, Via, stale_after
from store.outbox import Kind
from store.outbox_planning import Source


def test_every_kind_is_declared_once() -> None:
    assert set(KINDS) == set(Kind)
    assert all(kind is entry.kind for kind, entry in KINDS.items())


def test_every_source_plans_something_and_each_with_one_planner() -> None:
    planners: dict[Source, set[object]] = {}
    for entry in KINDS.values():
        if entry.source is not None:
            planners.setdefault(entry.source, set()).add(entry.plan)
    assert set(planners) == set(Source)
    assert all(len(found) == 1 and None not in found for found in planners.values())


def test_built_kinds_have_a_builder_and_the_others_their_own_way() -> None:
    for entry in KINDS.values():
        assert (entry.build is not None) == (entry.via is Via.CARDS), entry.kind


def test_only_a_turn_plans_a_notice() -> None:
    assert [k for k, e in KINDS.items() if e.source is None] == [Kind.NOTICE]


def test_a_failing_message_is_dropped_after_two_days() -> None:
    assert {entry.stale_after for entry in KINDS.values()} == {timedelta(days=2)}


def test_a_row_of_a_kind_this_version_does_not_know_is_given_the_usual_time() -> None:
    """A row planned by a newer version fails to build; working out whether to give it
    up must not raise as well, or it would stop the rest of the batch."""
    assert stale_after("weekly_deadlines") == timedelta(days=2)
    assert stale_after(Kind.PACK) == KINDS[Kind.PACK].stale_after
