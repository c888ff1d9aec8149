"""Builders and fakes for the domain unit tests.

Every builder returns a valid record by default; a test overrides only what it is about,
so the reader sees the one fact that matters. Nothing here touches a database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType, RecordType
from leadline.domain.configuration.statuses import DEFAULT_LEAD_STATUSES, LeadStatus, StatusKind
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import DEFAULT_STAGES, ForecastCategory, OpportunityStage
from leadline.domain.opportunities.products import LineItem

#: The pinned clock of every unit test.
NOW = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


@contextmanager
def raises_error(error_class: type[LeadlineError], *, code: str, field: str | None) -> Iterator[Any]:
    """Expect ``error_class`` exactly (not a parent), with the given stable ``code`` and ``field``."""
    with pytest.raises(error_class) as caught:
        yield caught
    assert type(caught.value) is error_class, f"expected {error_class.__name__}, got {type(caught.value).__name__}"
    assert caught.value.code == code
    assert caught.value.field == field


def make_lead(**overrides: Any) -> Lead:
    """An open, unconverted lead: Ada Lovelace at Analytical Engines, status 1 ("Open")."""
    values: dict[str, Any] = {
        "id": 1001,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "company": "Analytical Engines",
        "status_id": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Lead(**values)


def make_converted_lead(**overrides: Any) -> Lead:
    """A lead already converted into account 2001, contact 3001 and opportunity 4001; status 5 ("Converted")."""
    values: dict[str, Any] = {
        "status_id": 5,
        "converted_at": NOW,
        "converted_account_id": 2001,
        "converted_contact_id": 3001,
        "converted_opportunity_id": 4001,
    }
    values.update(overrides)
    return make_lead(**values)


def make_status(**overrides: Any) -> LeadStatus:
    """An active, non-default "Contacted" (working) status with id 2."""
    values: dict[str, Any] = {"id": 2, "label": "Contacted", "order": 2, "kind": StatusKind.WORKING}
    values.update(overrides)
    return LeadStatus(**values)


def make_statuses() -> list[LeadStatus]:
    """The statuses a new organisation starts with, ids 1 to 5 in order: "Open" (id 1) is the
    default and "Converted" (id 5) the only converted status."""
    return [
        LeadStatus(id=number, label=label, order=number, kind=kind, is_default=is_default)
        for number, (label, kind, is_default) in enumerate(DEFAULT_LEAD_STATUSES, start=1)
    ]


def change(items: list[Any], item: Any, **fields: Any) -> Any:
    """Put a copy of the (immutable) ``item`` with ``fields`` changed in its place in ``items``."""
    changed = dataclasses.replace(item, **fields)
    items[items.index(item)] = changed
    return changed


def status_of_kind(statuses: list[LeadStatus], kind: StatusKind) -> LeadStatus:
    return next(status for status in statuses if status.kind is kind)


def make_stage(**overrides: Any) -> OpportunityStage:
    """An active open "Prospecting" stage of process 1: order 1, 10 %, pipeline."""
    values: dict[str, Any] = {
        "id": 1,
        "process_id": 1,
        "label": "Prospecting",
        "order": 1,
        "probability": 10,
        "forecast_category": ForecastCategory.PIPELINE,
    }
    values.update(overrides)
    return OpportunityStage(**values)


def make_won_stage(**overrides: Any) -> OpportunityStage:
    values: dict[str, Any] = {
        "id": 7, "label": "Closed Won", "order": 7, "probability": 100,
        "forecast_category": ForecastCategory.CLOSED, "is_closed": True, "is_won": True,
    }
    values.update(overrides)
    return make_stage(**values)


def make_lost_stage(**overrides: Any) -> OpportunityStage:
    values: dict[str, Any] = {
        "id": 8, "label": "Closed Lost", "order": 8, "probability": 0,
        "forecast_category": ForecastCategory.OMITTED, "is_closed": True,
    }
    values.update(overrides)
    return make_stage(**values)


def make_default_stages() -> list[OpportunityStage]:
    """The stages of a new-business process, ids 1 to 8 in order."""
    return [
        OpportunityStage(number, 1, label, number, probability, category, is_closed=closed, is_won=won)
        for number, (label, probability, category, closed, won) in enumerate(DEFAULT_STAGES, start=1)
    ]


def make_definition(**overrides: Any) -> CustomFieldDefinition:
    """An optional, active text field ``note`` on leads."""
    values: dict[str, Any] = {
        "id": 501,
        "record_type": RecordType.LEAD,
        "name": "note",
        "label": "Note",
        "type": CustomFieldType.TEXT,
    }
    values.update(overrides)
    return CustomFieldDefinition(**values)


def make_tier_field(**overrides: Any) -> CustomFieldDefinition:
    """A pick-list ``tier`` with the options Gold, Silver and Bronze."""
    values: dict[str, Any] = {
        "id": 502, "name": "tier", "label": "Tier", "type": CustomFieldType.PICKLIST,
        "options": ["Gold", "Silver", "Bronze"],
    }
    values.update(overrides)
    return make_definition(**values)


def make_line_item(**overrides: Any) -> LineItem:
    """Three units at 19.99 without discount on opportunity 4001."""
    values: dict[str, Any] = {
        "id": 6001,
        "opportunity_id": 4001,
        "product_id": 7001,
        "quantity": Decimal("3"),
        "unit_price": Decimal("19.99"),
    }
    values.update(overrides)
    return LineItem(**values)


class FakeContactPointChecker:
    """A ``ContactPointChecker`` with rules simple enough to read in a test.

    An e-mail needs exactly one "@" and is lower-cased; a phone needs at least seven digits
    and becomes "+" and its digits. Every region asked for is recorded in ``phone_regions``.
    """

    def __init__(self) -> None:
        self.emails_checked: list[str] = []
        self.phone_regions: list[str | None] = []

    def normalise_email(self, value: str) -> str:
        self.emails_checked.append(value)
        if value.count("@") != 1:
            raise ValidationError(f"{value!r} is not an e-mail address", field="email")
        return value.lower()

    def normalise_phone(self, value: str, country: str | None) -> str:
        self.phone_regions.append(country)
        digits = "".join(ch for ch in value if ch.isdigit())
        if len(digits) < 7:
            raise ValidationError(f"{value!r} is not a phone number", field="phone")
        return "+" + digits
