"""Import records of any kind (leads, accounts, contacts, opportunities) from a file: start (or
resume) a job, run it block by block, read it back. One design for every kind: only the block
(``ImportBlock``'s subclass of the kind) and the mapping (``IMPORT_KINDS``) differ.

``start_import`` checks the importer and the file's header and records the job (or finds
the unfinished job of the same file, by checksum, and carries on with it). ``run_import``
streams the rows and writes each block in its own unit of work together with the job's
progress, so a process killed at any moment leaves the job at the end of its last committed
block, and running the same file again resumes there: no row is lost and none written twice.
(docs/adr/0030-import-jobs-resume-by-block.md, 0037-one-importer-by-kind-on-the-create-rules.md)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from itertools import groupby, islice
from typing import Any

from leadline.domain.campaigns.campaign import Campaign
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConflictError, LeadlineError, NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.imports.job import ImportJob, ImportOptions, JobStatus, RowError
from leadline.domain.imports.mapping import (
    CUSTOM_PREFIX,
    IMPORT_KINDS,
    REPORT_COLUMNS,
    ColumnPlan,
    chosen_columns,
    import_kind,
    plan_columns,
)
from leadline.domain.security.users import User
from leadline.services.assignment.rules import RuleSet, load_rule_set
from leadline.services.collector import collector_paused
from leadline.services.context import ServiceContext
from leadline.services.imports.ahead import CheckedRow, RowReading, rows_ahead
from leadline.services.imports.blocks import FileRow, ImportBlock, date_custom_fields
from leadline.services.imports.duplicates import RuleDuplicates
from leadline.services.imports.files import SourceFile, read_rows
from leadline.services.imports.lead_block import LeadBlock
from leadline.services.imports.mappings import checked_values, find_mapping, import_value_map, store_mapping
from leadline.services.imports.record_blocks import AccountBlock, ContactBlock, OpportunityBlock
from leadline.services.security.access import load_viewer
from leadline.services.security.users import resolve_user

Progress = Callable[[ImportJob], None]
BLOCKS = {"account": AccountBlock, "contact": ContactBlock, "opportunity": OpportunityBlock}


def start_import(ctx: ServiceContext, actor_id: int, kind: str, source: SourceFile, *,
                 mapping_name: str | None = None, options: ImportOptions | None = None,
                 campaign: str | None = None, columns: Mapping[str, str] | None = None,
                 values: Mapping[str, Mapping[str, str]] | None = None, save_as: str | None = None) -> ImportJob:
    """Record the import of ``source`` into records of ``kind`` by ``actor_id`` (who must be an
    active user: creating records is theirs), or return the unfinished real import of the same
    file by them, which carries on with its own mapping and options. ``campaign`` (a name or
    id, leads only): every imported lead becomes its member (trade-show badge scans). Refuses a
    file without a usable header, an unknown mapping name or campaign (``NOT_FOUND``).
    ``columns`` (header -> field or ``custom.<name>``, as a person chose them on the import
    page) replaces the mapping; a header it leaves out is ignored. A pick-list value is read
    through the standard values, then the saved mapping's value mappings, or ``values`` (field ->
    the file's value -> label, as chosen on the import page; checked as a saved mapping's), which
    win (docs/adr/0076-value-mappings-saved-with-a-column-mapping.md). ``PERMISSION_DENIED`` (a dry
    run too) when the importer's role may not create records of ``kind``, or edit them with
    ``on_duplicate=update``. ``save_as``: the columns and ``values`` are saved as that mapping in
    the same unit of work (a refused save records no job; ``mappings.store_mapping``)."""
    options = options or ImportOptions()
    spec = import_kind(kind)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        for action in options.rights_needed():
            viewer.ensure_may(action, RecordType(spec.name))
        if campaign is not None and campaign.strip() and spec.name != "lead":
            raise ValidationError("only leads join a campaign on import", field="campaign")
        if campaign is not None and campaign.strip():
            options = replace(options, campaign_id=find_campaign(uow, campaign).id)
        if save_as:
            store_mapping(ctx, uow, viewer, save_as, {h: t for h, t in (columns or {}).items()
                                                      if t and not t.startswith(CUSTOM_PREFIX)},
                          kind=spec.name, values=values or {})
        now = ctx.now()
        if not options.dry_run:
            found = uow.imports.resumable_job(source.checksum, actor_id, spec.name)
            if found is not None:
                job = found.resumed(now)
                uow.imports.save_progress(job, found.rows_done)
                uow.commit()
                return job
        saved = find_mapping(uow, spec.name, mapping_name) if mapping_name else None
        headers = next(read_rows(source), [])
        custom_names = [d.name for d in ctx.config(uow).custom_fields_of(RecordType(spec.name))]
        if columns is not None:
            plan = chosen_columns(headers, columns, custom_names, kind=spec.name)
        else:
            plan = plan_columns(headers, saved=saved.columns if saved else None, custom_fields=custom_names,
                                kind=spec.name)
        own = checked_values(ctx, uow, spec.name, values) if values is not None else saved.values if saved else {}
        options = replace(options, value_map=import_value_map(ctx, uow, spec.name, own), team_values=own)
        job = ImportJob(
            id=new_id(), record_type=spec.name, file_name=source.name[:255], checksum=source.checksum,
            headers=tuple(headers), mapping_name=mapping_name, columns=plan.columns(), ignored=plan.ignored,
            options=replace(options, encoding=source.encoding, delimiter=source.delimiter), actor_id=actor_id,
            created_at=now, updated_at=now)
        uow.imports.add_job(job)
        uow.commit()
        return job


def file_headers(source: SourceFile) -> list[str]:
    """The file's header row."""
    return next(read_rows(source), [])


def preview_import(ctx: ServiceContext, actor_id: int, kind: str, source: SourceFile, *,
                   mapping_name: str | None = None) -> tuple[ColumnPlan, list[str]]:
    """How the file's columns would be read (the plan ``start_import`` would make) and every
    target a column may take (the kind's fields, then ``custom.<name>``), writing nothing."""
    spec = import_kind(kind)
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        saved = find_mapping(uow, spec.name, mapping_name) if mapping_name else None
        custom_names = [d.name for d in ctx.config(uow).custom_fields_of(RecordType(spec.name))]
    headers = next(read_rows(source), [])
    plan = plan_columns(headers, saved=saved.columns if saved else None, custom_fields=custom_names,
                        kind=spec.name, complete=False)
    return plan, [*spec.fields, *(CUSTOM_PREFIX + name for name in custom_names)]


def run_import(ctx: ServiceContext, job_id: int, source: SourceFile, *,
               progress: Progress | None = None) -> ImportJob:
    """Import the rows of ``source`` after the job's last committed block, a block per unit of
    work; the job ends completed, or failed with the message of what stopped it (and re-raises)."""
    job = _job(ctx, job_id)
    if job.checksum != source.checksum:
        raise ConflictError(f"import {job.id} is of another file", field="file")
    if job.status is JobStatus.COMPLETED:
        return job
    plan = ColumnPlan.of(job.headers, job.columns, job.ignored, job.options.value_map)
    check = RuleDuplicates(RecordType(job.record_type), whole_file=job.options.dry_run)
    owners: dict[Any, User | LeadlineError | None] = {}
    ahead = rows_ahead(job.record_type, source.estimated_rows - job.rows_done, _reading(ctx, job, plan))
    try:
        for block, checked in ahead.blocks(file_blocks(source, job.rows_done, job.options.block_size)):
            job = _import_block(ctx, job, plan, check, owners, block, checked)
            if progress:
                progress(job)
        return _finish(ctx, job)
    except (LeadlineError, OSError) as error:
        _fail(ctx, job, str(error))
        raise
    finally:
        ahead.close()


def _reading(ctx: ServiceContext, job: ImportJob, plan: ColumnPlan) -> RowReading:
    """What checking a lead row ahead needs (its dates as ``ImportBlock`` reads them)."""
    with ctx.reader() as uow:
        definitions = ctx.config(uow).custom_fields_of(RecordType(job.record_type))
    return RowReading(plan, job.options.date_format, date_custom_fields(definitions),
                      IMPORT_KINDS[job.record_type].date_fields, ctx.contact_points, ctx.phone_region)


def import_records(ctx: ServiceContext, actor_id: int, kind: str, source: SourceFile, *,
                   mapping_name: str | None = None, options: ImportOptions | None = None,
                   progress: Progress | None = None, campaign: str | None = None) -> ImportJob:
    """``start_import`` then ``run_import``: the whole import, in this thread."""
    job = start_import(ctx, actor_id, kind, source, mapping_name=mapping_name, options=options, campaign=campaign)
    return run_import(ctx, job.id, source, progress=progress)


def file_blocks(source: SourceFile, rows_done: int, size: int) -> Iterator[list[FileRow | None]]:
    """The file's data rows after the first ``rows_done``, ``size`` at a time; a blank row is None
    (it takes its place in the file, and in ``rows_done``, but is no record)."""
    rows = read_rows(source)
    next(rows, None)  # the header
    numbered = ((number, cells) for number, cells in enumerate(rows, start=2))
    pending = islice(numbered, rows_done, None)
    while block := list(islice(pending, size)):
        yield [FileRow(number, cells) if any(c.strip() for c in cells) else None for number, cells in block]


def _import_block(ctx: ServiceContext, job: ImportJob, plan: ColumnPlan, check: RuleDuplicates,
                  owners: dict[Any, User | LeadlineError | None], block: list[FileRow | None],
                  checked: list[CheckedRow] | None = None) -> ImportJob:
    rows = [row for row in block if row is not None]
    # the block's rows, records, probes and pending writes live until its commit: docs/adr/0072
    with collector_paused(), ctx.uow_factory() as uow:
        viewer = load_viewer(uow, job.actor_id, ctx)
        check.bind(ctx, uow, viewer)
        importer: ImportBlock
        if job.record_type == "lead":
            importer = LeadBlock(ctx, uow, viewer, job, plan, check, owner_lookup(uow, owners),
                                 assignment_rules(uow, job))
        else:
            importer = BLOCKS[job.record_type](ctx, uow, viewer, job, plan, check)
        counts, errors = importer.run(rows, checked)
        before = job.rows_done
        job = replace(job)
        job.record_block(len(block), counts, ctx.now())
        uow.imports.add_errors(job.id, errors)
        uow.imports.add_matches(job.id, importer.matches)
        uow.imports.save_progress(job, before)
        if not job.options.dry_run and _doubled(before, job.rows_done):
            uow.duplicates.refresh_statistics(RecordType(job.record_type))
        uow.commit()
    return job


def _doubled(before: int, after: int) -> bool:
    """Whether this block took the job's rows past another doubling of a thousand (1,000, 2,000,
    4,000...): the import's table has grown enough for its planner statistics to be re-read."""
    return (after // 1000).bit_length() > (before // 1000).bit_length()


def find_campaign(uow: Any, reference: str) -> Campaign:
    """The campaign named ``reference`` (its id, or its name, case aside); ``NOT_FOUND`` on ``campaign``."""
    text = reference.strip()
    found = uow.campaigns.get(int(text)) if text.isdigit() else None
    if found is None:
        found = next((c for c in uow.campaigns.list() if c.name.casefold() == text.casefold()), None)
    if found is None:
        raise NotFoundError(f"there is no campaign {reference!r}", field="campaign")
    return found  # type: ignore[no-any-return]


def assignment_rules(uow: Any, job: ImportJob) -> RuleSet | None:
    """The assignment rules new leads without an owner column go through (as captured leads do);
    None when there is nothing to decide (no entry, no default owner: the importer owns them) or
    in a dry run, which writes no assignment."""
    if job.options.dry_run:
        return None
    rules = load_rule_set(uow)
    return rules if rules.rules or rules.default_owner_id is not None else None


def owner_lookup(uow: Any, known: dict[Any, User | LeadlineError | None]) -> Callable[[Any], User | None]:
    """``resolve_user``, remembering each reference's answer (or refusal) for the whole import."""
    def owner_of(reference: Any) -> User | None:
        if reference not in known:
            try:
                known[reference] = resolve_user(uow, reference)
            except LeadlineError as error:
                known[reference] = error
        found = known[reference]
        if isinstance(found, LeadlineError):
            raise found
        return found
    return owner_of


def _finish(ctx: ServiceContext, job: ImportJob) -> ImportJob:
    with ctx.uow_factory() as uow:
        before = job.rows_done
        job = replace(job)
        job.complete(ctx.now())
        uow.imports.save_progress(job, before)
        uow.commit()
    return job


def _fail(ctx: ServiceContext, job: ImportJob, message: str) -> None:
    with ctx.uow_factory() as uow:
        stored = uow.imports.get_job(job.id)
        if stored is None or stored.status is JobStatus.COMPLETED:
            return
        stored.fail(message[:2000], ctx.now())
        uow.imports.save_progress(stored, stored.rows_done)
        uow.commit()


def _job(ctx: ServiceContext, job_id: int) -> ImportJob:
    with ctx.reader() as uow:
        job = uow.imports.get_job(job_id)
    if job is None:
        raise NotFoundError(f"there is no import {job_id}", field="import")
    return job


def get_import(ctx: ServiceContext, actor_id: int, job_id: int) -> ImportJob:
    """An import job of the actor's (an admin sees every one); anyone else's is not found."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        job = uow.imports.get_job(job_id)
    if job is None or not (job.actor_id == actor_id or viewer.user.is_admin()):
        raise NotFoundError(f"there is no import {job_id}", field="import")
    return job


def import_error_rows(ctx: ServiceContext, actor_id: int, job_id: int, *, page: int = 1000) -> Iterator[list[str]]:
    """The error report of an import, a line per failed row: the file's own columns plus ``_row``
    (its row number in the file), ``_field`` and ``_error``, header first. A row refused on several
    fields says each: ``_field`` "email; status", ``_error`` "email: ...; status: ..." (one refusal:
    its field and message alone). Fixed, it imports again as is (the report's own columns are left
    out by every mapping). A file that was itself a report loses its old ``_row``, ``_field`` and
    ``_error`` columns: each row says only what is wrong now.

    A row with more cells than the header keeps them, after ``_error`` (columns without a header:
    the header is written before any row is read): nothing of the row is lost when the report is
    fixed, and a report imported unfixed fails again on that row as too wide."""
    job = get_import(ctx, actor_id, job_id)
    width = len(job.headers)
    kept = [i for i, header in enumerate(job.headers) if header.strip() not in REPORT_COLUMNS]
    yield [*(job.headers[i] for i in kept), *REPORT_COLUMNS]
    for errors in _failed_rows(ctx, job.id, page):
        cells = list(errors[0].cells[:width]) + [""] * (width - len(errors[0].cells))
        fields, message = "; ".join(e.field for e in errors), errors[0].error
        if len(errors) > 1:
            message = "; ".join(f"{e.field}: {e.error}" for e in errors)
        yield [*(cells[i] for i in kept), str(errors[0].row), fields, message, *errors[0].cells[width:]]


def import_error_list(ctx: ServiceContext, actor_id: int, job_id: int, *, page: int = 1000) -> Iterator[list[str]]:
    """Every error of an import, a line each (a row refused on three fields has three): ``row``,
    ``field``, ``value`` (the row's cell of that field's column, "" when none holds it) and
    ``message``, header first. ``NOT_FOUND`` for an import that is not the actor's."""
    job = get_import(ctx, actor_id, job_id)
    plan = ColumnPlan.of(job.headers, job.columns, job.ignored)
    yield ["row", "field", "value", "message"]
    for errors in _failed_rows(ctx, job.id, page):
        for error in errors:
            column = plan.column_of(error.field)
            value = error.cells[column] if column is not None and column < len(error.cells) else ""
            yield [str(error.row), error.field, value, error.error]


def _failed_rows(ctx: ServiceContext, job_id: int, page: int) -> Iterator[list[RowError]]:
    """The errors of each failed row, row by row in file order, read a page of rows at a time."""
    after = 0
    while True:
        with ctx.reader() as uow:
            errors = uow.imports.errors_of(job_id, after_row=after, limit=page)
        for _, of_row in groupby(errors, key=lambda error: error.row):
            yield list(of_row)
        if not errors or len({e.row for e in errors}) < page:
            return
        after = errors[-1].row
