"""Ports of imports: jobs with their progress and failed rows, saved mappings, and the stored
leads a block's rows may duplicate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from leadline.domain.imports.job import ImportJob, RowError


class ImportRepository(Protocol):
    def add_job(self, job: ImportJob) -> None: ...

    def get_job(self, job_id: int) -> ImportJob | None: ...

    def resumable_job(self, checksum: str, actor_id: int, record_type: str) -> ImportJob | None:
        """The newest unfinished real import of the file with ``checksum`` by ``actor_id``."""
        ...

    def save_progress(self, job: ImportJob, rows_done_before: int) -> None:
        """Write the job's status, counts and rows done, if nobody moved it past
        ``rows_done_before`` meanwhile (``CONFLICT`` then: two runs of one job)."""
        ...

    def add_errors(self, job_id: int, errors: Sequence[RowError]) -> None: ...

    def errors_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowError]:
        """Failed rows in file order, a page at a time (rows after ``after_row``)."""
        ...

    def save_mapping(self, name: str, record_type: str, columns: Mapping[str, str], at: datetime) -> None: ...

    def mapping(self, name: str) -> dict[str, str] | None: ...

    def mappings(self) -> dict[str, dict[str, str]]: ...
