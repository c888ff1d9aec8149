"""The lead import on the fake unit of work: the fakes honour the import port as the SQL
repositories do (the same scenarios run on SQLite and PostgreSQL in tests/integration)."""

from __future__ import annotations

import csv
from pathlib import Path

from leadline.domain.imports.job import DuplicatePolicy, ImportOptions, JobStatus
from leadline.services.context import ServiceContext
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file


def test_given_a_file_with_a_duplicate_and_a_bad_row_when_imported_then_the_counts_add_up_on_the_fakes(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "leads.csv"
    with path.open("w", newline="") as file:
        csv.writer(file).writerows([["LastName", "Company", "Email"], ["A", "Acme", "a@acme.example"],
                                    ["B", "Acme", "A@acme.example"], ["", "", "c@acme.example"],
                                    ["D", "Acme", "d@acme.example"]])
    job = imports.import_leads(ctx, admin_id, inspect_file(path),
                               options=ImportOptions(block_size=2, on_duplicate=DuplicatePolicy.UPDATE))
    assert job.status is JobStatus.COMPLETED
    assert (job.counts.read, job.counts.imported, job.counts.updated, job.counts.failed) == (4, 2, 1, 1)
    # both blank required cells are reported (the first gets a stand-in while the row is checked again)
    assert [row[-3:] for row in imports.import_error_rows(ctx, admin_id, job.id)][1] == [
        "4", "last_name; company", "last_name: is required; company: is required"]
