"""The repository of Bulk API 2.0 jobs: the jobs, each block's successful rows, and the look-up
of an upsert's external ids. It never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, null, select, update
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.ids import new_id
from leadline.domain.salesforce.bulk import BulkJob
from leadline.persistence.configuration.rows import CustomFieldValueRow
from leadline.persistence.imports.rows import ImportErrorRow, ImportJobRow
from leadline.persistence.salesforce.bulk_rows import BulkJobRow, BulkOutcomeRow
from leadline.persistence.salesforce.soql.catalog_parts import RECORD_TABLES

JOBS = cast(Table, BulkJobRow.__table__)
OUTCOMES = cast(Table, BulkOutcomeRow.__table__)
IMPORT_ERRORS = cast(Table, ImportErrorRow.__table__)
IMPORT_JOBS = cast(Table, ImportJobRow.__table__)
VALUES = cast(Table, CustomFieldValueRow.__table__)
Outcome = tuple[int, int, bool]  # (row of the file, record id, created)
_FIELDS = ("kind", "sobject", "operation", "state", "actor_id", "external_id_field", "column_delimiter",
           "line_ending", "api_version", "query", "data_path", "import_job_id", "error_message",
           "records_processed", "records_failed", "created_at", "updated_at")


def _values(job: BulkJob) -> dict[str, Any]:
    return {"id": job.id, **{name: getattr(job, name) for name in _FIELDS}}


def _job(row: Any) -> BulkJob:
    return BulkJob(id=row.id, **{name: getattr(row, name) for name in _FIELDS})


class BulkJobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, job: BulkJob) -> None:
        self.session.connection().execute(insert(JOBS), [_values(job)])

    def get(self, job_id: int) -> BulkJob | None:
        row = self.session.execute(select(JOBS).where(BulkJobRow.id == job_id)).first()
        return _job(row) if row else None

    def save(self, job: BulkJob) -> None:
        values = _values(job)
        del values["id"]
        self.session.connection().execute(update(JOBS).where(BulkJobRow.id == job.id), values)

    def jobs(self, kind: str, actor_id: int | None, limit: int = 1000) -> list[BulkJob]:
        """Newest first; ``actor_id`` None: everyone's."""
        query = select(JOBS).where(BulkJobRow.kind == kind)
        if actor_id is not None:
            query = query.where(BulkJobRow.actor_id == actor_id)
        rows = self.session.execute(query.order_by(BulkJobRow.id.desc()).limit(limit)).all()
        return [_job(row) for row in rows]

    def delete(self, job: BulkJob) -> None:
        """The job, its outcomes and its import job with the import's failed rows."""
        connection = self.session.connection()
        connection.execute(delete(OUTCOMES).where(BulkOutcomeRow.job_id == job.id))
        connection.execute(delete(JOBS).where(BulkJobRow.id == job.id))
        if job.import_job_id is not None:
            connection.execute(delete(IMPORT_ERRORS).where(ImportErrorRow.job_id == job.import_job_id))
            connection.execute(delete(IMPORT_JOBS).where(ImportJobRow.id == job.import_job_id))

    def add_outcomes(self, job_id: int, outcomes: Sequence[Outcome]) -> None:
        if not outcomes:
            return
        text = ";".join(f"{row}:{record}:{int(created)}" for row, record, created in outcomes)
        self.session.connection().execute(insert(OUTCOMES), [
            {"id": new_id(), "job_id": job_id, "first_row": outcomes[0][0], "outcomes": text}])

    def outcomes(self, job_id: int, *, after_row: int = 0, blocks: int = 20) -> list[Outcome]:
        """The successful rows of up to ``blocks`` blocks whose first row is after ``after_row``, in
        row order."""
        rows = self.session.execute(
            select(BulkOutcomeRow.outcomes).where(BulkOutcomeRow.job_id == job_id,
                                                  BulkOutcomeRow.first_row > after_row)
            .order_by(BulkOutcomeRow.first_row).limit(blocks)).scalars()
        found: list[Outcome] = []
        for text in rows:
            for entry in text.split(";"):
                row, record, created = entry.split(":")
                found.append((int(row), int(record), created == "1"))
        return sorted(found)

    def records_with_value(self, field_id: int, values: Iterable[str], *, number: bool, record_type: RecordType,
                           readable_owner_ids: Iterable[int] | None) -> dict[str, list[int]]:
        """The records of ``record_type`` whose custom field ``field_id`` holds each value (text
        ignoring case, as Salesforce's external ids; a number by its value), keyed by the value as
        given lowered. Only the records a list would show the user: owned by ``readable_owner_ids``
        (None: any owner), merged tombstones left out; the others are not matched at all.

        Two statements: the values, then the records they name by primary key (a join let
        PostgreSQL scan the whole record table per block: bench/RESULTS.md, branch sfbulk)."""
        wanted = {value.strip().lower(): value for value in values if value.strip()}
        if not wanted:
            return {}
        table = VALUES
        matches: list[tuple[int, str]] = []
        if number:
            numbers = {}
            for key in wanted:
                try:
                    numbers[key] = float(key)
                except ValueError:
                    continue
            query = select(table.c.record_id, table.c.number_value).where(
                table.c.field_id == field_id, table.c.number_value.in_(list(numbers.values())))
            by_number = {value: key for key, value in numbers.items()}
            matches = [(record_id, by_number.get(float(value), "")) for record_id, value in self.session.execute(query)]
        else:
            query = select(table.c.record_id, func.lower(table.c.text_value)).where(
                table.c.field_id == field_id, func.lower(table.c.text_value).in_(list(wanted)))
            matches = [(record_id, value) for record_id, value in self.session.execute(query)]
        shown = self._shown(record_type, {record_id for record_id, _ in matches}, readable_owner_ids)
        found: dict[str, list[int]] = {}
        for record_id, value in matches:
            if record_id in shown:
                found.setdefault(value, []).append(record_id)
        return found

    def _shown(self, record_type: RecordType, ids: set[int], owner_ids: Iterable[int] | None) -> set[int]:
        """Those of ``ids`` that are live records of ``record_type`` owned by ``owner_ids`` (None:
        any). Read by primary key alone and filtered here: with the owners in the statement,
        PostgreSQL may walk every record of an owner testing each against the id list."""
        if not ids:
            return set()
        records = RECORD_TABLES[record_type]
        merged = records.c.merged_into_id if "merged_into_id" in records.c else null()
        query = select(records.c.id, records.c.owner_id, merged).where(records.c.id.in_(sorted(ids)))
        owners = None if owner_ids is None else set(owner_ids)
        return {record_id for record_id, owner_id, merged_into in self.session.execute(query)
                if merged_into is None and (owners is None or owner_id in owners)}
