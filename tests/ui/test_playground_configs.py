"""The Agents Playground configs in examples/playground/ are the demo municipality's
people: the same tenant and Entra object ids Pejling knows them by, and the five other
users the Playground insists on. Written by `python tests/ui/playground.py`."""

from __future__ import annotations

import pytest
import yaml
from playground import CONFIG_NAME, CONFIGS, PEOPLE, config_text

from store.orgfile import OrgFile


@pytest.mark.parametrize("person", PEOPLE)
def test_the_committed_config_is_the_one_the_demo_file_gives(person: str) -> None:
    committed = (CONFIGS / person / CONFIG_NAME).read_text(encoding="utf-8")

    assert committed == config_text(person), "run: python tests/ui/playground.py"


@pytest.mark.parametrize("person", PEOPLE)
def test_each_user_is_a_demo_person_pejling_knows(person: str, demo_org: OrgFile) -> None:
    config = yaml.safe_load((CONFIGS / person / CONFIG_NAME).read_text(encoding="utf-8"))
    known = {p.aad_object_id: p.key for p in demo_org.people}

    assert config["tenantId"] == demo_org.municipality.tenant_id
    assert known[config["currentUser"]["aadObjectId"]] == person
    assert len(config["users"]) == 5  # the Playground's schema: exactly five
    others = {known[user["aadObjectId"]] for user in config["users"]}
    assert len(others) == 5
    assert person not in others


def test_there_is_a_config_for_each_role(demo_org: OrgFile) -> None:
    """Leader, department head, administration and politician: the four ways Pejling
    talks to people."""
    roles = {p.key: {r.role.value for r in p.roles} for p in demo_org.people}

    assert [roles[person] for person in PEOPLE] == [
        {"unit_leader"},
        {"department_head"},
        {"administration"},
        {"politician"},
    ]
