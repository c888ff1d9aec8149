"""The import page (every signed-in user: creating records is theirs): upload a CSV or .xlsx file
of leads, accounts, contacts or opportunities; see and change how its columns are read; choose
the duplicate policy, a dry run, a campaign for leads; start; then the job's page, whose progress
and counts refresh by htmx polling while it runs, with its error report to download.

The upload is kept in a temporary file named by the user and a random token between the mapping
step and the start; the job runs in a background thread, as the API's does, calling the same
use cases (services/imports/jobs.py)."""

from __future__ import annotations

import os
import re
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime
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
from leadline.domain.imports.values import described_values
from leadline.http_status import status_of
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs, listing, mappings, reports
from leadline.services.imports.files import SourceFile, inspect_file
from leadline.web import session

UPLOADS = Path(tempfile.gettempdir()) / "leadline-web-imports"
#: an upload never started (the mapping page left) is deleted by the next upload after this long;
#: a started one, this long after its start unless its job is running (its process died)
ABANDONED_AFTER_SECONDS = 24 * 3600
#: the ending an upload's name takes when its import is started: pruning leaves it to a running job
STARTED = ".started"
#: a start of an upload that is not (or no longer) kept
GONE = "the upload is not kept any more (one not started within a day is deleted): upload the file again"
#: how many of the newest import jobs the page lists (the user's own; an admin's, everyone's)
RECENT_SHOWN = 20
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
#: a started upload's name once its job is recorded: ``{user}-{token}-{job}.started``
_OWNED = re.compile(r"^\d+-[0-9a-f]{32}-(\d+)" + re.escape(STARTED) + "$")


class UploadForm(msgspec.Struct, kw_only=True):
    file: UploadFile
    kind: str = "lead"
    mapping: str = ""


def _page(ctx: ServiceContext, user: int, *, error: str | None = None, status_code: int = 200) -> Template:
    return Template("imports/page.html", status_code=status_code,
                    context={"kinds": list(IMPORT_KINDS),
                             "mappings": sorted({name for kind in IMPORT_KINDS
                                                 for name in mappings.import_mappings(ctx, user, kind)}),
                             "error": error,
                             "recent": listing.list_imports(ctx, user, limit=RECENT_SHOWN)})


def _upload_path(user: int, token: str) -> Path:
    if not _TOKEN.match(token):
        raise ValidationError(GONE, field="file")
    return UPLOADS / f"{user}-{token}"


def _claim(user: int, token: str) -> Path:
    """The upload ``token`` renamed as started (``STARTED``), where pruning never takes it from its
    job; ``VALIDATION_FAILED`` on ``file`` (``GONE``) if it is not there, pruned or never kept. The
    rename is atomic: either the pruning deleted the file first, or it finds it gone and passes.
    Its time is set to now first, so a started upload's age counts from its start."""
    path = _upload_path(user, token)
    started = path.with_name(path.name + STARTED)
    try:
        os.utime(path)
        path.rename(started)
    except FileNotFoundError:
        raise ValidationError(GONE, field="file") from None
    return started


def _owned(source: SourceFile, job_id: int) -> SourceFile:
    """The started upload named with the job that reads it (``_OWNED``), so pruning can ask
    whether that job still runs."""
    owned = source.path.with_name(f"{source.path.name.removesuffix(STARTED)}-{job_id}{STARTED}")
    source.path.rename(owned)
    return replace(source, path=owned)


def _unclaim(started: Path) -> None:
    """An upload claimed but not started (its options refused) back as kept: the form may come again."""
    started.rename(started.with_name(started.name.removesuffix(STARTED)))


def _prune(ctx: ServiceContext, now: float) -> None:
    """Delete the uploads older than ``ABANDONED_AFTER_SECONDS`` that no running job reads: those
    never started (their mapping page was left), and started ones whose job ended, stopped
    (``interrupted``: its process died, ADR 0075) or was never recorded. A job ending deletes its
    own; a resume never reads this copy: the same file uploaded again resumes the job (ADR 0030),
    and an interrupted job stays resumable for ever, so it cannot keep its copy that long."""
    old: list[tuple[Path, int | None]] = []
    for path in UPLOADS.iterdir():
        try:
            if now - path.stat().st_mtime > ABANDONED_AFTER_SECONDS:
                owned = _OWNED.match(path.name)
                old.append((path, int(owned.group(1)) if owned else None))
        except FileNotFoundError:
            pass  # started (renamed) or taken by another upload's pruning meanwhile
    running = listing.running_imports(ctx, [job_id for _, job_id in old if job_id is not None])
    for path, job_id in old:
        if job_id not in running:
            path.unlink(missing_ok=True)


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

    @post("/start", sync_to_thread=True)
    def start(self, ctx: ServiceContext, user: int,
              data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
        fields = {key: str(value) for key, value in data.items()}
        kind = fields.get("kind", "lead")
        try:
            claimed = _claim(user, fields.get("token", ""))
        except LeadlineError as error:
            return _page(ctx, user, error=str(error), status_code=status_of(error))
        try:
            source = inspect_file(claimed, fields.get("file_name", "")[:255] or "upload")
            headers = jobs.file_headers(source)
            columns = {header: fields.get(f"column_{index}", "") for index, header in enumerate(headers)}
            options = ImportOptions(on_duplicate=parse_policy(fields.get("on_duplicate") or "skip"),
                                    dry_run=fields.get("dry_run") == "on",
                                    date_format=fields.get("date_format") or None)
            mapping_name = fields.get("mapping", "").strip() or None
            values = mappings.page_values(ctx, user, kind, mapping_name, _chosen_values(fields))
            job = jobs.start_import(ctx, user, kind, source, options=options, columns=columns,
                                    mapping_name=mapping_name, campaign=fields.get("campaign") or None,
                                    values=values, save_as=fields.get("save_as", "").strip() or None)
        except LeadlineError as error:
            _unclaim(claimed)
            return _page(ctx, user, error=str(error), status_code=status_of(error))
        except Exception:
            _unclaim(claimed)  # kept as an upload not started: pruned in a day unless started again
            raise
        source = _owned(source, job.id)
        threading.Thread(target=_run, args=(ctx, job.id, source), name=f"web-import-{job.id}", daemon=True).start()
        return Redirect(f"/imports/{job.id}", status_code=303)

    @get("/{job_id:int}", sync_to_thread=True)
    def job_page(self, ctx: ServiceContext, user: int, job_id: int) -> Template:
        return Template("imports/job.html", context={"job": _shown(jobs.get_import(ctx, user, job_id), ctx.now())})

    @get("/{job_id:int}/progress", sync_to_thread=True)
    def progress(self, ctx: ServiceContext, user: int, job_id: int) -> Template:
        return Template("imports/progress.html",
                        context={"job": _shown(jobs.get_import(ctx, user, job_id), ctx.now())})

    @get("/{job_id:int}/errors", sync_to_thread=True)
    def errors(self, ctx: ServiceContext, user: int, job_id: int, each: bool = False) -> Stream:
        """The error report in the format of the file imported (.xlsx, or CSV as the file was);
        ``each``: every error on its own line (row, field, value, message)."""
        shape, chunks = (reports.error_list if each else reports.error_report)(ctx, user, job_id)
        return Stream(chunks, media_type=shape.media_type, headers=shape.download_headers(job_id))

    @get("/{job_id:int}/matches", sync_to_thread=True)
    def matches(self, ctx: ServiceContext, user: int, job_id: int) -> Stream:
        """The skipped and updated rows with the record each matched, as CSV."""
        shape, chunks = reports.match_report(ctx, user, job_id)  # NOT_FOUND before a byte
        return Stream(chunks, media_type=shape.media_type, headers=shape.download_headers(job_id))


def _chosen_values(fields: dict[str, str]) -> dict[str, dict[str, str]]:
    """The value mappings of the mapping page's editor: ``value_field_N``, ``value_from_N`` (the
    file's value) and ``value_to_N`` (the label chosen; blank: read as it is)."""
    prefix = "value_field_"
    return mappings.chosen_values([
        (fields[key], fields.get(f"value_from_{key.removeprefix(prefix)}", ""),
         fields.get(f"value_to_{key.removeprefix(prefix)}", "")) for key in fields if key.startswith(prefix)])


def _shown(job: ImportJob, now: datetime) -> dict[str, Any]:
    return {"id": job.id, "kind": job.record_type, "file_name": job.file_name, "status": job.state(now),
            "running": job.state(now) == JobStatus.RUNNING.value, "resume": job.resume_hint(now),
            "dry_run": job.options.dry_run,
            "on_duplicate": job.options.on_duplicate.value, "counts": job.counts, "rows_done": job.rows_done,
            "message": job.message, "ignored": ", ".join(job.ignored),
            "value_mappings": described_values(job.options.team_values)}


class ImportUploadPage(Controller):
    """The upload of the import page, apart: its body limit is ``LEADLINE_IMPORT_MAX_BYTES`` (the
    API's), set on the router that mounts it (``web/app.py``), where the other pages keep the small
    ``LEADLINE_MAX_BODY_BYTES``. The file is never held whole: the CSRF check reads the form
    before the handler, and Litestar's multipart parser writes a file part into a temporary file
    that moves to disk beyond 1 MiB (docs/adr/0070-web-import-upload-spooled-to-disk.md). That
    parse runs before the handler's dependencies, so ``session.signed_in_first`` checks the
    session ahead of it: no one's body is read before they are known."""

    path = "/imports"

    @post("/upload", sync_to_thread=True, middleware=[session.signed_in_first])
    def upload(self, ctx: ServiceContext, user: int,
               data: Annotated[UploadForm, Body(media_type=RequestEncodingType.MULTI_PART)]) -> Template:
        """Keep the file, then show how its columns would be read, with the options."""
        UPLOADS.mkdir(parents=True, exist_ok=True)
        _prune(ctx, time.time())
        token = uuid4().hex
        path = _upload_path(user, token)
        with path.open("wb") as out:
            while chunk := data.file.file.read(1 << 20):
                out.write(chunk)
        try:
            kind = IMPORT_KINDS[data.kind].name if data.kind in IMPORT_KINDS else "lead"
            source = inspect_file(path, data.file.filename or "upload")
            plan, targets = jobs.preview_import(ctx, user, kind, source, mapping_name=data.mapping or None)
            saved = mappings.get_import_mapping(ctx, user, data.mapping, kind).values if data.mapping else {}
            choices = mappings.value_choices(ctx, user, kind, source, plan, saved=saved)
        except LeadlineError as error:
            path.unlink(missing_ok=True)
            return _page(ctx, user, error=str(error), status_code=status_of(error))
        chosen = plan.columns()
        return Template("imports/mapping.html", context={
            "token": token, "kind": kind, "file_name": source.name, "rows": source.estimated_rows,
            "columns": [(index, header, chosen.get(header, "")) for index, header in enumerate(plan.headers)],
            "targets": targets, "choices": choices, "mapping": data.mapping})
