"""The shapes of leads and of working them: capture and update, status moves, qualification,
conversion (single, bulk, preview, undo) and lineage."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import msgspec

from leadline.api.schemas import CustomValue, DecimalIn, Id, Label, Name, Note, Text


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


class LeadUpdate(LeadCreate, kw_only=True, forbid_unknown_fields=True):
    """A change to a lead: with a ``status`` change, ``unqualified_reason`` (from the configured
    list) disqualifies it and ``qualification_override_reason`` qualifies a lead that misses its
    criteria; either without a status change is refused."""


class WarningPublic(msgspec.Struct, kw_only=True):
    """Accepted, but likely a mistake (``TIMEFRAME_IN_PAST``): shown to the user at once."""

    field: str
    code: str
    message: str


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


class ConversionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What one conversion does. Left out: a new account, the account's contact with the lead's
    e-mail when attaching (else a new contact), a new opportunity. ``create_opportunity`` is the
    earlier form of ``opportunity`` (false means ``none``); ``nurture_reason`` disqualifies the
    lead but keeps it as account and contact (``opportunity`` then defaults to ``none``).
    ``confirm_separate`` creates the account or contact although one you may not see matches
    (otherwise DUPLICATE_HIDDEN)."""

    account_id: Id | None = None
    contact_id: Id | None = None
    opportunity: Literal["create", "attach", "none"] | None = None
    opportunity_id: Id | None = None
    one_per_product: bool = False
    create_opportunity: bool | None = None
    status: Label | None = None
    owner: Label | None = None
    override_reason: Note | None = None
    #: converts a lead that is not qualified although it misses its qualification criteria; kept
    qualification_override_reason: Note | None = None
    nurture_reason: Label | None = None
    confirm_separate: bool = False


class LeadFilterIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Unconverted leads the caller may see with any of these statuses, sources and owners
    (label, id or e-mail); an empty list does not filter."""

    status: list[Label] = []
    source: list[Label] = []
    owner: list[Label] = []


class BulkConversionIn(ConversionIn, kw_only=True, forbid_unknown_fields=True):
    """The leads by id, or by ``filter`` (not both), converted with the same choices."""

    lead_ids: Annotated[list[Id], msgspec.Meta(max_length=10_000)] = []
    filter: LeadFilterIn | None = None
    all_or_nothing: bool = False


class ConversionPublic(msgspec.Struct, kw_only=True):
    lead_id: str
    account_id: str
    contact_id: str
    opportunity_id: str | None
    opportunity_ids: list[str]
    created: list[str]
    attached: list[str]
    filled: list[str]
    skipped: list[str]
    override_reason: str | None
    qualification_override_reason: str | None = None


class BulkItemPublic(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One lead of a bulk call: its ``result``, or the ``code`` and ``message`` of its error."""

    lead_id: str
    ok: bool
    result: ConversionPublic | None = None
    code: str | None = None
    message: str | None = None


class BulkConversionPublic(msgspec.Struct, kw_only=True):
    """``committed`` is false when an all-or-nothing call failed (then nothing was converted)."""

    committed: bool
    converted: int
    items: list[BulkItemPublic]


class CandidatePublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    reasons: list[str]


class ContactCandidatePublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    account_id: str
    reasons: list[str]


class HiddenMatchPublic(msgspec.Struct, kw_only=True):
    """Records of one kind (``account`` or ``contact``) that match but you may not see: no id,
    name or owner; ``reasons`` name the lead's own values that matched."""

    record_type: str
    reasons: list[str]
    message: str


class ConversionPreviewPublic(msgspec.Struct, kw_only=True):
    """``open_opportunities`` maps each candidate account's id to its open opportunities' ids;
    ``hidden`` tells of matching records you may not see (converting then needs ``confirm_separate``)."""

    lead_id: str
    accounts: list[CandidatePublic]
    contacts: list[ContactCandidatePublic]
    open_opportunities: dict[str, list[str]]
    opportunity_criteria: EvaluationPublic
    hidden: list[HiddenMatchPublic] = []


class UndoPublic(msgspec.Struct, kw_only=True):
    lead_id: str
    removed: list[str]
    restored: list[str]
    unlinked: int
    status: str


class FurtherOpportunityIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``products`` keeps only these of the lead's product lines (by name); all when left out."""

    products: list[Name] | None = None
    name: Name | None = None


class LineagePublic(msgspec.Struct, kw_only=True):
    """What a converted lead became; ``override_reason`` is the written reason its conversion
    created an opportunity without the opportunity criteria met (null when they were met)."""

    lead_id: str
    converted_at: datetime | None
    account_id: str | None
    contact_id: str | None
    opportunity_ids: list[str]
    override_reason: str | None
