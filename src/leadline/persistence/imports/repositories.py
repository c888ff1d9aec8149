"""The import repository: jobs, their failed rows and saved mappings. It never commits."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from leadline.domain.errors import ConflictError
from leadline.domain.ids import new_id, new_ids
from leadline.domain.imports.duplicates import RowMatch
from leadline.domain.imports.job import DuplicatePolicy, ImportCounts, ImportJob, ImportOptions, JobStatus, RowError
from leadline.domain.imports.mapping import SavedMapping
from leadline.persistence.bulk_rows import insert_columns
from leadline.persistence.imports.rows import ImportErrorRow, ImportJobRow, ImportMappingRow, ImportMatchRow

_COUNTS = ("read", "imported", "updated", "skipped", "failed")


def _progress(job: ImportJob) -> dict[str, Any]:
    return {"status": job.status, "rows_done": job.rows_done, "updated_at": job.updated_at,
            "finished_at": job.finished_at, "message": job.message,
            **{f"{name}_count": getattr(job.counts, name) for name in _COUNTS}}


def _row_values(job: ImportJob) -> dict[str, Any]:
    options = asdict(job.options)
    return {"id": job.id, "record_type": job.record_type, "file_name": job.file_name, "checksum": job.checksum,
            "headers": json.dumps(list(job.headers)), "mapping_name": job.mapping_name,
            "columns": json.dumps(job.columns), "ignored": json.dumps(list(job.ignored)),
            "options": json.dumps(options), "actor_id": job.actor_id, "created_at": job.created_at,
            **_progress(job)}


def _job(row: Any) -> ImportJob:
    options = json.loads(row.options)
    options["on_duplicate"] = DuplicatePolicy(options["on_duplicate"])
    return ImportJob(
        id=row.id, record_type=row.record_type, file_name=row.file_name, checksum=row.checksum,
        headers=tuple(json.loads(row.headers)), mapping_name=row.mapping_name, columns=json.loads(row.columns),
        ignored=tuple(json.loads(row.ignored)), options=ImportOptions(**options), actor_id=row.actor_id,
        created_at=row.created_at, updated_at=row.updated_at, status=row.status,
        counts=ImportCounts(*(getattr(row, f"{name}_count") for name in _COUNTS)), rows_done=row.rows_done,
        finished_at=row.finished_at, message=row.message)


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_job(self, job: ImportJob) -> None:
        self.session.connection().execute(insert(ImportJobRow.__table__), [_row_values(job)])

    def get_job(self, job_id: int) -> ImportJob | None:
        row = self.session.execute(select(ImportJobRow.__table__).where(ImportJobRow.id == job_id)).first()
        return _job(row) if row else None

    def recent_jobs(self, actor_id: int | None, limit: int) -> list[ImportJob]:
        """The newest ``limit`` jobs, newest first: of ``actor_id``, or everyone's when None."""
        table = ImportJobRow.__table__
        query = select(table).order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit)
        if actor_id is not None:
            query = query.where(table.c.actor_id == actor_id)
        return [_job(row) for row in self.session.execute(query)]

    def resumable_job(self, checksum: str, actor_id: int, record_type: str) -> ImportJob | None:
        table = ImportJobRow.__table__
        rows = self.session.execute(select(table).where(
            table.c.checksum == checksum, table.c.actor_id == actor_id, table.c.record_type == record_type,
            table.c.status != JobStatus.COMPLETED.value).order_by(table.c.created_at.desc(), table.c.id.desc()))
        return next((job for job in map(_job, rows) if job.can_resume(checksum, actor_id)), None)

    def save_progress(self, job: ImportJob, rows_done_before: int) -> None:
        table = ImportJobRow.__table__
        result = self.session.connection().execute(
            update(table).where(table.c.id == job.id, table.c.rows_done == rows_done_before)
            .values(**_progress(job)))
        if result.rowcount != 1:
            raise ConflictError(f"import {job.id} was moved on by another run", field="import")

    def add_errors(self, job_id: int, errors: Sequence[RowError]) -> None:
        if errors:
            insert_columns(self.session, ImportErrorRow.__table__, {
                "id": new_ids(len(errors)), "job_id": [job_id] * len(errors),
                "row_number": [e.row for e in errors], "field": [e.field[:120] for e in errors],
                "error": [e.error for e in errors], "cells": [json.dumps(list(e.cells)) for e in errors]})

    def errors_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowError]:
        t = ImportErrorRow.__table__
        after = (t.c.job_id == job_id, t.c.row_number > after_row)
        numbers = select(t.c.row_number).where(*after).distinct().order_by(t.c.row_number).limit(limit).subquery()
        last = self.session.execute(select(func.max(numbers.c.row_number))).scalar()
        if last is None:
            return []
        rows = self.session.execute(select(t.c.row_number, t.c.field, t.c.error, t.c.cells).where(
            *after, t.c.row_number <= last).order_by(t.c.row_number, t.c.id))
        return [RowError(row, field, error, tuple(json.loads(cells))) for row, field, error, cells in rows]

    def add_matches(self, job_id: int, matches: Sequence[RowMatch]) -> None:
        if matches:
            insert_columns(self.session, ImportMatchRow.__table__, {
                "id": new_ids(len(matches)), "job_id": [job_id] * len(matches),
                "row_number": [m.row for m in matches], "record_id": [m.record_id for m in matches],
                "rules": [",".join(m.rules)[:255] for m in matches], "score": [m.score for m in matches],
                "outcome": [m.outcome for m in matches], "in_file": [m.in_file for m in matches]})

    def matches_of(self, job_id: int, *, after_row: int = 0, limit: int = 1000) -> list[RowMatch]:
        t = ImportMatchRow.__table__
        rows = self.session.execute(select(t.c.row_number, t.c.record_id, t.c.rules, t.c.score, t.c.outcome,
                                           t.c.in_file).where(t.c.job_id == job_id, t.c.row_number > after_row)
                                    .order_by(t.c.row_number).limit(limit))
        return [RowMatch(row, record_id, tuple(rules.split(",")) if rules else (), score, outcome, bool(in_file))
                for row, record_id, rules, score, outcome, in_file in rows]

    def save_mapping(self, mapping: SavedMapping, at: datetime) -> None:
        table = ImportMappingRow.__table__
        values = {"record_type": mapping.record_type, "columns": json.dumps(dict(mapping.columns)),
                  "value_maps": json.dumps(mapping.values) if mapping.values else None}
        stored = self.session.execute(select(table.c.id).where(table.c.name == mapping.name)).scalar()
        if stored is None:
            self.session.connection().execute(insert(table), [{
                "id": new_id(), "name": mapping.name, "created_at": at, **values}])
        else:
            self.session.execute(update(table).where(table.c.id == stored).values(**values))

    def mapping(self, name: str) -> SavedMapping | None:
        table = ImportMappingRow.__table__
        row = self.session.execute(select(*_MAPPING_COLUMNS).where(table.c.name == name)).first()
        return None if row is None else _saved(row)

    def mappings(self) -> list[SavedMapping]:
        table = ImportMappingRow.__table__
        return [_saved(row) for row in self.session.execute(select(*_MAPPING_COLUMNS).order_by(table.c.name))]


_MAPPING_COLUMNS = (ImportMappingRow.__table__.c.name, ImportMappingRow.__table__.c.record_type,
                    ImportMappingRow.__table__.c.columns, ImportMappingRow.__table__.c.value_maps)


def _saved(row: Any) -> SavedMapping:
    return SavedMapping(row.name, row.record_type, dict(json.loads(row.columns)),
                        json.loads(row.value_maps) if row.value_maps else {})
