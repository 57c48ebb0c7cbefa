"""Hostile input: over 10,000 generated activities, posted to the running app over HTTP.

Each starts as a real Teams shape (`bot.devtools.chat.wire`) and is then mutated: keys dropped,
values of the wrong type, huge strings, awkward Unicode, foreign ids and tenants, bodies
that are not JSON or not declared JSON. Whatever arrives, Pejling answers below 500 and
logs no error. Requests built to be refused (malformed, a foreign or missing tenant, a
card naming ids that do not exist) are sent in batches of their own, and the row counts
of every table must be the same after such a batch as before.

The app runs once for the module on its own thread and event loop, so hypothesis drives
plain synchronous examples; each example is one batch, sent concurrently.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from bot.devtools.chat.wire import TeamsWire, Where, Who
from conftest import PostgresDatabase, database_for, run_aside
from fakebf import FakeBotFramework
from harness import CHANNEL, RunningPejling, button_data, running_pejling, table_counts
from kort import actions
from store.orgfile import OrgFile

BATCHES = 100
# PostgreSQL runs the same hostile batches, fewer of them: it is there for what only it
# refuses (a value longer than its column), not to repeat SQLite's run at its pace.
BATCHES_ON = {"sqlite": BATCHES, "postgresql": 20}
REFUSED_PER_BATCH = 40
FREE_PER_BATCH = 60
TENANT = CHANNEL.tenant_id
FOREIGN_TENANT = "99999999-9999-4999-8999-999999999999"
# Delivery bookkeeping (TEAMS-FACTS §6): a refused click is still an activity handled.
BOOKKEEPING = {"seen_activity"}

# Which ids each card action names; the first is the one a refused click makes foreign.
ACTION_IDS: dict[str, tuple[str, ...]] = {
    actions.CHOOSE_GOAL: ("progress", "goal"),
    actions.ANSWER: ("progress", "step"),
    actions.CANCEL: ("progress",),
    actions.RESUME: ("progress",),
    actions.EDIT_FIELD: ("progress", "field"),
    actions.GOAL_FORM: ("progress",),
    actions.SHOW_GOAL: ("goal",),
    actions.EDIT_GOAL: ("goal",),
    actions.APPROVE_GOAL: ("goal", "revision"),
    actions.RETURN_GOAL: ("goal", "revision", "comment"),
    actions.SHOW_MEETING: ("meeting",),
    actions.EDIT_MEETING: ("meeting",),
    actions.CANCEL_MEETING: ("meeting", "revision"),
    actions.PREPARE: ("meeting", "unit"),
    actions.SEND_PACK: ("meeting",),
    actions.WRITE_SUMMARY: ("meeting",),
    actions.SEND_SUMMARY: ("summary", "revision"),
    actions.COMMENT_SUMMARY: ("summary", "revision", "comment"),
    actions.APPROVE_SUMMARY: ("summary", "revision"),
    actions.DECIDE_MATTER: ("matter", "decision", "decided_on"),
    actions.EDIT_MATTER: ("matter",),
    actions.SAVE_MATTER: ("matter", "legal", "other", "committee_meeting", "new_meeting"),
}
FREE_ACTIONS: dict[str, tuple[str, ...]] = {
    actions.START_STATUS: (),
    actions.NEW_GOAL: (),
    actions.MY_GOALS: (),
    actions.PLAN_MEETING: (),
    actions.COMMITTEE_APPROVAL: ("goal_1", "meeting_date"),
    actions.START_EVALUATION: ("kind", "goal"),
    actions.SNOOZE: ("key", "days"),
}
# Any other action (a new one too) is clicked with these, real-looking or hostile.
OTHER_IDS = ("person", "role", "scope", "goal", "meeting")
FREE_ACTIONS.update({a: OTHER_IDS for a in actions.ALL - set(ACTION_IDS) - set(FREE_ACTIONS)})

PEOPLE = ["mette", "jonas", "sara", "henrik", "birgitte", "camilla", "jens"]
TYPED = [
    "status", "hjælp", "hej", "nyt mål", "mine mål", "annullér", "tilbage", "1", "2", "grøn",
    "rød", "spring over", "dialogmøder", "pejlemærker", "til godkendelse", "fravær",
    "årshjul", "midtvejsevaluering", "opsummering", "tilknyt børne", "gem", "fortsæt",
]  # fmt: skip
NASTY = [
    "\u202eRTL\u202c", "\u200f", "👩🏽‍🏫", "\x00", "\ud800", "\udfff", "\ufeff", "æøå",
    "<at>Pejling</at>", "&amp;&#0;", "'; DROP TABLE goal; --", "%s%n", "\r\n", "\u2028",
]  # fmt: skip


# ---------------------------------------------------------------------------
# Strategies: values


def _not_a_number(text: str) -> str:
    """Foreign ids must not parse as the small numbers real rows have: one that would
    is prefixed with a letter. (A filter would throw the draw away, and with it the whole
    batch it is part of: most batches were thrown away so, at great cost.)"""
    for parse in (int, float):
        try:
            parse(text)
        except (ValueError, OverflowError):
            continue
        return "x" + text
    return text


def _far_from_rows(number: float) -> float:
    """A float id no row has: one in [0, 10**6) is moved below zero (see above)."""
    return -1 - number if 0 <= number < 10**6 else number


unicode_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=8)), max_size=6).map(
    "".join
)
huge_text = st.builds(
    lambda piece, count: piece * count,
    st.sampled_from(["x", "æ", "👩🏽‍🏫", "\u202e", "ord "]),
    st.integers(1_000, 100_000),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    unicode_text,
)
hostile_values = st.one_of(
    scalars,
    huge_text,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=6), scalars, max_size=3),
)
# What `hostile_values` holds but a text that could name an activity type.
hostile_types = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(""),
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=6), scalars, max_size=3),
)
foreign_ids = st.one_of(
    st.integers(10**6, 2**70),
    st.integers(max_value=-1),
    st.uuids().map(str),
    st.text(max_size=40).map(_not_a_number),
    huge_text,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.floats(allow_nan=True, allow_infinity=True).map(_far_from_rows),
)
real_ids = st.one_of(st.integers(0, 40), st.uuids().map(str), st.sampled_from(["1", "x"]))


# ---------------------------------------------------------------------------
# Strategies: activities


@dataclass(frozen=True)
class Request:
    """One POST: its body, its Content-Type (None: no header), and whether it must be
    refused without a row changing."""

    body: bytes
    content_type: str | None = "application/json"
    refused: bool = False
    malformed: bool = False  # must get a 4xx, not only a refusal in words


def _who(key: str) -> Who:
    return Who(f"29:{key}", key.title(), ORG_IDS[key])


ORG_IDS: dict[str, str] = {}  # person key → aad object id, filled from the demo file


def _where(who: Who, tenant: str | None) -> Where:
    return Where.personal(tenant or "", who)


# Built once: a strategy made inside a draw is validated again on every draw, and that
# cost as much as the app's own work on the requests.
people = st.sampled_from(PEOPLE)
places = st.sampled_from(("personal", "channel"))
clicks = st.sampled_from(("execute", "submit"))
kinds = st.sampled_from(["message", "execute", "submit", "install", "reaction"])
install_events = st.sampled_from(["personal", "team", "add", "remove"])
typed_texts = st.one_of(st.sampled_from(TYPED), unicode_text, huge_text)
reply_tos = st.text(min_size=1, max_size=20)
foreign_actions = st.sampled_from(sorted(ACTION_IDS))
any_actions = st.sampled_from(sorted({**ACTION_IDS, **FREE_ACTIONS}))
any_ids = st.one_of(real_ids, hostile_values)
field_lists = st.lists(st.sampled_from(["color", "narrative", "title"]))


@st.composite
def card_data(draw: st.DrawFn, foreign: bool) -> dict[str, Any]:
    table = ACTION_IDS if foreign else {**ACTION_IDS, **FREE_ACTIONS}
    action = draw(foreign_actions if foreign else any_actions)
    data: dict[str, Any] = {"action": action}
    for position, key in enumerate(table[action]):
        data[key] = draw(foreign_ids if foreign and position == 0 else any_ids)
    if draw(st.booleans()):
        data["fields"] = draw(field_lists)
    return data


card_data_of = {foreign: card_data(foreign) for foreign in (False, True)}


@st.composite
def _shapes(draw: st.DrawFn, tenant: str, foreign_card: bool) -> dict[str, Any]:
    """A real Teams activity from one of the demo's people, in the given tenant."""
    wire = WIRE[0]
    who = _who(draw(people))
    where = _where(who, tenant) if draw(places) == "personal" else CHANNEL
    if foreign_card:
        where = _where(who, tenant)
        data = draw(card_data_of[True])
        reply_to = draw(reply_tos)
        build = wire.execute if draw(clicks) == "execute" else wire.submit
        return build(who, where, data, reply_to)
    kind = draw(kinds)
    if kind == "message":
        return wire.message(who, where, draw(typed_texts))
    if kind in ("execute", "submit"):
        data = draw(card_data_of[False])
        reply_to = draw(reply_tos)
        build = wire.execute if kind == "execute" else wire.submit
        return build(who, where, data, reply_to)
    if kind == "install":
        event = draw(install_events)
        if event == "personal":
            return wire.personal_install(who, where)
        if event == "team":
            return wire.team_install(who, CHANNEL)
        return wire.installation_update(who, where, event)
    reaction = wire.message(who, where, "")
    reaction.update(type="messageReaction", reactionsAdded=[{"type": "like"}], replyToId="1")
    del reaction["text"]
    return reaction


@functools.cache
def shapes(tenant: str, foreign_card: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """The activities of one tenant, one strategy per tenant for the whole run."""
    return _shapes(tenant, foreign_card)


def _slots(node: Any) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) in a JSON value, lists included."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        yield node, key
        if isinstance(value, dict | list) and value:
            yield from _slots(value)


changes = st.integers(0, 4)
dropped = st.booleans()


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any], keep: frozenset[str]) -> dict[str, Any]:
    """`base` with up to four keys dropped or given hostile values; the top-level keys in
    `keep` are left alone (they are what makes a request one to refuse)."""
    activity = copy.deepcopy(base)
    for _ in range(draw(changes)):
        slots = [(c, k) for c, k in _slots(activity) if not (c is activity and k in keep)]
        if not slots:
            break
        # By position: a strategy of integers is made once per length, sampled_from(slots)
        # would be made and checked again for every change.
        container, key = slots[draw(st.integers(0, len(slots) - 1))]
        if draw(dropped):
            del container[key]
        else:
            container[key] = draw(hostile_values)
    return activity


def _encoded(activity: Any) -> bytes:
    # ensure_ascii: a lone surrogate travels as its \\u escape, as a client could send it.
    return json.dumps(activity).encode()


@st.composite
def free_requests(draw: st.DrawFn) -> Request:
    """Anything from the demo's tenant: real shapes, then mutated."""
    base = draw(shapes(TENANT))
    return Request(_encoded(draw(mutated(base, frozenset()))))


foreign_tenants = st.sampled_from([FOREIGN_TENANT, None, str(uuid.UUID(int=7))])


@st.composite
def foreign_tenant_requests(draw: st.DrawFn) -> Request:
    tenant = draw(foreign_tenants)
    base = draw(shapes(tenant or "x"))
    base["channelData"]["tenant"] = {"id": tenant} if tenant else {}
    base["conversation"]["tenantId"] = tenant
    if tenant is None:
        del base["conversation"]["tenantId"]
    # Anything may change but the tenant: channelData and conversation stay as built.
    return Request(
        _encoded(draw(mutated(base, frozenset({"channelData", "conversation"})))), refused=True
    )


@st.composite
def foreign_id_requests(draw: st.DrawFn) -> Request:
    """A demo person's card click naming a dialogue, goal, meeting … that does not exist."""
    return Request(_encoded(draw(shapes(TENANT, foreign_card=True))), refused=True)


def _typed(tag: str) -> Callable[[Any], tuple[str, Any]]:
    return lambda value: (tag, value)


# How a body breaks, drawn apart from the activity it breaks (applied in `_broken`).
breakages = st.one_of(
    st.binary(max_size=64).map(_typed("bytes")),
    # A cut as a share of the text: the text's length varies with the clock (the
    # activity's timestamp), and Hypothesis needs the same bounds on every replay.
    st.integers(1, 9_999).map(_typed("cut")),
    st.one_of(st.lists(scalars, max_size=3), scalars).map(_typed("json")),
    st.integers(1, 200_000).map(_typed("nested")),
    st.just(("no type", None)),
    hostile_types.map(_typed("type")),
)
wrong_content_types = st.sampled_from(
    [None, "text/plain", "application/xml", "multipart/form-data"]
)


def _broken(base: dict[str, Any], breakage: tuple[str, Any]) -> bytes:
    tag, value = breakage
    if tag == "bytes":
        return bytes(value)
    if tag == "cut":
        text = json.dumps(base)
        return text[: len(text) * value // 10_000].encode()
    if tag == "json":
        return _encoded(value)
    if tag == "nested":
        return ("[" * value + "]" * value).encode()
    if tag == "no type":
        return _encoded({k: v for k, v in base.items() if k != "type"})
    return _encoded({**base, "type": value})


@st.composite
def malformed_requests(draw: st.DrawFn) -> Request:
    base = draw(shapes(TENANT))
    body = _broken(base, draw(breakages))
    if body == b"" or draw(st.booleans()):
        return Request(_encoded(base), draw(wrong_content_types), refused=True, malformed=True)
    return Request(body, refused=True, malformed=True)


refused_requests = st.one_of(foreign_tenant_requests(), foreign_id_requests(), malformed_requests())


@st.composite
def batches(draw: st.DrawFn) -> tuple[list[Request], list[Request]]:
    refused = draw(
        st.lists(refused_requests, min_size=REFUSED_PER_BATCH, max_size=REFUSED_PER_BATCH)
    )
    free = draw(st.lists(free_requests(), min_size=FREE_PER_BATCH, max_size=FREE_PER_BATCH))
    return refused, free


WIRE: list[TeamsWire] = []  # the running app's wire, set by the fixture


# ---------------------------------------------------------------------------
# The app, on a thread of its own


class Errors(logging.Handler):
    """Every record at ERROR or above: an unhandled exception, or a failed turn."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Fuzz:
    pejling: RunningPejling
    loop: asyncio.AbstractEventLoop
    errors: Errors
    batches: int = BATCHES
    statuses: Counter[int] = field(default_factory=Counter)

    def run(self, work: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=300)

    async def post(self, request: Request) -> int:
        headers = {"Content-Type": request.content_type} if request.content_type else {}
        skip = [] if request.content_type else ["Content-Type"]
        async with self.pejling.http.post(
            f"{self.pejling.url}/api/messages",
            data=request.body,
            headers=headers,
            skip_auto_headers=skip,
        ) as response:
            await response.read()
            self.statuses[response.status] += 1
            return response.status

    async def batch(self, requests: list[Request]) -> list[int]:
        return list(await asyncio.gather(*(self.post(r) for r in requests)))

    async def counts(self) -> dict[str, int]:
        counts = await table_counts(self.pejling)
        return {table: n for table, n in counts.items() if table not in BOOKKEEPING}

    @property
    def sent(self) -> int:
        return sum(self.statuses.values())


def _serve(
    demo_org: OrgFile, tmp: Any, url: str | None, ready: threading.Event, box: dict[str, Any]
) -> None:
    async def main() -> None:
        async with (
            FakeBotFramework() as fake,
            running_pejling(fake, tmp, demo_org, database_url=url) as pejling,
        ):
            box["pejling"], box["loop"], box["stop"] = (
                pejling,
                asyncio.get_running_loop(),
                asyncio.Event(),
            )
            ready.set()
            await box["stop"].wait()

    asyncio.run(main())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz(
    request: pytest.FixtureRequest,
    demo_org: OrgFile,
    tmp_path_factory: pytest.TempPathFactory,
    pytestconfig: pytest.Config,
) -> Iterator[Fuzz]:
    ORG_IDS.update({p.key: p.aad_object_id for p in demo_org.people})
    ready, box = threading.Event(), {}
    database = PostgresDatabase("pejling_fuzz") if request.param == "postgresql" else None
    url = run_aside(database.create) if database else None
    tmp = tmp_path_factory.mktemp("fuzz")
    thread = threading.Thread(target=_serve, args=(demo_org, tmp, url, ready, box), daemon=True)
    thread.start()
    assert ready.wait(60), "the app did not start"
    errors = Errors()
    logging.getLogger().addHandler(errors)
    found = Fuzz(box["pejling"], box["loop"], errors, BATCHES_ON[request.param])
    WIRE[:] = [found.pejling.wire]
    started = time.monotonic()
    try:
        yield found
    finally:
        logging.getLogger().removeHandler(errors)
        found.loop.call_soon_threadsafe(box["stop"].set)
        thread.join(60)
        if database is not None:
            run_aside(database.drop)
        by_status = ", ".join(f"{s}: {n}" for s, n in sorted(found.statuses.items()))
        seconds = time.monotonic() - started
        capture = pytestconfig.pluginmanager.getplugin("capturemanager")
        with capture.global_and_fixture_disabled():  # shown in every run, not only on failure
            print(f"\nfuzz: {found.sent} activities in {seconds:.0f} s ({by_status})")


def _warm_up(fuzz: Fuzz) -> None:
    """Every person has written once, so a refused click finds their chat known already."""
    for key in PEOPLE:
        who = _who(key)
        fuzz.run(fuzz.post(Request(_encoded(WIRE[0].message(who, _where(who, TENANT), "hej")))))


def _no_errors(fuzz: Fuzz) -> None:
    if fuzz.errors.records:
        first = fuzz.errors.records[0]
        detail = logging.Formatter().format(first)
        fuzz.errors.records.clear()
        pytest.fail(f"the app logged an error: {detail[:3000]}")


# A failing batch is reported by its first bad request, not by hypothesis' repr of it all.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_hostile_activities_never_break_pejling(fuzz: Fuzz) -> None:
    _warm_up(fuzz)

    @settings(
        max_examples=fuzz.batches,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: a batch is reported whole
        suppress_health_check=list(HealthCheck),
    )
    @given(batches())
    def one_batch(batch: tuple[list[Request], list[Request]]) -> None:
        refused, free = batch
        before = fuzz.run(fuzz.counts())
        statuses = fuzz.run(fuzz.batch(refused))
        assert fuzz.run(fuzz.counts()) == before, "a refused request changed rows"
        for request, status in zip(refused, statuses, strict=True):
            assert status < 500, request.body[:300]
            if request.malformed:
                assert 400 <= status < 500, (status, request.content_type, request.body[:300])
        _no_errors(fuzz)
        for request, status in zip(free, fuzz.run(fuzz.batch(free)), strict=True):
            assert status < 500, request.body[:300]
        _no_errors(fuzz)

    one_batch()

    assert fuzz.sent >= fuzz.batches * (REFUSED_PER_BATCH + FREE_PER_BATCH)


# ---------------------------------------------------------------------------
# What the fuzz run found, each kept as a plain example


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"type": "message", "text": "a\\u0000b"}', id="an escaped NUL"),
        pytest.param(b'{"type": "message", "text": "\\ud800"}', id="a lone surrogate"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="nesting deeper than Python recurses"),
    ],
)
async def test_json_that_cannot_be_stored_or_parsed_gets_400(
    pejling: RunningPejling, body: bytes
) -> None:
    status, _ = await pejling.post(body)

    assert status == 400


async def test_an_escaped_emoji_pair_is_fine(pejling: RunningPejling) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "hej")
    body = json.dumps({**message, "text": "hej 👩🏽‍🏫"}).encode()  # ensure_ascii: \ud83d\udc69…

    status, _ = await pejling.post(body)

    assert status == 201


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("conversation", "id"), "a:" + "x" * 400),
        (("from", "id"), "29:" + "x" * 300),
        (("id",), "1" * 400),
        (("serviceUrl",), "not a url"),
        (("serviceUrl",), "ftp://example.org/"),
        (("serviceUrl",), "http://["),
        (("channelData", "team"), {"id": "19:" + "x" * 300}),
    ],
)
async def test_ids_longer_than_teams_makes_and_bad_service_urls_get_400(
    pejling: RunningPejling, path: tuple[str, ...], value: Any
) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "status")
    holder = message
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    before = await table_counts(pejling)

    status, _ = await pejling.post(message)

    assert status == 400
    assert await table_counts(pejling) == before


@pytest.mark.parametrize("dropped", ["serviceUrl", "recipient"])
async def test_a_message_with_nowhere_to_answer_is_accepted_and_ignored(
    pejling: RunningPejling, dropped: str
) -> None:
    message = pejling.wire.message(pejling.who("mette"), pejling.personal("mette"), "status")
    del message[dropped]
    before = await table_counts(pejling)

    status, _ = await pejling.post(message)

    assert status == 201
    assert await table_counts(pejling) == before


async def test_a_mention_entity_of_the_wrong_shape_is_ignored(pejling: RunningPejling) -> None:
    message = pejling.wire.message(pejling.who("mette"), CHANNEL, "hjælp")
    message["entities"][0]["mentioned"] = 4.5

    status, _ = await pejling.post(message)

    assert status == 201
    assert pejling.fake.messages_in(CHANNEL.conversation_id)  # answered, not failed


async def test_a_submit_naming_a_card_that_is_not_there_answers_with_a_new_message(
    pejling: RunningPejling,
) -> None:
    goal_list = (await pejling.say("mette", "status"))[0]
    data = button_data(goal_list.cards[0], "Meld status")

    place = pejling.personal("mette")
    click = pejling.wire.submit(pejling.who("mette"), place, data, "no-such-message")

    status, _ = await pejling.post(click)

    assert status == 201
    form = pejling.fake.messages_in(place.conversation_id)[-1]
    assert "Hvordan går det?" in str(form.cards[0])


@pytest.fixture(params=["sqlite", "postgresql"])
async def on_both(
    request: pytest.FixtureRequest, fake_bf: FakeBotFramework, tmp_path: Any, demo_org: OrgFile
) -> AsyncIterator[RunningPejling]:
    url = await database_for(request)
    async with running_pejling(fake_bf, tmp_path, demo_org, database_url=url) as running:
        yield running


async def test_a_conversation_type_longer_than_the_column_gets_400_on_both_databases(
    on_both: RunningPejling, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refused it mid-turn (a traceback and an apology); SQLite stored it."""
    message = on_both.wire.message(on_both.who("mette"), on_both.personal("mette"), "status")
    message["conversation"]["conversationType"] = "personal" + "x" * 40
    before = await table_counts(on_both)

    status, _ = await on_both.post(message)

    assert status == 400
    assert await table_counts(on_both) == before
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
