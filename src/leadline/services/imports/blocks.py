"""One block of an import, in one unit of work: each row validated by the rules of create-lead,
the block's duplicates found at once, the new leads written together, the block's failed rows
and the job's progress written beside them, then one commit (none in a dry run but the job's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType, coerce_custom_values
from leadline.domain.duplicates.check import HiddenDuplicate
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.errors import ConflictError, DuplicateBlockedError, LeadlineError
from leadline.domain.history import render_value
from leadline.domain.imports.duplicates import ImportMatch
from leadline.domain.imports.job import DuplicatePolicy, ImportCounts, ImportJob, RowError
from leadline.domain.imports.mapping import ColumnPlan
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.workflow import StatusMove
from leadline.domain.security.access import Viewer
from leadline.domain.security.users import User
from leadline.services.assignment.assign import assign_new_lead
from leadline.services.assignment.rules import RuleSet
from leadline.services.campaigns.members import join_source_campaign, responded_member
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import probe_of
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

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


@dataclass(frozen=True)
class FileRow:
    number: int  # in the file, the header being row 1
    cells: list[str]


@dataclass
class _Candidate:
    row: FileRow
    values: dict[str, str]
    custom: dict[str, str]
    lead: Lead
    first: StatusMove
    probe: Candidate


@dataclass
class _Pending:
    """New leads of the block not written yet, with their status entries and audit events."""

    leads: list[Lead] = field(default_factory=list)
    status_changes: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)


class LeadBlock:
    """Imports one block of rows into leads through ``uow`` (which the caller commits)."""

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, job: ImportJob, plan: ColumnPlan,
                 check: RuleDuplicates, owner_of: Callable[[Any], User | None],
                 rule_set: RuleSet | None = None) -> None:
        self.ctx, self.uow, self.viewer, self.job, self.plan = ctx, uow, viewer, job, plan
        self.check, self.owner_of, self.rule_set = check, owner_of, rule_set
        self.policy, self.dry_run = job.options.on_duplicate, job.options.dry_run
        self.definitions = ctx.config(uow).custom_fields_of(RecordType.LEAD)
        self.date_fields = frozenset(d.name for d in self.definitions if d.type is CustomFieldType.DATE)
        self.pending = _Pending()
        self.errors: list[RowError] = []
        campaign_id = job.options.campaign_id
        self.campaign = uow.campaigns.get(campaign_id) if campaign_id is not None else None

    def run(self, rows: Sequence[FileRow]) -> tuple[ImportCounts, list[RowError]]:
        """What became of each row (the counts add up to ``len(rows)``) and the failed rows."""
        candidates = [c for c in map(self._candidate, rows) if c is not None]
        checking = self.policy is not DuplicatePolicy.CREATE or self.check.blocks()
        if checking:
            self.check.prepare([c.probe for c in candidates])
        imported = updated = skipped = 0
        for candidate in candidates:
            match = self.check.match(candidate.probe) if checking else None
            if match is None or self.policy is DuplicatePolicy.CREATE:
                if self._create(candidate, match):
                    imported += 1
            elif self.policy is DuplicatePolicy.SKIP:
                skipped += 1
            elif self._update(candidate, match):
                updated += 1
        self._flush()
        return ImportCounts(len(rows), imported, updated, skipped, len(self.errors)), self.errors

    def _fail(self, row: FileRow, error: LeadlineError) -> None:
        self.errors.append(RowError(row.number, error.field or "row", error.message, tuple(row.cells)))

    def _candidate(self, row: FileRow) -> _Candidate | None:
        """The row as the create-lead use case would build it, or None with its error kept."""
        values, custom = self.plan.row_values(row.cells, date_format=self.job.options.date_format,
                                              date_fields=self.date_fields)
        try:
            lead = build_lead(self.ctx, self.uow, self.viewer, values, owner_of=self.owner_of)
            if self.campaign is not None and lead.campaign_id is None:
                lead.campaign_id = self.campaign.id
            lead.custom = coerce_custom_values(self.definitions, dict(custom), creating=True)
            first = enter_first_status(self.ctx, self.uow, lead, reason=values.get("unqualified_reason"),
                                       override_reason=values.get("qualification_override_reason"))
        except LeadlineError as error:
            self._fail(row, error)
            return None
        return _Candidate(row, values, custom, lead, first, _probe(lead))

    def _create(self, candidate: _Candidate, match: ImportMatch | None) -> bool:
        """Create the row's lead (``create`` policy: even if it matches, unless a ``block`` rule
        refuses it and the row gives no ``duplicate_override_reason``); False when it failed."""
        lead, first = candidate.lead, candidate.first
        overridden = None
        if match is not None and match.action is DuplicateAction.BLOCK:
            overridden = (candidate.values.get("duplicate_override_reason") or "").strip() or None
            if overridden is None:
                self._fail(candidate.row, DuplicateBlockedError(
                    f"this lead duplicates {self._described(match)}, which a rule protects; give a "
                    f"duplicate_override_reason to create it anyway", field="duplicate_override_reason"))
                return False
        self.check.remember(candidate.probe)
        if self.dry_run:
            return True
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
        return True

    @staticmethod
    def _described(match: ImportMatch) -> str:
        where = "an earlier row of the file" if match.in_file else "a stored lead"
        return f"{where} ({'; '.join(match.reasons)})"

    def _update(self, candidate: _Candidate, match: ImportMatch) -> bool:
        """Write the row onto the lead it duplicates, by the rules of a lead update; False (the
        row failed) when the importer may not change that lead, may not even read it, or the
        change breaks a rule."""
        try:
            if not match.visible:
                raise ConflictError(HiddenDuplicate(RecordType.LEAD, match.reasons, match.action).message,
                                    field="duplicates")
            if self.dry_run:
                if not match.in_file:
                    load_lead_for_editing(self.uow, self.viewer, match.record_id)
                return True
            if match.record_id in self.pending.ids:
                self._flush()  # the lead of an earlier row of this block: stored first, then changed
            with self.uow.savepoint():
                self.check.remember(_probe(self._change(match.record_id, candidate)))
        except LeadlineError as error:
            self._fail(candidate.row, error)
            return False
        return True

    def _change(self, lead_id: int, candidate: _Candidate) -> Lead:
        uow, viewer, now = self.uow, self.viewer, self.ctx.now()
        lead = load_lead_for_editing(uow, viewer, lead_id)
        history = apply_lead_changes(self.ctx, uow, viewer, lead, candidate.values, now)
        if candidate.custom:
            history += change_lead_custom(self.ctx, uow, viewer, lead, candidate.custom, now)
        if history:
            lead.updated_at = now
            uow.leads.save(lead)
            uow.audit.record_changes(history)
        if self.campaign is not None:
            join_source_campaign(uow, self.campaign, lead.id, now)
        return lead

    def _flush(self) -> None:
        pending, self.pending = self.pending, _Pending()
        if not pending.leads:
            return
        self.uow.leads.add_many(pending.leads)
        for lead in pending.leads:
            if lead.custom:
                self.uow.custom_fields.set_values(self.definitions, lead.id, lead.custom)
        self.uow.leads.record_status_changes(pending.status_changes)
        self.uow.campaigns.add_members([responded_member(lead.campaign_id, lead.id, lead.created_at)
                                        for lead in pending.leads if lead.campaign_id is not None])
        self.uow.audit.record_many(pending.events)


def _probe(lead: Lead) -> Candidate:
    """The lead as the duplicate rules compare it (its own id, so it never matches itself)."""
    probe = probe_of(RecordType.LEAD, vars_of(lead))
    probe.record_id, probe.owner_id = lead.id, lead.owner_id
    return probe
