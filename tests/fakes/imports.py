"""In-memory import jobs, their failed rows and saved mappings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from leadline.domain.errors import ConflictError
from leadline.domain.imports.duplicates import RowMatch
from leadline.domain.imports.job import ImportJob, JobStatus, RowError
from leadline.domain.imports.mapping import SavedMapping
from tests.fakes.tables import Tables, copied


class ImportRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add_job(self, job: ImportJob) -> None:
        self.tables.import_jobs[job.id] = copied(job)

    def get_job(self, job_id: int) -> ImportJob | None:
        job: ImportJob | None = copied(self.tables.import_jobs.get(job_id))
        return job

    def recent_jobs(self, actor_id: int | None, limit: int) -> list[ImportJob]:
        jobs = [j for j in self.tables.import_jobs.values() if actor_id is None or j.actor_id == actor_id]
        return [copied(j) for j in sorted(jobs, key=lambda j: (j.created_at, j.id), reverse=True)[:limit]]

    def resumable_job(self, checksum: str, actor_id: int, record_type: str) -> ImportJob | None:
        jobs = [j for j in self.tables.import_jobs.values() if j.record_type == record_type
                and j.status is not JobStatus.COMPLETED and j.can_resume(checksum, actor_id)]
        newest = max(jobs, key=lambda j: (j.created_at, j.id), default=None)
        return copied(newest)

    def save_progress(self, job: ImportJob, rows_done_before: int) -> None:
        stored = self.tables.import_jobs.get(job.id)
        if stored is None or stored.rows_done != rows_done_before:
            raise ConflictError(f"import {job.id} was moved on by another run", field="import")
        self.tables.import_jobs[job.id] = copied(job)

    def add_errors(self, job_id: int, errors: Sequence[RowError]) -> None:
        self.tables.import_errors.setdefault(job_id, []).extend(copied(list(errors)))

    def errors_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowError]:
        found = sorted((e for e in self.tables.import_errors.get(job_id, []) if e.row > after_row),
                       key=lambda e: e.row)
        rows = sorted({e.row for e in found})[:limit]
        return copied([e for e in found if rows and e.row <= rows[-1]])

    def add_matches(self, job_id: int, matches: Sequence[RowMatch]) -> None:
        self.tables.import_matches.setdefault(job_id, []).extend(copied(list(matches)))

    def matches_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowMatch]:
        found = sorted((m for m in self.tables.import_matches.get(job_id, []) if m.row > after_row),
                       key=lambda m: m.row)
        return copied(found[:limit])


    def save_mapping(self, mapping: SavedMapping, at: datetime) -> None:
        self.tables.import_mappings[mapping.name] = copied(mapping)

    def mapping(self, name: str) -> SavedMapping | None:
        found: SavedMapping | None = copied(self.tables.import_mappings.get(name))
        return found

    def mappings(self) -> list[SavedMapping]:
        return [copied(m) for _, m in sorted(self.tables.import_mappings.items())]
