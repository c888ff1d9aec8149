"""Bulk API 2.0 ingest jobs as use cases: create, take the CSV, close (or abort), run on the
streaming importer, read the results (docs/adr/0049-bulk-api-jobs-on-the-streaming-importer.md).

A job's rows run on an import job (``import_jobs``, ADR 0030): a block at a time, each block one
unit of work that writes its records, its failed rows, its successful rows (``salesforce_bulk_
outcomes``) and the job's progress together. A process killed mid-job leaves both jobs at their
last committed block; ``run_ingest_job`` run again carries on there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConflictError, LeadlineError, NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.imports.job import DuplicatePolicy, ImportJob, ImportOptions
from leadline.domain.imports.mapping import IMPORT_KINDS
from leadline.domain.salesforce.bulk import (
    FINAL,
    BulkColumns,
    BulkJob,
    BulkOperation,
    BulkState,
    bulk_columns,
    ensure_can_run_operation,
)
from leadline.domain.salesforce.fields import SObjectField, SObjectMap, custom_field, find_sobject
from leadline.domain.security.users import User
from leadline.services.context import ServiceContext
from leadline.services.imports.duplicates import RuleDuplicates
from leadline.services.imports.files import inspect_file, read_rows
from leadline.services.imports.jobs import assignment_rules, file_blocks, owner_lookup
from leadline.services.salesforce.bulk_blocks import BULK_BLOCKS, BulkLeadBlock, BulkRows
from leadline.services.salesforce.bulk_targets import active_custom_fields, row_targets
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.services.imports.blocks import FileRow
    from leadline.services.ports import UnitOfWork


def _sobject(name: str) -> SObjectMap:
    """The object of an ingest job: one the streaming importer imports (``IMPORT_KINDS``); the
    objects around the records (contact roles, line items, activities...) are the REST API's."""
    found = find_sobject(name)
    if found is None or not found.createable:
        raise ValidationError(f"InvalidJob : Unable to find object: {name}", field="object")
    if found.record_type not in IMPORT_KINDS:
        raise ValidationError(f"InvalidJob : Bulk API 2.0 ingest jobs take Lead, Contact, Account and Opportunity "
                              f"records, not {found.name}: use sobjects/{found.name} or composite/sobjects",
                              field="object")
    return found


def create_ingest_job(ctx: ServiceContext, actor_id: int, request: Mapping[str, str | None], version: str) -> BulkJob:
    """An ``Open`` job for ``request`` (``job_request``'s checked fields) of the actor's."""
    sobject = _sobject(request["object"] or "")
    now = ctx.now()
    job = BulkJob(new_id(), "ingest", sobject.name, BulkOperation(request["operation"] or ""), actor_id, now, now,
                  external_id_field=request.get("externalIdFieldName"),
                  column_delimiter=request["columnDelimiter"] or "COMMA", line_ending=request["lineEnding"] or "LF",
                  api_version=version)
    with ctx.uow_factory() as uow:
        ensure_can_run_operation(load_viewer(uow, actor_id, ctx).user, job.operation)
        uow.salesforce_bulk.add(job)
        uow.commit()
    return job


def create_query_job(ctx: ServiceContext, actor_id: int, request: Mapping[str, str | None], version: str,
                     total: int, sobject: str) -> BulkJob:
    """A query job whose query was checked and counted (``total`` records): ``JobComplete``."""
    now = ctx.now()
    job = BulkJob(new_id(), "query", sobject, BulkOperation(request["operation"] or ""), actor_id, now, now,
                  state=BulkState.JOB_COMPLETE, column_delimiter=request["columnDelimiter"] or "COMMA",
                  line_ending=request["lineEnding"] or "LF", api_version=version, query=request["query"],
                  records_processed=total)
    with ctx.uow_factory() as uow:
        load_viewer(uow, actor_id, ctx)
        uow.salesforce_bulk.add(job)
        uow.commit()
    return job


def _visible(uow: UnitOfWork, ctx: ServiceContext, actor_id: int, job_id: int, kind: str) -> BulkJob:
    viewer = load_viewer(uow, actor_id, ctx)
    job = uow.salesforce_bulk.get(job_id)
    if job is None or job.kind != kind or not (job.actor_id == actor_id or viewer.user.is_admin()):
        raise NotFoundError(f"there is no job {job_id}", field="id")
    return job


def get_bulk_job(ctx: ServiceContext, actor_id: int, job_id: int, kind: str = "ingest") -> BulkJob:
    """A job of the actor's (an admin sees every one); anyone else's is not found."""
    with ctx.reader() as uow:
        return _visible(uow, ctx, actor_id, job_id, kind)


def list_bulk_jobs(ctx: ServiceContext, actor_id: int, kind: str = "ingest") -> list[BulkJob]:
    """The actor's jobs (an admin's: everyone's), newest first, at most 1,000."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        return uow.salesforce_bulk.jobs(kind, None if viewer.user.is_admin() else actor_id)


def upload_job_data(ctx: ServiceContext, actor_id: int, job_id: int, path: Path) -> BulkJob:
    """Keep the CSV at ``path`` (already streamed to disk) as the job's data. Only an ``Open`` job
    without data takes it (Salesforce's one upload per job); the file is the caller's otherwise."""
    with ctx.uow_factory() as uow:
        job = _visible(uow, ctx, actor_id, job_id, "ingest")
        if not job.can_upload():
            raise ConflictError(f"Job {job.state.value} cannot take data: one upload per open job", field="state")
        job.data_path, job.updated_at = str(path), ctx.now()
        uow.salesforce_bulk.save(job)
        uow.commit()
    return job


def close_ingest_job(ctx: ServiceContext, actor_id: int, job_id: int, state: BulkState) -> BulkJob:
    """``UploadComplete``: check the CSV's header against the object's fields and record the import
    job the rows will run on (a header that does not read fails the job, as Salesforce's
    ``InvalidBatch``); ``Aborted``: nothing more runs."""
    with ctx.uow_factory() as uow:
        job = _visible(uow, ctx, actor_id, job_id, "ingest")
        now = ctx.now()
        if state is BulkState.ABORTED:
            job.move(state, now)
        elif state is not BulkState.UPLOAD_COMPLETE:
            raise ValidationError(f"InvalidJob : state must be UploadComplete or Aborted, not {state}",
                                  field="state")
        elif job.data_path is None:
            raise ConflictError("InvalidJob : no data was uploaded for this job", field="state")
        else:
            job.move(state, now)
            try:
                job.import_job_id = _start_import(ctx, uow, job).id
            except ValidationError as error:
                job.move(BulkState.FAILED, now, error.message)
        uow.salesforce_bulk.save(job)
        uow.commit()
    return job


def _start_import(ctx: ServiceContext, uow: UnitOfWork, job: BulkJob) -> ImportJob:
    source = inspect_file(Path(job.data_path or ""), f"bulk-{job.id}.csv", encoding="utf-8",
                          delimiter=job.delimiter)
    headers = next(read_rows(source), [])
    columns = _columns(ctx, uow, job, headers)
    options = ImportOptions(on_duplicate=DuplicatePolicy.CREATE, delimiter=job.delimiter, encoding="utf-8")
    sobject = _sobject(job.sobject)
    now = ctx.now()
    imported = ImportJob(id=new_id(), record_type=sobject.record_type, file_name=source.name,
                         checksum=source.checksum, headers=tuple(headers), mapping_name=None,
                         columns=columns.plan.columns(), ignored=(), options=options, actor_id=job.actor_id,
                         created_at=now, updated_at=now)
    uow.imports.add_job(imported)
    return imported


def _columns(ctx: ServiceContext, uow: UnitOfWork, job: BulkJob, headers: list[str]) -> BulkColumns:
    sobject = _sobject(job.sobject)
    custom: list[SObjectField] = [custom_field(d.name, d.label, d.type.value, required=d.required)
                                  for d in active_custom_fields(ctx, uow, sobject)]
    return bulk_columns(sobject, custom, headers, job.operation, job.external_id_field)


def run_ingest_job(ctx: ServiceContext, job_id: int) -> BulkJob:
    """Run the job's rows after its last committed block, a block per unit of work; the job ends
    ``JobComplete`` (some rows may have failed: ``failedResults``), or ``Failed`` with the message
    of what stopped it. A finished or aborted job is left as it is."""
    with ctx.uow_factory() as uow:
        job = uow.salesforce_bulk.get(job_id)
        if job is None or job.state in FINAL or job.state is BulkState.OPEN or job.import_job_id is None:
            return _require(job, job_id)
        imported = uow.imports.get_job(job.import_job_id)
        assert imported is not None
        columns = _columns(ctx, uow, job, list(imported.headers))
        job.move(BulkState.IN_PROGRESS, ctx.now())
        uow.salesforce_bulk.save(job)
        uow.commit()
    source = inspect_file(Path(job.data_path or ""), imported.file_name, encoding="utf-8", delimiter=job.delimiter)
    check = RuleDuplicates(RecordType(imported.record_type))
    owners: dict[Any, User | LeadlineError | None] = {}
    try:
        for block in file_blocks(source, imported.rows_done, imported.options.block_size):
            job, imported = _run_block(ctx, job, imported, columns, check, owners, block)
            if job.state is BulkState.ABORTED:
                return _end(ctx, job, imported, BulkState.FAILED, "aborted")
        return _end(ctx, job, imported, BulkState.JOB_COMPLETE, None)
    except ConflictError:
        ahead = _progress_of(ctx, imported)
        if ahead is not None and ahead > imported.rows_done:  # another runner (another worker) is ahead: it
            return job                                         # carries on; this one stops without a verdict
        _end(ctx, job, imported, BulkState.FAILED, "the job's progress could not be saved")
        raise
    except (LeadlineError, OSError) as error:
        _end(ctx, job, imported, BulkState.FAILED, str(error)[:2000])
        raise


def _progress_of(ctx: ServiceContext, imported: ImportJob) -> int | None:
    """The rows of ``imported`` done as stored now (None: the job is gone)."""
    with ctx.reader() as uow:
        current = uow.imports.get_job(imported.id)
        return None if current is None else current.rows_done


def _require(job: BulkJob | None, job_id: int) -> BulkJob:
    if job is None:
        raise NotFoundError(f"there is no job {job_id}", field="id")
    return job


def _run_block(ctx: ServiceContext, job: BulkJob, imported: ImportJob, columns: BulkColumns, check: RuleDuplicates,
               owners: dict[Any, User | LeadlineError | None], block: list[FileRow | None],
               ) -> tuple[BulkJob, ImportJob]:
    rows = [row for row in block if row is not None]
    with ctx.uow_factory() as uow:
        stored = uow.salesforce_bulk.get(job.id)
        if stored is None or stored.state is BulkState.ABORTED:
            return replace(job, state=BulkState.ABORTED), imported
        viewer = load_viewer(uow, job.actor_id, ctx)
        ensure_can_run_operation(viewer.user, job.operation)  # still, when the job runs: the role may have changed
        check.bind(ctx, uow, viewer)
        importer: BulkRows
        if imported.record_type == "lead":
            importer = BulkLeadBlock(ctx, uow, viewer, imported, columns.plan, check, owner_lookup(uow, owners),
                                     assignment_rules(uow, imported))
        else:
            importer = BULK_BLOCKS[imported.record_type](ctx, uow, viewer, imported, columns.plan, check)
        targets = row_targets(ctx, uow, viewer, job, columns, rows)
        counts, errors = importer.run_bulk(rows, targets, deleting=job.operation.is_delete)
        before = imported.rows_done
        imported = replace(imported)
        imported.record_block(len(block), counts, ctx.now())
        uow.imports.add_errors(imported.id, errors)
        uow.imports.save_progress(imported, before)
        uow.salesforce_bulk.add_outcomes(job.id, importer.outcomes)
        job = replace(job, records_processed=imported.counts.read, records_failed=imported.counts.failed,
                      updated_at=ctx.now())
        uow.salesforce_bulk.save(job)
        uow.commit()
    return job, imported


def _end(ctx: ServiceContext, job: BulkJob, imported: ImportJob, state: BulkState, message: str | None) -> BulkJob:
    with ctx.uow_factory() as uow:
        stored = uow.salesforce_bulk.get(job.id)
        current = uow.imports.get_job(imported.id)
        if stored is None or current is None:
            return job
        if state is BulkState.JOB_COMPLETE:
            current.complete(ctx.now())
        else:
            current.fail(message or "failed", ctx.now())
        uow.imports.save_progress(current, current.rows_done)
        stored.records_processed, stored.records_failed = current.counts.read, current.counts.failed
        if stored.state not in FINAL:
            stored.move(state, ctx.now(), message)
        uow.salesforce_bulk.save(stored)
        uow.commit()
    return stored


def delete_bulk_job(ctx: ServiceContext, actor_id: int, job_id: int, kind: str = "ingest") -> str | None:
    """Delete a finished or aborted job with its results; the path of its data file, for the caller to
    remove. A job still running is refused (abort it first)."""
    with ctx.uow_factory() as uow:
        job = _visible(uow, ctx, actor_id, job_id, kind)
        if job.state not in FINAL and job.state is not BulkState.OPEN:
            raise ConflictError(f"Job in state {job.state.value} cannot be deleted: abort it first", field="state")
        uow.salesforce_bulk.delete(job)
        uow.commit()
    return job.data_path
