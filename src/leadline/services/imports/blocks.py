"""One block of an import, in one unit of work: each row validated by the create rules of its
kind of record, the block's duplicates found at once (the duplicate rules), what the policy says
done with each row, the block's failed rows and the job's progress written beside them, then one
commit (none in a dry run but the job's).

``ImportBlock`` is the one design every kind follows: the policy loop, the duplicate rules'
``block`` action and override reason, updates in a savepoint, the error report. A kind says how a
row becomes a record, how a record is stored and how a duplicate is changed (``LeadBlock`` below
writes a block's new leads with one executemany each; ``services/imports/records.py`` the others).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.duplicates.check import HiddenDuplicate
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.errors import ConflictError, DuplicateBlockedError, LeadlineError
from leadline.domain.imports.duplicates import ImportMatch
from leadline.domain.imports.job import DuplicatePolicy, ImportCounts, ImportJob, RowError
from leadline.domain.imports.mapping import IMPORT_KINDS, ColumnPlan
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.imports.duplicates import RuleDuplicates

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


@dataclass(frozen=True)
class FileRow:
    number: int  # in the file, the header being row 1
    cells: list[str]


@dataclass
class RowRecord:
    """A row as its kind's create use case would build it: its values, custom values, the record
    (not stored), what the duplicate rules compare (None: the kind has no rules) and the kind's own
    extra (a lead's first status move)."""

    row: FileRow
    values: dict[str, str]
    custom: dict[str, str]
    record: Any
    probe: Candidate | None
    extra: Any = None


class ImportBlock:
    """Imports one block of rows of ``kind`` through ``uow`` (which the caller commits)."""

    kind: RecordType

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, job: ImportJob, plan: ColumnPlan,
                 check: RuleDuplicates) -> None:
        self.ctx, self.uow, self.viewer, self.job, self.plan, self.check = ctx, uow, viewer, job, plan, check
        self.policy, self.dry_run = job.options.on_duplicate, job.options.dry_run
        self.definitions = ctx.config(uow).custom_fields_of(self.kind)
        self.date_fields = frozenset(d.name for d in self.definitions if d.type is CustomFieldType.DATE)
        self.standard_dates = IMPORT_KINDS[self.kind.value].date_fields
        self.errors: list[RowError] = []

    def run(self, rows: Sequence[FileRow]) -> tuple[ImportCounts, list[RowError]]:
        """What became of each row (the counts add up to ``len(rows)``) and the failed rows."""
        candidates = [c for c in map(self._candidate, rows) if c is not None]
        checking = self.policy is not DuplicatePolicy.CREATE or self.check.blocks()
        if checking:
            self.check.prepare([c.probe for c in candidates if c.probe is not None])
        imported = updated = skipped = 0
        for candidate in candidates:
            match = self.check.match(candidate.probe) if checking and candidate.probe is not None else None
            if match is None or self.policy is DuplicatePolicy.CREATE:
                if self._create(candidate, match):
                    imported += 1
            elif self.policy is DuplicatePolicy.SKIP:
                skipped += 1
            elif self._update(candidate, match):
                updated += 1
        self.flush()
        return ImportCounts(len(rows), imported, updated, skipped, len(self.errors)), self.errors

    def _fail(self, row: FileRow, error: LeadlineError) -> None:
        self.errors.append(RowError(row.number, error.field or "row", error.message, tuple(row.cells)))

    def _candidate(self, row: FileRow) -> RowRecord | None:
        """The row built by its kind's rules, or None with its error kept."""
        values, custom = self.plan.row_values(row.cells, date_format=self.job.options.date_format,
                                              date_fields=self.date_fields, standard_dates=self.standard_dates)
        try:
            return self.build(row, values, custom)
        except LeadlineError as error:
            self._fail(row, error)
            return None

    def _create(self, candidate: RowRecord, match: ImportMatch | None) -> bool:
        """Create the row's record (``create`` policy: even if it matches, unless a ``block`` rule
        refuses it and the row gives no ``duplicate_override_reason``); False when it failed."""
        overridden = None
        if match is not None and match.action is DuplicateAction.BLOCK:
            overridden = (candidate.values.get("duplicate_override_reason") or "").strip() or None
            if overridden is None:
                self._fail(candidate.row, DuplicateBlockedError(
                    f"this {self.kind.value} duplicates {self._described(match)}, which a rule protects; give a "
                    f"duplicate_override_reason to create it anyway", field="duplicate_override_reason"))
                return False
        if self.dry_run:
            self._remember(candidate.probe)
            return True
        try:
            self.store(candidate, overridden)
        except LeadlineError as error:
            self._fail(candidate.row, error)
            return False
        self._remember(candidate.probe)
        return True

    def _described(self, match: ImportMatch) -> str:
        where = "an earlier row of the file" if match.in_file else f"a stored {self.kind.value}"
        return f"{where} ({'; '.join(match.reasons)})"

    def _update(self, candidate: RowRecord, match: ImportMatch) -> bool:
        """Write the row onto the record it duplicates, by the rules of an update; False (the row
        failed) when the importer may not change that record, may not even read it, or the change
        breaks a rule."""
        try:
            if not match.visible:
                raise ConflictError(HiddenDuplicate(self.kind, match.reasons, match.action).message,
                                    field="duplicates")
            if self.dry_run:
                if not match.in_file:
                    self.ensure_editable(match.record_id)
                return True
            self.before_change(match.record_id)
            with self.uow.savepoint():
                self._remember(self.change(match.record_id, candidate))
        except LeadlineError as error:
            self._fail(candidate.row, error)
            return False
        return True

    def _remember(self, probe: Candidate | None) -> None:
        if probe is not None:
            self.check.remember(probe)

    # what each kind says

    def build(self, row: FileRow, values: dict[str, str], custom: dict[str, str]) -> RowRecord:
        """The row's record by the kind's create rules (not stored); raises the rule's error."""
        raise NotImplementedError

    def store(self, candidate: RowRecord, overridden: str | None) -> None:
        """Store the record (now, or with the block at ``flush``); raises the rule's error."""
        raise NotImplementedError

    def ensure_editable(self, record_id: int) -> None:
        """Refuse (as the update would) a change of the stored record by the importer."""
        raise NotImplementedError

    def before_change(self, record_id: int) -> None:
        """Called before a stored record is changed (a record stored at ``flush`` is written first)."""

    def change(self, record_id: int, candidate: RowRecord) -> Candidate | None:
        """Write the row onto the record by the update rules; what the rules now compare."""
        raise NotImplementedError

    def flush(self) -> None:
        """Write what ``store`` kept for the end of the block."""
