"""The shapes of lead conversion: single, bulk (by ids or a filter), preview, undo, a further
opportunity and lineage."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from leadline.api.leads.schemas import EvaluationPublic
from leadline.api.schemas import DecimalIn, Id, Label, Name, Note


class ConversionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What one conversion does. Left out: a new account, the account's contact with the lead's
    e-mail when attaching (else a new contact), a new opportunity. ``create_opportunity`` is the
    earlier form of ``opportunity`` (false means ``none``); ``nurture_reason`` disqualifies the
    lead but keeps it as account and contact (``opportunity`` then defaults to ``none``).
    ``confirm_separate`` creates the account or contact although one you may not see matches
    (otherwise DUPLICATE_HIDDEN). ``duplicate_override_reason`` creates them although a ``block``
    duplicate rule matches (otherwise DUPLICATE_BLOCKED); it is kept in the lead's history."""

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
    duplicate_override_reason: Note | None = None
    #: the new opportunity's own name, amount (in the lead's currency; not beside line items),
    #: close date and stage (an open stage of the default process, by label or id) instead of
    #: those worked out from the lead: only with ``opportunity=create``; a name or an amount
    #: neither with ``one_per_product`` nor in a bulk conversion
    opportunity_name: Name | None = None
    opportunity_amount: DecimalIn | None = None
    opportunity_close_date: date | None = None
    opportunity_stage: Label | None = None


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
