"""The campaign and its rules: fields, dates, money, status, and the parent tree without cycles.

Types, statuses and member statuses are fixed lists (docs/adr/0033-assignment-rules-as-data.md
explains why assignment is data and campaigns' vocabulary is not): reports and attribution read
them by meaning ("did this member respond?"), which a list an admin may rename would break.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from leadline.domain.common import clean_text, date_field, text_field
from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.domain.money import Money, ensure_storable, parse_amount, parse_currency
from leadline.domain.security.users import Role, User


class CampaignType(StrEnum):
    AD = "ad"
    TRADE_SHOW = "trade_show"
    WEBINAR = "webinar"
    EMAIL = "email"
    REFERRAL_PROGRAMME = "referral_programme"
    SOCIAL = "social"
    OTHER = "other"


class CampaignStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    ABORTED = "aborted"


class MemberStatus(StrEnum):
    SENT = "sent"
    OPENED = "opened"
    CLICKED = "clicked"
    REGISTERED = "registered"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    RESPONDED = "responded"
    UNSUBSCRIBED = "unsubscribed"


#: The member statuses that count as a response (they give a member its first-response date).
RESPONSES = frozenset({MemberStatus.CLICKED, MemberStatus.REGISTERED, MemberStatus.ATTENDED,
                       MemberStatus.RESPONDED})

_EVERY_TYPE = (MemberStatus.SENT, MemberStatus.RESPONDED)
#: The member statuses each type of campaign uses, as data.
MEMBER_STATUSES: Mapping[CampaignType, tuple[MemberStatus, ...]] = {
    CampaignType.AD: (*_EVERY_TYPE, MemberStatus.CLICKED),
    CampaignType.TRADE_SHOW: (*_EVERY_TYPE, MemberStatus.REGISTERED, MemberStatus.ATTENDED, MemberStatus.NO_SHOW),
    CampaignType.WEBINAR: (*_EVERY_TYPE, MemberStatus.REGISTERED, MemberStatus.ATTENDED, MemberStatus.NO_SHOW),
    CampaignType.EMAIL: (*_EVERY_TYPE, MemberStatus.OPENED, MemberStatus.CLICKED, MemberStatus.UNSUBSCRIBED),
    CampaignType.REFERRAL_PROGRAMME: _EVERY_TYPE,
    CampaignType.SOCIAL: (*_EVERY_TYPE, MemberStatus.CLICKED),
    CampaignType.OTHER: tuple(MemberStatus),
}


def _choice(enum: type[StrEnum], value: object, field: str) -> StrEnum:
    try:
        return enum(str(value).strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(item.value for item in enum)
        raise ValidationError(f"{value!r} is not one of {allowed}", field=field) from None


def parse_campaign_type(value: object) -> CampaignType:
    return CampaignType(_choice(CampaignType, value, "type"))


def parse_campaign_status(value: object) -> CampaignStatus:
    return CampaignStatus(_choice(CampaignStatus, value, "status"))


def parse_member_status(value: object, campaign_type: CampaignType) -> MemberStatus:
    """A member status that campaigns of ``campaign_type`` use; ``VALIDATION_FAILED`` on ``status``."""
    status = MemberStatus(_choice(MemberStatus, value, "status"))
    allowed = MEMBER_STATUSES[campaign_type]
    if status not in allowed:
        raise ValidationError(f"a {campaign_type.value} campaign's members are "
                              f"{', '.join(s.value for s in allowed)}, not {status.value}", field="status")
    return status


def _cost(value: object, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    amount = parse_amount(value, field=name)
    ensure_storable(amount, field=name)
    return amount


#: The campaign fields a user may set, each with its cleaner (references are resolved by the use case).
CAMPAIGN_FIELD_CLEANERS: dict[str, Callable[[object, str], object]] = {
    "name": text_field(255),
    "type": lambda v, n: parse_campaign_type(v),
    "status": lambda v, n: parse_campaign_status(v),
    "currency": lambda v, n: parse_currency(str(v), field=n),
    "start_date": date_field,
    "end_date": date_field,
    "budget_amount": _cost,
    "actual_cost_amount": _cost,
    "description": text_field(32_000),
}
CAMPAIGN_REFERENCE_FIELDS = ("parent",)


def clean_campaign_fields(values: Mapping[str, object]) -> dict[str, object]:
    """Validate the standard fields present in ``values``; an unknown name is refused by its name."""
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name in CAMPAIGN_FIELD_CLEANERS:
            cleaned[name] = CAMPAIGN_FIELD_CLEANERS[name](value, name)
        elif name not in CAMPAIGN_REFERENCE_FIELDS:
            raise ValidationError("is not a campaign field", field=name)
    return cleaned


@dataclass(slots=True)
class Campaign:
    id: int
    name: str
    type: CampaignType
    status: CampaignStatus
    currency: str
    created_at: datetime
    updated_at: datetime
    start_date: date | None = None
    end_date: date | None = None
    budget_amount: Decimal | None = None
    actual_cost_amount: Decimal | None = None
    parent_id: int | None = None
    description: str | None = None
    owner_id: int | None = None
    version: int = 1

    @property
    def budget(self) -> Money | None:
        return None if self.budget_amount is None else Money(self.budget_amount, self.currency)

    @property
    def actual_cost(self) -> Money | None:
        return None if self.actual_cost_amount is None else Money(self.actual_cost_amount, self.currency)

    def apply(self, changes: Mapping[str, object]) -> dict[str, object]:
        """Apply cleaned changes and check the whole record; on a refusal nothing is changed.
        Returns the old values of the fields changed."""
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            ensure_complete(self)
        except ValidationError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        return before


def ensure_complete(campaign: Campaign) -> None:
    """A campaign has a name; it does not end before it starts."""
    clean_text(campaign.name, field="name", max_length=255, required=True)
    if campaign.start_date and campaign.end_date and campaign.end_date < campaign.start_date:
        raise ValidationError("must not be before start_date", field="end_date")


def can_set_parent(campaign_id: int, parent_id: int, parent_of: Mapping[int, int | None]) -> bool:
    """Whether ``parent_id`` may become the parent of ``campaign_id`` without making a cycle
    (``parent_of``: every campaign's parent, as stored)."""
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == campaign_id:
            return False
        seen.add(current)
        current = parent_of.get(current)
    return True


def ensure_parent(campaign: Campaign, parent: Campaign, parent_of: Mapping[int, int | None]) -> None:
    """A parent campaign: not the campaign itself nor one of its descendants, in the same currency
    (a roll-up adds costs: they must be in one currency)."""
    if not can_set_parent(campaign.id, parent.id, parent_of):
        raise ValidationError(f"campaign {parent.id} is {campaign.name!r} itself or one of its sub-campaigns; "
                              "a parent may not make a cycle", field="parent")
    if parent.currency != campaign.currency:
        raise ValidationError(f"a sub-campaign is in its parent's currency ({parent.currency})", field="parent")


def descendants_of(campaign_id: int, parent_of: Mapping[int, int | None]) -> list[int]:
    """The campaign and every campaign below it, the campaign first."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, stack = [campaign_id], list(children.get(campaign_id, []))
    while stack:
        child = stack.pop()
        if child not in found:
            found.append(child)
            stack.extend(children.get(child, []))
    return found


def can_manage_campaigns(user: User) -> bool:
    """Every user of the organisation reads campaigns; admins and managers create and change them."""
    return user.role in (Role.ADMIN, Role.MANAGER) and user.active


def ensure_can_manage_campaigns(user: User) -> None:
    if not can_manage_campaigns(user):
        raise PermissionDeniedError("only admins and managers create and change campaigns", field="campaign")


@dataclass(slots=True)
class CampaignMember:
    """A lead or a contact (exactly one) reached by a campaign, with its status and first response."""

    id: int
    campaign_id: int
    status: MemberStatus
    added_at: datetime
    updated_at: datetime
    lead_id: int | None = None
    contact_id: int | None = None
    first_responded_at: datetime | None = None

    def set_status(self, status: MemberStatus, at: datetime) -> None:
        """A new status; the first response (a status in ``RESPONSES``) is kept as when it came."""
        self.status = status
        self.updated_at = at
        if status in RESPONSES and self.first_responded_at is None:
            self.first_responded_at = at


def parse_responded_at(value: object) -> date | None:
    return date_field(value, "responded_at")
