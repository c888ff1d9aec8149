"""What a lead's page shows, worked out from what the use cases return: its filled fields as a
rep reads them, the status path, and the field history with names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.history import FieldChange
from leadline.domain.money import at_currency_scale
from leadline.services.leads.records import LeadDetails
from leadline.services.leads.workflow import StatusOptions
from leadline.web.lead_form import SECTIONS

#: The lead's amounts, shown at their currency's scale.
MONEY_FIELDS = frozenset({"annual_revenue", "budget_amount"})
#: A lead page's fields, in order: (label, attribute of the lead).
LEAD_FIELDS = (("E-mail", "email"), ("Phone", "phone"), ("Title", "title"), ("Company", "company"),
               ("Industry", "industry"), ("Website", "website"), ("Street", "street"), ("City", "city"),
               ("State or region", "state"), ("Postal code", "postal_code"), ("Country", "country"),
               ("Annual revenue", "annual_revenue"), ("Employees", "number_of_employees"),
               ("Budget", "budget_amount"), ("Purchase by", "purchase_timeframe"),
               ("Description", "description"))
#: How the field history names a field (the audit's names: ``status``, ``owner_id``, ``custom.tier``).
HISTORY_LABELS = {
    **{f.name: f.label for _, fields in SECTIONS for f in fields},
    "status": "Status", "status_id": "Status", "source_id": "Source", "owner_id": "Owner", "rating": "Rating",
    "currency": "Currency", "products": "Products", "unqualified_reason": "Unqualified reason",
    "unqualified_reason_id": "Unqualified reason", "qualification_override": "Qualification override",
    "converted_at": "Converted", "converted_account_id": "Converted to account",
    "converted_contact_id": "Converted to contact", "converted_opportunity_id": "Converted to opportunity",
}


@dataclass(frozen=True)
class Step:
    """One status of the path: where the lead is, and whether it may move there now."""

    status: LeadStatus
    current: bool
    allowed: bool


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    who: str
    field: str
    old: str | None
    new: str | None


def lead_fields(details: LeadDetails) -> list[tuple[str, Any]]:
    """The lead's filled fields as (label, value), in the page's order."""
    lead = details.lead
    values = [(label, _shown(lead, name)) for label, name in LEAD_FIELDS]
    return [(label, value) for label, value in values if value not in (None, "")]


def status_path(statuses: Sequence[LeadStatus], options: StatusOptions) -> list[Step]:
    """The statuses of the graph in order (active ones, and the lead's own), the lead's marked,
    each allowed next status marked so."""
    allowed = {s.id for s in options.next_statuses}
    return [Step(s, s.id == options.current.id, s.id in allowed)
            for s in statuses if s.is_active or s.id == options.current.id]


def history_rows(changes: Sequence[FieldChange], names: Mapping[int, str]) -> list[HistoryRow]:
    """The field history, newest first, each change with who made it by name."""
    return [HistoryRow(c.changed_at, names.get(c.actor_id, "—") if c.actor_id else "—",
                       HISTORY_LABELS.get(c.field, c.field.removeprefix("custom.")), c.old_value, c.new_value)
            for c in reversed(changes)]


def _shown(lead: Any, name: str) -> object:
    """A field as a rep reads it: an amount at its currency's scale, with the currency."""
    value = getattr(lead, name)
    if name in MONEY_FIELDS and isinstance(value, Decimal):
        return f"{at_currency_scale(value, lead.currency)} {lead.currency or ''}".strip()
    return value
