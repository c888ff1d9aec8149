"""Bulk API 2.0 ingest jobs under ``/services/data/vNN.N/jobs/ingest`` (API 41.0 and later), as
Salesforce's documentation shapes them, on the use cases of ``services/salesforce/bulk.py``:

* ``POST jobs/ingest`` (object, operation insert|update|upsert|delete, externalIdFieldName,
  columnDelimiter, lineEnding, contentType CSV) -> the job, ``Open``;
* ``PUT jobs/ingest/{id}/batches``: the CSV, streamed to a file as it arrives -> 201;
* ``PATCH jobs/ingest/{id}`` ``{"state": "UploadComplete" | "Aborted"}``: closing starts the job's
  rows in a thread of this process (ADR 0049); ``GET`` of a job left ``UploadComplete`` or
  ``InProgress`` by a stopped process starts it again where its last block ended;
* ``GET jobs/ingest/{id}``, ``GET jobs/ingest``, ``DELETE jobs/ingest/{id}``;
* ``GET jobs/ingest/{id}/successfulResults/`` (``sf__Id``, ``sf__Created``, the row),
  ``failedResults/`` (``sf__Id``, ``sf__Error``, the row), ``unprocessedrecords/`` (the row).
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.response import Stream

from leadline.domain.errors import LeadlineError, MalformedIdError, ValidationError
from leadline.domain.salesforce.bulk import BulkJob, BulkState, InvalidJobStateError, job_request
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.salesforce.errors import SALESFORCE_CODES, SalesforceError
from leadline.salesforce.sobjects import json_response, parse_body
from leadline.salesforce.values import salesforce_time
from leadline.salesforce.versions import checked_version
from leadline.services.context import ServiceContext
from leadline.services.salesforce import bulk as bulk_jobs
from leadline.services.salesforce.bulk_blocks import CODE_SEPARATOR
from leadline.services.salesforce.bulk_results import RowResult, job_results

NOT_FOUND = "The requested resource does not exist"
#: Where uploaded job data is kept until its job is deleted.
DATA_DIR = Path(tempfile.gettempdir()) / "leadline-bulk"
#: Leadline codes a bulk row's failure shows as Salesforce's, besides the API's own table.
ROW_CODES = {"NOT_FOUND": "INVALID_CROSS_REFERENCE_KEY", "VALIDATION_FAILED": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
             "CONFLICT": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "DUPLICATE_EXTERNAL_ID": "DUPLICATE_EXTERNAL_ID",
             "DUPLICATE_VALUE": "DUPLICATE_VALUE"}

_running: set[int] = set()
_lock = threading.Lock()


def bulk_version(version: str) -> str:
    """Bulk API 2.0 is answered from API 41.0."""
    checked = checked_version(version)
    if int(checked[1:].split(".")[0]) < 41:
        raise SalesforceError(404, "NOT_FOUND", NOT_FOUND)
    return checked


def job_id_of(text: str) -> int:
    try:
        found = parse_salesforce_id(text, expected="Job")
    except MalformedIdError:
        raise SalesforceError(404, "NOT_FOUND", NOT_FOUND) from None
    return found.record_id


@contextmanager
def job_errors() -> Iterator[None]:
    """A refused job request as Salesforce's ``INVALIDJOB`` / ``INVALIDJOBSTATE`` 400s."""
    try:
        yield
    except InvalidJobStateError as error:
        raise SalesforceError(400, "INVALIDJOBSTATE", error.message) from None
    except ValidationError as error:
        raise SalesforceError(400, "INVALIDJOB", error.message, [error.field] if error.field else []) from None
    except LeadlineError as error:
        if error.code == "NOT_FOUND":
            raise SalesforceError(404, "NOT_FOUND", NOT_FOUND) from None
        if error.code == "CONFLICT":
            raise SalesforceError(400, "INVALIDJOBSTATE", error.message) from None
        raise


def job_info(job: BulkJob) -> dict[str, Any]:
    """A job as ``GET jobs/ingest/{id}`` (or ``jobs/query/{id}``) answers it."""
    job_id = salesforce_id("Job", job.id)
    body: dict[str, Any] = {
        "id": job_id, "operation": job.operation.value, "object": job.sobject,
        "createdById": salesforce_id("User", job.actor_id), "createdDate": salesforce_time(job.created_at),
        "systemModstamp": salesforce_time(job.updated_at), "state": job.state.value,
        "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": float(job.api_version[1:]),
        "lineEnding": job.line_ending, "columnDelimiter": job.column_delimiter,
    }
    if job.kind == "ingest":
        if job.external_id_field:
            body["externalIdFieldName"] = job.external_id_field
        body.update({"contentUrl": f"services/data/{job.api_version}/jobs/ingest/{job_id}/batches",
                     "jobType": "V2Ingest", "numberRecordsProcessed": job.records_processed,
                     "numberRecordsFailed": job.records_failed})
    else:
        body.update({"jobType": "V2Query", "numberRecordsProcessed": job.records_processed})
    body.update({"retries": 0, "totalProcessingTime": 0, "apiActiveProcessingTime": 0, "apexProcessingTime": 0})
    if job.error_message:
        body["errorMessage"] = job.error_message
    return body


def job_list(jobs: list[BulkJob]) -> dict[str, Any]:
    return {"done": True, "records": [job_info(job) for job in jobs], "nextRecordsUrl": None}


def start_job(ctx: ServiceContext, job: BulkJob) -> None:
    """Run the job's rows in a thread of this process, unless one already runs them."""
    with _lock:
        if job.id in _running:
            return
        _running.add(job.id)

    def run() -> None:
        try:
            bulk_jobs.run_ingest_job(ctx, job.id)
        except Exception:  # noqa: BLE001, S110 - recorded on the job (Failed, with its message)
            pass
        finally:
            with _lock:
                _running.discard(job.id)

    threading.Thread(target=run, name=f"bulk-{job.id}", daemon=True).start()


def _row_error(text: str) -> tuple[str, str]:
    code, _, message = text.partition(CODE_SEPARATOR)
    if not message:
        return "FIELD_CUSTOM_VALIDATION_EXCEPTION", text
    if message == "is required":
        return "REQUIRED_FIELD_MISSING", message
    if code in ROW_CODES:
        return ROW_CODES[code], message
    return SALESFORCE_CODES[code][1] if code in SALESFORCE_CODES else code, message


def results_csv(headers: list[str], rows: Iterator[RowResult], which: str,
                sobject: str) -> Iterator[bytes]:
    """The results as Salesforce writes them: CSV, every cell quoted, LF line endings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    first = {"successful": ["sf__Id", "sf__Created"], "failed": ["sf__Id", "sf__Error"]}.get(which, [])
    writer.writerow([*first, *headers])
    count = 0
    for row in rows:
        cells = list(row.cells) + [""] * (len(headers) - len(row.cells))
        if which == "successful":
            record = salesforce_id(sobject, row.record_id) if row.record_id is not None else ""
            writer.writerow([record, "true" if row.created else "false", *cells])
        elif which == "failed" and row.error is not None:
            code, message = _row_error(row.error.error)
            named = row.error.field if row.error.field not in ("", "row") else ""
            given_id = cells[headers.index("Id")] if "Id" in headers else ""
            writer.writerow([given_id, f"{code}:{message}:{named} --", *cells])
        else:
            writer.writerow(cells)
        count += 1
        if count % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


RESULTS = {"successfulresults": "successful", "failedresults": "failed", "unprocessedrecords": "unprocessed"}


class BulkIngestController(Controller):
    path = "/services/data/{version:str}/jobs/ingest"
    include_in_schema = False

    @post("/", sync_to_thread=True, status_code=200)
    def create(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Response[bytes]:
        checked = bulk_version(version)
        with job_errors():
            job = bulk_jobs.create_ingest_job(ctx, actor, job_request(parse_body(body), query=False), checked)
        return json_response(job_info(job))

    @get("/", sync_to_thread=True)
    def list(self, version: str, actor: int, ctx: ServiceContext) -> Response[bytes]:
        bulk_version(version)
        return json_response(job_list(bulk_jobs.list_bulk_jobs(ctx, actor)))

    @get("/{job:str}", sync_to_thread=True)
    def read(self, version: str, actor: int, ctx: ServiceContext, job: str) -> Response[bytes]:
        bulk_version(version)
        with job_errors():
            found = bulk_jobs.get_bulk_job(ctx, actor, job_id_of(job))
        if found.state in (BulkState.UPLOAD_COMPLETE, BulkState.IN_PROGRESS):
            start_job(ctx, found)  # a job a stopped process left carries on where it stopped
        return json_response(job_info(found))

    @patch("/{job:str}", sync_to_thread=True)
    def change_state(self, version: str, actor: int, ctx: ServiceContext, job: str, body: bytes) -> Response[bytes]:
        bulk_version(version)
        wanted = str(parse_body(body).get("state") or "")
        if wanted not in (BulkState.UPLOAD_COMPLETE.value, BulkState.ABORTED.value):
            raise SalesforceError(400, "INVALIDJOB", "InvalidJob : state must be UploadComplete or Aborted",
                                  ["state"])
        with job_errors():
            found = bulk_jobs.close_ingest_job(ctx, actor, job_id_of(job), BulkState(wanted))
        if found.state is BulkState.UPLOAD_COMPLETE:
            start_job(ctx, found)
        return json_response(job_info(found))

    @delete("/{job:str}", sync_to_thread=True, status_code=204)
    def remove(self, version: str, actor: int, ctx: ServiceContext, job: str) -> None:
        bulk_version(version)
        with job_errors():
            path = bulk_jobs.delete_bulk_job(ctx, actor, job_id_of(job))
        if path:
            Path(path).unlink(missing_ok=True)

    @put("/{job:str}/batches", status_code=201, request_max_body_size=None)  # bounded below, by the setting
    async def upload(self, request: Request[Any, Any, Any], state: State, version: str, actor: int,
                     ctx: ServiceContext, job: str) -> Response[None]:
        """The CSV body, streamed to a file (never held whole), then kept as the job's data."""
        bulk_version(version)
        job_id = job_id_of(job)
        limit = state.application.settings.import_max_bytes
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f"job-{job_id}-", suffix=".csv", dir=DATA_DIR)
        received = 0
        try:
            with os.fdopen(handle, "wb") as out:
                async for chunk in request.stream():
                    received += len(chunk)
                    if received > limit:
                        raise SalesforceError(413, "REQUEST_LIMIT_EXCEEDED", f"the data is larger than {limit} bytes")
                    out.write(chunk)
            if received == 0:
                raise SalesforceError(400, "INVALIDJOB", "InvalidJob : no data was sent")
            with job_errors():
                await _in_thread(bulk_jobs.upload_job_data, ctx, actor, job_id, Path(name))
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Response(None, status_code=201)

    @get("/{job:str}/{results:str}", sync_to_thread=True)
    def results(self, version: str, actor: int, ctx: ServiceContext, job: str, results: str) -> Stream:
        bulk_version(version)
        which = RESULTS.get(results.strip("/").lower())
        if which is None:
            raise SalesforceError(404, "NOT_FOUND", NOT_FOUND)
        with job_errors():
            found = bulk_jobs.get_bulk_job(ctx, actor, job_id_of(job))
            headers, rows = job_results(ctx, actor, found.id, which)
        return Stream(results_csv(headers, rows, which, found.sobject), media_type="text/csv")


async def _in_thread(function: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, function, *args)
