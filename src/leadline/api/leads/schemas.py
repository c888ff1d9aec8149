"""The shapes of leads and of working them: capture and update, status moves and qualification."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from leadline.api.capture.schemas import CapturePublic
from leadline.api.schemas import CustomValue, DecimalIn, DuplicatePublic, Id, Label, Note, Text


class ProductLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    product: Annotated[str, msgspec.Meta(max_length=255)]
    quantity: DecimalIn = "1"
    estimated_unit_price: DecimalIn | None = None


class ProductLineOut(msgspec.Struct, kw_only=True):
    product: str
    quantity: Decimal
    estimated_unit_price: Decimal | None


class LeadFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields a client may set on a lead; fields left out are left alone, ``null`` clears one.
    ``source``, ``status`` and ``owner`` are a label, an id or (owner) an e-mail address."""

    first_name: Text | None | msgspec.UnsetType = msgspec.UNSET
    last_name: Text | None | msgspec.UnsetType = msgspec.UNSET
    company: Text | None | msgspec.UnsetType = msgspec.UNSET
    email: Text | None | msgspec.UnsetType = msgspec.UNSET
    phone: Text | None | msgspec.UnsetType = msgspec.UNSET
    title: Text | None | msgspec.UnsetType = msgspec.UNSET
    industry: Text | None | msgspec.UnsetType = msgspec.UNSET
    website: Text | None | msgspec.UnsetType = msgspec.UNSET
    street: Text | None | msgspec.UnsetType = msgspec.UNSET
    city: Text | None | msgspec.UnsetType = msgspec.UNSET
    state: Text | None | msgspec.UnsetType = msgspec.UNSET
    postal_code: Text | None | msgspec.UnsetType = msgspec.UNSET
    country: Text | None | msgspec.UnsetType = msgspec.UNSET
    annual_revenue: DecimalIn | None | msgspec.UnsetType = msgspec.UNSET
    number_of_employees: int | None | msgspec.UnsetType = msgspec.UNSET
    source: Text | None | msgspec.UnsetType = msgspec.UNSET
    #: the campaign the lead came from (its source campaign); the lead becomes its member
    campaign_id: Id | None | msgspec.UnsetType = msgspec.UNSET
    status: Text | None | msgspec.UnsetType = msgspec.UNSET
    rating: Text | None | msgspec.UnsetType = msgspec.UNSET
    currency: Text | None | msgspec.UnsetType = msgspec.UNSET
    budget_amount: DecimalIn | None | msgspec.UnsetType = msgspec.UNSET
    purchase_timeframe: date | None | msgspec.UnsetType = msgspec.UNSET
    is_decision_maker: bool | None | msgspec.UnsetType = msgspec.UNSET
    description: Text | None | msgspec.UnsetType = msgspec.UNSET
    owner: Text | None | msgspec.UnsetType = msgspec.UNSET
    products: list[ProductLineIn] | None | msgspec.UnsetType = msgspec.UNSET
    custom: dict[str, CustomValue] | None | msgspec.UnsetType = msgspec.UNSET


class LeadCreate(LeadFields, kw_only=True, forbid_unknown_fields=True):
    """A new lead. Created in an unqualified status it needs ``unqualified_reason`` (from the
    configured list); in a qualified status, its criteria met or ``qualification_override_reason``."""

    unqualified_reason: Text | None | msgspec.UnsetType = msgspec.UNSET
    qualification_override_reason: Text | None | msgspec.UnsetType = msgspec.UNSET
    #: why to capture it although a blocking duplicate rule matches (kept in the lead's history)
    duplicate_override_reason: Text | None | msgspec.UnsetType = msgspec.UNSET


class LeadUpdate(LeadCreate, kw_only=True, forbid_unknown_fields=True):
    """A change to a lead: with a ``status`` change, ``unqualified_reason`` (from the configured
    list) disqualifies it and ``qualification_override_reason`` qualifies a lead that misses its
    criteria; either without a status change is refused."""


class WarningPublic(msgspec.Struct, kw_only=True):
    """Accepted, but likely a mistake (``TIMEFRAME_IN_PAST``): shown to the user at once."""

    field: str
    code: str
    message: str


class ScoreReasonPublic(msgspec.Struct, kw_only=True):
    """One factor behind a score: ``text`` as a rep reads it, with the counts it rests on."""

    feature: str
    value: str
    converted: int
    total: int
    text: str


class LeadScorePublic(msgspec.Struct, kw_only=True):
    """The predicted chance (0-100) that the lead converts; ``confident`` is false when the model
    had little data; ``model_version`` names the stored model it came from."""

    score: int
    probability: float
    confident: bool
    model_version: str
    scored_at: datetime
    up: list[ScoreReasonPublic]
    down: list[ScoreReasonPublic]


class LeadPublic(msgspec.Struct, kw_only=True):
    """``warnings`` (capture and change only) lists what was accepted but looks wrong."""

    id: str
    first_name: str | None
    last_name: str
    company: str
    email: str | None
    phone: str | None
    title: str | None
    industry: str | None
    website: str | None
    street: str | None
    city: str | None
    state: str | None
    postal_code: str | None
    country: str | None
    annual_revenue: Decimal | None
    number_of_employees: int | None
    source: str | None
    source_id: str | None
    campaign_id: str | None
    status: str
    status_id: str
    status_kind: str
    rating: str | None
    currency: str
    budget_amount: Decimal | None
    purchase_timeframe: date | None
    is_decision_maker: bool
    description: str | None
    owner_id: str | None
    owner_email: str | None
    products: list[ProductLineOut]
    custom: dict[str, Any]
    converted_at: datetime | None
    converted_account_id: str | None
    converted_contact_id: str | None
    converted_opportunity_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    warnings: list[WarningPublic] = msgspec.field(default_factory=list)
    #: where the lead came from (lead capture); read a lead to see it
    capture: CapturePublic | None | msgspec.UnsetType = msgspec.UNSET
    #: capture only: what the duplicate rules found (``warn`` and overridden ``block`` matches)
    duplicates: list[DuplicatePublic] = msgspec.field(default_factory=list)
    #: the predicted chance of converting with its reasons; null before scoring (``leadline score train``)
    score: LeadScorePublic | None = None
    #: ``GET /leads/{id}`` of an unscored lead: why it has no score (converted; no model yet, and
    #: what training needs; not scored since)
    score_note: str | msgspec.UnsetType = msgspec.UNSET


class StatusChangeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``reason`` (from the ``lead_unqualified`` list) is required for an unqualified status;
    ``override_reason`` lets a lead that misses its criteria into a qualified status."""

    status: Label
    reason: Label | None = None
    override_reason: Note | None = None


class QualifyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``status`` defaults to the first qualified status."""

    status: Label | None = None
    override_reason: Note | None = None


class CriterionResultPublic(msgspec.Struct, kw_only=True):
    name: str
    met: bool
    reason: str


class EvaluationPublic(msgspec.Struct, kw_only=True):
    """The active framework's criteria on one lead; ``met`` when every one is."""

    framework: str
    met: bool
    results: list[CriterionResultPublic]


class StatusOptionsPublic(msgspec.Struct, kw_only=True):
    current: str
    current_kind: str
    read_only: bool  # a converted lead: nothing about it changes (a PATCH is refused as LEAD_READ_ONLY)
    next: list[str]
    qualification: EvaluationPublic


class StatusChangePublic(msgspec.Struct, kw_only=True):
    from_status: str | None = msgspec.field(name="from")
    to: str | None
    actor_id: str | None
    at: datetime
    reason: str | None
    override_reason: str | None
