"""The import page (every signed-in user: creating records is theirs): upload a CSV or .xlsx file
of leads, accounts, contacts or opportunities; see and change how its columns are read; choose
the duplicate policy, a dry run, a campaign for leads; start; then the job's page, whose progress
and counts refresh by htmx polling while it runs, with its error report to download.

The upload is kept in a temporary file named by the user and a random token between the mapping
step and the start; the job runs in a background thread, as the API's does, calling the same
use cases (services/imports/jobs.py)."""

from __future__ import annotations

import re
import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any
from uuid import uuid4

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Stream, Template

from leadline.domain.errors import LeadlineError, ValidationError
from leadline.domain.imports.job import ImportJob, ImportOptions, JobStatus, parse_policy
from leadline.domain.imports.mapping import IMPORT_KINDS
from leadline.services.context import ServiceContext
from leadline.services.exports import csv_lines
from leadline.services.imports import jobs
from leadline.services.imports.files import SourceFile, inspect_file

UPLOADS = Path(tempfile.gettempdir()) / "leadline-web-imports"
#: Litestar's form parser (and the CSRF check before it) holds a multipart body in memory: the page
#: takes files up to this size; a larger one goes through the API, which streams it to disk.
MAX_UPLOAD = 100 << 20
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadForm(msgspec.Struct, kw_only=True):
    file: UploadFile
    kind: str = "lead"
    mapping: str = ""


def _page(ctx: ServiceContext, user: int, *, error: str | None = None, status_code: int = 200) -> Template:
    return Template("imports/page.html", status_code=status_code,
                    context={"kinds": list(IMPORT_KINDS), "mappings": jobs.import_mappings(ctx, user), "error": error})


def _upload_path(user: int, token: str) -> Path:
    if not _TOKEN.match(token):
        raise ValidationError("the upload is not known; upload the file again", field="file")
    return UPLOADS / f"{user}-{token}"


def _source(user: int, token: str, name: str) -> SourceFile:
    path = _upload_path(user, token)
    if not path.exists():
        raise ValidationError("the upload is not known; upload the file again", field="file")
    return inspect_file(path, name[:255] or "upload")


def _run(ctx: ServiceContext, job_id: int, source: SourceFile) -> None:
    try:
        jobs.run_import(ctx, job_id, source)
    except Exception:  # noqa: BLE001, S110 - the failure is recorded on the job
        pass
    finally:
        source.path.unlink(missing_ok=True)


class ImportPages(Controller):
    path = "/imports"

    @get("/", sync_to_thread=True)
    def imports_page(self, ctx: ServiceContext, user: int) -> Template:
        return _page(ctx, user)

    @post("/upload", sync_to_thread=True, request_max_body_size=MAX_UPLOAD)
    def upload(self, ctx: ServiceContext, user: int,
               data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)]) -> Template:
        """Keep the file, then show how its columns would be read, with the options."""
        UPLOADS.mkdir(parents=True, exist_ok=True)
        token = uuid4().hex
        path = _upload_path(user, token)
        with path.open("wb") as out:
            while chunk := data.file.file.read(1 << 20):
                out.write(chunk)
        try:
            kind = IMPORT_KINDS[data.kind].name if data.kind in IMPORT_KINDS else "lead"
            source = inspect_file(path, data.file.filename or "upload")
            plan, targets = jobs.preview_import(ctx, user, kind, source, mapping_name=data.mapping or None)
        except LeadlineError as error:
            path.unlink(missing_ok=True)
            return _page(ctx, user, error=str(error), status_code=422)
        chosen = plan.columns()
        return Template("imports/mapping.html", context={
            "token": token, "kind": kind, "file_name": source.name, "rows": source.estimated_rows,
            "columns": [(index, header, chosen.get(header, "")) for index, header in enumerate(plan.headers)],
            "targets": targets})

    @post("/start", sync_to_thread=True)
    def start(self, ctx: ServiceContext, user: int,
              data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
        fields = {key: str(value) for key, value in data.items()}
        kind = fields.get("kind", "lead")
        try:
            source = _source(user, fields.get("token", ""), fields.get("file_name", ""))
            headers = jobs.file_headers(source)
            columns = {header: fields.get(f"column_{index}", "") for index, header in enumerate(headers)}
            options = ImportOptions(on_duplicate=parse_policy(fields.get("on_duplicate") or "skip"),
                                    dry_run=fields.get("dry_run") == "on",
                                    date_format=fields.get("date_format") or None)
            job = jobs.start_import(ctx, user, kind, source, options=options, columns=columns,
                                    campaign=fields.get("campaign") or None)
            if fields.get("save_as", "").strip():
                jobs.save_import_mapping(ctx, user, fields["save_as"], {
                    h: t for h, t in columns.items() if t and not t.startswith("custom.")}, kind=kind)
        except LeadlineError as error:
            return _page(ctx, user, error=str(error), status_code=422)
        threading.Thread(target=_run, args=(ctx, job.id, source), name=f"web-import-{job.id}", daemon=True).start()
        return Redirect(f"/imports/{job.id}", status_code=303)

    @get("/{job_id:int}", sync_to_thread=True)
    def job_page(self, ctx: ServiceContext, user: int, job_id: int) -> Template:
        return Template("imports/job.html", context={"job": _shown(jobs.get_import(ctx, user, job_id))})

    @get("/{job_id:int}/progress", sync_to_thread=True)
    def progress(self, ctx: ServiceContext, user: int, job_id: int) -> Template:
        return Template("imports/progress.html", context={"job": _shown(jobs.get_import(ctx, user, job_id))})

    @get("/{job_id:int}/errors.csv", sync_to_thread=True)
    def errors(self, ctx: ServiceContext, user: int, job_id: int) -> Stream:
        rows = jobs.import_error_rows(ctx, user, job_id)
        first = next(rows)
        return Stream(csv_lines(first, rows), media_type="text/csv; charset=utf-8",
                      headers={"Content-Disposition": f'attachment; filename="import-{job_id}-errors.csv"'})


def _shown(job: ImportJob) -> dict[str, Any]:
    return {"id": job.id, "kind": job.record_type, "file_name": job.file_name, "status": job.status.value,
            "running": job.status is JobStatus.RUNNING, "dry_run": job.options.dry_run,
            "on_duplicate": job.options.on_duplicate.value, "counts": job.counts, "rows_done": job.rows_done,
            "message": job.message, "ignored": ", ".join(job.ignored)}
