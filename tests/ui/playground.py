"""Microsoft 365 Agents Playground as a real client: Teams' own chat UI and its stand-in
for the Bot Framework service (npm `@microsoft/m365agentsplayground`, pinned in
tests/ui/package.json), driven by Debian's headless chromium.

`pejling demo` runs on a fresh SQLite database on a free port; a Playground is started
per person with that person's config from examples/playground/, and its web page is
opened in chromium. The tests then type and press buttons as the person would.

Run `python tests/ui/playground.py` to write the per-person configs again from the demo
municipality (examples/demokommune.yaml).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demokommune.yaml"
CONFIGS = ROOT / "examples" / "playground"
CONFIG_NAME = ".m365agentsplayground.yml"  # the name the Playground looks for in its folder
PLAYGROUND = Path(__file__).resolve().parent / "node_modules" / ".bin" / "agentsplayground"
CHROMIUM = "/usr/bin/chromium"
PEJLING = Path(sys.executable).with_name("pejling")
# Screenshots for people to look at; tests/ui/artefacts/ is not committed.
ARTEFACTS = Path(os.environ.get("PEJLING_UI_ARTEFACTS") or Path(__file__).parent / "artefacts")

# One per role: leader, department head, administration, politician.
PEOPLE = ("mette", "henrik", "camilla", "jens")
# The Playground's config holds exactly five other users; these are the demo people the
# four above meet most.
COLLEAGUES = ("mette", "henrik", "camilla", "jens", "jonas", "lise")
# The committee channel in the Playground's one team.
CHANNEL = "Børne- og Uddannelsesudvalget"
# Generous: two cores are shared by several test runs.
START_SECONDS = 120
WAIT_MS = 60_000
# What a card shows when Teams would not send a press to the bot.
REFUSED = "Unable to reach app"


# ---------------------------------------------------------------------------
# Configs: the demo municipality's people, as the Playground wants them


def playground_config(person: str, org: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Playground's config (schema 0.1.1) with `person` as the current user, in the
    demo municipality's tenant, so Pejling knows them by their Entra object id."""
    org = org if org is not None else yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    people = {p["key"]: p for p in org["people"]}
    others = [key for key in COLLEAGUES if key != person][:5]
    return {
        "version": "0.1.1",
        "tenantId": org["municipality"]["tenant_id"],
        "bot": {"id": "28:pejling", "name": "Pejling"},
        "currentUser": _user(people[person]),
        "users": [_user(people[key]) for key in others],
        "personalChat": {"id": f"personlig-chat-{person}"},
        "groupChat": {"id": "gruppechat", "name": "Gruppechat"},
        "team": {
            "id": "team-boegeskov",
            "name": org["municipality"]["name"],
            "aadGroupId": "00000000-0000-4000-8000-000000000031",
            "channels": [{"id": "kanal-buu", "name": CHANNEL}],
        },
    }


def _user(person: dict[str, Any]) -> dict[str, str]:
    given, _, surname = person["name"].partition(" ")
    return {
        "id": f"29:{person['key']}",
        "name": person["name"],
        "userPrincipleName": person["email"],  # sic: the Playground's spelling
        "aadObjectId": person["aad_object_id"],
        "givenName": given,
        "surname": surname,
        "email": person["email"],
    }


def config_text(person: str) -> str:
    header = (
        "# Microsoft 365 Agents Playground as "
        f"{person} of the demo municipality; see README.md.\n"
        "# Written by `python tests/ui/playground.py` from examples/demokommune.yaml.\n"
    )
    body = yaml.safe_dump(playground_config(person), allow_unicode=True, sort_keys=False)
    return header + body


def write_configs() -> None:
    for person in PEOPLE:
        folder = CONFIGS / person
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CONFIG_NAME).write_text(config_text(person), encoding="utf-8")


# ---------------------------------------------------------------------------
# Processes: Pejling on the demo, and a Playground pointed at it


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("Microsoft", "PEJLING_"))}
    env.pop("HOST", None)
    return env | extra


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until `url` answers; a process that stops first fails the test with its log."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} stopped:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)  # polling a starting server; nothing to wait on instead
    raise RuntimeError(f"{url} did not answer in {START_SECONDS} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Bot:
    """`pejling demo` on its own SQLite file and port, without the scheduler (the tests
    post the digest with `pejling digest`, as a person would)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.env = _environment(
            DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'pejling.db'}",
            PORT=str(self.port),
            PEJLING_SCHEDULER="0",
        )
        self.log = folder / "pejling.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/messages"

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(PEJLING), "demo"], env=self.env, stdout=out, stderr=subprocess.STDOUT
            )
        _wait_until_up(f"http://127.0.0.1:{self.port}/healthz", self.process, self.log)

    def command(self, *args: str) -> str:
        """Another `pejling` command on the same database, e.g. `digest --committee buu`."""
        done = subprocess.run(
            [str(PEJLING), *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


class Playground:
    """One Agents Playground process with `person` as its current user."""

    def __init__(self, bot: Bot, person: str, folder: Path) -> None:
        self.person = person
        self.port = free_port()
        self.bot = bot
        self.log = folder / f"playground-{person}.log"
        self.config = CONFIGS / person / CONFIG_NAME
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        env = _environment(
            M365_AGENTS_PLAYGROUND_CONFIG_PATH=str(self.config),
            M365_AGENTS_PLAYGROUND_LOGFILE=str(self.log.with_suffix(".debug.log")),
            TEAMSAPPTESTER_BROWSER="none",  # no browser of its own: chromium is ours
        )
        command = [str(PLAYGROUND), "--app-endpoint", self.bot.endpoint, "--channel-id",
                   "msteams", "--port", str(self.port), "--disable-telemetry"]  # fmt: skip
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        _wait_until_up(self.url, self.process, self.log)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


def missing_tools() -> str | None:
    """Why the Playground tests cannot run here, or None. The README's test command
    installs the npm packages; `.ci/run` installs chromium."""
    if not PLAYGROUND.exists():
        return "npm ci --prefix tests/ui has not been run"
    if not Path(CHROMIUM).exists() or shutil.which("node") is None:
        return "Debian's chromium and Node.js are needed"
    return None


# ---------------------------------------------------------------------------
# The page: Teams' chat as the person sees it


class Chat:
    """The Playground's web page in chromium, as one person."""

    def __init__(self, page: Any, person: str) -> None:
        self.page = page
        self.person = person
        # How many refusals the page showed before the last button press; a new one
        # means Teams did not send that press to Pejling.
        self._refusals_before = 0

    def open(self, conversation: str = "Personal Chat") -> None:
        """A conversation in the left rail: "Personal Chat" or a channel's name."""
        self.page.get_by_role("treeitem", name=re.compile(re.escape(conversation))).click()

    def say(self, text: str) -> None:
        # The message box, not a text input on a card in the conversation.
        box = self.page.locator('[role="textbox"][contenteditable="true"]').last
        box.fill(text)
        box.press("Enter")

    def post_to_pejling(self, text: str) -> None:
        """Starts a new post in the open channel that @mentions Pejling, as one does in
        Teams: only a message that mentions the bot reaches it."""
        self.page.get_by_role("textbox").first.click()
        self.page.keyboard.type("@Pejl")
        self.page.get_by_role("menuitem", name="Pejling").click()
        self.page.keyboard.type(f" {text}")
        self.page.get_by_role("button", name="Post", exact=True).click()

    def sees(self, text: str | re.Pattern[str]) -> Any:
        """Waits until the conversation shows `text` and returns the last place it does."""
        return self._wait(self.page.get_by_text(text).last)

    def card(self, containing: str | re.Pattern[str]) -> Any:
        """The newest Adaptive Card that shows `containing`, once it is there."""
        return self._wait(self.page.locator(".ac-adaptiveCard").filter(has_text=containing).last)

    def _wait(self, wanted: Any) -> Any:
        """Until `wanted` shows, or the card says the last press never reached Pejling
        ("Unable to reach app": Teams refused it, e.g. an Action.Execute without a verb);
        that fails at once, with the reason, instead of after the timeout."""
        refused = self.page.get_by_text(REFUSED).nth(self._refusals_before)
        wanted.or_(refused).first.wait_for(timeout=WAIT_MS)
        if self.page.get_by_text(REFUSED).count() > self._refusals_before:
            raise AssertionError(f"the Playground refused the last button press: {REFUSED}")
        return wanted

    def field(self, card: Any, label: str) -> Any:
        """The input under a card's field label ("Mål", or "Mål *" when required)."""
        return card.locator(
            f'xpath=.//label[normalize-space()="{label}" or normalize-space()="{label} *"]'
            "/following::*[self::input or self::textarea][1]"
        )

    def choose(self, card: Any, label: str, option: str) -> None:
        """Picks `option` from a compact choice set, which opens as a list box."""
        self.field(card, label).click()
        self.page.get_by_role("option", name=option).click()

    def pick_date_next_month(self, card: Any, label: str, day: int) -> None:
        """Picks a day in next month on a date input's calendar (typing is not allowed)."""
        self.field(card, label).click()
        calendar = self.page.get_by_role("dialog")
        calendar.get_by_role("button", name=re.compile("next month", re.IGNORECASE)).click()
        calendar.get_by_role("button", name=re.compile(f"^{day}, ")).first.click()

    def press(self, card: Any, title: str | re.Pattern[str]) -> None:
        self._refusals_before = self.page.get_by_text(REFUSED).count()
        card.get_by_role("button", name=title).first.click(timeout=WAIT_MS)

    def shot(self, name: str, element: Any = None) -> Path:
        """A screenshot of the page, or of one card, under the artefacts folder; its path
        is printed for the test log."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / f"{self.person}-{name}.png"
        (element or self.page).screenshot(path=str(path))
        print(f"screenshot: {path}")
        return path


def shoot_open_pages(browser: Any, name: str) -> None:
    """A screenshot of every page still open, e.g. as a test ends, pass or fail."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for number, context in enumerate(browser.contexts):
        for page in context.pages:
            path = ARTEFACTS / f"{name}-{number}.png"
            page.screenshot(path=str(path))
            print(f"screenshot: {path}")


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def chat_as(browser: Any, bot: Bot, person: str, folder: Path) -> Iterator[Chat]:
    """A Playground with `person` as its user, open in a fresh chromium page at a
    desktop width."""
    playground = Playground(bot, person, folder)
    playground.start()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page.set_default_timeout(WAIT_MS)
    try:
        page.goto(playground.url)
        chat = Chat(page, person)
        try:
            yield chat
        except BaseException:
            chat.shot("fejl")  # what the person saw when the test failed
            raise
    finally:
        page.close()
        playground.stop()


if __name__ == "__main__":
    write_configs()
