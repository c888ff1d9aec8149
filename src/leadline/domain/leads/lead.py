"""The lead: an unqualified person at a company, who may buy or not.

Rules held here: which fields a lead has and how each is validated, that a lead
needs a last name and a company, that a converted lead is read-only, and which
statuses may be set by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from leadline.domain.common import (
    INDUSTRY_LENGTH,
    amount_field,
    bool_field,
    clean_text,
    date_field,
    parse_non_negative_int,
    person_name,
    text_field,
    website_field,
)
from leadline.domain.configuration.custom_fields import CustomValue
from leadline.domain.configuration.reasons import Reason, ReasonKind
from leadline.domain.configuration.statuses import LeadStatus, StatusKind
from leadline.domain.errors import (
    InvalidStatusError,
    LeadAlreadyConvertedError,
    LeadReadOnlyError,
    ValidationError,
)
from leadline.domain.money import TOO_LARGE, Money, ensure_storable, parse_amount, parse_currency


class Rating(StrEnum):
    HOT = "hot"
    WARM = "warm"
    COLD = "cold"


#: A stored phone number is E.164 with its extension, if any, after this (RFC 3966 style).
PHONE_EXTENSION = ";ext="

#: what stands in for a phone-call lead's missing last name or company (domain/capture/submission.py);
#: no value to compare, so the duplicate rules take it as empty (domain/duplicates/matching.py)
NOT_GIVEN = "[not provided]"


def phone_number_of(phone: str | None) -> str | None:
    """The number to dial without its extension: what duplicates are matched on, so
    ``+14155550100;ext=99`` and ``+14155550100`` are the same line.

    >>> phone_number_of("+14155550100;ext=99")
    '+14155550100'
    """
    return phone.partition(PHONE_EXTENSION)[0] if phone else None


class ContactPointChecker(Protocol):
    """Validates and normalises e-mail addresses and phone numbers (a port: the
    service layer supplies an implementation backed by real libraries). A phone
    number comes back in E.164 with its extension kept: ``+14155550100;ext=99``."""

    def normalise_email(self, value: str) -> str: ...

    def normalise_phone(self, value: str, country: str | None) -> str: ...


@dataclass(slots=True)
class ProductInterest:
    """One product line a lead is interested in."""

    product_name: str
    quantity: Decimal = Decimal("1")
    estimated_unit_price: Decimal | None = None
    product_id: int | None = None

    @classmethod
    def build(cls, product_name: object, quantity: object = "1", estimated_unit_price: object = None,
              product_id: int | None = None, *, index: int = 0) -> ProductInterest:
        where = f"products[{index}]"
        name = clean_text(product_name, field=f"{where}.product", max_length=255, required=True)
        qty = parse_amount(quantity, field=f"{where}.quantity", allow_negative=True)
        if qty <= 0:
            raise ValidationError("must be greater than zero", field=f"{where}.quantity")
        price = (
            None if estimated_unit_price in (None, "")
            else parse_amount(estimated_unit_price, field=f"{where}.estimated_unit_price")
        )
        assert name is not None
        if price is not None:  # the line must make a line item at conversion
            ensure_storable(qty * price, field=f"{where}.quantity", details=[
                (f"{where}.estimated_unit_price", f"quantity x price {TOO_LARGE}")])
        return cls(name, qty, price, product_id)


@dataclass(slots=True)
class Lead:
    id: int
    last_name: str
    company: str
    status_id: int
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    industry: str | None = None
    website: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    annual_revenue: Decimal | None = None
    number_of_employees: int | None = None
    source_id: int | None = None
    rating: Rating | None = None
    currency: str = "USD"
    budget_amount: Decimal | None = None
    purchase_timeframe: date | None = None
    is_decision_maker: bool = False
    description: str | None = None
    owner_id: int | None = None
    converted_at: datetime | None = None
    converted_account_id: int | None = None
    converted_contact_id: int | None = None
    converted_opportunity_id: int | None = None
    unqualified_reason_id: int | None = None
    #: the campaign the lead came from (its source campaign)
    campaign_id: int | None = None
    #: set when merged into another lead: this one is then a tombstone pointing at it
    merged_into_id: int | None = None
    version: int = 1
    products: list[ProductInterest] = field(default_factory=list)
    custom: dict[str, CustomValue | None] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return person_name(self.first_name, self.last_name)

    @property
    def budget(self) -> Money | None:
        return None if self.budget_amount is None else Money(self.budget_amount, self.currency)

    def is_converted(self) -> bool:
        return self.converted_at is not None

    def can_edit(self) -> bool:
        return not self.is_converted()

    def ensure_editable(self) -> None:
        if self.is_converted():
            raise LeadReadOnlyError(f"lead {self.id} was converted and is read-only", field="lead")

    def can_set_status(self, status: LeadStatus) -> bool:
        return self.can_edit() and status.can_be_set_by_hand()

    def set_status(self, status: LeadStatus) -> None:
        """Give a new lead its first status (any status that may be set by hand). Later changes
        go through the organisation's workflow (``domain.workflow.StatusWorkflow.move``)."""
        self.ensure_editable()
        self.ensure_settable(status)
        self.status_id = status.id

    def ensure_settable(self, status: LeadStatus) -> None:
        """Converted statuses are reached only through conversion; inactive ones not at all."""
        if not status.is_active:
            raise InvalidStatusError(f"status {status.label!r} is inactive", field="status")
        if status.kind is StatusKind.CONVERTED:
            raise InvalidStatusError(
                f"status {status.label!r} is set only by converting the lead", field="status"
            )

    def can_convert(self) -> bool:
        return not self.is_converted()

    def mark_converted(
        self, status: LeadStatus, at: datetime, account_id: int, contact_id: int, opportunity_id: int | None,
        reason: Reason | None = None,
    ) -> None:
        """Record the conversion: the status, the lineage, and from now on read-only.

        The status is an active converted status, or an unqualified one when a disqualified lead
        is kept as a contact for nurturing: then no opportunity may come of it and ``reason``,
        an active unqualified reason, is needed, as for any move to an unqualified status. A
        lead converted otherwise is no longer unqualified: its unqualified reason is cleared.
        """
        if self.is_converted():
            raise LeadAlreadyConvertedError(f"lead {self.id} was already converted", field="lead")
        nurture = status.kind is StatusKind.UNQUALIFIED
        if not status.is_active or status.kind not in (StatusKind.CONVERTED, StatusKind.UNQUALIFIED):
            raise InvalidStatusError(f"status {status.label!r} is not an active converted status", field="status")
        if nurture and opportunity_id is not None:
            raise InvalidStatusError("a disqualified lead kept for nurturing yields no opportunity", field="status")
        if nurture and (reason is None or reason.kind is not ReasonKind.LEAD_UNQUALIFIED or not reason.is_active):
            raise InvalidStatusError("a lead kept for nurturing needs an active unqualified reason",
                                     field="nurture_reason")
        self.unqualified_reason_id = reason.id if nurture and reason is not None else None
        self.status_id = status.id
        self.converted_at = at
        self.converted_account_id = account_id
        self.converted_contact_id = contact_id
        self.converted_opportunity_id = opportunity_id
        self.updated_at = at

    def revert_conversion(self, previous_status_id: int, previous_reason_id: int | None, at: datetime) -> None:
        """Undo ``mark_converted``: the lead is editable again, in the status it had before."""
        self.status_id = previous_status_id
        self.unqualified_reason_id = previous_reason_id
        self.converted_at = None
        self.converted_account_id = None
        self.converted_contact_id = None
        self.converted_opportunity_id = None
        self.updated_at = at

    def apply(self, changes: Mapping[str, object]) -> dict[str, object]:
        """Apply already-cleaned standard field changes; returns the old values of the changed fields."""
        self.ensure_editable()
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            ensure_complete(self.last_name, self.company)
        except ValidationError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        return before


def ensure_complete(last_name: str | None, company: str | None) -> None:
    """A lead is a person at a company: both a last name and a company are required."""
    if not last_name:
        raise ValidationError("is required", field="last_name")
    if not company:
        raise ValidationError("is required", field="company")


def _rating(value: object, name: str) -> Rating | None:
    if value in (None, ""):
        return None
    try:
        return Rating(str(value).strip().lower())
    except ValueError:
        raise ValidationError(f"{value!r} is not hot, warm or cold", field=name) from None


def parse_rating(value: object) -> Rating:
    """A rating named by a filter; ``ValidationError`` (field ``rating``) unless hot, warm or cold."""
    rating = _rating(value, "rating")
    if rating is None:
        raise ValidationError("is required", field="rating")
    return rating


#: The standard lead fields a user may set, each with its cleaner.
LEAD_FIELD_CLEANERS: dict[str, Callable[[object, str], object]] = {
    "first_name": text_field(80),
    "last_name": text_field(80),
    "company": text_field(255),
    "title": text_field(128),
    "industry": text_field(INDUSTRY_LENGTH),
    "website": website_field,
    "street": text_field(500),
    "city": text_field(100),
    "state": text_field(100),
    "postal_code": text_field(20),
    "country": text_field(100),
    "annual_revenue": amount_field,
    "number_of_employees": lambda v, n: parse_non_negative_int(v, field=n),
    "rating": _rating,
    "currency": lambda v, n: parse_currency(str(v), field=n),
    "budget_amount": amount_field,
    "purchase_timeframe": date_field,
    "is_decision_maker": bool_field,
    "description": text_field(32_000),
}

#: Fields that are set through their own rules, not by a plain update.
LEAD_REFERENCE_FIELDS = (
    "email", "phone", "source", "campaign_id", "status", "owner", "unqualified_reason", "qualification_override_reason",
    "duplicate_override_reason",
)


def clean_lead_fields(
    values: Mapping[str, object], checker: ContactPointChecker, *, country_hint: str | None = None
) -> dict[str, object]:
    """Validate and normalise the standard fields present in ``values``.

    Unknown names are refused (a typo must not vanish silently). E-mail and phone
    go through ``checker``; reference fields (source, status, owner) are left for
    the use case, which resolves them against configuration.
    """
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name in LEAD_FIELD_CLEANERS:
            cleaned[name] = LEAD_FIELD_CLEANERS[name](value, name)
        elif name == "email":
            text = clean_text(value, field="email", max_length=254)
            cleaned["email"] = checker.normalise_email(text) if text else None
        elif name == "phone":
            text = clean_text(value, field="phone", max_length=40)
            country = str(values.get("country") or "").strip() or country_hint
            cleaned["phone"] = checker.normalise_phone(text, country) if text else None
        elif name not in LEAD_REFERENCE_FIELDS:
            raise ValidationError("is not a lead field", field=name)
    return cleaned
