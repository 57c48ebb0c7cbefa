"""The organisation file is read and checked without a database: every mistake in it is
reported as one `OrgFileError` whose key and params say what and where."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from store.enums import Color, PeriodKind, Role
from store.errors import OrgFileError
from store.orgfile import OrgFile, parse_org, read_org_file
from store_helpers import OrgDict, by_key, edited

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demokommune.yaml"


def problem(org: OrgFile, change: Callable[[OrgDict], object]) -> tuple[str, dict[str, object]]:
    """The key and params of the error that `org`, edited by `change`, is refused with."""
    with pytest.raises(OrgFileError) as caught:
        edited(org, change)
    return caught.value.key, caught.value.params


def person(raw: OrgDict, key: str) -> OrgDict:
    return by_key(raw["people"], key)


# The demo file


def test_the_demo_file_parses() -> None:
    org = read_org_file(DEMO)
    assert org.municipality.name == "Bøgeskov Kommune"
    assert org.period.kind is PeriodKind.ELECTION
    assert [c.key for c in org.committees] == ["buu", "ssu", "oeu"]
    assert len(org.units) == 8
    assert len(org.people) == 12


def test_a_role_is_written_as_a_name_or_as_name_colon_scope() -> None:
    org = read_org_file(DEMO)
    sara = org.find_person("sara")
    camilla = org.find_person("camilla")
    assert sara is not None and camilla is not None
    assert [(r.role, r.scope) for r in sara.roles] == [
        (Role.UNIT_LEADER, "solsikken"),
        (Role.UNIT_LEADER, "troldehoej"),
    ]
    assert [(r.role, r.scope) for r in camilla.roles] == [(Role.ADMINISTRATION, None)]


def test_status_history_in_the_file_is_parsed() -> None:
    org = read_org_file(DEMO)
    goal = org.units[0].goals[0]
    assert goal.key == "boegeskov-skole-trivsel"
    assert [(s.color, s.by) for s in goal.status] == [(Color.YELLOW, "mette")]


def test_a_person_is_found_by_key_name_or_email_ignoring_case_and_danish_letters() -> None:
    org = read_org_file(DEMO)
    karin = org.find_person("karin")
    assert karin is not None
    assert org.find_person("KARIN OESTERGAARD") == karin
    assert org.find_person("karin.oestergaard@boegeskov.dk") == karin
    assert org.find_person("nobody") is None


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(OrgFileError) as caught:
        parse_org(["municipality"])
    assert caught.value.key == "org.not_mapping"


def test_a_missing_file_is_reported_as_unreadable(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError) as caught:
        read_org_file(tmp_path / "absent.yaml")
    assert caught.value.key == "org.unreadable"
    assert caught.value.params["path"] == str(tmp_path / "absent.yaml")


def test_a_file_that_is_not_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("municipality: [unclosed\n", encoding="utf-8")
    with pytest.raises(OrgFileError) as caught:
        read_org_file(path)
    assert caught.value.key == "org.not_yaml"


# Fields


def test_a_missing_field_is_named_by_its_path(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["municipality"].pop("tenant_id")) == (
        "org.field_missing",
        {"field": "municipality.tenant_id"},
    )


def test_a_missing_field_in_a_list_is_named_by_its_position(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["units"][1].pop("department")) == (
        "org.field_missing",
        {"field": "units.1.department"},
    )


def test_an_unknown_field_is_refused(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["committees"][0].update(chair="jens")) == (
        "org.field_unknown",
        {"field": "committees.0.chair"},
    )


def test_an_invalid_colour_is_refused_with_the_value(demo_org: OrgFile) -> None:
    def purple(raw: OrgDict) -> None:
        raw["units"][0]["goals"][0]["status"][0]["color"] = "purple"

    assert problem(demo_org, purple) == (
        "org.field_invalid",
        {"field": "units.0.goals.0.status.0.color", "value": "purple"},
    )


def test_an_invalid_date_is_refused(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["period"].update(starts="2026-13-01")) == (
        "org.field_invalid",
        {"field": "period.starts", "value": "2026-13-01"},
    )


def test_an_unknown_role_is_refused(demo_org: OrgFile) -> None:
    def mayor(raw: OrgDict) -> None:
        person(raw, "camilla")["roles"] = ["mayor"]

    key, params = problem(demo_org, mayor)
    assert key == "org.field_invalid"
    assert params["value"] == "mayor"
    assert str(params["field"]).endswith(".roles.0.role")


def test_an_unknown_profile_is_refused(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["municipality"].update(profile="aarhus")) == (
        "org.field_invalid",
        {"field": "municipality.profile", "value": "aarhus"},
    )


def test_a_midway_day_is_a_month_and_a_day(demo_org: OrgFile) -> None:
    assert demo_org.municipality.midway == "06-30"  # Bøgeskov holds one; Hvidovre's 000 not
    assert problem(demo_org, lambda raw: raw["municipality"].update(midway="30. juni")) == (
        "org.field_invalid",
        {"field": "municipality.midway", "value": "30. juni"},
    )


def test_a_malformed_cron_schedule_is_refused(demo_org: OrgFile) -> None:
    def broken(raw: OrgDict) -> None:
        raw["committees"][0]["digest"]["schedule"] = "0 7 * *"

    assert problem(demo_org, broken) == (
        "org.field_invalid",
        {"field": "committees.0.digest.schedule", "value": "0 7 * *"},
    )


def test_a_cron_schedule_with_an_impossible_hour_is_refused(demo_org: OrgFile) -> None:
    def broken(raw: OrgDict) -> None:
        raw["committees"][1]["digest"]["schedule"] = "0 25 * * mon"

    key, params = problem(demo_org, broken)
    assert (key, params["field"]) == ("org.field_invalid", "committees.1.digest.schedule")


def test_a_period_that_ends_before_it_starts_is_refused(demo_org: OrgFile) -> None:
    def backwards(raw: OrgDict) -> None:
        raw["period"] |= {"starts": "2029-12-31", "ends": "2026-01-01"}

    assert problem(demo_org, backwards) == ("org.period_backwards", {})


# Keys


def test_a_duplicate_unit_key_is_refused(demo_org: OrgFile) -> None:
    def twice(raw: OrgDict) -> None:
        raw["units"][1]["key"] = raw["units"][0]["key"]

    assert problem(demo_org, twice) == (
        "org.duplicate_key",
        {"kind": "units", "key": "boegeskov-skole"},
    )


def test_a_goal_key_must_be_unique_across_units(demo_org: OrgFile) -> None:
    def twice(raw: OrgDict) -> None:
        raw["units"][1]["goals"][0]["key"] = "boegeskov-skole-trivsel"

    assert problem(demo_org, twice) == (
        "org.duplicate_key",
        {"kind": "goals", "key": "boegeskov-skole-trivsel"},
    )


def test_a_committee_lists_its_meeting_dates(demo_org: OrgFile) -> None:
    buu = demo_org.find_committee("buu")
    assert buu is not None
    assert (buu.meetings[0], len(buu.meetings)) == (date(2027, 1, 14), 6)


def test_a_committee_without_meetings_is_still_a_committee(demo_org: OrgFile) -> None:
    def without(raw: OrgDict) -> None:
        for committee in raw["committees"]:
            committee.pop("meetings", None)

    assert all(c.meetings == () for c in edited(demo_org, without).committees)


def test_a_committee_meeting_date_is_listed_once(demo_org: OrgFile) -> None:
    def twice(raw: OrgDict) -> None:
        raw["committees"][0]["meetings"] = ["2027-01-14", "2027-01-14"]

    assert problem(demo_org, twice) == (
        "org.duplicate_key",
        {"kind": "committees.buu.meetings", "key": "2027-01-14"},
    )


def test_a_committee_meeting_that_is_no_date_is_refused(demo_org: OrgFile) -> None:
    def bad(raw: OrgDict) -> None:
        raw["committees"][0]["meetings"] = ["næste torsdag"]

    assert problem(demo_org, bad)[0] == "org.field_invalid"


def test_a_bearing_key_must_be_unique_across_committees(demo_org: OrgFile) -> None:
    def twice(raw: OrgDict) -> None:
        raw["committees"][1]["bearings"][0]["key"] = "buu-trivsel"

    assert problem(demo_org, twice) == (
        "org.duplicate_key",
        {"kind": "bearings", "key": "buu-trivsel"},
    )


def test_two_people_cannot_share_an_entra_object_id(demo_org: OrgFile) -> None:
    def twice(raw: OrgDict) -> None:
        person(raw, "jonas")["aad_object_id"] = person(raw, "mette")["aad_object_id"]

    assert problem(demo_org, twice) == (
        "org.duplicate_key",
        {"kind": "people", "key": "5b0e6a1c-7d21-4f0a-9c3e-1a2b3c4d5e01"},
    )


# References


def test_a_department_must_name_a_known_committee(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["departments"][0].update(committee="kfu")) == (
        "org.unknown_reference",
        {"field": "departments.dagtilbud-skole.committee", "key": "kfu"},
    )


def test_a_unit_must_name_a_known_department(demo_org: OrgFile) -> None:
    assert problem(demo_org, lambda raw: raw["units"][0].update(department="teknik")) == (
        "org.unknown_reference",
        {"field": "units.boegeskov-skole.department", "key": "teknik"},
    )


def test_a_goal_must_name_a_known_bearing(demo_org: OrgFile) -> None:
    def unknown(raw: OrgDict) -> None:
        raw["units"][0]["goals"][0]["bearing"] = "buu-ukendt"

    assert problem(demo_org, unknown) == (
        "org.unknown_reference",
        {"field": "goals.boegeskov-skole-trivsel.bearing", "key": "buu-ukendt"},
    )


def test_a_status_must_be_reported_by_a_known_person(demo_org: OrgFile) -> None:
    def unknown(raw: OrgDict) -> None:
        raw["units"][0]["goals"][0]["status"][0]["by"] = "nobody"

    assert problem(demo_org, unknown) == (
        "org.unknown_reference",
        {"field": "goals.boegeskov-skole-trivsel.status.by", "key": "nobody"},
    )


@pytest.mark.parametrize(
    ("role", "kind"),
    [("unit_leader", "unit"), ("department_head", "department"), ("politician", "committee")],
)
def test_a_role_must_be_scoped_to_a_known_unit_department_or_committee(
    demo_org: OrgFile, role: str, kind: str
) -> None:
    def unknown(raw: OrgDict) -> None:
        person(raw, "mette")["roles"] = [{role: f"no-such-{kind}"}]

    assert problem(demo_org, unknown) == (
        "org.unknown_reference",
        {"field": f"people.mette.roles.{role}", "key": f"no-such-{kind}"},
    )


def test_the_administration_role_takes_no_scope(demo_org: OrgFile) -> None:
    def scoped(raw: OrgDict) -> None:
        person(raw, "camilla")["roles"] = [{"administration": "buu"}]

    assert problem(demo_org, scoped) == (
        "org.role_takes_no_scope",
        {"field": "people.camilla.roles.administration"},
    )


def test_a_unit_leader_role_needs_a_unit(demo_org: OrgFile) -> None:
    def unscoped(raw: OrgDict) -> None:
        person(raw, "mette")["roles"] = ["unit_leader"]

    assert problem(demo_org, unscoped) == (
        "org.role_needs_scope",
        {"field": "people.mette.roles.unit_leader"},
    )


# Profiles


def test_goals_for_a_municipality_that_does_not_use_goals_are_refused(demo_org: OrgFile) -> None:
    """Dragør decided against result contracts: a goal in its file is a mistake, said in
    Danish, and nothing is imported."""

    def dragoer(raw: OrgDict) -> None:
        raw["municipality"]["profile"] = "dragoer"

    key, params = problem(demo_org, dragoer)
    assert key == "org.profile_without_goals"
    assert params["profile"] == "dragoer"
    assert str(params["field"]).startswith("units.") and str(params["field"]).endswith(".goals")


def test_a_municipality_without_goals_reads_its_file_without_them(demo_org: OrgFile) -> None:
    def dragoer(raw: OrgDict) -> None:
        raw["municipality"]["profile"] = "dragoer"
        for unit in raw["units"]:
            unit["goals"] = []

    org = edited(demo_org, dragoer)
    assert org.municipality.profile == "dragoer"
    assert all(not unit.goals for unit in org.units)
