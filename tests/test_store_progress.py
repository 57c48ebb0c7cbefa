"""Dialogue progress: one active dialogue per person, saved after every answer, and a save
that refuses to overwrite what another device saved in between."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from store import progress
from store.models import DialogueProgress
from store.orgfile import OrgFile
from store.progress import StaleProgress
from store.views import Actor, ProgressView
from store_helpers import NOW, Sessions, actor_of

LATER = NOW + timedelta(minutes=1)


async def person(sessions: Sessions, org: OrgFile, key: str) -> Actor:
    async with sessions() as session:
        return await actor_of(session, org, key)


async def start(sessions: Sessions, actor: Actor, flow: str = "status") -> ProgressView:
    async with sessions.begin() as session:
        return await progress.start(
            session, actor.municipality_id, actor.person_id, "a:1", flow, "choose_goal", NOW
        )


async def find(sessions: Sessions, actor: Actor, progress_id: str) -> tuple[ProgressView, str]:
    async with sessions() as session:
        found = await progress.find(session, actor.municipality_id, actor.person_id, progress_id)
    assert found is not None
    return found


async def active(sessions: Sessions, actor: Actor) -> ProgressView | None:
    async with sessions() as session:
        return await progress.active(session, actor.municipality_id, actor.person_id)


async def save(
    sessions: Sessions, view: ProgressView, state: str = progress.ACTIVE
) -> ProgressView:
    async with sessions.begin() as session:
        return await progress.save(session, view, LATER, state)


async def test_a_started_dialogue_is_active_at_its_first_step(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    assert (started.flow, started.step, started.answers, started.version) == (
        "status",
        "choose_goal",
        {},
        1,
    )
    assert await active(sessions, mette) == started


async def test_starting_a_dialogue_pauses_the_one_under_way(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette = await person(sessions, demo, "mette")
    first = await start(sessions, mette, "status")
    second = await start(sessions, mette, "goal")

    assert (await find(sessions, mette, first.id))[1] == progress.PAUSED
    assert (await find(sessions, mette, second.id))[1] == progress.ACTIVE
    assert await active(sessions, mette) == second


async def test_active_gives_the_most_recently_updated_active_dialogue(
    sessions: Sessions, demo: OrgFile
) -> None:
    """Should two dialogues ever both be active, the newest is the one a person is in."""
    mette = await person(sessions, demo, "mette")
    async with sessions.begin() as session:
        for flow, updated in (("older", NOW), ("newer", LATER), ("oldest", NOW - timedelta(1))):
            session.add(
                DialogueProgress(
                    id=f"progress-{flow}",
                    municipality_id=mette.municipality_id,
                    person_id=mette.person_id,
                    conversation_id="a:1",
                    flow=flow,
                    step="first",
                    updated_at=updated,
                )
            )
    current = await active(sessions, mette)
    assert current is not None
    assert current.flow == "newer"


async def test_a_person_with_no_dialogue_has_none_active(sessions: Sessions, demo: OrgFile) -> None:
    assert await active(sessions, await person(sessions, demo, "mette")) is None


async def test_a_finished_dialogue_is_not_active(sessions: Sessions, demo: OrgFile) -> None:
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    await save(sessions, started, progress.DONE)
    assert await active(sessions, mette) is None
    assert (await find(sessions, mette, started.id))[1] == progress.DONE


async def test_find_gives_a_dialogue_in_any_state_with_its_state(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    await save(sessions, started, progress.CANCELLED)
    view, state = await find(sessions, mette, started.id)
    assert (view.id, view.version, state) == (started.id, 2, progress.CANCELLED)


async def test_another_persons_dialogue_is_not_found(sessions: Sessions, demo: OrgFile) -> None:
    """Card data carries the dialogue id; a forged id must not reach someone else's."""
    mette, jonas = await person(sessions, demo, "mette"), await person(sessions, demo, "jonas")
    started = await start(sessions, mette)
    async with sessions() as session:
        found = await progress.find(session, jonas.municipality_id, jonas.person_id, started.id)
    assert found is None


async def test_an_unknown_dialogue_id_is_not_found(sessions: Sessions, demo: OrgFile) -> None:
    mette = await person(sessions, demo, "mette")
    async with sessions() as session:
        found = await progress.find(session, mette.municipality_id, mette.person_id, "no-such-id")
    assert found is None


async def test_saving_writes_step_and_answers_and_bumps_the_version(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)

    saved = await save(sessions, replace(started, step="color", answers={"goal": 7}))

    assert saved.version == started.version + 1
    view, _ = await find(sessions, mette, started.id)
    assert (view.step, view.answers, view.version) == ("color", {"goal": 7}, 2)


async def test_a_save_from_an_older_read_is_refused(sessions: Sessions, demo: OrgFile) -> None:
    """Two devices read the same dialogue; the phone saves first, so the laptop's save,
    made on what it read before, fails instead of overwriting the phone's answer."""
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    phone, laptop = replace(started, step="color"), replace(started, step="narrative")

    await save(sessions, phone)
    with pytest.raises(StaleProgress):
        await save(sessions, laptop)

    view, _ = await find(sessions, mette, started.id)
    assert (view.step, view.version) == ("color", 2)


async def test_a_save_on_the_newest_version_succeeds_after_a_refusal(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    await save(sessions, replace(started, step="color"))

    fresh, _ = await find(sessions, mette, started.id)
    saved = await save(sessions, replace(fresh, step="narrative"))

    assert saved.version == 3


async def test_a_save_is_read_back_in_the_same_transaction(
    sessions: Sessions, demo: OrgFile
) -> None:
    """A turn that saves and reads again must see its own save. (Progress is read and written
    with Core statements, never as ORM objects, so no stale copy can linger in a session.)"""
    mette = await person(sessions, demo, "mette")
    async with sessions.begin() as session:
        started = await progress.start(
            session, mette.municipality_id, mette.person_id, "a:1", "status", "first", NOW
        )
        await progress.save(session, replace(started, step="second"), LATER, progress.DONE)
        found = await progress.find(session, mette.municipality_id, mette.person_id, started.id)
    assert found is not None
    view, state = found
    assert (view.step, view.version, state) == ("second", 2, progress.DONE)


async def test_a_pause_is_read_back_in_the_same_transaction(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette = await person(sessions, demo, "mette")
    async with sessions.begin() as session:
        args = (session, mette.municipality_id, mette.person_id, "a:1")
        first = await progress.start(*args, "status", "first", NOW)
        second = await progress.start(*args, "goal", "first", LATER)
        found = await progress.find(session, mette.municipality_id, mette.person_id, first.id)
        current = await progress.active(session, mette.municipality_id, mette.person_id)
    assert found is not None
    assert found[1] == progress.PAUSED
    assert current == second


async def test_pause_others_keeps_the_one_named(sessions: Sessions, demo: OrgFile) -> None:
    mette = await person(sessions, demo, "mette")
    first = await start(sessions, mette, "status")
    second = await start(sessions, mette, "goal")
    await save(sessions, (await find(sessions, mette, first.id))[0])  # the first is active again

    async with sessions.begin() as session:
        await progress.pause_others(session, mette.municipality_id, mette.person_id, first.id)

    assert (await find(sessions, mette, first.id))[1] == progress.ACTIVE
    assert (await find(sessions, mette, second.id))[1] == progress.PAUSED


async def test_starting_a_dialogue_leaves_other_peoples_dialogues_alone(
    sessions: Sessions, demo: OrgFile
) -> None:
    mette, jonas = await person(sessions, demo, "mette"), await person(sessions, demo, "jonas")
    jonas_dialogue = await start(sessions, jonas)
    await start(sessions, mette)
    assert (await find(sessions, jonas, jonas_dialogue.id))[1] == progress.ACTIVE


async def test_the_card_of_a_dialogue_is_remembered(sessions: Sessions, demo: OrgFile) -> None:
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    async with sessions.begin() as session:
        await progress.remember_card(session, started.id, "activity-42")
    view, _ = await find(sessions, mette, started.id)
    assert view.card_activity_id == "activity-42"


async def test_remembering_the_card_does_not_make_the_next_save_stale(
    sessions: Sessions, demo: OrgFile
) -> None:
    """The card id is written after the reply is sent, in its own transaction; the answer
    that follows was built on the version read before, and must still save."""
    mette = await person(sessions, demo, "mette")
    started = await start(sessions, mette)
    async with sessions.begin() as session:
        await progress.remember_card(session, started.id, "activity-42")
    saved = await save(sessions, replace(started, step="color"))
    assert saved.version == 2
