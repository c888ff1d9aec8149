"""The lead's create and edit form: its fields as the form shows them, what the browser sent
turned into what ``create_lead`` and ``update_lead`` take, and their refusal put next to the
field it names.

The form checks nothing itself (it is sent with ``novalidate``): every rule is the use case's,
so a page and the API refuse the same input with the same message. A refusal keeps what the
user typed. A field the form has and the post lacks (an unticked box) is an empty field; a
product row left blank is no line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType
from leadline.domain.errors import LeadlineError, StaleRecordError
from leadline.domain.money import at_currency_scale
from leadline.services.leads.records import LeadDetails


@dataclass(frozen=True)
class FormField:
    """One input of the form: ``kind`` is text, email, tel, decimal, integer, date, checkbox or textarea."""

    name: str
    label: str
    kind: str = "text"
    required: bool = False


#: The standard fields in the form's sections; the pick-lists (source, rating, currency, owner)
#: and the product lines sit beside them in the template.
SECTIONS: tuple[tuple[str, tuple[FormField, ...]], ...] = (
    ("Person", (FormField("first_name", "First name"), FormField("last_name", "Last name", required=True),
                FormField("title", "Title"), FormField("email", "E-mail", "email"),
                FormField("phone", "Phone", "tel"), FormField("is_decision_maker", "Decision maker", "checkbox"))),
    ("Company", (FormField("company", "Company", required=True), FormField("website", "Website"),
                 FormField("industry", "Industry"), FormField("annual_revenue", "Annual revenue", "decimal"),
                 FormField("number_of_employees", "Employees", "integer"))),
    ("Address", (FormField("street", "Street"), FormField("city", "City"), FormField("state", "State or region"),
                 FormField("postal_code", "Postal code"), FormField("country", "Country"))),
    ("Interest", (FormField("budget_amount", "Budget", "decimal"),
                  FormField("purchase_timeframe", "Purchase by", "date"))),
    ("Notes", (FormField("description", "Description", "textarea"),)),
)
STANDARD = tuple(f.name for _, fields in SECTIONS for f in fields)
CHOICES = ("source", "rating", "currency", "owner")
#: A product line's inputs are ``products-<row>-<part>``; its errors ``products[<line>].<part>``.
PRODUCT_INPUT = re.compile(r"^products-(\d{1,2})-(product|quantity|estimated_unit_price)$")
PRODUCT_ERROR = re.compile(r"^products\[(\d+)\]\.(.+)$")
PRODUCT_PARTS = ("product", "quantity", "estimated_unit_price")
CUSTOM = "custom."
#: The reason to create a lead a ``block`` duplicate rule refused (asked for once it refused).
OVERRIDE = "duplicate_override_reason"


@dataclass
class LeadForm:
    """What the form shows, as text, and what is wrong with it."""

    values: dict[str, str]
    products: list[dict[str, str]] = field(default_factory=list)
    version: int | None = None
    #: field name (``email``, ``custom.tier``, ``products[0].quantity``) -> the rule's message
    errors: dict[str, str] = field(default_factory=dict)
    #: a refusal that names no input of the form
    problem: str | None = None
    #: the lead changed since the form was opened
    stale: bool = False

    def product_rows(self) -> list[dict[str, str]]:
        """The rows to show: those filled, then one blank row for a new line."""
        return [*self.products, dict.fromkeys(PRODUCT_PARTS, "")]

    def refused(self, error: LeadlineError) -> LeadForm:
        """This form with ``error`` (and each of its details) next to the input it names."""
        if isinstance(error, StaleRecordError):
            self.stale = True
        for name, message in [(error.field, error.message), *error.details]:
            where = self._input_of(name or "")
            if isinstance(error, StaleRecordError):
                self.problem = error.message if self.problem is None else self.problem
            elif where is None:  # told above the form: the message, or a detail (a duplicate's)
                self.problem = message if self.problem is None else f"{self.problem} {message}"
            else:
                self.errors.setdefault(where, message)
        return self

    def asks_override(self) -> bool:
        """Whether the form shows the override reason: once a ``block`` rule refused the lead."""
        return OVERRIDE in self.errors or bool(self.values.get(OVERRIDE))

    def _input_of(self, name: str) -> str | None:
        line = PRODUCT_ERROR.match(name)  # the rows shown are the lines sent, in order
        if line and int(line.group(1)) < len(self.products):
            return name
        if name in STANDARD or name in CHOICES or name.startswith(CUSTOM) or name == OVERRIDE:
            return name
        return None


def blank_form(currency: str, owner_email: str) -> LeadForm:
    return LeadForm(values={"currency": currency, "owner": owner_email})


def form_of(details: LeadDetails) -> LeadForm:
    """The edit form of a lead, filled with what it holds (amounts at their currency's scale)."""
    lead = details.lead
    values = {name: _text(getattr(lead, name), lead.currency) for name in STANDARD}
    values.update(source=details.source.label if details.source else "", currency=lead.currency,
                  rating=lead.rating.value if lead.rating else "", owner=details.owner.email if details.owner else "")
    values.update({f"{CUSTOM}{name}": _custom_text(value) for name, value in details.custom.items()})
    products = [{"product": p.product_name, "quantity": _text(p.quantity, None, money=False),
                 "estimated_unit_price": _text(p.estimated_unit_price, lead.currency)} for p in lead.products]
    return LeadForm(values=values, products=products, version=lead.version)


def read_form(data: Mapping[str, Any], definitions: Sequence[CustomFieldDefinition]) -> LeadForm:
    """The form as the browser sent it (every value as typed)."""
    names = [*STANDARD, *CHOICES, OVERRIDE, *(f"{CUSTOM}{d.name}" for d in definitions)]
    values = {name: _one(data.get(name)) for name in names}
    rows: dict[int, dict[str, str]] = {}
    for key, value in data.items():
        found = PRODUCT_INPUT.match(key)
        if found:
            rows.setdefault(int(found.group(1)), dict.fromkeys(PRODUCT_PARTS, ""))[found.group(2)] = _one(value)
    version = _one(data.get("version"))
    return LeadForm(values=values, products=[rows[i] for i in sorted(rows) if any(rows[i].values())],
                    version=int(version) if version.isdigit() else None)


def creation_of(form: LeadForm) -> tuple[dict[str, object], list[dict[str, object]], dict[str, object]]:
    """``create_lead``'s values, product lines and custom values: what was filled in."""
    values, lines, custom = update_of(form)
    if form.values.get(OVERRIDE, "").strip():
        values[OVERRIDE] = form.values[OVERRIDE].strip()
    return {k: v for k, v in values.items() if v is not None}, lines or [], {k: v for k, v in custom.items() if v}


def update_of(form: LeadForm, before: LeadForm | None = None,
              ) -> tuple[dict[str, object], list[dict[str, object]] | None, dict[str, object]]:
    """``update_lead``'s changes, product lines (None: left alone) and custom values: every field
    of the form, an empty one cleared, or with ``before`` (the form of the lead as it is) only
    those the user changed, so that a value no longer offered (an inactive source or owner) is
    left alone rather than refused. The owner is left as it is when none is chosen."""
    changed = {name: value for name, value in form.values.items()
               if before is None or value != before.values.get(name, "")}
    values: dict[str, object] = {name: changed[name] or None for name in (*STANDARD, "source", "rating", "currency")
                                 if name in changed}
    if "is_decision_maker" in values:
        values["is_decision_maker"] = bool(values["is_decision_maker"])
    if changed.get("owner"):
        values["owner"] = changed["owner"]
    if values.get("currency", "") is None:
        del values["currency"]
    lines = None if before is not None and form.products == before.products else [
        {"product": row["product"], "quantity": row["quantity"] or "1",
         "estimated_unit_price": row["estimated_unit_price"] or None} for row in form.products]
    custom = {name.removeprefix(CUSTOM): value for name, value in changed.items() if name.startswith(CUSTOM)}
    return values, lines, custom


def input_labels(form: LeadForm, definitions: Sequence[CustomFieldDefinition]) -> dict[str, str]:
    """Each input's label by the name its errors carry, in the order the form shows them."""
    labels = {"source": "Source", "rating": "Rating", "owner": "Owner"}
    for _, fields in SECTIONS:
        labels.update({f.name: f.label for f in fields})
        if "budget_amount" in labels and "currency" not in labels:
            labels["currency"] = "Currency"
    for row in range(len(form.product_rows())):
        labels.update({f"products[{row}].{part}": f"Product line {row + 1}: {text}" for part, text in
                       zip(PRODUCT_PARTS, ("product", "quantity", "estimated unit price"), strict=True)})
    labels.update({f"{CUSTOM}{d.name}": d.label for d in definitions})
    labels[OVERRIDE] = "Reason to create it anyway"
    return labels


def custom_input(definition: CustomFieldDefinition) -> str:
    """How a custom field is typed in: text, decimal, date, a yes/no choice or its pick-list."""
    return {CustomFieldType.NUMBER: "decimal", CustomFieldType.DATE: "date", CustomFieldType.BOOLEAN: "yesno",
            CustomFieldType.PICKLIST: "picklist"}.get(definition.type, "text")


def _one(value: object) -> str:
    """One posted value as text (a name sent twice keeps its first value)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return "" if value is None else str(value)


def _text(value: object, currency: str | None, *, money: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, Decimal):
        return format(at_currency_scale(value, currency) if money else value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _custom_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _text(value, None, money=False)
