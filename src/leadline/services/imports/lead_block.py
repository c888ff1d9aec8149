"""The lead import's block (``ImportBlock``): rows built by the create-lead rules (``build_lead``,
custom values, ``enter_first_status``), ownerless new leads given to the assignment rules, every
imported lead a member of the import's campaign, and the block's new leads, status entries,
campaign memberships and audit events written with one executemany each at the end; then every
lead the block created or changed is re-scored in the block's transaction (one model look-up,
one batch: ``services.scoring.scores.rescore_leads``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import RecordType, coerce_custom_values
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.history import render_value
from leadline.domain.imports.duplicates import empty_fields_only
from leadline.domain.imports.job import ImportCounts, ImportJob, RowError
from leadline.domain.imports.mapping import ColumnPlan
from leadline.domain.leads.lead import Lead
from leadline.domain.security.access import Viewer
from leadline.domain.security.users import User
from leadline.services.assignment.assign import assign_new_lead
from leadline.services.assignment.rules import RuleSet
from leadline.services.campaigns.members import join_source_campaign, responded_member
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import probe_of
from leadline.services.imports.ahead import CheckedRow
from leadline.services.imports.blocks import FileRow, ImportBlock, RowRecord
from leadline.services.imports.duplicates import RuleDuplicates
from leadline.services.leads.records import (
    apply_lead_changes,
    build_lead,
    change_lead_custom,
    lead_audit_values,
    load_lead_for_editing,
    vars_of,
)
from leadline.services.leads.status_moves import enter_first_status
from leadline.services.scoring.scores import rescore_leads

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


@dataclass
class _Pending:
    """New leads of the block not written yet, with their status entries and audit events."""

    leads: list[Lead] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)


class LeadBlock(ImportBlock):
    kind = RecordType.LEAD

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, job: ImportJob, plan: ColumnPlan,
                 check: RuleDuplicates, owner_of: Callable[[Any], User | None],
                 rule_set: RuleSet | None = None) -> None:
        super().__init__(ctx, uow, viewer, job, plan, check)
        uow.bulk_load()  # the block's new leads, status entries, members and events by COPY on PostgreSQL
        self.owner_of, self.rule_set = owner_of, rule_set
        self.pending = _Pending()
        #: the leads this block created or changed, to re-score at its end
        self.touched: list[int] = []
        campaign_id = job.options.campaign_id
        self.campaign = uow.campaigns.get(campaign_id) if campaign_id is not None else None

    def run(self, rows: Sequence[FileRow], ahead: Sequence[CheckedRow] | None = None,
            ) -> tuple[ImportCounts, list[RowError]]:
        done = super().run(rows, ahead)
        rescore_leads(self.ctx, self.uow, self.touched)
        return done

    def build(self, row: FileRow, values: dict[str, str], custom: dict[str, str],
              ahead: CheckedRow | None = None) -> RowRecord:
        lead = build_lead(self.ctx, self.uow, self.viewer, values, owner_of=self.owner_of,
                          cleaned=ahead.cleaned_or_raise() if ahead is not None else None)
        if self.campaign is not None and lead.campaign_id is None:
            lead.campaign_id = self.campaign.id
        lead.custom = coerce_custom_values(self.definitions, dict(custom), creating=True)
        first = enter_first_status(self.ctx, self.uow, lead, reason=values.get("unqualified_reason"),
                                   override_reason=values.get("qualification_override_reason"))
        return RowRecord(row, values, custom, lead, lead_probe(lead), first)

    def store(self, candidate: RowRecord, overridden: str | None) -> None:
        lead, first = candidate.record, candidate.extra
        if self.rule_set is not None and not candidate.values.get("owner"):
            assign_new_lead(self.uow, lead, now=lead.created_at, actor_id=self.viewer.id, rule_set=self.rule_set)
        actor = self.viewer.id
        justified = {"unqualified_reason": first.reason.label if first.reason else None,
                     "qualification_override": first.override_reason, "duplicate_override": overridden}
        values = {**lead_audit_values(lead), **justified, **{f"custom.{k}": v for k, v in lead.custom.items()}}
        changes = {k: (None, render_value(v)) for k, v in values.items() if v is not None and k != "id"}
        self.pending.leads.append(lead)
        self.pending.ids.add(lead.id)
        self.pending.status_changes.append(self.uow.leads.status_change_values(
            lead.id, None, lead.status_id, actor, lead.created_at,
            reason_id=first.reason.id if first.reason else None, note=first.override_reason))
        self.pending.events.append(self.uow.audit.event_values("create", "lead", lead.id, actor, lead.created_at,
                                                               changes))

    def ensure_editable(self, record_id: int) -> None:
        load_lead_for_editing(self.uow, self.viewer, record_id)

    def before_change(self, record_id: int) -> None:
        if record_id in self.pending.ids:
            self.flush()  # the lead of an earlier row of this block: stored first, then changed

    def change(self, record_id: int, candidate: RowRecord, *, overwrite: bool = True) -> Candidate:
        uow, viewer, now = self.uow, self.viewer, self.ctx.now()
        lead = load_lead_for_editing(uow, viewer, record_id)
        values, custom = candidate.values, candidate.custom
        if not overwrite:
            values = empty_fields_of(lead, values)
            custom = self.empty_custom_only(lead.id, custom)
        history = apply_lead_changes(self.ctx, uow, viewer, lead, values, now)
        if custom:
            history += change_lead_custom(self.ctx, uow, viewer, lead, custom, now)
        if history:
            lead.updated_at = now
            uow.leads.save(lead)
            uow.audit.record_changes(history)
        if self.campaign is not None:
            join_source_campaign(uow, self.campaign, lead.id, now)
        self.touched.append(lead.id)
        return lead_probe(lead)

    def flush(self) -> None:
        pending, self.pending = self.pending, _Pending()
        if not pending.leads:
            return
        self.uow.leads.add_many(pending.leads)
        self.touched += [lead.id for lead in pending.leads]
        for lead in pending.leads:
            if lead.custom:
                self.uow.custom_fields.set_values(self.definitions, lead.id, lead.custom)
        self.uow.leads.record_status_changes(pending.status_changes, first=True)
        self.uow.campaigns.add_members([responded_member(lead.campaign_id, lead.id, lead.created_at)
                                        for lead in pending.leads if lead.campaign_id is not None])
        self.uow.audit.record_many(pending.events)


#: a lead import's reference fields, by the lead's attribute that holds them
_HELD_IN = {"source": "source_id", "owner": "owner_id", "status": "status_id", "campaign_id": "campaign_id"}


def empty_fields_of(lead: Lead, values: dict[str, str]) -> dict[str, str]:
    """The row's values of the fields ``lead`` leaves empty: what an update by a weaker match
    than the exact e-mail may write (ADR 0073). A status always has a value (so it stays, with
    the reasons that would justify a move), as does an owner."""
    held = {name: getattr(lead, _HELD_IN.get(name, name)) for name in values if hasattr(lead, _HELD_IN.get(name, name))}
    return empty_fields_only(values, held)


def lead_probe(lead: Lead) -> Candidate:
    """The lead as the duplicate rules compare it (its own id, so it never matches itself)."""
    probe = probe_of(RecordType.LEAD, vars_of(lead))
    probe.record_id, probe.owner_id = lead.id, lead.owner_id
    return probe
