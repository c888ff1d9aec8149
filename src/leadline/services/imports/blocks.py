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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType, RecordType
from leadline.domain.duplicates.check import HiddenDuplicate
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.errors import ConflictError, DuplicateBlockedError, LeadlineError
from leadline.domain.imports.duplicates import ImportMatch, RowMatch, empty_fields_only
from leadline.domain.imports.job import DuplicatePolicy, ImportCounts, ImportJob, RowError
from leadline.domain.imports.mapping import IMPORT_KINDS, ColumnPlan
from leadline.domain.imports.stand_ins import stand_in
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.imports.ahead import CheckedRow
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


def date_custom_fields(definitions: Iterable[CustomFieldDefinition]) -> frozenset[str]:
    """The custom fields whose cells are read as dates (in the file's declared format)."""
    return frozenset(d.name for d in definitions if d.type is CustomFieldType.DATE)


class ImportBlock:
    """Imports one block of rows of ``kind`` through ``uow`` (which the caller commits)."""

    kind: RecordType

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, job: ImportJob, plan: ColumnPlan,
                 check: RuleDuplicates) -> None:
        self.ctx, self.uow, self.viewer, self.job, self.plan, self.check = ctx, uow, viewer, job, plan, check
        self.policy, self.dry_run = job.options.on_duplicate, job.options.dry_run
        self.definitions = ctx.config(uow).custom_fields_of(self.kind)
        self.date_fields = date_custom_fields(self.definitions)
        self.standard_dates = IMPORT_KINDS[self.kind.value].date_fields
        self.errors: list[RowError] = []
        #: the skipped and updated rows with the record each matched (the job's list of matches)
        self.matches: list[RowMatch] = []

    def run(self, rows: Sequence[FileRow], ahead: Sequence[CheckedRow] | None = None,
            ) -> tuple[ImportCounts, list[RowError]]:
        """What became of each row (the counts add up to ``len(rows)``) and the failed rows;
        ``ahead``: each row as checked ahead in a worker (services/imports/ahead.py), if it was."""
        checked: Sequence[CheckedRow | None] = [None] * len(rows) if ahead is None else ahead
        candidates = [c for c in map(self._candidate, rows, checked) if c is not None]
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
                self._matched(candidate, match, "skipped")
            elif self._update(candidate, match):
                updated += 1
                self._matched(candidate, match, "updated")
        self.flush()
        failed = len({error.row for error in self.errors})  # a row is failed once, whatever its errors
        return ImportCounts(len(rows), imported, updated, skipped, failed), self.errors

    def _matched(self, candidate: RowRecord, match: ImportMatch, outcome: str) -> None:
        """Keep which record the row matched (id 0: one the importer may not read, by its rules)."""
        self.matches.append(RowMatch(candidate.row.number, match.record_id, match.rules, match.score, outcome,
                                     match.in_file))

    def _fail(self, row: FileRow, error: LeadlineError) -> None:
        field = self.column_of(error.field) if error.field else "row"
        self.errors.append(RowError(row.number, field, error.message, tuple(row.cells)))

    def column_of(self, field: str) -> str:
        """The import field a refusal of the record's ``field`` is about (the report names it)."""
        return field

    def _candidate(self, row: FileRow, ahead: CheckedRow | None) -> RowRecord | None:
        """The row built by its kind's rules, or None with its errors kept (``_fail_each``)."""
        try:
            return self._built(row, row.cells, ahead)
        except LeadlineError as error:
            self._fail_each(row, error)
            return None

    def _built(self, row: FileRow, cells: Sequence[str], ahead: CheckedRow | None) -> RowRecord:
        if ahead is None:
            values, custom = self.plan.row_values(cells, date_format=self.job.options.date_format,
                                                  date_fields=self.date_fields, standard_dates=self.standard_dates)
        else:
            values, custom = ahead.values, ahead.custom
        return self.build(row, values, custom, ahead)

    def _fail_each(self, row: FileRow, error: LeadlineError) -> None:
        """Keep every field's refusal of a failed row, not only the first (a row with a bad status,
        source and owner is fixed in one round): the refused cell is changed and the row built
        again, here, until it builds. A bad value is blanked; a blank cell a field requires gets
        a stand-in its rules take (domain/imports/stand_ins.py), so the rules after it are asked
        too, and is reported once, as required. It stops at a refusal of no one cell (``row``), of
        a field with no stand-in (a contact's account), or of a stand-in. The rules stop at their
        first refusal, so a valid row costs nothing more (nor in the worker)."""
        cells, reported, stood_in = list(row.cells), set(), set()
        while True:
            header = self.column_of(error.field) if error.field else None  # account_id: the account column
            if header not in reported:
                self._fail(row, error)
                reported.add(header)
            column = self.plan.column_of(header) if header else None
            if column is None or column >= len(cells) or column in stood_in:
                return
            if cells[column].strip():
                cells[column] = ""
            elif (value := self.stand_in(header or "")) is not None:
                cells[column] = value
                stood_in.add(column)
            else:
                return
            try:
                self._built(row, cells, None)
                return
            except LeadlineError as again:
                error = again

    def stand_in(self, field: str) -> str | None:
        """What stands in the blank cell of required ``field`` while the row's other cells are checked."""
        return stand_in(field, custom={d.name: d for d in self.definitions}, date_fields=self.standard_dates)

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
                self._remember(self.change(match.record_id, candidate, overwrite=match.may_overwrite()))
        except LeadlineError as error:
            self._fail(candidate.row, error)
            return False
        return True

    def empty_custom_only(self, record_id: int, custom: dict[str, str]) -> dict[str, str]:
        """Those of a row's custom values whose field the stored record ``record_id`` holds empty:
        what an update by a weaker match than the exact e-mail may write of them (ADR 0073). Read
        as stored now, so a record an earlier row of the block wrote counts with its values."""
        if not custom:
            return {}
        held = self.uow.custom_fields.values_for(self.definitions, [record_id])[record_id]
        return empty_fields_only(custom, {name: held.get(name) for name in custom})

    def _remember(self, probe: Candidate | None) -> None:
        if probe is not None:
            self.check.remember(probe)

    # what each kind says

    def build(self, row: FileRow, values: dict[str, str], custom: dict[str, str],
              ahead: CheckedRow | None = None) -> RowRecord:
        """The row's record by the kind's create rules (not stored); raises the rule's error.
        ``ahead``: what was checked of the row in a worker (a kind that checks none ignores it)."""
        raise NotImplementedError

    def store(self, candidate: RowRecord, overridden: str | None) -> None:
        """Store the record (now, or with the block at ``flush``); raises the rule's error."""
        raise NotImplementedError

    def ensure_editable(self, record_id: int) -> None:
        """Refuse (as the update would) a change of the stored record by the importer."""
        raise NotImplementedError

    def before_change(self, record_id: int) -> None:
        """Called before a stored record is changed (a record stored at ``flush`` is written first)."""

    def change(self, record_id: int, candidate: RowRecord, *, overwrite: bool = True) -> Candidate | None:
        """Write the row onto the record by the update rules; what the rules now compare.
        ``overwrite`` False (a match weaker than the exact e-mail, ADR 0073): only the record's
        empty fields are filled, none of its values replaced."""
        raise NotImplementedError

    def flush(self) -> None:
        """Write what ``store`` kept for the end of the block."""
