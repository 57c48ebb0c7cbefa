"""Adaptive Cards as terminal text: what `pejling chat` shows, numbers and would send."""

from __future__ import annotations

from typing import Any

import pytest

from bot.devtools.chat.render import (
    InputRefused,
    action_data,
    missing_required,
    parse_input,
    render_card,
    render_markdown,
)
from kort.catalogue import texts

t = texts("da")


def card(*body: dict[str, Any], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    built: dict[str, Any] = {"type": "AdaptiveCard", "version": "1.5", "body": list(body)}
    if actions:
        built["actions"] = actions
    return built


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": value, "wrap": True, **extra}


def execute(title: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    # As kort/common.py builds them: Action.Execute with an Action.Submit fallback.
    fallback = {"type": "Action.Submit", "title": title, "data": data, **extra}
    return {"type": "Action.Execute", "title": title, "data": data, "fallback": fallback, **extra}


def goal_list() -> dict[str, Any]:
    def goal(number: int, title: str, latest: str, color: str) -> dict[str, Any]:
        data = {"action": "status.choose_goal", "progress": "p1", "step": "goal", "goal": number}
        return {
            "type": "Container",
            "separator": True,
            "items": [
                text(f"{number}. {title}", weight="bolder"),
                text("Bøgeskov Skole", isSubtle=True, size="small"),
                text(latest, color=color, weight="bolder", size="small"),
                {"type": "ActionSet", "actions": [execute("Meld status", data)]},
            ],
        }

    cancel = execute("Annullér", {"action": "dialogue.cancel"}, associatedInputs="none")
    return card(
        text("Meld status", size="medium", weight="bolder"),
        text("Vælg det mål, du vil melde status på."),
        goal(1, "Flere elever trives i frikvartererne", "Seneste status: Gul", "warning"),
        goal(2, "Styrket læsning i indskolingen", "Ingen status endnu", "default"),
        {"type": "ActionSet", "actions": [cancel]},
    )


def status_form() -> dict[str, Any]:
    save = {"action": "dialogue.answer", "progress": "p1", "step": "form"}
    return card(
        text("Statusmelding", size="medium", weight="bolder"),
        {
            "type": "FactSet",
            "facts": [
                {"title": "Enhed", "value": "Bøgeskov Skole"},
                {"title": "Forventet effekt", "value": "Færre konflikter i frikvartererne."},
            ],
        },
        {
            "type": "Input.ChoiceSet",
            "id": "color",
            "label": "Hvordan går det?",
            "style": "expanded",
            "isRequired": True,
            "errorMessage": "Vælg rød, gul eller grøn.",
            "choices": [
                {"title": "Rød – ikke opfyldt", "value": "red"},
                {"title": "Gul – delvist opfyldt", "value": "yellow"},
                {"title": "Grøn – opfyldt", "value": "green"},
            ],
        },
        {
            "type": "Input.Text",
            "id": "narrative",
            "label": "Hvordan går det, og hvorfor?",
            "placeholder": "Det er det, udvalget læser.",
            "isMultiline": True,
            "isRequired": True,
            "maxLength": 2000,
        },
        {
            "type": "Input.Text",
            "id": "evidence",
            "label": "Dokumentation (valgfri)",
            "placeholder": "Fx et tal, en måling eller et link",
        },
        {
            "type": "ActionSet",
            "actions": [
                execute("Gem statusmelding", save, style="positive"),
                execute("Annullér", {"action": "dialogue.cancel"}, associatedInputs="none"),
            ],
        },
    )


def digest() -> dict[str, Any]:
    return card(
        text("Overblik: Børne- og Uddannelsesudvalget", size="large", weight="bolder"),
        text("3. marts 2027 kl. 07.00", isSubtle=True),
        {
            "type": "ColumnSet",
            "columns": [
                {"type": "Column", "items": [text("Rød: 1", color="attention", weight="bolder")]},
                {"type": "Column", "items": [text("Gul: 2", color="warning", weight="bolder")]},
                {"type": "Column", "items": [text("Grøn: 1", color="good", weight="bolder")]},
            ],
        },
        {
            "type": "Container",
            "separator": True,
            "items": [
                text("Engholm Skole", weight="bolder"),
                text("Rød · Mindre fravær i udskolingen", color="attention"),
                {
                    "type": "FactSet",
                    "facts": [
                        {"title": "Status", "value": "Fraværet er steget efter sommerferien."},
                        {"title": "Dokumentation", "value": "14 elever over 10 % fravær"},
                    ],
                },
            ],
        },
    )


# ---------------------------------------------------------------------------
# Representative cards


def test_goal_list_letters_one_button_per_goal_and_knows_what_each_sends() -> None:
    rendered = render_card(goal_list(), t)
    assert rendered.text == (
        "**Meld status**\n"
        "Vælg det mål, du vil melde status på.\n"
        "\n"
        "────────────────────────────────────────\n"
        "**1. Flere elever trives i frikvartererne**\n"
        "Bøgeskov Skole\n"
        "**Seneste status: Gul**\n"
        "[A] Meld status\n"
        "\n"
        "────────────────────────────────────────\n"
        "**2. Styrket læsning i indskolingen**\n"
        "Bøgeskov Skole\n"
        "**Ingen status endnu**\n"
        "[B] Meld status\n"
        "\n"
        "[C] Annullér"
    )
    assert rendered.hint == "Tryk på en knap med /A."
    assert [b.letter for b in rendered.buttons] == ["A", "B", "C"]
    second = rendered.button("b")
    assert second is not None and second.kind == "Action.Execute"
    assert action_data(rendered, second, {}) == {
        "action": "status.choose_goal",
        "progress": "p1",
        "step": "goal",
        "goal": 2,
    }


def test_status_form_numbers_inputs_and_shows_choices_and_placeholders() -> None:
    rendered = render_card(status_form(), t)
    assert rendered.text == (
        "**Statusmelding**\n"
        "Enhed:            Bøgeskov Skole\n"
        "Forventet effekt: Færre konflikter i frikvartererne.\n"
        "\n"
        "[1] Hvordan går det? (skal udfyldes)\n"
        "    ( ) 1 Rød – ikke opfyldt\n"
        "    ( ) 2 Gul – delvist opfyldt\n"
        "    ( ) 3 Grøn – opfyldt\n"
        "\n"
        "[2] Hvordan går det, og hvorfor? (skal udfyldes, flere linjer)\n"
        "    ‹Det er det, udvalget læser.›\n"
        "\n"
        "[3] Dokumentation (valgfri)\n"
        "    ‹Fx et tal, en måling eller et link›\n"
        "\n"
        "[A] Gem statusmelding   [B] Annullér"
    )
    assert rendered.hint == "Udfyld et felt med /1 <svar>, og tryk på en knap med /A."
    assert [(i.number, i.id, i.required) for i in rendered.inputs] == [
        (1, "color", True),
        (2, "narrative", True),
        (3, "evidence", False),
    ]


def test_status_form_merges_inputs_into_the_data_as_teams_does() -> None:
    rendered = render_card(status_form(), t)
    save, cancel = rendered.buttons
    values = {
        "color": parse_input(rendered.inputs[0], "gul"),
        "narrative": parse_input(rendered.inputs[1], "Legepatruljen er i gang."),
    }
    # The evidence is left empty, so it is left out, as Teams' renderer does (`isSet()`).
    assert action_data(rendered, save, values) == {
        "action": "dialogue.answer",
        "progress": "p1",
        "step": "form",
        "color": "yellow",
        "narrative": "Legepatruljen er i gang.",
    }
    # associatedInputs: none → the cancel button sends its data alone.
    assert action_data(rendered, cancel, values) == {"action": "dialogue.cancel"}
    assert missing_required(rendered, cancel, {}) == []


def test_status_form_lists_required_inputs_left_empty() -> None:
    rendered = render_card(status_form(), t)
    save = rendered.buttons[0]
    assert [i.number for i in missing_required(rendered, save, {})] == [1, 2]
    assert [i.number for i in missing_required(rendered, save, {"color": "red"})] == [2]


def test_filled_in_values_show_on_the_card() -> None:
    values = {"color": "green", "narrative": "Læsebånd hver morgen.\nMere læselyst."}
    rendered = render_card(status_form(), t, values)
    assert "    (•) 3 Grøn – opfyldt" in rendered.lines
    assert "    ( ) 1 Rød – ikke opfyldt" in rendered.lines
    assert "    = Læsebånd hver morgen.\n      Mere læselyst." in rendered.text


def test_digest_aligns_facts_and_keeps_the_colour_words() -> None:
    rendered = render_card(digest(), t)
    assert rendered.text == (
        "**Overblik: Børne- og Uddannelsesudvalget**\n"
        "3. marts 2027 kl. 07.00\n"
        "**Rød: 1** · **Gul: 2** · **Grøn: 1**\n"
        "\n"
        "────────────────────────────────────────\n"
        "**Engholm Skole**\n"
        "Rød · Mindre fravær i udskolingen\n"
        "Status:        Fraværet er steget efter sommerferien.\n"
        "Dokumentation: 14 elever over 10 % fravær"
    )
    assert not rendered.interactive
    assert rendered.hint == ""


def test_digest_in_a_terminal_gets_ansi_colours() -> None:
    rendered = render_card(digest(), t, ansi=True)
    assert "\x1b[31m\x1b[1mRød: 1\x1b[22m\x1b[0m" in rendered.text  # attention → red
    assert "\x1b[33m\x1b[1mGul: 2\x1b[22m\x1b[0m" in rendered.text  # warning → yellow
    assert "\x1b[2m3. marts 2027 kl. 07.00\x1b[0m" in rendered.text  # subtle → dim


def test_rich_text_runs_keep_their_colour_word_and_colour() -> None:
    """A digest line as kort/digests.py builds it: a coloured run, then the goal."""
    unit = card(
        text("Overblik"),
        {
            "type": "Container",
            "separator": True,
            "items": [
                text("Engholm Skole", weight="bolder"),
                {
                    "type": "RichTextBlock",
                    "separator": True,
                    "inlines": [
                        {
                            "type": "TextRun",
                            "text": "Rød",
                            "color": "attention",
                            "weight": "bolder",
                        },
                        {"type": "TextRun", "text": "  Mindre fravær i udskolingen"},
                    ],
                },
            ],
        },
    )
    plain = render_card(unit, t)
    # A rule between the card's parts; a blank line for a separator inside a part.
    assert plain.lines[1:] == (
        "",
        "────────────────────────────────────────",
        "**Engholm Skole**",
        "",
        "**Rød**  Mindre fravær i udskolingen",
    )
    coloured = render_card(unit, t, ansi=True)
    assert "\x1b[31m\x1b[1mRød\x1b[22m\x1b[39m  Mindre fravær i udskolingen" in coloured.lines


def test_confirmation_card_has_no_inputs_buttons_or_hint() -> None:
    rendered = render_card(
        card(
            text("Statusmelding gemt", size="medium", weight="bolder"),
            text("Gul", color="warning", weight="bolder"),
            {"type": "FactSet", "facts": [{"title": "Meldt af", "value": "Mette Kjærgaard"}]},
        ),
        t,
    )
    assert rendered.text == "**Statusmelding gemt**\n**Gul**\nMeldt af: Mette Kjærgaard"
    assert (rendered.inputs, rendered.buttons, rendered.hint) == ((), (), "")


def test_unknown_elements_use_their_fallback_or_say_what_they_are() -> None:
    rendered = render_card(
        card(
            {"type": "Carousel", "pages": []},
            {"type": "Rating", "fallback": text("4 af 5 stjerner")},
            {"type": "CodeBlock", "fallback": "drop"},
            {"type": "Input.Text"},  # no id: cannot be sent, so not numbered
            "not an element",
            text("Slut"),
        ),
        t,
    )
    assert rendered.lines == (
        "[ukendt element: Carousel]",
        "4 af 5 stjerner",
        "",
        "[kan ikke vise et element af typen Input.Text]",
        "Slut",
    )
    assert rendered.inputs == ()


def test_a_broken_element_does_not_take_the_card_with_it() -> None:
    rendered = render_card(
        card({"type": "FactSet", "facts": [{"title": "A"}, {"title": None, "value": 3}]}), t
    )
    assert rendered.text == "A:\nNone: 3"
    broken = render_card(card({"type": "Table", "rows": [{"cells": "x"}]}, text("Efter")), t)
    assert broken.text == "Efter"


# ---------------------------------------------------------------------------
# Structure: ShowCard, columns, tables, images, many buttons


def test_show_card_inputs_join_the_numbering_and_its_button_sends_both_cards() -> None:
    nested = card(
        {"type": "Input.Date", "id": "meeting", "label": "Dato for dialogmødet"},
        actions=[{"type": "Action.Submit", "title": "Book", "data": {"action": "book"}}],
    )
    rendered = render_card(
        card(
            {"type": "Input.Text", "id": "note", "label": "Note"},
            actions=[
                {"type": "Action.ShowCard", "title": "Book møde", "card": nested},
                {"type": "Action.OpenUrl", "title": "Vejledning", "url": "https://example.org"},
                {"type": "Action.Submit", "title": "Send note", "data": {"action": "note"}},
            ],
        ),
        t,
    )
    assert rendered.text == (
        "[1] Note\n"
        "\n"
        "[A] Book møde ▾   [B] Vejledning (https://example.org)   [C] Send note\n"
        "\n"
        "▾ [A]\n"
        "    [2] Dato for dialogmødet (dato som 2027-03-14)\n"
        "\n"
        "    [D] Book"
    )
    book, send = rendered.button("D"), rendered.button("C")
    assert book is not None and send is not None
    values = {"note": "Hej", "meeting": "2027-03-14"}
    assert action_data(rendered, book, values) == {
        "action": "book",
        "meeting": "2027-03-14",
        "note": "Hej",
    }
    # A button of the outer card does not see the inputs of a card it has not opened.
    assert action_data(rendered, send, values) == {"action": "note", "note": "Hej"}


def test_columns_stack_when_they_do_not_fit_on_one_line() -> None:
    long = "Borgerne møder få, faste hjælpere og skal ikke fortælle det samme igen og igen."
    rendered = render_card(
        card(
            {
                "type": "ColumnSet",
                "columns": [
                    {"type": "Column", "items": [text("Forventet effekt")]},
                    {"type": "Column", "items": [text(long)]},
                ],
            }
        ),
        t,
        width=40,
    )
    assert rendered.lines == (
        "Forventet effekt",
        "Borgerne møder få, faste hjælpere og",
        "skal ikke fortælle det samme igen og",
        "igen.",
    )


def test_table_is_aligned_with_a_header_rule() -> None:
    def row(*cells: str) -> dict[str, Any]:
        return {
            "type": "TableRow",
            "cells": [{"type": "TableCell", "items": [text(c)]} for c in cells],
        }

    rendered = render_card(
        card({"type": "Table", "rows": [row("Enhed", "Status"), row("Engholm Skole", "Rød")]}), t
    )
    assert rendered.lines == (
        "Enhed         │ Status",
        "──────────────┼───────",
        "Engholm Skole │ Rød",
    )


def test_images_and_rich_text_are_described() -> None:
    rendered = render_card(
        card(
            {"type": "Image", "url": "https://x/y.png", "altText": "Kommunens logo"},
            {"type": "Image", "url": "https://x/z.png"},
            {
                "type": "RichTextBlock",
                "inlines": [{"type": "TextRun", "text": "Frist:", "weight": "bolder"}, " fredag"],
            },
        ),
        t,
    )
    assert rendered.lines == ("[billede: Kommunens logo]", "[billede]", "**Frist:** fredag")


def test_buttons_past_z_get_two_letters() -> None:
    actions = [{"type": "Action.Submit", "title": f"K{n}"} for n in range(28)]
    rendered = render_card(card(actions=actions), t)
    assert [b.letter for b in rendered.buttons][-3:] == ["Z", "AA", "AB"]


def test_select_action_on_a_container_is_a_button() -> None:
    rendered = render_card(
        card(
            {
                "type": "Container",
                "items": [text("Engholm Skole")],
                "selectAction": {"type": "Action.Execute", "data": {"action": "open", "unit": 3}},
            }
        ),
        t,
    )
    assert rendered.lines == ("Engholm Skole", "[A] Vælg")


# ---------------------------------------------------------------------------
# What the person types → what Teams would send


def inputs(*elements: dict[str, Any]) -> list[Any]:
    return list(render_card(card(*elements), t).inputs)


def test_choices_match_value_title_number_or_the_start_of_a_title() -> None:
    (color,) = inputs(status_form()["body"][2])
    assert parse_input(color, "yellow") == "yellow"
    assert parse_input(color, "Grøn – opfyldt") == "green"
    assert parse_input(color, "1") == "red"
    assert parse_input(color, "GRON") == "green"  # case and ø folded
    assert parse_input(color, "") == ""
    with pytest.raises(InputRefused) as ambiguous:
        parse_input(color, "g")
    assert ambiguous.value.key == "chat.felt.flere_valg"


def test_multi_select_sends_comma_separated_values_in_choice_order() -> None:
    (areas,) = inputs(
        {
            "type": "Input.ChoiceSet",
            "id": "areas",
            "isMultiSelect": True,
            "choices": [{"title": t, "value": t.lower()} for t in ("Nord", "Syd", "Øst")],
        }
    )
    assert parse_input(areas, "øst, nord") == "nord,øst"


def test_dates_times_numbers_and_toggles() -> None:
    date, clock, number, toggle = inputs(
        {"type": "Input.Date", "id": "d"},
        {"type": "Input.Time", "id": "t"},
        {"type": "Input.Number", "id": "n", "min": 0, "max": 100},
        {
            "type": "Input.Toggle",
            "id": "x",
            "title": "Send kopi",
            "valueOn": "ja",
            "valueOff": "nej",
        },
    )
    assert parse_input(date, "14.3.2027") == "2027-03-14"
    assert parse_input(date, "2027-03-14") == "2027-03-14"
    assert parse_input(clock, "9.05") == "09:05"
    assert parse_input(number, "7,5") == "7.5"
    assert parse_input(toggle, "Ja") == "ja"
    assert parse_input(toggle, "fra") == "nej"
    for field, raw, key in [
        (date, "30.2.2027", "chat.felt.ikke_dato"),
        (clock, "25:00", "chat.felt.ikke_tid"),
        (number, "mange", "chat.felt.ikke_tal"),
        (number, "101", "chat.felt.tal_udenfor"),
        (toggle, "måske", "chat.felt.ikke_ja_nej"),
    ]:
        with pytest.raises(InputRefused) as refused:
            parse_input(field, raw)
        assert refused.value.key == key


def test_an_untouched_toggle_sends_its_off_value() -> None:
    rendered = render_card(
        card(
            {"type": "Input.Toggle", "id": "copy", "title": "Send kopi til fagchefen"},
            actions=[{"type": "Action.Submit", "title": "OK", "data": {"action": "ok"}}],
        ),
        t,
    )
    assert rendered.lines[:2] == ("[1] Send kopi til fagchefen", "    [ ]")
    assert action_data(rendered, rendered.buttons[0], {}) == {"action": "ok", "copy": "false"}


def test_text_longer_than_max_length_is_refused() -> None:
    (narrative,) = inputs({"type": "Input.Text", "id": "n", "maxLength": 5})
    with pytest.raises(InputRefused) as refused:
        parse_input(narrative, "for lang")
    assert refused.value.params == {"limit": 5, "length": 8}


# ---------------------------------------------------------------------------
# Message text


def test_markdown_bold_survives_wrapping_in_plain_and_ansi() -> None:
    message = "Tak! Din statusmelding er gemt som **gul og dermed delvist opfyldt**."
    assert render_markdown(message, width=40) == [
        "Tak! Din statusmelding er gemt som **gul**",
        "**og dermed delvist opfyldt**.",
    ]
    assert render_markdown(message, width=40, ansi=True) == [
        "Tak! Din statusmelding er gemt som \x1b[1mgul\x1b[22m",
        "\x1b[1mog dermed delvist opfyldt\x1b[22m.",
    ]


def test_markdown_lists_mentions_links_and_paragraphs() -> None:
    message = (
        "<at>Camilla Dahl</at> kanalen er knyttet.\n\n"
        "- Overblik hver mandag kl. 7 til udvalget, som kan læse det i kanalen\n"
        "- Se [vejledningen](https://pejling.example/vejledning)"
    )
    assert render_markdown(message, width=44) == [
        "@Camilla Dahl kanalen er knyttet.",
        "",
        "- Overblik hver mandag kl. 7 til udvalget,",
        "  som kan læse det i kanalen",
        "- Se vejledningen",
        "  (https://pejling.example/vejledning)",
    ]


def test_italic_coaching_lines_are_shown_without_their_underscores() -> None:
    lines = render_markdown("Hvad er målet?\n\n_Få, klare mål er lettere at arbejde med._")
    assert lines == ["Hvad er målet?", "", "Få, klare mål er lettere at arbejde med."]
    assert render_markdown("feltet goal_type_x") == ["feltet goal_type_x"]
