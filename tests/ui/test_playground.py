"""Pejling in Microsoft 365 Agents Playground, Teams' own client, as each demo role in
turn: real buttons on real cards, rendered and sent by the Playground as Teams would.

One `pejling demo` serves the whole module; each person gets their own Playground.
Screenshots land in tests/ui/artefacts/ (their paths are printed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playground import CHANNEL, Bot, Chat, chat_as, chromium, missing_tools, shoot_open_pages

# The goal Mette drafts on the form and Henrik approves.
GOAL = "Flere elever læser dagligt for sjov"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("playground")


@pytest.fixture(scope="module")
def bot(folder: Path) -> Iterator[Bot]:
    missing = missing_tools()
    if missing:  # the README's test command and .ci/run install them: say so, loudly
        pytest.fail(f"Agents Playground tests cannot run: {missing}")
    running = Bot(folder)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser(bot: Bot) -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture(autouse=True)
def last_screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[None]:
    """What was on screen when each test ended, passed or failed."""
    yield
    shoot_open_pages(browser, request.node.name)


@pytest.fixture(scope="module")
def mette(browser: Any, bot: Bot, folder: Path) -> Iterator[Chat]:
    with chat_as(browser, bot, "mette", folder) as chat:
        chat.sees("Hej Mette!")
        yield chat


@pytest.fixture(scope="module")
def goal_sent(mette: Chat) -> Any:
    """Mette writes a new goal on the form and sends it for approval; the card she ends
    with."""
    mette.say("nyt mål")
    mette.press(mette.card("Udfyld som formular"), "Udfyld som formular")
    form = mette.card("Skriv målet")
    mette.field(form, "Mål").fill(GOAL)
    form.get_by_text("(2) Tidlig indsats for sprog og læsning").click()
    form.get_by_text("Udviklingsmål").click()
    mette.field(form, "Forventet effekt").fill("Flere elever får lyst til at læse selv.")
    mette.field(form, "Succeskriterier").fill("80 % af eleverne læser hver dag")
    mette.choose(form, "Evalueringsmetode", "Nøgletal")
    mette.field(form, "Datakilde").fill("Skolens læsemåling")
    mette.pick_date_next_month(form, "Frist", 28)
    mette.field(form, "Ansvarlig").fill("Mette Kjærgaard")
    mette.shot("maal-formular", form)
    mette.press(form, "Gennemse")
    review = mette.card("Gennemse målet")
    mette.shot("maal-gennemse", review)
    mette.press(review, "Send til godkendelse")
    return mette.sees(re.compile(f"Målet »{GOAL}« er sendt til godkendelse"))


def test_a_leader_reports_status_on_the_form_and_the_receipt_replaces_it(mette: Chat) -> None:
    mette.say("status")
    goals = mette.card("Vælg det mål, du vil melde status på.")
    mette.press(goals, "Meld status")
    form = mette.card("Gem statusmelding")
    form.get_by_text("Gul – i risiko").click()
    mette.field(form, "Hvordan går det, og hvorfor?").fill(
        "Frikvartersvenner er i gang på mellemtrinnet."
    )
    mette.shot("status-formular", form)
    mette.press(form, "Gem statusmelding")

    receipt = mette.card("Statusmelding gemt")
    mette.shot("status-kvittering", receipt)
    assert "Frikvartersvenner er i gang på mellemtrinnet." in receipt.inner_text()
    assert "Gul" in receipt.inner_text()
    # The receipt took the form's place: no form is left to press again.
    assert mette.page.locator(".ac-adaptiveCard", has_text="Gem statusmelding").count() == 0


def test_a_leader_cancels_a_status_form_with_its_required_fields_empty(mette: Chat) -> None:
    """Teams checks a form's required fields before it sends a press; Annullér must get
    through with them empty."""
    mette.say("status")
    mette.press(mette.card("Vælg det mål, du vil melde status på."), "Meld status")
    form = mette.card("Gem statusmelding")
    mette.press(form, "Annullér")

    closed = mette.card("Intet er gemt.")
    mette.shot("status-annulleret", closed)
    assert mette.page.locator(".ac-adaptiveCard", has_text="Gem statusmelding").count() == 0


def test_a_leader_opens_a_goal_from_her_list(mette: Chat) -> None:
    mette.say("mine mål")
    goals = mette.card("Mine mål")
    mette.press(goals, "Vis")

    goal = mette.card("Tilstand")
    mette.shot("maal-vist", goal)
    assert "Flere elever trives i frikvartererne" in goal.inner_text()


def test_a_leader_drafts_a_goal_on_the_form(goal_sent: Any, mette: Chat) -> None:
    mette.shot("maal-sendt")
    assert goal_sent.is_visible()


def test_the_department_head_approves_from_the_card(
    goal_sent: Any, mette: Chat, browser: Any, bot: Bot, folder: Path
) -> None:
    with chat_as(browser, bot, "henrik", folder) as henrik:
        henrik.sees("Hej Henrik!")
        henrik.say("til godkendelse")
        waiting = henrik.card("Mål til godkendelse")
        henrik.press(waiting, "Se og godkend")
        approval = henrik.card(GOAL)
        henrik.shot("godkend", approval)
        henrik.press(approval, re.compile("^Godkend$"))

        henrik.sees(re.compile(f"Målet »{GOAL}« er godkendt"))
        henrik.shot("godkendt")

    # Mette hears of it in her personal chat, sent by Pejling on its own.
    mette.sees(f"Dit mål »{GOAL}« er godkendt af Henrik Lund.")
    mette.shot("maal-godkendt")


def test_the_administration_links_the_channel_and_a_digest_appears_in_it(
    browser: Any, bot: Bot, folder: Path
) -> None:
    with chat_as(browser, bot, "camilla", folder) as camilla:
        camilla.open(CHANNEL)
        camilla.sees("Hej! Jeg er Pejling.")  # the channel's welcome: Pejling is in the team
        camilla.post_to_pejling(f"tilknyt {CHANNEL}")
        camilla.sees(f"Kanalen er nu tilknyttet {CHANNEL}.")
        camilla.shot("kanal-tilknyttet")

        bot.command("digest", "--committee", "buu")

        digest = camilla.card(CHANNEL)
        camilla.shot("overblik", digest)
        assert "Bøgeskov Skole" in digest.inner_text()


def test_a_politician_opens_the_bearings(browser: Any, bot: Bot, folder: Path) -> None:
    with chat_as(browser, bot, "jens", folder) as jens:
        jens.sees("Hej Jens!")
        jens.say("pejlemærker")

        bearings = jens.card("Alle børn skal trives og høre til i et fællesskab")
        jens.shot("pejlemaerker", bearings)
        assert "Tidlig indsats for sprog og læsning" in bearings.inner_text()


# Camilla plans the daycares' meeting by typing: each answer waits for its question.
PLANNING = (
    ("nyt dialogmøde", "Hvilket udvalg skal mødet være med?"),
    ("1", "Hvilken dag skal mødet holdes?"),
    ("4. marts 2027", "Hvad tid starter mødet?"),
    ("14", "Hvilken mødemodel?"),
    ("1", "Hvilke enheder skal deltage?"),
    ("dagtilbud", "Er der et tema for mødet?"),
    ("Sprog og overgange", "Hvor holdes mødet?"),
    ("Rådhuset, mødesal 2", "Se planen igennem."),
    ("planlæg", "er planlagt til 4. marts 2027 kl. 14.00"),
)


def test_the_administration_makes_a_meeting_joint_and_sends_the_pack(
    browser: Any, bot: Bot, folder: Path
) -> None:
    with chat_as(browser, bot, "camilla", folder) as camilla:
        camilla.sees("Hej Camilla!")
        camilla.open(CHANNEL)  # the daycares' committee has a channel; the other has none
        camilla.post_to_pejling(f"tilknyt {CHANNEL}")
        camilla.sees(f"Kanalen er nu tilknyttet {CHANNEL}.")
        camilla.open()
        for answer, question in PLANNING:
            camilla.say(answer)
            camilla.sees(re.compile(re.escape(question)))
        meeting = camilla.card("Dialogmøde: Børne- og Uddannelsesudvalget")
        camilla.press(meeting, "Fælles møde")
        form = camilla.card("Fælles dialogmøde")
        form.get_by_text("Social- og Sundhedsudvalget").click()
        camilla.shot("faelles-moede", form)
        camilla.press(form, "Gem udvalgene")
        camilla.sees(
            "Fælles møde: Social- og Sundhedsudvalget deltager sammen med "
            "Børne- og Uddannelsesudvalget."
        )
        joint = camilla.card("Sammen med")
        camilla.press(joint, "Send mødepakken nu")
        camilla.sees(f"Mødepakken sendes nu til kanalen for {CHANNEL}.")
        camilla.sees("Social- og Sundhedsudvalget har ingen kanal tilknyttet endnu.")
        camilla.shot("pakke-sendt")
        camilla.open(CHANNEL)
        pack = camilla.card("Mødepakke")
        camilla.shot("pakke-i-kanalen", pack)
        assert "Sprog og overgange" in pack.inner_text()
