"""What a lead's page shows, worked out from what the use cases return: its filled fields as a
rep reads them, the status path, and the field history with names."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from leadline.domain.common import counted
from leadline.domain.configuration.custom_fields import CustomFieldDefinition
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.history import FieldChange
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.qualification import Evaluation
from leadline.services.leads.records import LeadDetails
from leadline.services.leads.workflow import StatusOptions
from leadline.web.lead_form import SECTIONS
from leadline.web.record_history import HistoryRow
from leadline.web.values import custom_booleans, history_booleans, history_values, money_text, yes_no

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
    "opportunity_override": "Opportunity override",
    "converted_at": "Converted", "converted_account_id": "Converted to account",
    "converted_contact_id": "Converted to contact", "converted_opportunity_id": "Converted to opportunity",
    "campaign_id": "Campaign",
}


@dataclass(frozen=True)
class Step:
    """One status of the path: where the lead is, and whether it may move there now."""

    status: LeadStatus
    current: bool
    allowed: bool


@dataclass(frozen=True)
class ChecklistRow:
    """One criterion of the checklist: its label, met or not, and why in a rep's words."""

    name: str
    label: str
    met: bool
    why: str


def checklist(evaluation: Evaluation, lead: Lead, custom_labels: Mapping[str, str]) -> list[ChecklistRow]:
    """The qualification checklist as the lead's page words it: each field by its label, each
    value as the fields panel shows it ("Budget 25000.00 EUR is at least 1000", not
    "budget_amount 25000.00 is at least 1000")."""
    def name(field: str) -> str:
        return field_label(field, custom_labels)

    def show(field: str, value: object) -> str:
        if isinstance(value, bool):
            return yes_no(value)
        if isinstance(value, Decimal) and field in MONEY_FIELDS:
            return money_text(value, lead.currency)
        if isinstance(value, list):
            return counted(len(value), "product line")
        if isinstance(value, date):
            return value.isoformat()
        return f"“{value}”" if isinstance(value, str) else str(value)

    return [ChecklistRow(r.name, r.label or r.name.replace("_", " ").capitalize(), r.met, r.explain(name, show))
            for r in evaluation.results]


def field_label(field: str, custom_labels: Mapping[str, str]) -> str:
    """A lead field as its form labels it (``budget_amount``: "Budget"; ``custom.tier``: its label)."""
    if field.startswith("custom."):
        return custom_labels.get(field.removeprefix("custom."), field.removeprefix("custom."))
    return HISTORY_LABELS.get(field, field.replace("_", " ").capitalize())


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


def history_rows(changes: Sequence[FieldChange], names: Mapping[int, str],
                 custom: Callable[[], Sequence[CustomFieldDefinition]] = tuple,
                 currency: str | None = None, values: Mapping[tuple[str, str], str] | None = None) -> list[HistoryRow]:
    """The field history, newest first, each change with who made it by name, each field by its
    label (``custom``: the lead's custom field definitions, read only when a change needs them)
    and each value as every record page writes it (``values.history_values``: yes/no; an amount
    as money, in the currency then in force, else the lead's ``currency``; ``values``: (field,
    value) -> name, an owner or a record by its name)."""
    definitions = cache(custom)  # read at most once, and only if asked
    booleans = history_booleans(changes, lambda: custom_booleans(definitions()))
    labels = {f"custom.{d.name}": d.label for d in definitions()} if any(
        c.field.startswith("custom.") for c in changes) else {}
    shown = history_values(changes, values or {}, booleans, currency)
    return [HistoryRow(c.changed_at, names.get(c.actor_id, "—") if c.actor_id else "—",
                       HISTORY_LABELS.get(c.field) or labels.get(c.field) or c.field.removeprefix("custom."),
                       shown(c, c.old_value, False), shown(c, c.new_value, True))
            for c in reversed(changes)]


def _shown(lead: Any, name: str) -> object:
    """A field as a rep reads it: an amount at its currency's scale, with the currency."""
    value = getattr(lead, name)
    if name in MONEY_FIELDS and isinstance(value, Decimal):
        return money_text(value, lead.currency)
    return value
