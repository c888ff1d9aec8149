"""/api/v1/imports: ``POST /imports/leads`` (a multipart upload, streamed to a temporary file; the
job then runs in a background thread and the answer is 202 with the job), ``GET /imports`` (the
newest jobs), ``GET /imports/{id}`` (poll it), ``GET /imports/{id}/errors`` (the error report in the
file's own format, streamed) and ``GET /imports/{id}/matches`` (the skipped and updated rows with the
record each matched)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter
from litestar.response import Stream

from leadline.api.imports.schemas import ImportListed, ImportPublic, import_listed, import_public
from leadline.api.imports.uploads import Upload, receive_upload
from leadline.api.routes import PROBLEMS, RecordId, api_get
from leadline.domain.errors import ValidationError
from leadline.domain.imports.job import ImportOptions, parse_policy
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs as import_jobs
from leadline.services.imports import listing as import_listing
from leadline.services.imports import reports as import_reports
from leadline.services.imports.files import SourceFile, inspect_file

ReportFormatParam = Annotated[str | None, Parameter(pattern=r"^(csv|xlsx)$",
                                                   description="csv or xlsx (default: the imported file's).")]
ListLimit = Annotated[int, Parameter(ge=1, le=200, description="How many, newest first.")]

_UPLOAD_FIELDS = {
    "file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description="The .csv or .xlsx file."),
    "mapping": Schema(type=OpenAPIType.STRING, description="A built-in or saved column mapping by name."),
    "on_duplicate": Schema(type=OpenAPIType.STRING, enum=["skip", "update", "create"]),
    "dry_run": Schema(type=OpenAPIType.STRING, enum=["true", "false"], description="Validate; write no lead."),
    "delimiter": Schema(type=OpenAPIType.STRING, description="CSV delimiter (default: detected)."),
    "encoding": Schema(type=OpenAPIType.STRING, description="CSV encoding (default: detected)."),
    "date_format": Schema(type=OpenAPIType.STRING, description="Dates besides YYYY-MM-DD, e.g. %d/%m/%Y."),
    "campaign": Schema(type=OpenAPIType.STRING, description="A campaign (name or id) every imported lead joins."),
}


@dataclass
class UploadOperation(Operation):
    """The upload's body, read by the handler itself (streamed), as the document shows it."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(required=True, content={"multipart/form-data": OpenAPIMediaType(
            schema=Schema(type=OpenAPIType.OBJECT, properties=_UPLOAD_FIELDS, required=["file"]))})


class ImportController(Controller):
    path = "/imports"
    tags = ["imports"]

    @post("/leads", status_code=202, responses=PROBLEMS, request_max_body_size=None,
          operation_class=UploadOperation, summary="Import leads from a CSV or .xlsx file")
    async def import_leads(self, request: Request[Any, Any, Any], ctx: ServiceContext,
                           actor: int) -> Response[ImportPublic]:
        """``multipart/form-data`` with the file in ``file`` and, optionally, ``mapping``,
        ``on_duplicate`` (skip|update|create), ``dry_run`` (true|false), ``delimiter``, ``encoding``,
        ``campaign`` (a name or id: every imported lead becomes its member).
        Answers 202 with the job at once; poll ``GET /imports/{id}`` until it is completed or
        failed. The same file sent again by the same user resumes its unfinished job."""
        return await _upload(request, ctx, actor, "lead")

    @post("/accounts", status_code=202, responses=PROBLEMS, request_max_body_size=None,
          operation_class=UploadOperation, summary="Import accounts from a CSV or .xlsx file")
    async def import_accounts(self, request: Request[Any, Any, Any], ctx: ServiceContext,
                              actor: int) -> Response[ImportPublic]:
        """As ``POST /imports/leads`` (no ``campaign``), by the create-account rules."""
        return await _upload(request, ctx, actor, "account")

    @post("/contacts", status_code=202, responses=PROBLEMS, request_max_body_size=None,
          operation_class=UploadOperation, summary="Import contacts from a CSV or .xlsx file")
    async def import_contacts(self, request: Request[Any, Any, Any], ctx: ServiceContext,
                              actor: int) -> Response[ImportPublic]:
        """As ``POST /imports/leads`` (no ``campaign``); a row names its account by id or name."""
        return await _upload(request, ctx, actor, "contact")

    @post("/opportunities", status_code=202, responses=PROBLEMS, request_max_body_size=None,
          operation_class=UploadOperation, summary="Import opportunities from a CSV or .xlsx file")
    async def import_opportunities(self, request: Request[Any, Any, Any], ctx: ServiceContext,
                                   actor: int) -> Response[ImportPublic]:
        """As ``POST /imports/leads`` (no ``campaign``); a row names its account by id or name."""
        return await _upload(request, ctx, actor, "opportunity")

    @api_get("/", summary="List import jobs, newest first")
    def list_imports(self, ctx: ServiceContext, actor: int, limit: ListLimit = 50) -> list[ImportListed]:
        """The newest import jobs: the caller's own (an admin's: everyone's), each with ``actor``
        (who ran it). An ``interrupted`` or failed one says in ``resume`` how to carry on: the same
        file sent again by the same user resumes after its last committed row."""
        return [import_listed(item) for item in import_listing.list_imports(ctx, actor, limit=limit)]

    @api_get("/{import_id:int}", summary="Show an import job")
    def get_import(self, ctx: ServiceContext, actor: int, import_id: RecordId) -> ImportPublic:
        return import_public(import_jobs.get_import(ctx, actor, import_id), ctx.now())

    @api_get("/{import_id:int}/errors", summary="The rows an import could not take, in the file's format")
    def import_errors(self, ctx: ServiceContext, actor: int, import_id: RecordId,
                      format: ReportFormatParam = None, each: bool = False) -> Stream:  # noqa: A002
        """The error report in the format of the file imported (.xlsx, or CSV in its delimiter
        and encoding) unless ``format`` asks for ``csv`` or ``xlsx``: the file's columns plus
        ``_row``, ``_field`` and ``_error``, a line per failed row; fixed, it imports again as it
        is. ``each=true``: every error on its own line (``row``, ``field``, ``value``, ``message``)."""
        report = import_reports.error_list if each else import_reports.error_report
        shape, chunks = report(ctx, actor, import_id, format)  # NOT_FOUND before a byte
        return Stream(chunks, media_type=shape.media_type, headers=shape.download_headers(import_id))

    @api_get("/{import_id:int}/matches", summary="The rows an import skipped or updated, with the records matched")
    def import_matches(self, ctx: ServiceContext, actor: int, import_id: RecordId) -> Stream:
        """A CSV, a line per skipped or updated row: ``row``, ``outcome``, ``record_id``
        (empty for a record the importer may not read), ``matched`` (``stored``, or ``this
        import``: as an earlier row left it), ``rules`` and ``score``."""
        shape, chunks = import_reports.match_report(ctx, actor, import_id)  # NOT_FOUND before a byte
        return Stream(chunks, media_type=shape.media_type, headers=shape.download_headers(import_id))


async def _upload(request: Request[Any, Any, Any], ctx: ServiceContext, actor: int,
                  kind: str) -> Response[ImportPublic]:
    """Stream the upload to a temporary file, start the job, run it in its own thread: 202."""
    limit = request.app.state.application.settings.import_max_bytes
    upload = await receive_upload(request.headers.get("content-type", ""), request.stream(), file_field="file",
                                  max_bytes=limit)
    try:
        source, job = await asyncio.get_running_loop().run_in_executor(None, _start, ctx, actor, upload, kind)
    except BaseException:
        assert upload.path is not None
        upload.path.unlink(missing_ok=True)
        raise
    threading.Thread(target=_run, args=(ctx, job.id, source), name=f"import-{job.id}", daemon=True).start()
    body = msgspec.json.encode(import_public(job, ctx.now()))
    return Response(body, status_code=202, media_type="application/json",
                    headers={"Location": f"/api/v1/imports/{job.id}"})


def _start(ctx: ServiceContext, actor: int, upload: Upload, kind: str) -> tuple[SourceFile, Any]:
    fields = upload.fields
    assert upload.path is not None
    options = ImportOptions(on_duplicate=parse_policy(fields.get("on_duplicate") or "skip"),
                            dry_run=_flag(fields.get("dry_run", "")), delimiter=fields.get("delimiter") or None,
                            encoding=fields.get("encoding") or None, date_format=fields.get("date_format") or None)
    source = inspect_file(upload.path, upload.file_name, encoding=options.encoding, delimiter=options.delimiter)
    job = import_jobs.start_import(ctx, actor, kind, source, mapping_name=fields.get("mapping") or None,
                                   options=options, campaign=fields.get("campaign") or None)
    return source, job


def _flag(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("", "true", "false", "1", "0"):
        raise ValidationError(f"{text!r} is not true or false", field="dry_run")
    return value in ("true", "1")


def _run(ctx: ServiceContext, job_id: int, source: SourceFile) -> None:
    """The job, in its own thread; its outcome (completed, or failed with the reason) is on the job."""
    try:
        import_jobs.run_import(ctx, job_id, source)
    except Exception:  # noqa: BLE001, S110 - recorded on the job by run_lead_import
        pass
    finally:
        source.path.unlink(missing_ok=True)
