"""Bulk API 2.0 query jobs under ``/services/data/vNN.N/jobs/query``, on the SOQL compiler
(``run_query``: one statement a page, record-level security inside it, ADR 0042):

* ``POST jobs/query`` (operation query|queryAll, query) checks and counts the query, and answers
  the job ``JobComplete`` (its ``numberRecordsProcessed`` the count);
* ``GET jobs/query/{id}/results?maxRecords=&locator=``: one CSV page, every cell quoted, parent
  fields as ``Account.Name`` columns, with ``Sforce-NumberOfRecords`` and ``Sforce-Locator`` (the
  next page's locator, ``null`` on the last). Pages are keysets, so they never repeat or skip a
  record, and each runs again under the actor's visibility;
* ``GET jobs/query/{id}``, ``GET jobs/query``, ``PATCH`` (Aborted), ``DELETE``.

Like Salesforce's, a bulk query refuses child subqueries, aggregates and ``COUNT()``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Response, delete, get, patch, post

from leadline.domain.errors import MalformedIdError
from leadline.domain.salesforce.bulk import BulkState, job_request
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.domain.salesforce.soql.parser import parse_soql
from leadline.domain.salesforce.soql.syntax import SelectField
from leadline.salesforce.bulk import bulk_version, job_errors, job_id_of, job_info, job_list
from leadline.salesforce.errors import SalesforceError
from leadline.salesforce.query import json_value
from leadline.salesforce.sobjects import json_response, parse_body
from leadline.services.context import ServiceContext
from leadline.services.salesforce import bulk as bulk_jobs
from leadline.services.salesforce.query import run_query

MAX_RECORDS = 50_000


def _record_id(sobject: str, text: str) -> int | None:
    try:
        return parse_salesforce_id(text, expected=sobject).record_id
    except MalformedIdError:
        return None


def columns_of(soql: str) -> tuple[str, list[str]]:
    """The object and the CSV columns of a bulk query (``Account.Name`` for a parent's field);
    Salesforce's 400 for what Bulk API 2.0 does not run."""
    query = parse_soql(soql)
    fields = [item for item in query.select if isinstance(item, SelectField)]
    if query.count_only or len(fields) != len(query.select) or query.is_aggregate:
        raise SalesforceError(400, "API_ERROR", "Aggregate queries, COUNT() and child subqueries are not "
                                                "supported by Bulk API 2.0 query jobs")
    return query.object_name, [f.path.dotted for f in fields]


def _cell(record: dict[str, Any], dotted: str) -> str:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return ""
        value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(json_value(value))


def _page(ctx: ServiceContext, actor: int, job_id: int, locator: str | None, max_records: int,
          ) -> tuple[str, str | None, int]:
    job = bulk_jobs.get_bulk_job(ctx, actor, job_id, "query")
    if job.state is not BulkState.JOB_COMPLETE:
        raise SalesforceError(400, "INVALIDJOBSTATE", f"Job in state {job.state.value} has no results")
    _, names = columns_of(job.query or "")
    result = run_query(ctx, actor, job.query, locator or None, include_deleted=job.operation.value == "queryAll",
                       batch_size=max_records, encode_id=salesforce_id, decode_id=_record_id,
                       base_url=f"/services/data/{job.api_version}")
    buffer = io.StringIO()
    ending = "\r\n" if job.line_ending == "CRLF" else "\n"
    writer = csv.writer(buffer, delimiter=job.delimiter, quoting=csv.QUOTE_ALL, lineterminator=ending)
    writer.writerow(names)
    for record in result.records:
        writer.writerow([_cell(record, name) for name in names])
    return buffer.getvalue(), result.next_token, len(result.records)


class BulkQueryController(Controller):
    path = "/services/data/{version:str}/jobs/query"
    include_in_schema = False

    @post("/", sync_to_thread=True, status_code=200)
    def create(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Response[bytes]:
        checked = bulk_version(version)
        with job_errors():
            request = job_request(parse_body(body), query=True)
        sobject, _ = columns_of(request["query"] or "")
        counted = run_query(ctx, actor, request["query"], include_deleted=request["operation"] == "queryAll",
                            batch_size=1, encode_id=salesforce_id, decode_id=_record_id)
        job = bulk_jobs.create_query_job(ctx, actor, request, checked, counted.total_size, sobject)
        return json_response(job_info(job))

    @get("/", sync_to_thread=True)
    def list(self, version: str, actor: int, ctx: ServiceContext) -> Response[bytes]:
        bulk_version(version)
        return json_response(job_list(bulk_jobs.list_bulk_jobs(ctx, actor, "query")))

    @get("/{job:str}", sync_to_thread=True)
    def read(self, version: str, actor: int, ctx: ServiceContext, job: str) -> Response[bytes]:
        bulk_version(version)
        with job_errors():
            return json_response(job_info(bulk_jobs.get_bulk_job(ctx, actor, job_id_of(job), "query")))

    @patch("/{job:str}", sync_to_thread=True)
    def change_state(self, version: str, actor: int, ctx: ServiceContext, job: str, body: bytes) -> Response[bytes]:
        bulk_version(version)
        if parse_body(body).get("state") != BulkState.ABORTED.value:
            raise SalesforceError(400, "INVALIDJOB", "InvalidJob : a query job may only be Aborted", ["state"])
        with job_errors():
            found = bulk_jobs.get_bulk_job(ctx, actor, job_id_of(job), "query")
        raise SalesforceError(400, "INVALIDJOBSTATE", f"Job in state {found.state.value} cannot be aborted")

    @delete("/{job:str}", sync_to_thread=True, status_code=204)
    def remove(self, version: str, actor: int, ctx: ServiceContext, job: str) -> None:
        bulk_version(version)
        with job_errors():
            bulk_jobs.delete_bulk_job(ctx, actor, job_id_of(job), "query")

    @get("/{job:str}/results", sync_to_thread=True)
    def results(self, version: str, actor: int, ctx: ServiceContext, job: str, maxRecords: int | None = None,  # noqa: N803
                locator: str | None = None) -> Response[bytes]:
        bulk_version(version)
        size = min(max(maxRecords or MAX_RECORDS, 1), MAX_RECORDS)
        with job_errors():
            text, following, count = _page(ctx, actor, job_id_of(job), locator if locator != "null" else None, size)
        return Response(text.encode(), status_code=200, media_type="text/csv",
                        headers={"Sforce-Locator": following or "null", "Sforce-NumberOfRecords": str(count)})
