"""Municipality profiles: the three shipped ones load and say what their municipalities
do, and a broken profile is refused with an error that says what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from store.enums import ApprovalStep, ColorScale, EvaluationKind
from store.goalfields import FIELDS
from store.profiles import PROFILE_KEYS, Profile, profile

HVIDOVRE_FIELDS = (
    "title",
    "bearings",
    "goal_type",
    "expected_effect",
    "success_criteria",
    "evaluation_method",
    "data_source",
    "sub_goals",
    "deadline",
    "responsible",
)
SCHOOL_FIELDS = (
    "title",
    "bearings",
    "national_goal",
    "grades",
    "goal_type",
    "perspective",
    "expected_effect",
    "sub_goals",
    "success_criteria",
    "evaluation_method",
    "data_source",
    "deadline",
    "responsible",
)
WITH_GOALS = ("hvidovre", "jammerbugt")


def raw_profile(**changes: Any) -> dict[str, Any]:
    """A small, valid profile as it would stand in a YAML file, with `changes`."""
    raw: dict[str, Any] = {
        "key": "proevekommune",
        "name": {"da": "Prøvekommune", "en": "Test municipality"},
        "templates": [{"key": "standard", "fields": ["title", "expected_effect"]}],
    }
    return raw | changes


def refusal(raw: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as refused:
        Profile.model_validate(raw)
    return str(refused.value)


# --- the shipped profiles ---------------------------------------------------------------


@pytest.mark.parametrize("key", PROFILE_KEYS)
def test_every_shipped_profile_loads_under_its_own_key(key: str) -> None:
    loaded = profile(key)
    assert loaded.key == key
    assert loaded.name.da and loaded.name.en


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(KeyError, match="no profile 'gentofte'"):
        profile("gentofte")


def test_hvidovre_approves_in_the_department_and_then_the_committee() -> None:
    hvidovre = profile("hvidovre")
    assert hvidovre.approval == (ApprovalStep.DEPARTMENT, ApprovalStep.COMMITTEE)
    assert hvidovre.last_step is ApprovalStep.COMMITTEE
    assert hvidovre.reportable_after is ApprovalStep.COMMITTEE
    assert hvidovre.goal_limit == 5


def test_jammerbugt_approves_in_the_department_only() -> None:
    jammerbugt = profile("jammerbugt")
    assert jammerbugt.approval == (ApprovalStep.DEPARTMENT,)
    assert jammerbugt.last_step is ApprovalStep.DEPARTMENT
    assert jammerbugt.reportable_after is ApprovalStep.DEPARTMENT


def test_dragoer_uses_no_goals_and_has_no_templates() -> None:
    dragoer = profile("dragoer")
    assert (dragoer.uses_goals, dragoer.templates, dragoer.field_order()) == (False, (), ())


def test_hvidovre_has_one_template_for_every_unit() -> None:
    hvidovre = profile("hvidovre")
    assert [t.key for t in hvidovre.templates] == ["standard"]
    assert hvidovre.template_for("skole").key == "standard"
    assert hvidovre.template_for("plejecenter").key == "standard"
    assert hvidovre.template("standard") is hvidovre.templates[0]
    assert hvidovre.template("skole") is None


@pytest.mark.parametrize(
    ("unit_type", "template"),
    [("skole", "skole"), ("dagtilbud", "institution"), ("plejecenter", "institution"),
     ("", "institution")],
)  # fmt: skip
def test_jammerbugt_gives_schools_a_template_of_their_own(unit_type: str, template: str) -> None:
    assert profile("jammerbugt").template_for(unit_type).key == template


def test_hvidovres_template_asks_the_fields_in_its_order() -> None:
    (standard,) = profile("hvidovre").templates
    assert standard.names == HVIDOVRE_FIELDS
    assert profile("hvidovre").field_order() == HVIDOVRE_FIELDS


def test_jammerbugts_school_template_adds_the_national_goal_and_grades() -> None:
    jammerbugt = profile("jammerbugt")
    school, institution = jammerbugt.template("skole"), jammerbugt.template("institution")
    assert school is not None and institution is not None
    assert school.names == SCHOOL_FIELDS
    assert institution.names == tuple(
        n for n in SCHOOL_FIELDS if n not in ("national_goal", "grades")
    )
    assert jammerbugt.field_order() == SCHOOL_FIELDS


@pytest.mark.parametrize("key", WITH_GOALS)
def test_every_template_keeps_to_the_profiles_field_order(key: str) -> None:
    """The dialogue asks in `field_order()`; each template's own order must agree with it."""
    order = profile(key).field_order()
    for template in profile(key).templates:
        assert tuple(name for name in order if name in template.names) == template.names


@pytest.mark.parametrize("key", WITH_GOALS)
def test_templates_agree_on_which_fields_are_required(key: str) -> None:
    required: dict[str, set[bool]] = {}
    for template in profile(key).templates:
        for entry in template.fields:
            required.setdefault(entry.name, set()).add(entry.required)
    assert all(len(flags) == 1 for flags in required.values()), required


@pytest.mark.parametrize("key", WITH_GOALS)
def test_only_sub_goals_are_optional(key: str) -> None:
    """Hvidovre and Jammerbugt ask everything of a goal but its sub-goals."""
    for template in profile(key).templates:
        optional = [f.name for f in template.fields if not f.required]
        assert optional == ["sub_goals"], template.key


@pytest.mark.parametrize("key", WITH_GOALS)
def test_every_template_field_is_a_known_goal_field(key: str) -> None:
    for template in profile(key).templates:
        assert set(template.names) <= FIELDS.keys()
        assert template.names[0] == "title"


def test_jammerbugt_calls_its_goals_agreement_goals() -> None:
    labels = profile("jammerbugt").labels
    assert (labels["maal.navn"].da, labels["maal.navn"].en) == ("aftalemål", "agreement goal")


def test_a_field_is_required_unless_marked_optional() -> None:
    loaded = Profile.model_validate(
        raw_profile(templates=[{"key": "standard", "fields": ["title", {"sub_goals": "optional"},
                                                             {"deadline": "required"}]}])
    )  # fmt: skip
    (template,) = loaded.templates
    assert [(f.name, f.required) for f in template.fields] == [
        ("title", True),
        ("sub_goals", False),
        ("deadline", True),
    ]


# --- broken profiles --------------------------------------------------------------------


def test_a_template_with_an_unknown_field_is_refused() -> None:
    message = refusal(raw_profile(templates=[{"key": "standard", "fields": ["title", "budget"]}]))
    assert "unknown goal fields ['budget']" in message


def test_a_template_without_a_title_is_refused() -> None:
    message = refusal(raw_profile(templates=[{"key": "standard", "fields": ["expected_effect"]}]))
    assert "a template must ask for the title" in message


def test_a_profile_using_goals_without_a_template_is_refused() -> None:
    assert "needs a template" in refusal(raw_profile(templates=[]))


def test_reporting_after_a_step_the_profile_does_not_have_is_refused() -> None:
    message = refusal(raw_profile(approval=["department"], reportable_after="committee"))
    assert "reportable_after must be one of the approval steps" in message


def test_two_default_templates_are_refused() -> None:
    message = refusal(
        raw_profile(
            templates=[{"key": "a", "fields": ["title"]}, {"key": "b", "fields": ["title"]}]
        )
    )
    assert "exactly one template must have no unit_types" in message


def test_a_profile_with_only_typed_templates_is_refused() -> None:
    """A unit of any other type would have no template."""
    message = refusal(
        raw_profile(templates=[{"key": "skole", "unit_types": ["skole"], "fields": ["title"]}])
    )
    assert "exactly one template must have no unit_types" in message


def test_templates_disagreeing_on_a_required_field_are_refused() -> None:
    """The dialogue asks each field once, as required or optional, for every unit."""
    message = refusal(
        raw_profile(
            templates=[
                {"key": "skole", "unit_types": ["skole"], "fields": ["title", "sub_goals"]},
                {"key": "standard", "fields": ["title", {"sub_goals": "optional"}]},
            ]
        )
    )
    assert "sub_goals is required in one template and optional in another" in message


def test_templates_asking_fields_in_different_orders_are_refused() -> None:
    message = refusal(
        raw_profile(
            templates=[
                {
                    "key": "skole",
                    "unit_types": ["skole"],
                    "fields": ["title", "deadline", "responsible"],
                },
                {"key": "standard", "fields": ["title", "responsible", "deadline"]},
            ]
        )
    )
    assert "templates ask their fields in different orders" in message


@pytest.mark.parametrize(
    ("change", "where"),
    [({"goal_limit": 0}, "goal_limit"), ({"approval": ["mayor"]}, "approval"),
     ({"colour": "blue"}, "colour")],
)  # fmt: skip
def test_a_wrong_setting_is_refused_naming_the_setting(change: dict[str, Any], where: str) -> None:
    assert where in refusal(raw_profile(**change))


def test_a_profile_without_goals_needs_no_template() -> None:
    loaded = Profile.model_validate(raw_profile(uses_goals=False, templates=[]))
    assert loaded.uses_goals is False


def test_a_status_asks_what_is_expected_and_the_final_report_what_was_met() -> None:
    """Hvidovre (000) defines red/yellow/green for the report: not, partly or fully met.
    During the period a colour says whether the goal is expected to be met."""
    for key in ("hvidovre", "jammerbugt"):
        colors = profile(key).colors
        assert (colors.status, colors.midway, colors.final_report) == (
            ColorScale.EXPECTED,
            ColorScale.EXPECTED,
            ColorScale.FULFILMENT,
        )


def test_hvidovre_says_what_is_expected_in_its_own_words() -> None:
    words = profile("hvidovre").labels
    assert words["farve.forventes.green"].da == "på rette spor"
    assert words["farve.forventes.red"].da == "ikke på rette spor"


def test_a_profile_without_a_midway_day_holds_no_midway_evaluation() -> None:
    """Hvidovre's 000 knows no midway evaluation; a profile says whether it has one."""
    without = Profile.model_validate(raw_profile(cycle={"midway": None}))
    assert not without.evaluates(EvaluationKind.MIDWAY)
    assert without.evaluates(EvaluationKind.FINAL)
    assert profile("jammerbugt").evaluates(EvaluationKind.MIDWAY)
