"""Port of the Bulk API 2.0 jobs (docs/adr/0049-bulk-api-jobs-on-the-streaming-importer.md).
Faked nowhere: tested on both databases through the real client (tests/e2e/test_salesforce_bulk.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.salesforce.bulk import BulkJob

Outcome = tuple[int, int, bool]  # (row of the file, record id, created)


class BulkJobRepository(Protocol):
    def add(self, job: BulkJob) -> None: ...

    def get(self, job_id: int) -> BulkJob | None: ...

    def save(self, job: BulkJob) -> None: ...

    def jobs(self, kind: str, actor_id: int | None, limit: int = 1000) -> list[BulkJob]:
        """Newest first; ``actor_id`` None: everyone's."""
        ...

    def delete(self, job: BulkJob) -> None:
        """The job, its outcomes, and its import job with the import's failed rows."""
        ...

    def add_outcomes(self, job_id: int, outcomes: Sequence[Outcome]) -> None:
        """One block's successful rows, in row order."""
        ...

    def outcomes(self, job_id: int, *, after_row: int = 0, blocks: int = 20) -> list[Outcome]: ...

    def records_with_value(self, field_id: int, values: Iterable[str], *, number: bool, record_type: RecordType,
                           readable_owner_ids: Iterable[int] | None) -> dict[str, list[int]]:
        """Record ids by external-id value (lowered) for the custom field ``field_id``, of the
        records of ``record_type`` owned by ``readable_owner_ids`` (None: any) that lists show."""
        ...
