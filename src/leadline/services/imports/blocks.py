"""One block of an import, in one unit of work: each row validated by the rules of create-lead,
the block's duplicates found at once, the new leads written together, the block's failed rows
and the job's progress written beside them, then one commit (none in a dry run but the job's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType, coerce_custom_values
from leadline.domain.errors import LeadlineError
from leadline.domain.history import render_value
from leadline.domain.imports.duplicates import DuplicateCheck, DuplicateMatch
from leadline.domain.imports.job import DuplicatePolicy, ImportCounts, ImportJob, RowError
from leadline.domain.imports.mapping import ColumnPlan
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.workflow import StatusMove
from leadline.domain.security.access import Viewer
from leadline.domain.security.users import User
from leadline.services.context import ServiceContext
from leadline.services.leads.records import (
    apply_lead_changes,
    build_lead,
    change_lead_custom,
    lead_audit_values,
    load_lead_for_editing,
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
                 check: DuplicateCheck, owner_of: Callable[[Any], User | None]) -> None:
        self.ctx, self.uow, self.viewer, self.job, self.plan = ctx, uow, viewer, job, plan
        self.check, self.owner_of = check, owner_of
        self.policy, self.dry_run = job.options.on_duplicate, job.options.dry_run
        self.definitions = ctx.config(uow).custom_fields_of(RecordType.LEAD)
        self.date_fields = frozenset(d.name for d in self.definitions if d.type is CustomFieldType.DATE)
        self.pending = _Pending()
        self.errors: list[RowError] = []

    def run(self, rows: Sequence[FileRow]) -> tuple[ImportCounts, list[RowError]]:
        """What became of each row (the counts add up to ``len(rows)``) and the failed rows."""
        candidates = [c for c in map(self._candidate, rows) if c is not None]
        if self.policy is not DuplicatePolicy.CREATE:
            self.check.prepare([c.lead for c in candidates])
        imported = updated = skipped = 0
        for candidate in candidates:
            match = None if self.policy is DuplicatePolicy.CREATE else self.check.match(candidate.lead)
            if match is None:
                self._create(candidate)
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
            lead.custom = coerce_custom_values(self.definitions, dict(custom), creating=True)
            first = enter_first_status(self.ctx, self.uow, lead, reason=values.get("unqualified_reason"),
                                       override_reason=values.get("qualification_override_reason"))
        except LeadlineError as error:
            self._fail(row, error)
            return None
        return _Candidate(row, values, custom, lead, first)

    def _create(self, candidate: _Candidate) -> None:
        lead, first = candidate.lead, candidate.first
        self.check.remember(lead)
        if self.dry_run:
            return
        actor = self.viewer.id
        justified = {"unqualified_reason": first.reason.label if first.reason else None,
                     "qualification_override": first.override_reason}
        values = {**lead_audit_values(lead), **justified, **{f"custom.{k}": v for k, v in lead.custom.items()}}
        changes = {k: (None, render_value(v)) for k, v in values.items() if v is not None and k != "id"}
        self.pending.leads.append(lead)
        self.pending.ids.add(lead.id)
        self.pending.status_changes.append(self.uow.leads.status_change_values(
            lead.id, None, lead.status_id, actor, lead.created_at,
            reason_id=first.reason.id if first.reason else None, note=first.override_reason))
        self.pending.events.append(self.uow.audit.event_values("create", "lead", lead.id, actor, lead.created_at,
                                                               changes))

    def _update(self, candidate: _Candidate, match: DuplicateMatch) -> bool:
        """Write the row onto the lead it duplicates, by the rules of a lead update; False (the
        row failed) when the importer may not change that lead or the change breaks a rule."""
        try:
            if self.dry_run:
                self.viewer.ensure_can_edit(RecordType.LEAD, match.lead.id, match.lead.owner_id)
                match.lead.ensure_editable()
                return True
            if match.lead.id in self.pending.ids:
                self._flush()  # the lead of an earlier row of this block: stored first, then changed
            with self.uow.savepoint():
                self.check.remember(self._change(match.lead.id, candidate))
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
        self.uow.audit.record_many(pending.events)
