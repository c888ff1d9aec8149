"""The results of a Bulk API 2.0 ingest job, row by row in file order: the rows it wrote
(with the record and whether it was created), the rows that failed (with the error), and the rows
it never reached. Each row's cells are read again from the job's kept CSV; each page of outcomes
or failures is read in its own read-only unit of work, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from leadline.domain.imports.job import RowError
from leadline.domain.salesforce.bulk import BulkState
from leadline.services.context import ServiceContext
from leadline.services.imports.files import inspect_file, read_rows
from leadline.services.salesforce.bulk import get_bulk_job


@dataclass(frozen=True)
class RowResult:
    """One row of a job's results: its number in the file, its cells, the record it wrote (or the
    id it named) and whether it created it; or, for a failure, the error's code, field and message."""

    row: int
    cells: list[str]
    record_id: int | None = None
    created: bool = False
    error: RowError | None = None


def job_results(ctx: ServiceContext, actor_id: int, job_id: int, which: str) -> tuple[list[str], Iterator[RowResult]]:
    """The file's header and, lazily, the rows of ``successful``, ``failed`` or ``unprocessed``
    results in file order, each page read in its own read-only unit of work."""
    job = get_bulk_job(ctx, actor_id, job_id)
    with ctx.reader() as uow:
        imported = uow.imports.get_job(job.import_job_id) if job.import_job_id is not None else None
    if job.data_path is None or not Path(job.data_path).exists():
        return [], iter(())
    source = inspect_file(Path(job.data_path), encoding="utf-8", delimiter=job.delimiter)
    rows = read_rows(source)
    headers = next(rows, [])
    numbered = ((number, cells) for number, cells in enumerate(rows, start=2))
    if which == "unprocessed":
        done = imported.rows_done if imported is not None else 0
        unprocessed = job.state is not BulkState.JOB_COMPLETE
        return headers, (RowResult(n, c) for n, c in numbered if unprocessed and n - 1 > done)
    if imported is None:
        return headers, iter(())
    if which == "failed":
        return headers, _failed(ctx, imported.id, numbered)
    return headers, _successful(ctx, job.id, numbered)


def _successful(ctx: ServiceContext, job_id: int, numbered: Iterator[tuple[int, list[str]]]) -> Iterator[RowResult]:
    after = 0
    while True:
        with ctx.reader() as uow:
            page = uow.salesforce_bulk.outcomes(job_id, after_row=after)
        if not page:
            return
        wanted = {row: (record, created) for row, record, created in page}
        last = page[-1][0]
        for number, cells in numbered:
            if number in wanted:
                record, created = wanted[number]
                yield RowResult(number, cells, record, created)
            if number >= last:
                break
        after = last


def _failed(ctx: ServiceContext, import_id: int, numbered: Iterator[tuple[int, list[str]]]) -> Iterator[RowResult]:
    after = 0
    while True:
        with ctx.reader() as uow:
            page = uow.imports.errors_of(import_id, after_row=after, limit=1000)
        if not page:
            return
        wanted = {error.row: error for error in page}
        last = page[-1].row
        for number, cells in numbered:
            if number in wanted:
                yield RowResult(number, cells, error=wanted[number])
            if number >= last:
                break
        after = last

