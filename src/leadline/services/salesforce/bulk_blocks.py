"""A Bulk API 2.0 job's block: the streaming importer's block of the object's kind (``LeadBlock``,
or ``RecordBlock`` for accounts, contacts and opportunities), plus what Salesforce asks of each
row: the record it wrote and whether it created it (``successfulResults``), an update or delete by
id, and a failure that keeps its error code (``failedResults``' ``sf__Error``).

Inserts are the importer's own path (``ImportBlock.run``, policy ``create``: every rule, the
duplicate rules' ``block`` action, the lead's bulk writes). Updates and the matched rows of an
upsert go through the kind's ``change`` (the update rules) in a savepoint each; deletes through
the delete use case's work, in a savepoint each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from leadline.domain.errors import LeadlineError
from leadline.domain.imports.job import ImportCounts, RowError
from leadline.domain.salesforce.bulk import ID_TARGET
from leadline.services import records
from leadline.services.imports.blocks import FileRow, ImportBlock, RowRecord
from leadline.services.imports.lead_block import LeadBlock
from leadline.services.imports.record_blocks import AccountBlock, ContactBlock, OpportunityBlock
from leadline.services.leads.records import remove_lead
from leadline.services.scoring.scores import rescore_leads

if TYPE_CHECKING:
    Base = ImportBlock
else:
    Base = object

#: Per row of the file: the record to change or delete, None to create, or why the row fails.
Target = int | LeadlineError | None
Outcome = tuple[int, int, bool]
#: ``RowError.error`` of a bulk job: Leadline's code, this separator, the message.
CODE_SEPARATOR = "|"


class BulkRows(Base):
    """Mixed into a kind's import block: outcomes kept, failures with their code, and ``run_bulk``."""

    outcomes: list[Outcome]

    def store(self, candidate: RowRecord, overridden: str | None) -> None:
        super().store(candidate, overridden)
        self.outcomes.append((candidate.row.number, candidate.record.id, True))

    def change(self, record_id: int, candidate: RowRecord, *, overwrite: bool = True) -> Any:
        probe = super().change(record_id, candidate, overwrite=overwrite)
        self.outcomes.append((candidate.row.number, record_id, False))
        return probe

    def _fail_each(self, row: FileRow, error: LeadlineError) -> None:
        """A bulk row's result has one error, as Salesforce's has: the first refusal."""
        self._fail(row, error)

    def _fail(self, row: FileRow, error: LeadlineError) -> None:
        self.errors.append(RowError(row.number, error.field or "", f"{error.code}{CODE_SEPARATOR}{error.message}",
                                    tuple(row.cells)))

    def run_bulk(self, rows: Sequence[FileRow], targets: Mapping[int, Target], *,
                 deleting: bool) -> tuple[ImportCounts, list[RowError]]:
        """Each row changed (or deleted) as ``targets`` says, then the rows to create through the
        importer's own loop. The counts add up to ``len(rows)``; deletes count as updated."""
        self.outcomes = []
        changed = 0
        for row in rows:
            target = targets.get(row.number)
            if isinstance(target, LeadlineError):
                self._fail(row, target)
            elif target is not None:
                changed += self._delete(row, target) if deleting else self._change(row, target)
        creating = [row for row in rows if targets.get(row.number) is None]
        counts = self.run(creating) if creating else (ImportCounts(), self.errors)
        made = counts[0]
        return ImportCounts(len(rows), made.imported, changed + made.updated, made.skipped, len(self.errors)), \
            self.errors

    def _change(self, row: FileRow, record_id: int) -> int:
        try:
            values, custom = self.plan.row_values(row.cells, date_format=self.job.options.date_format,
                                                  date_fields=self.date_fields, standard_dates=self.standard_dates)
            values.pop(ID_TARGET, None)
            self.before_change(record_id)
            with self.uow.savepoint():
                self.change(record_id, RowRecord(row, values, custom, None, None))
        except LeadlineError as error:
            self._fail(row, error)
            return 0
        return 1

    def _delete(self, row: FileRow, record_id: int) -> int:
        try:
            with self.uow.savepoint():
                if self.kind.value == "lead":
                    remove_lead(self.ctx, self.uow, self.viewer, record_id)
                else:
                    records.remove_record(self.ctx, self.uow, self.viewer, self.kind.value, record_id)
        except LeadlineError as error:
            self._fail(row, error)
            return 0
        self.outcomes.append((row.number, record_id, False))
        return 1


class BulkLeadBlock(BulkRows, LeadBlock):
    def run_bulk(self, rows: Sequence[FileRow], targets: Mapping[int, Target], *,
                 deleting: bool) -> tuple[ImportCounts, list[RowError]]:
        done = super().run_bulk(rows, targets, deleting=deleting)
        if not deleting:  # the leads it changed; those it created were re-scored by the importer's loop
            rescore_leads(self.ctx, self.uow, [target for target in targets.values() if isinstance(target, int)])
        return done


class BulkAccountBlock(BulkRows, AccountBlock):
    pass


class BulkContactBlock(BulkRows, ContactBlock):
    pass


class BulkOpportunityBlock(BulkRows, OpportunityBlock):
    pass


BULK_BLOCKS: dict[str, Any] = {"account": BulkAccountBlock, "contact": BulkContactBlock,
                               "opportunity": BulkOpportunityBlock}
