"""Bulk API 2.0 ingest jobs at the use-case level, on SQLite and PostgreSQL: a job whose process
stopped after a block carries on from its last committed block (every row exactly once), and the
contacts of a job name their account by its Salesforce id."""

from __future__ import annotations

import csv
from pathlib import Path

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.salesforce.bulk import BulkState, job_request
from leadline.domain.salesforce.ids import salesforce_id
from leadline.services.context import ServiceContext
from leadline.services.imports.duplicates import RuleDuplicates
from leadline.services.imports.files import inspect_file
from leadline.services.imports.jobs import file_blocks
from leadline.services.records import create_account
from leadline.services.salesforce import bulk
from leadline.services.salesforce.bulk_results import job_results
from leadline.services.salesforce.query import run_query


def closed_job(ctx: ServiceContext, actor: int, path: Path, sobject: str, rows: list[list[str]]) -> int:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
    request = job_request({"object": sobject, "operation": "insert"}, query=False)
    job = bulk.create_ingest_job(ctx, actor, request, "v59.0")
    bulk.upload_job_data(ctx, actor, job.id, path)
    assert bulk.close_ingest_job(ctx, actor, job.id, BulkState.UPLOAD_COMPLETE).state is BulkState.UPLOAD_COMPLETE
    return job.id


def test_a_job_stopped_after_a_block_resumes_after_it_writing_each_row_once(
        ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    rows = [["LastName", "Company"], *([f"Resumed {n:04d}", "Resume Co"] for n in range(2_500))]
    job_id = closed_job(ctx, admin_id, tmp_path / "leads.csv", "Lead", rows)
    job = bulk.get_bulk_job(ctx, admin_id, job_id)
    with ctx.reader() as uow:
        imported = uow.imports.get_job(job.import_job_id or 0)
        assert imported is not None
        columns = bulk._columns(ctx, uow, job, list(imported.headers))
    first = next(file_blocks(inspect_file(Path(job.data_path or "")), 0, imported.options.block_size))
    bulk._run_block(ctx, job, imported, columns, RuleDuplicates(RecordType.LEAD), {}, first)  # then the process died
    assert bulk.get_bulk_job(ctx, admin_id, job_id).records_processed == 1_000
    done = bulk.run_ingest_job(ctx, job_id)  # started again (a poll of the job does this)
    assert (done.state, done.records_processed, done.records_failed) == (BulkState.JOB_COMPLETE, 2_500, 0)
    soql = "SELECT LastName FROM Lead WHERE Company = 'Resume Co' ORDER BY LastName DESC"
    found = run_query(ctx, admin_id, soql)
    assert found.total_size == 2_500  # no row of the first block written twice
    assert [r["LastName"] for r in found.records[:2]] == ["Resumed 2499", "Resumed 2498"]
    _, results = job_results(ctx, admin_id, job_id, "successful")
    assert [r.row for r in results] == list(range(2, 2_502))


def test_a_contact_job_names_each_account_by_its_salesforce_id(ctx: ServiceContext, admin_id: int,
                                                               tmp_path: Path) -> None:
    account = create_account(ctx, admin_id, {"name": "Acme"})
    rows = [["LastName", "AccountId"], ["Lee", salesforce_id("Account", account.id)], ["Nobody", "001bad"]]
    job_id = closed_job(ctx, admin_id, tmp_path / "contacts.csv", "Contact", rows)
    done = bulk.run_ingest_job(ctx, job_id)
    assert (done.records_processed, done.records_failed) == (2, 1)
    _, results = job_results(ctx, admin_id, job_id, "successful")
    made = list(results)
    assert [r.cells for r in made] == [["Lee", salesforce_id("Account", account.id)]] and made[0].created
