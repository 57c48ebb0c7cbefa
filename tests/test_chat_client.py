"""`pejling chat` against a stand-in bot over real HTTP.

The stand-in is a small aiohttp app on 127.0.0.1 that behaves as Pejling does on the
wire: it greets on install, answers a message by posting a card back to the activity's
`serviceUrl`, answers an Action.Execute invoke with a replacement card, updates a card
after an Action.Submit, and creates a new channel post through `POST /v3/conversations`.
The chat's own code runs for real: its connector endpoint, its session and its shell.
"""

from __future__ import annotations

import asyncio
import io
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from aiohttp import web

from bot.devtools.chat import cli
from bot.devtools.chat.connector import ChatError, Connector
from bot.devtools.chat.session import Card, ChatPerson, ChatSession
from bot.devtools.chat.shell import PipeTerminal, Shell, run_shell
from bot.devtools.chat.wire import Where, Who
from kort.catalogue import texts

CARD = "application/vnd.microsoft.card.adaptive"
TENANT = "6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10"
METTE = Who("29:mette-aad", "Mette Kjærgaard", "mette-aad")
JONAS = Who("29:jonas-aad", "Jonas Bach", "jonas-aad")
# 13.05 UTC on 3 March is 14.05 in Copenhagen (winter time).
NOON = datetime(2027, 3, 3, 13, 5, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------
# Cards the stand-in sends


def goal_list() -> dict[str, Any]:
    def row(goal: int, title: str) -> dict[str, Any]:
        return {
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "items": [{"type": "TextBlock", "text": title}]},
                {
                    "type": "Column",
                    "items": [
                        {
                            "type": "ActionSet",
                            "actions": [
                                {
                                    "type": "Action.Execute",
                                    "title": "Meld status",
                                    "data": {"action": "choose", "goal": goal},
                                }
                            ],
                        }
                    ],
                },
            ],
        }

    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Dine mål", "size": "large", "weight": "bolder"},
            row(7, "Flere elever trives"),
            row(8, "Styrket læsning"),
        ],
    }


def status_form(action: str, kind: str = "Action.Submit") -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Statusmelding", "weight": "bolder"},
            {
                "type": "Input.ChoiceSet",
                "id": "color",
                "label": "Hvordan går det?",
                "style": "expanded",
                "isRequired": True,
                "choices": [
                    {"title": "Rød", "value": "red"},
                    {"title": "Gul", "value": "yellow"},
                    {"title": "Grøn", "value": "green"},
                ],
            },
            {
                "type": "Input.Text",
                "id": "narrative",
                "label": "Hvordan går det, og hvorfor?",
                "isMultiline": True,
                "isRequired": True,
            },
            {"type": "Input.Text", "id": "evidence", "label": "Dokumentation"},
        ],
        "actions": [
            {"type": kind, "title": "Gem", "data": {"action": action, "goal": 7}},
            {
                "type": kind,
                "title": "Annullér",
                "data": {"action": "cancel"},
                "associatedInputs": "none",
            },
        ],
    }


def notice(text: str) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": text}]}


def digest() -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Overblik for BUU", "size": "large"},
            {"type": "TextBlock", "text": "Gul", "color": "warning", "weight": "bolder"},
            {"type": "FactSet", "facts": [{"title": "Bøgeskov Skole", "value": "2 mål"}]},
        ],
    }


def attach(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"contentType": CARD, "content": card}]


# ---------------------------------------------------------------------------
# The stand-in bot


class StandInBot:
    """Answers `POST /api/messages` the way Pejling does, calling back the serviceUrl."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/messages", self._messages)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        self._http = aiohttp.ClientSession()

    async def stop(self) -> None:
        assert self._http and self._runner
        await self._http.close()
        await self._runner.cleanup()

    async def call(self, method: str, url: str, body: Any = None) -> tuple[int, Any]:
        """Call the chat's connector endpoint, as botbuilder's connector client would."""
        assert self._http
        async with self._http.request(method, url, json=body) as response:
            answer = await response.json() if response.content_length else None
            return response.status, answer

    async def post_to_channel(self, service_url: str, channel_id: str) -> tuple[int, Any]:
        """A scheduled digest: a new top-level post in a channel, with no user turn."""
        body = {
            "isGroup": True,
            "channelData": {"channel": {"id": channel_id}, "tenant": {"id": TENANT}},
            "activity": {"type": "message", "attachments": attach(digest())},
        }
        return await self.call("POST", f"{service_url}v3/conversations", body)

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        activity = await request.json()
        self.received.append(activity)
        if activity["type"] == "invoke":
            return web.json_response(self._invoke(activity))
        if activity["type"] == "conversationUpdate":
            await self._send(
                activity, {"type": "message", "text": "Hej **Mette**! Jeg er Pejling."}
            )
        elif activity["type"] == "message" and "value" in activity:
            await self._submitted(activity)
        elif activity["type"] == "message":
            await self._answer(activity, activity["text"].replace("<at>Pejling</at>", "").strip())
        return web.Response(status=201)

    async def _answer(self, activity: dict[str, Any], text: str) -> None:
        if text == "status":
            await self._send(activity, {"type": "message", "attachments": attach(goal_list())})
        elif text == "skema":
            form = status_form("save")
            await self._send(activity, {"type": "message", "attachments": attach(form)})
        elif text == "tilknyt buu":
            reply = "Kanalen er nu knyttet til **Børne- og Uddannelsesudvalget**."
            await self._send(activity, {"type": "message", "text": reply})
        else:
            await self._send(activity, {"type": "message", "text": f"Forstod ikke: {text}"})

    async def _submitted(self, activity: dict[str, Any]) -> None:
        # As Pejling does: replace the form so it cannot be sent twice, then say thanks.
        conversation = quote(activity["conversation"]["id"], safe="")
        url = f"{activity['serviceUrl']}v3/conversations/{conversation}/activities/"
        receipt = {"type": "message", "attachments": attach(notice("Statusmelding gemt."))}
        await self.call("PUT", url + activity["replyToId"], receipt)
        await self._send(activity, {"type": "message", "text": "Tak!"})

    def _invoke(self, activity: dict[str, Any]) -> dict[str, Any]:
        data = activity["value"]["action"]["data"]
        if data.get("action") == "choose":
            form = status_form("save", kind="Action.Execute")
            return {"statusCode": 200, "type": CARD, "value": form}
        if data.get("action") == "save":
            text = f"Gemt som {data['color']}."
            return {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": text,
            }
        error = {"code": "BadRequest", "message": "Ukendt handling."}
        return {"statusCode": 400, "type": "application/vnd.microsoft.error", "value": error}

    async def _send(self, activity: dict[str, Any], reply: dict[str, Any]) -> None:
        """A reply to the activity, the path botbuilder takes for `send_activity`."""
        conversation = quote(activity["conversation"]["id"], safe="")
        url = f"{activity['serviceUrl']}v3/conversations/{conversation}/activities/{activity['id']}"
        status, _ = await self.call("POST", url, reply)
        assert status == 201


@pytest.fixture
async def bot() -> AsyncIterator[StandInBot]:
    stand_in = StandInBot()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Transcript(list[str]):
    """The output sink: everything the chat printed, as one searchable text."""

    @property
    def text(self) -> str:
        return "\n".join(self)


async def open_session(
    bot: StandInBot, http: aiohttp.ClientSession, out: Transcript, where: Where | None = None
) -> ChatSession:
    session = ChatSession(
        bot_url=bot.url,
        person=ChatPerson(METTE, "mette@boegeskov.dk"),
        where=where or Where.personal(TENANT, METTE),
        texts=texts("da"),
        output=out.append,
        http=http,
        people=[ChatPerson(JONAS, "jonas@boegeskov.dk")],
        quiet=0.05,
        clock=lambda: NOON,
    )
    await session.open(0)
    return session


@pytest.fixture
def out() -> Transcript:
    return Transcript()


@pytest.fixture
async def chat(
    bot: StandInBot, http: aiohttp.ClientSession, out: Transcript
) -> AsyncIterator[ChatSession]:
    session = await open_session(bot, http, out)
    yield session
    await session.close()


# ---------------------------------------------------------------------------
# Personal chat


async def test_install_greets_and_names_the_connector_as_service_url(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    """The personal install goes first; the greeting comes back through the connector."""
    await chat.install()
    await chat.settle()
    install = bot.received[0]
    assert install["type"] == "conversationUpdate"
    assert install["serviceUrl"] == chat.connector.service_url
    assert install["conversation"]["id"] == "a:personal-mette-aad"
    assert "14.05 Pejling\n  Hej **Mette**! Jeg er Pejling." in out.text


async def test_a_message_brings_a_card_with_lettered_buttons(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    await chat.send_text("status")
    await chat.settle()
    text = out.text
    assert "14.05 Pejling · kort 1" in text
    assert "  │ Flere elever trives · [A] Meld status" in text
    assert "  │ Styrket læsning · [B] Meld status" in text
    assert "  Tryk på en knap med /A." in text
    assert bot.received[-1]["text"] == "status"


async def test_execute_sends_an_invoke_and_the_answer_replaces_the_card(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    await chat.send_text("status")
    await chat.settle()
    card_message = chat.cards[0].message_id
    await chat.press("B")
    invoke = bot.received[-1]
    assert invoke["type"] == "invoke"
    assert invoke["name"] == "adaptiveCard/action"
    assert invoke["replyToId"] == card_message
    assert invoke["value"]["action"]["data"] == {"action": "choose", "goal": 8}
    text = out.text
    assert "Du trykker [B] Meld status på kort 1." in text
    assert "14.05 Pejling skiftede kort 1 ud" in text
    assert "[1] Hvordan går det? (skal udfyldes)" in text
    assert len(chat.cards) == 1  # the same card, new content


async def test_execute_answered_with_text_shows_the_text(
    chat: ChatSession, out: Transcript
) -> None:
    await chat.send_text("status")
    await chat.settle()
    await chat.press("A")
    await chat.press("A", {1: "grøn", 2: "Godt"})
    assert "14.05 Pejling\n  Gemt som green." in out.text


async def test_submit_merges_inputs_into_data_and_replies_to_the_card(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    await chat.send_text("skema")
    await chat.settle()
    form = chat.cards[0]
    await chat.press("A", {1: "gul", "narrative": "Legepatruljen\ner i gang."})
    await chat.settle()
    submit = bot.received[-1]
    assert submit["type"] == "message"
    assert "text" not in submit
    assert submit["replyToId"] == form.message_id
    # The empty evidence is left out of the data, as Teams does.
    assert submit["value"] == {
        "action": "save",
        "goal": 7,
        "color": "yellow",
        "narrative": "Legepatruljen\ner i gang.",
    }
    text = out.text
    assert "14.05 Pejling ændrede kort 1\n  │ Statusmelding gemt." in text
    assert "14.05 Pejling\n  Tak!" in text


async def test_associated_inputs_none_sends_only_the_data(
    chat: ChatSession, bot: StandInBot
) -> None:
    await chat.send_text("skema")
    await chat.settle()
    await chat.press("B")
    assert bot.received[-1]["value"] == {"action": "cancel"}


async def test_a_required_input_left_empty_is_refused_and_nothing_is_sent(
    chat: ChatSession, bot: StandInBot
) -> None:
    await chat.send_text("skema")
    await chat.settle()
    before = len(bot.received)
    with pytest.raises(ChatError) as refused:
        await chat.press("A", {1: "gul"})
    assert refused.value.key == "chat.mangler"
    assert "[2] Hvordan går det, og hvorfor?" in refused.value.params["fields"]
    assert len(bot.received) == before


async def test_an_unknown_choice_is_refused_with_the_choices(chat: ChatSession) -> None:
    await chat.send_text("skema")
    await chat.settle()
    with pytest.raises(ChatError) as refused:
        chat.fill(1, "lilla")
    assert refused.value.key == "chat.felt.ukendt_valg"
    assert refused.value.params["choices"] == "Rød, Gul, Grøn"


async def test_an_older_card_can_be_addressed_by_number(chat: ChatSession, bot: StandInBot) -> None:
    await chat.send_text("status")
    await chat.send_text("skema")
    await chat.settle()
    assert chat.card().number == 2  # the newest card is the default
    await chat.press("A", card_number=1)
    assert bot.received[-1]["value"]["action"]["data"]["goal"] == 7


async def test_a_message_to_another_person_is_only_mentioned(
    chat: ChatSession, out: Transcript
) -> None:
    """Pejling may remind someone else through this endpoint; it is not shown as ours."""
    status, answer = chat.create_conversation(
        {
            "isGroup": False,
            "members": [{"id": JONAS.user_id}],
            "tenantId": TENANT,
            "activity": {"type": "message", "text": "Husk din statusmelding"},
        }
    )
    assert status == 201
    assert answer["id"] == "a:personal-jonas-aad"
    assert out[-1] == "(Pejling skrev til Jonas Bach. Det vises ikke her.)"
    assert "Husk din statusmelding" not in out.text


# ---------------------------------------------------------------------------
# The connector endpoint itself


async def test_connector_answers_members_and_refuses_unknown_routes(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    base = chat.connector.service_url
    conversation = quote("a:personal-mette-aad", safe="")
    status, members = await bot.call("GET", f"{base}v3/conversations/{conversation}/members")
    assert status == 200
    assert members[0]["id"] == METTE.user_id
    assert members[0]["aadObjectId"] == "mette-aad"
    assert members[0]["email"] == "mette@boegeskov.dk"
    status, member = await bot.call(
        "GET", f"{base}v3/conversations/{conversation}/members/{quote(JONAS.user_id, safe='')}"
    )
    assert (status, member["name"]) == (200, "Jonas Bach")
    status, _ = await bot.call("GET", f"{base}v3/nothing/here")
    assert status == 404
    assert "Advarsel: Pejling kaldte GET /v3/nothing/here" in out.text


async def test_connector_takes_the_next_port_when_the_first_is_busy() -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    connector = Connector(handler=None)  # type: ignore[arg-type]
    try:
        assert await connector.start(busy) > busy
        assert connector.service_url == f"http://127.0.0.1:{connector.port}/"
    finally:
        await connector.stop()
        taken.close()


# ---------------------------------------------------------------------------
# A team channel


async def test_channel_install_link_and_a_new_post_while_idle(
    bot: StandInBot, http: aiohttp.ClientSession
) -> None:
    channel_id, team_id = cli.channel_ids("BUU")
    where = Where.channel(TENANT, channel_id, team_id, "Bøgeskov Kommune")
    out = Transcript()
    session = await open_session(bot, http, out, where)
    try:
        await session.install()
        await session.send_text("tilknyt buu")
        await session.settle()
        kinds = [a["type"] for a in bot.received]
        assert kinds == ["conversationUpdate", "installationUpdate", "message"]
        assert bot.received[0]["channelData"]["eventType"] == "teamMemberAdded"
        assert bot.received[2]["text"] == "<at>Pejling</at> tilknyt buu"
        assert "Kanalen er nu knyttet til **Børne- og Uddannelsesudvalget**." in out.text

        status, answer = await bot.post_to_channel(session.connector.service_url, channel_id)
        assert status == 201
        assert answer["id"] == f"{channel_id};messageid={answer['activityId']}"
        assert "14.05 Pejling · nyt opslag i kanalen · kort 1" in out.text
        assert "  │ **Overblik for BUU**\n  │ **Gul**\n  │ Bøgeskov Skole: 2 mål" in out.text
    finally:
        await session.close()


async def test_a_post_in_another_channel_is_only_mentioned(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    await bot.post_to_channel(chat.connector.service_url, "19:ssu@thread.tacv2")
    text = out.text
    assert "(Pejling skrev i en anden samtale: 19:ssu@thread.tacv2. Det vises ikke her.)" in text
    assert "Overblik" not in text


async def test_waiting_after_the_input_shows_a_post_that_arrives_later(
    bot: StandInBot, http: aiohttp.ClientSession
) -> None:
    """`--vent`: sit in a channel with nothing to say and see a scheduled digest arrive."""
    channel_id, team_id = cli.channel_ids("BUU")
    where = Where.channel(TENANT, channel_id, team_id, "Bøgeskov Kommune")
    out = io.StringIO()
    terminal = PipeTerminal(io.StringIO(""), out)
    session = await open_session(bot, http, Transcript(), where)
    session.output = terminal.show
    try:
        listening = asyncio.create_task(run_shell(session, terminal, wait_after=0.8))
        await asyncio.sleep(0.3)
        await bot.post_to_channel(session.connector.service_url, channel_id)
        await listening
    finally:
        await session.close()
    transcript = out.getvalue()
    assert "Lytter i 0,8 sekunder mere efter nye beskeder fra Pejling …" in transcript
    assert "14.05 Pejling · nyt opslag i kanalen · kort 1" in transcript


async def test_updates_deletes_and_thread_replies_from_the_bot(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    """What botbuilder's update_activity, delete_activity and a reply in a thread look like."""
    base = chat.connector.service_url
    conversation = quote(chat.where.conversation_id, safe="")
    activities = f"{base}v3/conversations/{conversation}/activities"
    _, sent = await bot.call("POST", activities, {"type": "message", "text": "Et øjeblik …"})
    await bot.call("PUT", f"{activities}/{sent['id']}", {"type": "message", "text": "Færdig."})
    assert "14.05 Pejling ændrede en besked\n  Færdig." in out.text
    status, _ = await bot.call("DELETE", f"{activities}/{sent['id']}")
    assert status == 200
    assert out[-1] == "Pejling slettede en besked."
    status, _ = await bot.call("POST", activities, {"type": "typing"})
    assert status == 201
    assert out[-1] == "Pejling slettede en besked."  # typing shows nothing


async def test_show_card_again_with_what_was_filled_in(chat: ChatSession, out: Transcript) -> None:
    await chat.send_text("skema")
    await chat.settle()
    chat.fill(1, "grøn")
    shell = Shell(chat, scripted())
    await shell.handle("/kort")
    assert "14.05 kort 1, som det ser ud nu\n  │ **Statusmelding**" in out.text
    assert "  │     (•) 3 Grøn" in out.text


async def test_an_invoke_refused_by_the_bot_is_explained(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    chat.cards.append(Card(9, "m9", chat.where.conversation_id, status_form("?", "Action.Execute")))
    await chat.press("B", card_number=9)  # the stand-in answers an unknown action with 400
    assert out[-1] == "Pejling kunne ikke klare klikket (fejl 400). Ukendt handling."


# ---------------------------------------------------------------------------
# The shell and the non-interactive loop


def scripted(*answers: str | None) -> Any:
    """An `ask` that answers from a list, as a person at the prompt would."""
    queue = list(answers)

    async def ask(prompt: str) -> str | None:
        return queue.pop(0) if queue else None

    return ask


async def test_shell_fills_inputs_and_presses_buttons(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    shell = Shell(chat, scripted())
    await shell.handle("skema")
    await chat.settle()
    await shell.handle("/1 grøn")
    await shell.handle("/2 Det går godt")
    await shell.handle("/A")
    await chat.settle()
    assert bot.received[-1]["value"]["color"] == "green"
    assert bot.received[-1]["value"]["narrative"] == "Det går godt"
    text = out.text
    assert "Kort 1: [1] Hvordan går det? = Grøn" in text
    assert "Ikke udfyldt: [3] Dokumentation" in text


async def test_shell_asks_for_required_inputs_until_they_are_valid(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    # "lilla" is refused, then "g" is ambiguous (Gul, Grøn), then "gu" is Gul;
    # the multiline text takes two lines and an empty line.
    shell = Shell(chat, scripted("lilla", "g", "gu", "Første linje", "anden linje", ""))
    await shell.handle("skema")
    await chat.settle()
    await shell.handle("/A")
    await chat.settle()
    value = bot.received[-1]["value"]
    assert value["color"] == "yellow"
    assert value["narrative"] == "Første linje\nanden linje"
    text = out.text
    assert "»lilla« er ikke et af valgene: Rød, Gul, Grøn." in text
    assert "»g« passer på flere valg: Gul, Grøn. Skriv lidt mere." in text


async def test_shell_can_give_up_a_press(
    chat: ChatSession, bot: StandInBot, out: Transcript
) -> None:
    shell = Shell(chat, scripted("/fortryd"))
    await shell.handle("skema")
    await chat.settle()
    before = len(bot.received)
    await shell.handle("/A")
    assert len(bot.received) == before
    assert "Knap [A] blev ikke trykket." in out.text


async def test_shell_commands(chat: ChatSession, bot: StandInBot, out: Transcript) -> None:
    shell = Shell(chat, scripted())
    assert await shell.handle("/A") is True
    assert "Der er ikke noget kort med felter eller knapper." in out.text
    assert await shell.handle("/kort") is True
    assert out[-1] == "Pejling har ikke vist noget kort endnu."
    assert await shell.handle("/hjælp") is True
    assert "/A@3  /1@3 gul" in out.text
    assert await shell.handle("/hvad") is True
    assert "Kommandoen /hvad kender jeg ikke." in out.text
    await shell.handle("//status")
    assert bot.received[-1]["text"] == "/status"
    assert await shell.handle("/slut") is False


async def test_piped_lines_wait_for_the_answers_and_echo_the_person(
    chat: ChatSession, bot: StandInBot
) -> None:
    out = io.StringIO()
    terminal = PipeTerminal(io.StringIO("status\n/A\n/1 rød\n/2 Svært\n/A\n"), out)
    chat.output = terminal.show
    await run_shell(chat, terminal)
    transcript = out.getvalue()
    # Each line waited for the previous answer: the card existed before /A was read.
    assert [a["type"] for a in bot.received] == ["message", "invoke", "invoke"]
    assert "14.05 Mette Kjærgaard\n  status" in transcript
    assert "Gemt som red." in transcript
    assert transcript.index("kort 1") < transcript.index("Du trykker [A]")


# ---------------------------------------------------------------------------
# The command line


def chat_args(*extra: str) -> Any:
    import argparse

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser.parse_args(list(extra))


def test_unknown_person_exits_2_and_lists_the_people(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(chat_args("--som", "nogen")) == 2
    err = capsys.readouterr().err
    assert "Der er ingen person »nogen«" in err
    assert "mette" in err and "Mette Kjærgaard (leder af Bøgeskov Skole)" in err


def test_missing_org_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "findes-ikke.yaml"
    assert cli.run(chat_args("--som", "mette", "--org", str(missing))) == 2
    assert "kan ikke bruges" in capsys.readouterr().err


def test_a_bot_that_does_not_answer_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    url = f"http://127.0.0.1:{free}"
    assert cli.run(chat_args("--som", "mette", "--bot", url, "--port", "0")) == 2
    assert f"Pejling svarer ikke på {url} — er den startet? (pejling demo)" in (
        capsys.readouterr().err
    )


def test_channel_ids_are_stable_and_teams_shaped() -> None:
    assert cli.channel_ids("BUU") == ("19:buu@thread.tacv2", "19:buu-team@thread.tacv2")
    assert cli.channel_ids("Børn & Unge")[0] == "19:boern-unge@thread.tacv2"


async def test_the_command_runs_as_a_script_against_the_bot(bot: StandInBot) -> None:
    """The whole command in a child process, fed by a pipe, as a script would use it."""
    program = (
        "import argparse, sys\n"
        "from bot.devtools.chat import cli\n"
        "parser = argparse.ArgumentParser()\n"
        "cli.add_arguments(parser)\n"
        "sys.exit(cli.run(parser.parse_args(sys.argv[1:])))\n"
    )
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        program,
        "--som",
        "Mette Kjærgaard",
        "--bot",
        bot.url,
        "--port",
        "0",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=REPO,
    )
    out, err = await asyncio.wait_for(child.communicate(b"skema\n/A\n"), timeout=30)
    transcript = out.decode()
    assert child.returncode == 0, err.decode()
    assert "Du er Mette Kjærgaard (mette) i Bøgeskov Kommune" in transcript
    assert "Hej **Mette**! Jeg er Pejling." in transcript
    assert "»Hvordan går det?« skal udfyldes." not in transcript
    # /A on a form with empty required inputs asks for them; stdin is at its end, so
    # the press is given up and nothing is sent.
    assert "Ikke udfyldt: [1] Hvordan går det?" in transcript
    assert "Knap [A] blev ikke trykket." in transcript
    assert [a["type"] for a in bot.received] == ["conversationUpdate", "message"]
