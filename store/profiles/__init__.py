"""Municipality profiles: how a municipality works with goals, as configuration.

A profile is a YAML file shipped in `store/profiles/` and chosen in the organisation
file (`municipality.profile`). It says whether the municipality uses goals at all, which
fields each goal template asks and in which order, which are required, how many active
goals a unit should have at most, which approval steps a goal goes through, when the
dialogue meetings' preparation, reminder and pack go out, and labels that differ from
Pejling's own.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from store.enums import AgreementLevel, ApprovalStep, ColorScale, EvaluationKind
from store.goalfields import FIELDS
from store.shipped import read_yaml

PROFILE_KEYS = ("hvidovre", "jammerbugt", "dragoer")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateField(_Model):
    name: str
    required: bool = True


class Template(_Model):
    key: str
    unit_types: tuple[str, ...] = ()  # empty: every unit no other template names
    fields: tuple[TemplateField, ...]

    @field_validator("fields", mode="before")
    @classmethod
    def _fields(cls, value: Any) -> Any:
        # In the file: `- title` (required) or `- sub_goals: optional`.
        return [_field_entry(item) for item in value] if isinstance(value, list) else value

    @field_validator("fields")
    @classmethod
    def _known(cls, value: tuple[TemplateField, ...]) -> tuple[TemplateField, ...]:
        unknown = [f.name for f in value if f.name not in FIELDS]
        if unknown:
            raise ValueError(f"unknown goal fields {unknown}")
        if "title" not in {f.name for f in value}:
            raise ValueError("a template must ask for the title")
        return value

    def field(self, name: str) -> TemplateField | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


def _field_entry(item: Any) -> Any:
    if isinstance(item, str):
        return {"name": item}
    if isinstance(item, dict) and len(item) == 1:
        ((name, flag),) = item.items()
        return {"name": name, "required": flag != "optional"}
    return item


class Label(_Model):
    da: str
    en: str


class MeetingSettings(_Model):
    """When the dialogue meetings' messages go out, counted in days before the meeting."""

    preparation_days: int = Field(default=14, ge=1)  # the leaders are asked to prepare
    reminder_days: int = Field(default=7, ge=1)  # one reminder to those who have not
    pack_days: int = Field(default=3, ge=0)  # the meeting pack is posted in the channel
    comment_days: int = Field(default=7, ge=1)  # the summary's deadline for comments
    # The heavier steps a light process leaves out: the leaders asked (and reminded) to
    # prepare, and the draft summary sent round for comments before it is approved.
    preparation_requests: bool = True
    comment_round: bool = True

    @model_validator(mode="after")
    def _in_order(self) -> MeetingSettings:
        if self.reminder_days >= self.preparation_days:
            raise ValueError("the reminder must come after the request to prepare")
        return self


MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"  # "10-01": 1 October, any year


class CycleSettings(_Model):
    """The municipality's year (årshjul) as month-day dates that come round every year.
    Which items a year holds depends on the period: goals are drafted each autumn after
    the budget, status is reported on the listed days, the midway evaluation with the
    department head falls on its day, and the final report is due in the first quarter
    after the period has ended."""

    drafting_from: str = Field(default="10-01", pattern=MONTH_DAY)  # after the budget
    drafting_to: str = Field(default="12-15", pattern=MONTH_DAY)
    status: tuple[str, ...] = ("03-15", "06-15", "09-15", "11-15")  # e.g. quarterly
    # The midway evaluation with the department head (Jammerbugt, 004); None: none is held
    # (Hvidovre, 000), unless the organisation file gives the municipality a day of its own.
    midway: str | None = Field(default=None, pattern=MONTH_DAY)
    final_report: str = Field(default="03-31", pattern=MONTH_DAY)  # the year after the period
    # The municipality's own closed days besides weekends and public holidays: nothing
    # that was not asked for arrives then (Grundlovsdag, Christmas Eve, New Year's Eve).
    closed_days: tuple[str, ...] = ("06-05", "12-24", "12-31")

    @model_validator(mode="after")
    def _dates(self) -> CycleSettings:
        for day in (*self.status, *self.closed_days):
            if not re.match(MONTH_DAY, day):
                raise ValueError(f"status day {day!r} is not MM-DD")
        return self


class ReminderSettings(_Model):
    """When a leader is reminded of a due item of the year (drafting, status, midway
    evaluation, final report): before its day, a nudge after it if it is still not done,
    then the department head is told. Days are calendar days; a reminder that would fall
    on a day off comes on the working day before (the first) or after (nudge, escalation)."""

    days_before: int = Field(default=3, ge=0)
    nudge_days: int = Field(default=3, ge=1)
    escalate_days: int = Field(default=7, ge=1)
    snooze_days: tuple[int, ...] = (1, 3, 7)  # what `udsæt` offers

    @model_validator(mode="after")
    def _in_order(self) -> ReminderSettings:
        if self.escalate_days <= self.nudge_days:
            raise ValueError("the department head is told after the nudge, not before")
        if not self.snooze_days or min(self.snooze_days) < 1:
            raise ValueError("snooze_days must offer at least one day")
        return self


class ColorSettings(_Model):
    """What red/yellow/green mean at each moment. Hvidovre defines them for the report:
    "ikke opfyldt, delvist opfyldt eller er opfyldt" (000). A goal on track halfway is not
    yet met, so during the period a colour says whether it is expected to be met."""

    status: ColorScale = ColorScale.EXPECTED
    midway: ColorScale = ColorScale.EXPECTED
    final_report: ColorScale = ColorScale.FULFILMENT

    def of_evaluation(self, kind: EvaluationKind) -> ColorScale:
        return self.final_report if kind is EvaluationKind.FINAL else self.midway


class Profile(_Model):
    key: str
    name: Label
    uses_goals: bool = True
    meetings: MeetingSettings = MeetingSettings()
    cycle: CycleSettings = CycleSettings()
    reminders: ReminderSettings = ReminderSettings()
    colors: ColorSettings = ColorSettings()
    goal_limit: int = Field(default=5, ge=1)
    # The agreement levels: the department head with the unit (every profile with goals)
    # and, in Jammerbugt, the committee with the department's management above it.
    agreement_levels: tuple[AgreementLevel, ...] = (AgreementLevel.UNIT,)
    approval: tuple[ApprovalStep, ...] = (ApprovalStep.DEPARTMENT, ApprovalStep.COMMITTEE)
    # After which approval step a goal takes part in status reporting and digests.
    reportable_after: ApprovalStep = ApprovalStep.COMMITTEE
    templates: tuple[Template, ...] = ()
    labels: dict[str, Label] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _coherent(self) -> Profile:
        if self.uses_goals and not self.templates:
            raise ValueError("a profile that uses goals needs a template")
        if self.uses_goals and self.reportable_after not in self.approval:
            raise ValueError("reportable_after must be one of the approval steps")
        defaults = [t for t in self.templates if not t.unit_types]
        if self.uses_goals and len(defaults) != 1:
            raise ValueError("exactly one template must have no unit_types (the default)")
        _check_agreement(self.templates)
        return self

    def template_for(self, unit_type: str) -> Template:
        """The template for a unit of this type (schools may have their own)."""
        for template in self.templates:
            if unit_type in template.unit_types:
                return template
        return next(t for t in self.templates if not t.unit_types)

    def template(self, key: str) -> Template | None:
        return next((t for t in self.templates if t.key == key), None)

    def field_order(self) -> tuple[str, ...]:
        """Every field any template asks, in one order all templates agree with."""
        order: list[str] = []
        for template in self.templates:
            for name in template.names:
                if name not in order:
                    order.append(name)
        return tuple(order)

    def evaluates(self, kind: EvaluationKind) -> bool:
        """Whether the municipality holds this evaluation: every goal gets its final report,
        a midway evaluation only where the profile has a day for it (Hvidovre has none)."""
        return kind is EvaluationKind.FINAL or self.cycle.midway is not None

    @property
    def department_agreements(self) -> bool:
        """Whether the committee agrees goals with the departments' management (004)."""
        return AgreementLevel.DEPARTMENT in self.agreement_levels

    @property
    def last_step(self) -> ApprovalStep:
        return self.approval[-1]


def _check_agreement(templates: tuple[Template, ...]) -> None:
    """The dialogue asks each field once, in one order, as required or optional for every
    unit: the templates must agree on both."""
    required: dict[str, bool] = {}
    for entry in (entry for template in templates for entry in template.fields):
        if required.setdefault(entry.name, entry.required) != entry.required:
            raise ValueError(f"{entry.name} is required in one template and optional in another")
    for template in templates:  # `required` holds every field in `field_order()`'s order
        if [name for name in required if name in template.names] != list(template.names):
            raise ValueError("the templates ask their fields in different orders")


@cache
def municipal(key: str, midway: str | None = None) -> Profile:
    """The profile `key` as one municipality runs it: with the midway day its organisation
    file gives (`municipality.midway`), if any, in place of the profile's own."""
    chosen = profile(key)
    if midway is None or midway == chosen.cycle.midway:
        return chosen
    cycle = chosen.cycle.model_copy(update={"midway": midway})
    return chosen.model_copy(update={"cycle": cycle})


@cache
def profile(key: str) -> Profile:
    """The profile `key` from the files shipped with Pejling."""
    if key not in PROFILE_KEYS:
        raise KeyError(f"no profile {key!r}")
    text = resources.files("store.profiles").joinpath(f"{key}.yaml").read_text("utf-8")
    return Profile.model_validate(read_yaml(text))
