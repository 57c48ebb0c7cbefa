"""Every typed command, declared once: the words that call it (Danish and English, as
Teams sends the command title in the user's own language), what runs it in the personal
chat and in a team channel, and whether it only shows something.

The words are folded as `store.text.fold` folds what people type (æ → ae, ø → oe,
å → aa, lower case), and the whole message must be one of them; `dialoger/intents.py`
reads them from here for the exact match, the polite sentence and the "Mente du …?" of
a near miss. Who may do what a command does is the store's rule, checked where it acts
(a refusal comes back as a Danish explanation), so a command names no roles.

To add one: an `Intent` member, its name in the catalogue (`kommando.<intent>`, da and
en), and one `Command` line in `COMMANDS`; see docs/EXTENDING.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dialoger import absences, channel, evaluations, meetings, runner
from dialoger import digests as digests_dialogue
from dialoger import goals as goals_dialogue
from dialoger import reminders as reminders_dialogue
from dialoger import roles as roles_dialogue
from dialoger.context import Context
from dialoger.corrections import correct, offer_withdrawal
from dialoger.flows import FLOWS, status
from dialoger.intents import Intent
from dialoger.talk import card_owner_after, unfinished_note
from dialoger.turn import TurnResult, say, show
from kort.help import channel_help_card, help_card
from store.enums import EvaluationKind
from store.profiles import municipal, profile
from store.text import fold
from store.views import ProgressView

# In the personal chat: the turn, and the dialogue under way (None when there is none).
Handler = Callable[[Context, ProgressView | None], Awaitable[TurnResult]]
# In a team channel, after @Pejling: the turn, and what follows the command word.
InChannel = Callable[[Context, str], Awaitable[TurnResult]]


@dataclass(frozen=True)
class Command:
    intent: Intent
    words: frozenset[str]  # folded; empty for the two with an argument (tilknyt, udsæt)
    handler: Handler  # in the personal chat
    in_channel: InChannel | None = None  # None: not offered in a channel
    # Only shows something: asked in the middle of a dialogue, it is answered and the
    # dialogue's question is asked again (other commands set the dialogue aside).
    shows: bool = False


def for_role(ctx: Context, key: str) -> str:
    """The variant of a greeting or hint that points to what this person does: a leader
    reports status and writes goals, an approver decides on goals, others get help."""
    actor = ctx.require_actor()
    if actor.led_unit_ids or not profile(actor.profile).uses_goals:
        return key  # a profile without goals relabels the plain texts
    return f"{key}_godkender" if actor.approves_goals else f"{key}_andre"


async def _help(ctx: Context, current: ProgressView | None) -> TurnResult:
    actor = ctx.require_actor()
    card = help_card(
        ctx.texts,
        leads=bool(actor.led_unit_ids),
        uses_goals=profile(actor.profile).uses_goals,
        decides=actor.approves_goals,
        plans=actor.is_administration,
        midway=municipal(actor.profile, actor.midway).evaluates(EvaluationKind.MIDWAY),
    )
    shown = TurnResult((show(card),))
    if current is None:
        return shown
    again = await runner.resume(ctx, current, "hjaelp.i_gang")
    return TurnResult(shown.replies + again.replies, card_owner_after(again))


async def _help_in_channel(ctx: Context, _rest: str) -> TurnResult:
    return TurnResult((show(channel_help_card(ctx.texts)),))


async def _greet(ctx: Context, current: ProgressView | None) -> TurnResult:
    name = ctx.require_actor().person_name.split()[0]
    hello = say(ctx.texts(for_role(ctx, "velkommen.hej"), name=name))
    if current is None:
        return TurnResult((hello, *await unfinished_note(ctx)))
    again = await runner.resume(ctx, current, "hjaelp.i_gang")
    return TurnResult((hello, *again.replies), card_owner_after(again))


async def _status(ctx: Context, current: ProgressView | None) -> TurnResult:
    return await runner.start(ctx, FLOWS[status.NAME], current)


async def _cancel(ctx: Context, current: ProgressView | None) -> TurnResult:
    if current is None and fold(ctx.turn.text).strip(" .!") == "fortryd":
        return await offer_withdrawal(ctx)  # nothing to stop: undo the last status
    return await runner.cancel(ctx, current)


async def _link_elsewhere(ctx: Context, current: ProgressView | None) -> TurnResult:
    return TurnResult((say(ctx.texts("tilknyt.udenfor_kanal")),))


async def _overview_in_channel(ctx: Context, _rest: str) -> TurnResult:
    return await digests_dialogue.in_channel(ctx)


def _words(*words: str) -> frozenset[str]:
    return frozenset(words)


# In this order the exact words are tried and equally near misses are offered.
COMMANDS: dict[Intent, Command] = {
    command.intent: command
    for command in (
        Command(
            Intent.HELP,
            _words("hjaelp", "help", "?", "hvad kan du", "hvad kan du?", "menu"),
            _help, _help_in_channel, shows=True,
        ),
        Command(
            Intent.CANCEL,
            _words("annuller", "afbryd", "stop", "fortryd", "cancel", "quit"),
            _cancel,
        ),
        Command(
            Intent.STATUS,
            _words("status", "statusmelding", "meld status", "ny status", "ny statusmelding",
                   "opdater status", "rapporter", "rapporter status", "report", "status update"),
            _status,
        ),
        Command(
            Intent.GREETING,
            _words("hej", "hejsa", "goddag", "god morgen", "hi", "hello"),
            _greet,
        ),
        Command(
            Intent.NEW_GOAL,
            _words("nyt maal", "nyt mal", "opret maal", "skriv et maal", "nyt aftalemaal",
                   "new goal"),
            goals_dialogue.new_goal,
        ),
        Command(
            Intent.MY_GOALS,
            _words("mine maal", "mine mal", "maal", "vis mine maal", "my goals"),
            goals_dialogue.my_goals, shows=True,
        ),
        Command(
            Intent.RESUME,
            _words("fortsaet", "fortsat", "videre", "genoptag", "continue", "resume"),
            goals_dialogue.resume,
        ),
        Command(
            Intent.APPROVALS,
            _words("til godkendelse", "godkend", "godkendelser", "godkend maal", "approvals",
                   "approve"),
            goals_dialogue.approvals, shows=True,
        ),
        Command(
            Intent.MEETINGS,
            _words("dialogmoeder", "dialogmoder", "moeder", "moder", "mine moeder", "mine moder",
                   "vis moeder", "meetings", "my meetings"),
            meetings.list_meetings, shows=True,
        ),
        Command(
            Intent.PLAN_MEETING,
            _words("nyt dialogmoede", "nyt dialogmode", "planlaeg dialogmoede",
                   "planlaeg dialogmode", "planlaeg moede", "planlaeg mode", "nyt moede",
                   "nyt mode", "new meeting", "plan meeting"),
            meetings.plan,
        ),
        Command(
            Intent.PREPARE,
            _words("forbered", "forberedelse", "forbered moede", "forbered mode", "forbered dig",
                   "prepare"),
            meetings.prepare,
        ),
        Command(
            Intent.SUMMARY,
            _words("referat", "opsummering", "skriv referat", "skriv opsummering", "summary"),
            meetings.write_summary,
        ),
        Command(
            Intent.BEARINGS,
            _words("pejlemaerker", "pejlemarker", "politiske pejlemaerker", "vis pejlemaerker",
                   "bearings"),
            meetings.show_bearings, shows=True,
        ),
        Command(
            Intent.MATTERS,
            _words("sager", "til beslutning", "sager til beslutning", "beslutninger", "matters"),
            meetings.show_matters, shows=True,
        ),
        Command(
            Intent.YEAR,
            _words("aarshjul", "arshjul", "mit aarshjul", "hvad skal jeg", "hvornaar",
                   "the year", "year"),
            meetings.show_year, shows=True,
        ),
        Command(
            Intent.MIDWAY,
            _words("midtvejsevaluering", "midtvejs", "midtvejsevaluer", "midtvejs evaluering",
                   "midtvejsstatus", "ny midtvejsevaluering", "midway evaluation", "midway"),
            evaluations.midway,
        ),
        Command(
            Intent.FINAL_REPORT,
            _words("slutrapport", "slutrapporter", "skriv slutrapport", "ny slutrapport",
                   "afrapportering", "endelig afrapportering", "final report"),
            evaluations.final_report,
        ),
        Command(
            Intent.ABSENCE,
            _words("fravaer", "fravar", "meld fravaer", "meld fravar", "nyt fravaer",
                   "ude af huset", "jeg er ude af huset", "out of office", "absence", "away"),
            absences.register,
        ),
        Command(
            Intent.ABSENCE_END,
            _words("fravaer slut", "fravar slut", "afslut fravaer", "afslut fravar",
                   "stop fravaer", "slut fravaer", "jeg er tilbage", "tilbage igen",
                   "end absence", "back again"),
            absences.end,
        ),
        Command(
            Intent.MY_ABSENCE,
            _words("mit fravaer", "mit fravar", "vis fravaer", "vis fravar", "my absence"),
            absences.show_absences, shows=True,
        ),
        Command(
            Intent.ROLES,
            _words("roller", "vis roller", "giv rolle", "fjern rolle", "roles", "grant role",
                   "remove role"),
            roles_dialogue.show_roles, shows=True,
        ),
        Command(
            Intent.CORRECT_STATUS,
            _words("ret status", "ret min status", "ret statusmelding", "ret min statusmelding",
                   "ret statussen", "aendr status", "ret seneste status", "correct status",
                   "edit status"),
            correct,
        ),
        Command(
            Intent.WITHDRAW_STATUS,
            _words("fortryd status", "fortryd statusmelding", "fortryd min status",
                   "traek status tilbage", "traek statusmelding tilbage", "slet status",
                   "slet statusmelding", "withdraw status", "undo status"),
            offer_withdrawal,
        ),
        Command(
            Intent.OVERVIEW,
            _words("overblik", "overblikket", "vis overblik", "vis overblikket",
                   "udvalgets overblik", "vis overblikket for udvalget", "hvordan gaar det",
                   "hvordan gar det", "hvordan gaar det?", "hvordan gar det?",
                   "hvordan gaar det med maalene", "hvordan gaar det med maalene?",
                   "hvordan staar det til", "hvordan staar det til?", "dashboard", "overview",
                   "how are we doing", "how are we doing?"),
            digests_dialogue.show_overview, _overview_in_channel,
        ),
        # With an argument, read by their own patterns in dialoger/intents.py.
        Command(Intent.LINK, _words(), _link_elsewhere, channel.link),
        Command(Intent.SNOOZE, _words(), reminders_dialogue.snooze_typed),
    )
}  # fmt: skip
