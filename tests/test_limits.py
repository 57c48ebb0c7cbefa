"""Limits on what one request or one person may ask of Pejling: the body, the length of a
message and of a card's input, how fast a person may go, and what the logs may hold."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from botframework.connector.auth import JwtTokenExtractor

from bot.logs import JsonFormatter, SecretFilter
from bot.settings import from_environment
from bot.turnlimit import TurnLimit, Verdict
from fakebf import FakeBotFramework
from harness import RunningPejling, progress_of, running_pejling, table_counts
from store.limits import MESSAGE_MAX, NARRATIVE_MAX
from store.orgfile import OrgFile

METTE = ("tenant", "mette")
TEXT_ANSWER = "application/vnd.microsoft.activity.message"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# ---------------------------------------------------------------------------
# The turn limit on its own


def test_a_person_may_take_the_limit_in_a_burst_then_is_told_once() -> None:
    limit = TurnLimit(3, clock=Clock())

    verdicts = [limit.check(METTE) for _ in range(6)]

    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN] + [Verdict.DROP] * 2


def test_turns_come_back_evenly_and_a_new_flood_is_told_again() -> None:
    clock = Clock()
    limit = TurnLimit(6, clock=clock)  # one turn back every ten seconds
    for _ in range(7):
        limit.check(METTE)

    clock.now += 10
    assert limit.check(METTE) is Verdict.ALLOW
    assert limit.check(METTE) is Verdict.WARN


def test_each_person_has_their_own_limit() -> None:
    limit = TurnLimit(1, clock=Clock())
    limit.check(METTE)

    assert limit.check(("tenant", "jonas")) is Verdict.ALLOW
    assert limit.check(("other tenant", "mette")) is Verdict.ALLOW


def test_the_turn_limit_is_a_setting() -> None:
    assert from_environment({}).turns_per_minute == 30
    assert from_environment({"PEJLING_TURNS_PER_MINUTE": "12"}).turns_per_minute == 12
    assert from_environment({"PEJLING_TURNS_PER_MINUTE": "0"}).turns_per_minute == 0
    with pytest.raises(ValueError, match="PEJLING_TURNS_PER_MINUTE"):
        from_environment({"PEJLING_TURNS_PER_MINUTE": "-1"})


# ---------------------------------------------------------------------------
# The turn limit in the running app


@pytest.fixture
async def slow(fake_bf, tmp_path: Path, demo_org: OrgFile) -> AsyncIterator[RunningPejling]:
    """Pejling allowing each person three turns a minute."""
    async with running_pejling(fake_bf, tmp_path, demo_org, turns_per_minute=3) as running:
        yield running


async def test_a_person_over_the_limit_is_told_once_and_the_rest_dropped(
    slow: RunningPejling,
) -> None:
    for _ in range(3):
        assert len(await slow.say("mette", "hej")) == 1

    [told] = await slow.say("mette", "hej")
    dropped = await slow.say("mette", "status")  # `say` also checks the 2xx

    assert told.text.startswith("Du skriver hurtigere, end jeg kan følge med")
    assert dropped == []
    assert len(await slow.say("jonas", "hej")) == 1  # someone else is not held up


async def test_a_click_over_the_limit_gets_the_notice_as_its_invoke_response(
    slow: RunningPejling,
) -> None:
    goal_list = (await slow.say("mette", "status"))[0]
    await slow.say("mette", "hej")
    await slow.say("mette", "hej")
    await slow.say("mette", "hej")  # told here
    before = await table_counts(slow)

    answer, new_messages = await slow.execute("mette", goal_list, "Meld status")

    assert answer["type"] == TEXT_ANSWER
    assert answer["value"].startswith("Du skriver hurtigere")
    assert new_messages == []
    assert await table_counts(slow) == before


# ---------------------------------------------------------------------------
# Text length


async def test_a_message_over_the_limit_is_refused_and_the_question_asked_again(
    pejling: RunningPejling,
) -> None:
    for answer in ("status", "1", "grøn"):
        await pejling.say("mette", answer)
    [before] = await progress_of(pejling, "mette")

    explanation, question = await pejling.say("mette", "Ida " * 1500 + "slut")

    assert explanation.text.startswith("Din besked er for lang (6004 tegn)")
    assert f"højst tage {MESSAGE_MAX} tegn" in explanation.text
    assert question.text.startswith("Fortæl kort, hvordan det går")  # the same question
    [after] = await progress_of(pejling, "mette")
    assert (after.step, after.answers) == (before.step, before.answers)


async def test_a_message_over_the_limit_outside_a_dialogue_is_refused_in_danish(
    pejling: RunningPejling,
) -> None:
    [explanation] = await pejling.say("mette", "x" * (MESSAGE_MAX + 1))

    assert explanation.text.startswith("Din besked er for lang")


async def test_a_card_input_over_its_limit_is_explained_and_kept_for_the_form(
    pejling: RunningPejling,
) -> None:
    await pejling.say("mette", "status")
    [form] = await pejling.say("mette", "1")
    too_long = "Gården mangler voksne" * 100  # 2,100 characters
    inputs = {"color": "red", "narrative": too_long}

    answer, new_messages = await pejling.execute("mette", form, "Gem statusmelding", inputs)

    [explanation] = new_messages
    assert explanation.text.startswith("Teksten er for lang (2100 tegn)")
    assert f"{NARRATIVE_MAX} tegn" in explanation.text
    assert "Hvordan går det?" in str(answer["value"])  # the same form again
    [dialogue] = await progress_of(pejling, "mette")
    assert dialogue.answers["_pending"]["narrative"] == too_long
    assert dialogue.answers["color"] == "red"


# ---------------------------------------------------------------------------
# Logs


def test_the_json_format_writes_one_object_a_line() -> None:
    record = logging.LogRecord("bot.app", logging.INFO, __file__, 1, "turn %s", ("a:1",), None)

    entry = json.loads(JsonFormatter().format(record))

    assert entry["level"] == "INFO"
    assert entry["logger"] == "bot.app"
    assert entry["message"] == "turn a:1"


def test_bearer_tokens_and_the_password_are_masked() -> None:
    record = logging.LogRecord(
        "x",
        logging.WARNING,
        __file__,
        1,
        "sent Bearer eyJ.abc-123 with %s",
        ("hemmelig-kode",),
        None,
    )

    SecretFilter(["hemmelig-kode"]).filter(record)

    assert record.getMessage() == "sent Bearer *** with ***"


APP_ID = "00000000-0000-4000-8000-00000000b07a"
PASSWORD = "Pw-0f-the-app-do-not-log"
SECRET_TEXT = "Hemmelig-sætning-om-eleven-Ida"


@pytest.fixture
def captured() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger emits, DEBUG included."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(level)


async def test_no_log_line_above_debug_holds_a_token_the_password_or_typed_text(
    tmp_path: Path, demo_org: OrgFile, captured: list[logging.LogRecord]
) -> None:
    async with FakeBotFramework(require_auth=True, app_passwords={APP_ID: PASSWORD}) as teams:
        JwtTokenExtractor.metadataCache.pop(teams.openid_metadata_url, None)
        async with running_pejling(
            teams, tmp_path, demo_org, app_id=APP_ID, app_password=PASSWORD,
            openid_metadata_url=teams.openid_metadata_url, token_url=teams.token_url(),
        ) as secured:  # fmt: skip
            token = teams.sign_channel_token(APP_ID)
            auth = {"Authorization": f"Bearer {token}"}
            who, where = secured.who("mette"), secured.personal("mette")
            for text in ("status", "1", "rød", SECRET_TEXT, "x" * 5000, SECRET_TEXT):
                status, _ = await secured.post(secured.wire.message(who, where, text), auth)
                assert status == 201
            grants = [grant.access_token for grant in teams.token_grants]

    assert grants  # the bot fetched a token of its own, which must not be logged either
    loud = [r for r in captured if r.levelno > logging.DEBUG]
    assert loud  # something was logged, so the check below means something
    for record in loud:
        line = logging.Formatter("%(message)s").format(record)
        for secret in (token, PASSWORD, SECRET_TEXT, "x" * 100, *grants):
            assert secret not in line, (record.name, line[:200])


def test_teams_rate_limits_are_kept_unless_a_load_test_turns_them_off() -> None:
    from bot.settings import from_environment

    assert from_environment({"DATABASE_URL": "sqlite://"}).rate_limits is True
    off = from_environment({"DATABASE_URL": "sqlite://", "PEJLING_TEAMS_RATE_LIMITS": "0"})
    assert off.rate_limits is False
