"""What one lead conversion writes, decided before anything is written (docs/adr/0020).

``plan_conversion`` (domain/conversion/planner.py) takes what was read (``ConversionInputs``: the
lead, the options, the records it joins, the configuration, the moment and a source of ids) and
returns a ``ConversionPlan``: the records to create, the fields to fill on the records it joins,
the links it makes, its audit, the lead as converted, and the ``UndoRecord`` stored with it. One
writer (``ConversionRepository.write``) applies a list of plans: one for ``convert_lead``, many
for a bulk conversion. Nothing here reads or writes storage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from leadline.domain.accounts import Account, Contact
from leadline.domain.activities import Activity
from leadline.domain.campaigns.campaign import CampaignMember
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.configuration.reasons import Reason
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.conversion.rules import ConversionOptions, ConversionResult, FieldMapping
from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import ContactRoleKind, Opportunity, OpportunityStage, SalesProcess
from leadline.domain.opportunities.products import LineItem, Product

# ----------------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class ConversionSettings:
    """The configuration a conversion works with, worked out once per configuration snapshot."""

    processes: tuple[SalesProcess, ...]
    stages: tuple[OpportunityStage, ...]
    field_mappings: tuple[FieldMapping, ...]
    definitions: Mapping[int, CustomFieldDefinition]  # every custom field, by id
    status_labels: Mapping[int, str]
    reason_labels: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The active products (by folded name and by id) and the standard price book in one currency."""

    by_name: Mapping[str, Product]
    by_id: Mapping[int, Product]
    prices: Mapping[int, Decimal]


@dataclass(frozen=True, slots=True)
class Matched:
    """The existing records a conversion joins, as read (and locked) for it; None: one is created."""

    account: Account | None = None
    contact: Contact | None = None
    opportunity: Opportunity | None = None  # an open opportunity the contact joins
    has_role: bool = False  # the contact already has a role on ``opportunity``
    activities: tuple[Activity, ...] = ()  # the lead's, with their links
    custom_values: Mapping[int, Mapping[str, object]] = field(default_factory=dict)  # of joined records, by id


@dataclass(frozen=True, slots=True)
class ConversionInputs:
    """Everything ``plan_conversion`` decides from. ``lead`` is not changed: the plan holds a copy."""

    lead: Lead  # as read, its custom values loaded
    options: ConversionOptions
    #: the converted status (or, kept for nurturing, an unqualified one); None for a further
    #: opportunity of a converted lead, which does not convert it again
    status: LeadStatus | None
    nurture_reason: Reason | None
    owner_id: int  # who owns what the conversion creates
    actor_id: int
    now: datetime
    #: the written reasons the criteria were overridden with (``ensure_criteria``), None when met or not asked
    override_reason: str | None
    qualification_override_reason: str | None
    matched: Matched
    settings: ConversionSettings
    catalogue: Catalogue | None  # read only when opportunities with product lines are made
    new_id: Callable[[], int]
    #: the reason a new account or contact was made although a ``block`` duplicate rule matched
    duplicate_override_reason: str | None = None

# ------------------------------------------------------------------------------------ plan


@dataclass(frozen=True, slots=True)
class Fill:
    """Empty fields of a joined account or contact, filled from the lead (the record as to be saved)."""

    record_type: RecordType
    record: Account | Contact
    values: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class CustomFill:
    """A mapped custom value set on a record: always on a created one, only where empty on a joined one."""

    definition: CustomFieldDefinition
    record_id: int
    value: object


@dataclass(frozen=True, slots=True)
class ContactRole:
    id: int
    opportunity_id: int
    contact_id: int
    role: ContactRoleKind
    is_primary: bool


@dataclass(frozen=True, slots=True)
class ActivityLink:
    activity_id: int
    record_type: RecordType
    record_id: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit event of the conversion (its actor and moment are the plan's)."""

    action: str
    record_type: str
    record_id: int
    changes: Mapping[str, tuple[str | None, str | None]]


@dataclass(frozen=True, slots=True)
class StatusChange:
    from_status_id: int | None
    to_status_id: int
    reason_id: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class FilledFields:
    """The fields a conversion filled on a record it joined, with the text of the value put in."""

    record_type: RecordType
    record_id: int
    values: Mapping[str, str | None]  # a custom field as ``custom.<name>``


@dataclass(frozen=True, slots=True)
class TaskOwner:
    activity_id: int
    previous_owner_id: int | None


@dataclass(frozen=True, slots=True)
class CreatedRecord:
    record_type: RecordType
    record_id: int


@dataclass(frozen=True, slots=True)
class UndoRecord:
    """What undoing a conversion needs: the lead's status before, what was created (each at the
    version it had then), filled, linked and reassigned. Stored as JSON with the conversion
    (persistence/conversion/stored.py)."""

    previous_status_id: int
    previous_reason_id: int | None
    created: tuple[CreatedRecord, ...] = ()
    filled: tuple[FilledFields, ...] = ()
    links: tuple[ActivityLink, ...] = ()
    roles: tuple[int, ...] = ()
    line_items: tuple[int, ...] = ()
    tasks: tuple[TaskOwner, ...] = ()
    versions: Mapping[int, int] = field(default_factory=dict)  # created record id -> version
    lead_version: int | None = None  # the lead's once converted

    def version_of(self, record_id: int) -> int:
        return self.versions.get(record_id, 1)


@dataclass(frozen=True, slots=True)
class ConversionRecord:
    """The stored conversion: its result (replayed to a retry with the same key) and undo record."""

    id: int
    lead_id: int
    actor_id: int
    at: datetime
    idempotency_key: str | None
    result: ConversionResult
    undo: UndoRecord


@dataclass(frozen=True, slots=True)
class ConvertedLead:
    """The lead as read and as converted (saved if still at the version read), and its status change."""

    read: Lead
    converted: Lead
    status_change: StatusChange


@dataclass(frozen=True, slots=True)
class ConversionPlan:
    """What one conversion writes, in this order: new records, their opening stages, line items
    and contact roles, fills of joined records, activity links and moved tasks, custom values,
    audit, then the lead and the stored conversion (both None for a further opportunity of a
    converted lead), and the contact's membership of the lead's source campaign."""

    actor_id: int
    at: datetime
    result: ConversionResult
    accounts: tuple[Account, ...] = ()
    contacts: tuple[Contact, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()  # each starts in its stage: a stage change from none
    line_items: tuple[LineItem, ...] = ()
    contact_roles: tuple[ContactRole, ...] = ()
    fills: tuple[Fill, ...] = ()
    activity_links: tuple[ActivityLink, ...] = ()
    moved_tasks: tuple[Activity, ...] = ()  # open tasks given to the new owner, as to be saved
    custom_values: tuple[CustomFill, ...] = ()
    audit: tuple[AuditEntry, ...] = ()
    lead: ConvertedLead | None = None
    record: ConversionRecord | None = None
    #: the contact's membership of the lead's source campaign (none if the contact is a member already)
    campaign_members: tuple[CampaignMember, ...] = ()

    def created_kinds(self) -> tuple[RecordType, ...]:
        """The kinds of record the plan creates (the actor's role needs the right to create each)."""
        made = ((RecordType.ACCOUNT, self.accounts), (RecordType.CONTACT, self.contacts),
                (RecordType.OPPORTUNITY, self.opportunities))
        return tuple(kind for kind, records in made if records)
