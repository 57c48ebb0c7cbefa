"""The table of typed commands (dialoger/commands.py) is the one place a command is
declared; these are the rules an entry must keep."""

from __future__ import annotations

from collections import Counter

import pytest

from dialoger.commands import COMMANDS
from dialoger.intents import Intent, recognise, suggestions, understand
from kort.catalogue import texts
from store.text import fold


def test_every_intent_is_declared_once() -> None:
    assert set(COMMANDS) == set(Intent)
    assert all(intent is command.intent for intent, command in COMMANDS.items())


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_command_has_its_name_in_the_catalogue(language: str) -> None:
    """The name "Mente du …?" offers."""
    t = texts(language)
    assert [i.value for i in COMMANDS if not t.has(f"kommando.{i.value}")] == []


def test_no_word_calls_two_commands() -> None:
    counted = Counter(word for command in COMMANDS.values() for word in command.words)
    assert [word for word, count in counted.items() if count > 1] == []


def test_the_words_are_written_as_fold_leaves_what_people_type() -> None:
    unfolded = [w for c in COMMANDS.values() for w in c.words if fold(w) != w]
    assert unfolded == []


@pytest.mark.parametrize("intent", [i for i, c in COMMANDS.items() if c.words])
def test_each_word_is_read_as_its_command(intent: Intent) -> None:
    for word in COMMANDS[intent].words:
        assert recognise(word) == (intent, ""), word
        assert understand(word.upper()) == (intent, ""), word


def test_the_channel_offers_overview_link_and_help() -> None:
    offered = {i for i, c in COMMANDS.items() if c.in_channel is not None}
    assert offered == {Intent.OVERVIEW, Intent.LINK, Intent.HELP}


def test_a_near_miss_of_the_overview_is_offered_by_its_name() -> None:
    """An "aaerview" is no command, and "Mente du …?" names the overview: with its name in
    the catalogue, not a missing key that failed the turn."""
    assert understand("aaerview") is None
    near = suggestions("aaerview")
    assert Intent.OVERVIEW in near
    assert "overblik" in [texts("da")(f"kommando.{intent.value}") for intent in near]
    assert "overview" in [texts("en")(f"kommando.{intent.value}") for intent in near]
