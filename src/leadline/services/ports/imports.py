"""Ports of imports: jobs with their progress and failed rows, saved mappings, and the stored
leads a block's rows may duplicate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from leadline.domain.imports.duplicates import RowMatch
from leadline.domain.imports.job import ImportJob, RowError
from leadline.domain.imports.mapping import SavedMapping


class ImportRepository(Protocol):
    def add_job(self, job: ImportJob) -> None: ...

    def get_job(self, job_id: int) -> ImportJob | None: ...

    def recent_jobs(self, actor_id: int | None, limit: int) -> list[ImportJob]:
        """The newest ``limit`` jobs, newest first: of ``actor_id``, or everyone's when None."""
        ...

    def resumable_job(self, checksum: str, actor_id: int, record_type: str) -> ImportJob | None:
        """The newest unfinished real import of the file with ``checksum`` by ``actor_id``."""
        ...

    def save_progress(self, job: ImportJob, rows_done_before: int) -> None:
        """Write the job's status, counts and rows done, if nobody moved it past
        ``rows_done_before`` meanwhile (``CONFLICT`` then: two runs of one job)."""
        ...

    def add_errors(self, job_id: int, errors: Sequence[RowError]) -> None: ...

    def errors_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowError]:
        """Errors of failed rows in file order (a row's in the order they were found), a page of
        up to ``limit`` rows at a time (rows after ``after_row``): a row's errors are never split
        between pages."""
        ...

    def add_matches(self, job_id: int, matches: Sequence[RowMatch]) -> None: ...

    def matches_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowMatch]:
        """Skipped and updated rows with the record each matched, in file order, a page at a time."""
        ...

    def save_mapping(self, mapping: SavedMapping, at: datetime) -> None:
        """Save ``mapping`` by its name, replacing the one of that name (its kind, columns and values)."""
        ...

    def mapping(self, name: str) -> SavedMapping | None: ...

    def mappings(self) -> list[SavedMapping]:
        """Every saved mapping, by name."""
        ...
