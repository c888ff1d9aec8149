"""The in-memory database of the fakes: every table a dict or a list on one ``Tables`` object.

A fake unit of work works on a deep copy of the committed tables and puts its copy back on
commit (copy-on-enter), so what a use case did is visible to others after commit only, and a
use case failing half-way leaves nothing behind, as on a real database.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from leadline.domain.accounts import Account, Contact
from leadline.domain.activities import Activity
from leadline.domain.assignment import AssignmentGroup, AssignmentLogEntry, AssignmentRule
from leadline.domain.campaigns.campaign import Campaign, CampaignMember
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomValue, RecordType
from leadline.domain.configuration.reasons import Reason
from leadline.domain.configuration.sources import LeadSource
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.conversion.rules import FieldMapping
from leadline.domain.forecast import Adjustment
from leadline.domain.history import Deletion
from leadline.domain.imports.mapping import SavedMapping
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.qualification import Criterion
from leadline.domain.opportunities.opportunity import Opportunity, OpportunityStage, SalesProcess
from leadline.domain.opportunities.products import LineItem, PriceBook, PriceBookEntry, Product
from leadline.domain.saved_views import SavedView
from leadline.domain.scoring.opportunity import OpportunityScore
from leadline.domain.scoring.records import LeadScore, StoredModel
from leadline.domain.security.access import SharingDefault
from leadline.domain.security.rights import Action
from leadline.domain.security.sign_in import SignInThrottle, ThrottleKind
from leadline.domain.security.users import Role, User

T = TypeVar("T")


def copied(value: T) -> T:
    """What a read or a write hands over: never the stored object itself."""
    return copy.deepcopy(value)


@dataclass
class Tables:
    leads: dict[int, Lead] = field(default_factory=dict)
    scoring_models: list[StoredModel] = field(default_factory=list)
    lead_scores: dict[int, LeadScore] = field(default_factory=dict)
    opportunity_scores: dict[int, OpportunityScore] = field(default_factory=dict)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    accounts: dict[int, Account] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    opportunities: dict[int, Opportunity] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    password_hashes: dict[int, str | None] = field(default_factory=dict)
    statuses: dict[int, LeadStatus] = field(default_factory=dict)
    sources: dict[int, LeadSource] = field(default_factory=dict)
    reasons: dict[int, Reason] = field(default_factory=dict)
    processes: dict[int, SalesProcess] = field(default_factory=dict)
    stages: dict[int, OpportunityStage] = field(default_factory=dict)
    custom_fields: dict[int, CustomFieldDefinition] = field(default_factory=dict)
    #: (field id, record id) -> value
    custom_values: dict[tuple[int, int], CustomValue] = field(default_factory=dict)
    transitions: set[tuple[int, int]] = field(default_factory=set)
    criteria: dict[int, Criterion] = field(default_factory=dict)
    field_mappings: dict[int, FieldMapping] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    price_books: dict[int, PriceBook] = field(default_factory=dict)
    price_entries: list[PriceBookEntry] = field(default_factory=list)
    line_items: dict[int, LineItem] = field(default_factory=dict)
    #: role id -> (opportunity id, contact id, role, primary)
    contact_roles: dict[int, tuple[int, int, str, bool]] = field(default_factory=dict)
    #: (opportunity id, from stage, to stage, when, change id)
    stage_changes: list[tuple[int, int | None, int, datetime, int]] = field(default_factory=list)
    activities: dict[int, Activity] = field(default_factory=dict)
    #: (activity id, record type, record id)
    activity_links: set[tuple[int, RecordType, int]] = field(default_factory=set)
    conversions: dict[int, dict[str, Any]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    tokens: dict[int, Any] = field(default_factory=dict)
    sharing: dict[RecordType, SharingDefault] = field(default_factory=dict)
    rights: dict[tuple[Role, Action, RecordType], bool] = field(default_factory=dict)
    idempotency: dict[tuple[int, str], Any] = field(default_factory=dict)
    throttles: dict[tuple[ThrottleKind, str], SignInThrottle] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    exchange_rates: dict[tuple[str, date], Decimal] = field(default_factory=dict)
    quotas: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    adjustments: list[Adjustment] = field(default_factory=list)
    import_jobs: dict[int, Any] = field(default_factory=dict)
    import_errors: dict[int, list[Any]] = field(default_factory=dict)
    import_matches: dict[int, list[Any]] = field(default_factory=dict)
    import_mappings: dict[str, SavedMapping] = field(default_factory=dict)
    snapshots: dict[int, tuple[dict[str, Any], list[Any]]] = field(default_factory=dict)
    saved_views: dict[int, SavedView] = field(default_factory=dict)
    #: lead capture (tests/fakes/capture.py): forms, attributions, quarantine, tokens, counters
    capture: dict[str, dict[Any, Any]] = field(default_factory=lambda: {
        "forms": {}, "attributions": {}, "quarantine": {}, "tokens": {}, "counters": {}})
    campaigns: dict[int, Campaign] = field(default_factory=dict)
    campaign_members: dict[int, CampaignMember] = field(default_factory=dict)
    assignment_rules: dict[int, AssignmentRule] = field(default_factory=dict)
    assignment_groups: dict[int, AssignmentGroup] = field(default_factory=dict)
    assignment_log: list[AssignmentLogEntry] = field(default_factory=list)
    duplicate_rules: dict[str, Any] = field(default_factory=dict)
    duplicate_groups: dict[int, Any] = field(default_factory=dict)
    merges: dict[int, Any] = field(default_factory=dict)

    def restore(self, other: Tables) -> None:
        """Become ``other`` in place (repositories keep their reference to this object)."""
        for item in fields(self):
            setattr(self, item.name, getattr(other, item.name))
