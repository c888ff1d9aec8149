"""The shapes the API reads and writes (msgspec Structs, documented in the OpenAPI document).

Ids are strings (they are 63-bit; JavaScript numbers are not), money is a decimal string (a whole
number may be a JSON integer; a JSON fraction is refused, as it reaches the server as a binary
float), and timestamps are ISO 8601 in UTC. Input types are loose on purpose where the domain validates:
the domain's message, naming the field, is the one a client sees.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec

from leadline.domain.history import FieldChange
from leadline.domain.ids import RECORD_ID_PATTERN

Text = Annotated[str, msgspec.Meta(max_length=32_000)]


Id = Annotated[str, msgspec.Meta(pattern=RECORD_ID_PATTERN, description="A record id (decimal digits, 1 to 2^63-1).")]


CustomValue = str | int | bool | None


DecimalIn = Annotated[str, msgspec.Meta(
    max_length=40, description='A decimal number written with the digits 0-9, as a string ("1200.50").')] | int


"""An amount, quantity or rate as a client sends it; the domain reads it (``parse_amount``)."""


class AccountFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Text | None | msgspec.UnsetType = msgspec.UNSET
    website: Text | None | msgspec.UnsetType = msgspec.UNSET
    industry: Text | None | msgspec.UnsetType = msgspec.UNSET
    number_of_employees: int | None | msgspec.UnsetType = msgspec.UNSET
    billing_street: Text | None | msgspec.UnsetType = msgspec.UNSET
    billing_city: Text | None | msgspec.UnsetType = msgspec.UNSET
    billing_state: Text | None | msgspec.UnsetType = msgspec.UNSET
    billing_postal_code: Text | None | msgspec.UnsetType = msgspec.UNSET
    billing_country: Text | None | msgspec.UnsetType = msgspec.UNSET
    parent_id: Id | None | msgspec.UnsetType = msgspec.UNSET
    owner: Text | None | msgspec.UnsetType = msgspec.UNSET
    custom: dict[str, CustomValue] | None | msgspec.UnsetType = msgspec.UNSET
    #: on creation: why to create it although a blocking duplicate rule matches (kept in history)
    duplicate_override_reason: Text | None | msgspec.UnsetType = msgspec.UNSET


class DuplicatePublic(msgspec.Struct, kw_only=True):
    """A record the duplicate rules say matches. One the caller may not read has no ``id`` nor
    ``score``: only its kind and which of the caller's own values matched (``message``)."""

    record_kind: str
    id: str | None
    score: int | None
    reasons: list[str]
    action: str
    message: str | None = None


def duplicates_public(check: Any) -> list[DuplicatePublic]:
    """A ``DuplicateCheck`` (domain/duplicates/check.py) as the API shows it (None: nothing checked)."""
    if check is None:
        return []
    return ([DuplicatePublic(record_kind=m.record_kind.value, id=str(m.record_id), score=m.score,
                             reasons=list(m.reasons), action=m.action.value) for m in check.matches]
            + [DuplicatePublic(record_kind=h.record_kind.value, id=None, score=None, reasons=list(h.reasons),
                               action=h.action.value, message=h.message) for h in check.hidden])


class AccountPublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    website: str | None
    domain: str | None
    industry: str | None
    number_of_employees: int | None
    billing_street: str | None
    billing_city: str | None
    billing_state: str | None
    billing_postal_code: str | None
    billing_country: str | None
    parent_id: str | None
    owner_id: str | None
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    #: on creation: what the duplicate rules found (``warn`` and overridden ``block`` matches)
    duplicates: list[DuplicatePublic] = []


class ContactFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    account_id: Id | None | msgspec.UnsetType = msgspec.UNSET
    first_name: Text | None | msgspec.UnsetType = msgspec.UNSET
    last_name: Text | None | msgspec.UnsetType = msgspec.UNSET
    email: Text | None | msgspec.UnsetType = msgspec.UNSET
    phone: Text | None | msgspec.UnsetType = msgspec.UNSET
    title: Text | None | msgspec.UnsetType = msgspec.UNSET
    lead_source: Text | None | msgspec.UnsetType = msgspec.UNSET
    owner: Text | None | msgspec.UnsetType = msgspec.UNSET
    custom: dict[str, CustomValue] | None | msgspec.UnsetType = msgspec.UNSET
    #: on creation: why to create it although a blocking duplicate rule matches (kept in history)
    duplicate_override_reason: Text | None | msgspec.UnsetType = msgspec.UNSET


class ContactPublic(msgspec.Struct, kw_only=True):
    id: str
    account_id: str
    first_name: str | None
    last_name: str
    email: str | None
    phone: str | None
    title: str | None
    lead_source_id: str | None
    owner_id: str | None
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    #: on creation: what the duplicate rules found (``warn`` and overridden ``block`` matches)
    duplicates: list[DuplicatePublic] = []


class OpportunityFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new opportunity (its stage sets probability and forecast category; override them with a
    ``PATCH`` or ``PUT /opportunities/{id}/forecast-override``)."""

    account_id: Id | None | msgspec.UnsetType = msgspec.UNSET
    name: Text | None | msgspec.UnsetType = msgspec.UNSET
    amount: DecimalIn | None | msgspec.UnsetType = msgspec.UNSET
    currency: Text | None | msgspec.UnsetType = msgspec.UNSET
    close_date: date | None | msgspec.UnsetType = msgspec.UNSET
    stage: Text | None | msgspec.UnsetType = msgspec.UNSET
    #: the sales process (name or id); default: the one for ``type``, else the default process
    process: Text | None | msgspec.UnsetType = msgspec.UNSET
    type: Text | None | msgspec.UnsetType = msgspec.UNSET
    lead_source: Text | None | msgspec.UnsetType = msgspec.UNSET
    next_step: Text | None | msgspec.UnsetType = msgspec.UNSET
    description: Text | None | msgspec.UnsetType = msgspec.UNSET
    owner: Text | None | msgspec.UnsetType = msgspec.UNSET
    custom: dict[str, CustomValue] | None | msgspec.UnsetType = msgspec.UNSET


class OpportunityCreate(OpportunityFields, kw_only=True, forbid_unknown_fields=True):
    """A new opportunity. Created in a lost stage (an import of history) it needs
    ``loss_reason_id``: a reason of the lost list, by id or label (``GET /config/reasons``)."""

    loss_reason_id: Text | None | msgspec.UnsetType = msgspec.UNSET


class OpportunityUpdate(OpportunityFields, kw_only=True, forbid_unknown_fields=True):
    """A change to an opportunity: ``probability`` and ``forecast_category`` are the rep's
    overrides, kept through stage moves; ``null`` does not clear them, ``DELETE
    /opportunities/{id}/forecast-override`` does. A closed opportunity refuses them."""

    probability: Annotated[int, msgspec.Meta(ge=0, le=100)] | msgspec.UnsetType = msgspec.UNSET
    forecast_category: Annotated[str, msgspec.Meta(
        max_length=40, description="pipeline, best_case, commit or omitted (closed only by winning).",
    )] | msgspec.UnsetType = msgspec.UNSET


class OpportunityScoreReasonPublic(msgspec.Struct, kw_only=True):
    """One factor behind an opportunity's score: ``text`` as a rep reads it ("in stage
    Negotiation: 35 of 50 won"), with the counts it rests on."""

    feature: str
    value: str
    won: int
    total: int
    text: str


class OpportunityScorePublic(msgspec.Struct, kw_only=True):
    """The predicted chance (0-100) that the open opportunity is won, learned from the closed ones;
    offered beside the stage's ``probability``, never replacing it. ``confident`` is false when the
    model had little data; ``model_version`` names the stored model it came from."""

    score: int
    probability: float
    confident: bool
    model_version: str
    scored_at: datetime
    up: list[OpportunityScoreReasonPublic]
    down: list[OpportunityScoreReasonPublic]


class OpportunityPublic(msgspec.Struct, kw_only=True):
    """An opportunity. ``stage`` and ``process`` name its stage and sales process (beside their
    ids). ``loss_reason_id`` is the reason it was lost (from ``GET /config/reasons``),
    ``loss_reason`` the comment beside it; ``*_overridden`` says a rep chose the figure instead of
    taking the stage's."""

    id: str
    account_id: str
    name: str
    amount: Decimal | None
    currency: str
    close_date: date | None
    stage_id: str
    stage: str | None = None
    process_id: str | None = None
    process: str | None = None
    probability: int
    forecast_category: str
    probability_overridden: bool
    forecast_category_overridden: bool
    type: str | None
    lead_source_id: str | None
    next_step: str | None
    description: str | None
    owner_id: str | None
    originating_lead_id: str | None
    #: the primary campaign (the converted lead's source campaign)
    campaign_id: str | None = None
    outcome: str
    loss_reason_id: str | None
    loss_reason: str | None
    closed_at: datetime | None
    custom: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int
    #: the predicted chance of winning with its reasons (``GET /opportunities/{id}``); null when
    #: unscored: no opportunity model yet (``leadline score train``), or closed
    score: OpportunityScorePublic | None = None
    #: ``GET /opportunities/{id}`` of an unscored one: why it has no score (closed; no model yet,
    #: and what training needs; not scored since)
    score_note: str | msgspec.UnsetType = msgspec.UNSET


class FieldChangePublic(msgspec.Struct, kw_only=True):
    field: str
    old_value: str | None
    new_value: str | None
    actor_id: str | None
    changed_at: datetime

    @classmethod
    def of(cls, change: FieldChange) -> FieldChangePublic:
        """A change of any record's history as the API writes it (ids as text, the moment in UTC)."""
        return cls(field=change.field, old_value=change.old_value, new_value=change.new_value,
                   actor_id=str(change.actor_id) if change.actor_id else None, changed_at=change.changed_at)


class Page(msgspec.Struct, kw_only=True):
    """One page of a list. ``next_cursor`` is absent on the last page."""

    items: list[Any]
    next_cursor: str | None = None


def given(data: msgspec.Struct, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The fields a client actually sent (``null`` included, left-out fields not)."""
    return {name: getattr(data, name) for name in data.__struct_fields__
            if name not in exclude and getattr(data, name) is not msgspec.UNSET}


def present(value: Any) -> Any:
    """Ids (fields named ``id`` or ``*_id``) become strings; everything else is left as it is."""
    if isinstance(value, dict):
        return {k: (str(v) if v is not None and (k == "id" or k.endswith("_id")) and isinstance(v, int)
                    and not isinstance(v, bool) else present(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [present(v) for v in value]
    return value


class ProblemField(msgspec.Struct, kw_only=True):
    field: str
    message: str


class Problem(msgspec.Struct, kw_only=True):
    """An RFC 9457 problem document; ``code`` is stable, ``errors`` names offending fields."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemField] | msgspec.UnsetType = msgspec.UNSET


Label = Annotated[str, msgspec.Meta(max_length=255, description="A label or an id.")]


Note = Annotated[str, msgspec.Meta(max_length=1000)]


Name = Annotated[str, msgspec.Meta(max_length=255)]
