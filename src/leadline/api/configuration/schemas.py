"""The shapes of the lead workflow's configuration: transitions, reasons, criteria, field mappings
and the conversion gate."""

from __future__ import annotations

from typing import Annotated

import msgspec

from leadline.api.routes import one_of
from leadline.api.schemas import Label, Name
from leadline.domain.configuration.reasons import ReasonKind
from leadline.domain.leads.qualification import Operator, Purpose


class ConversionGate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Whether converting a lead that is not qualified needs its qualification criteria met (or
    ``qualification_override_reason``); on unless an admin turns it off."""

    enabled: bool


class TransitionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A move between two statuses, each by label or id."""

    from_status: Label = msgspec.field(name="from")
    to: Label


class TransitionPublic(msgspec.Struct, kw_only=True):
    """A move leads may make, by status label."""

    from_status: str = msgspec.field(name="from")
    to: str


class ReasonIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Annotated[str, one_of(ReasonKind)]
    label: Name


class ReasonChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Name | None = None
    is_active: bool | None = None


class ReasonPublic(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    label: str
    order: int
    is_active: bool


class ConditionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``operator``: present, at_least, within_days, is_true or contains_any (comma-separated words)."""

    field: Annotated[str, msgspec.Meta(max_length=100, description="A lead field, or custom.<name>.")]
    operator: Annotated[str, one_of(Operator)]
    value: Annotated[str, msgspec.Meta(max_length=1000)] | int | float | None = None


class CriterionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A criterion is met when any of its conditions holds."""

    purpose: Annotated[str, one_of(Purpose)]
    framework: Name
    name: Name
    label: Name | None = None
    conditions: Annotated[list[ConditionIn], msgspec.Meta(max_length=50)]


class ConditionPublic(msgspec.Struct, kw_only=True):
    field: str
    operator: str
    value: str | None


class CriterionPublic(msgspec.Struct, kw_only=True):
    id: str
    purpose: str
    framework: str
    name: str
    label: str
    conditions: list[ConditionPublic]
    order: int
    is_active: bool


class FrameworkIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    framework: Name


class MappingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A custom lead field to a custom field of compatible type: ``lead.x`` -> ``opportunity.y``."""

    source: Name
    target: Name


class MappingPublic(msgspec.Struct, kw_only=True):
    id: str
    source: str
    target: str
