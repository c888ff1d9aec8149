"""``leadline import ...``: import leads, accounts, contacts or opportunities from a CSV or .xlsx
file, follow the job, get its errors.

Example::

    leadline import leads salesforce-export.csv --on-duplicate update
    leadline import contacts Contact.csv --mapping salesforce
    leadline import list
    leadline import status 1234567890
    leadline import errors 1234567890 --output fix-me.csv
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadline.cli.common import (
    AS_OPTION,
    EXIT_INCOMPLETE,
    JSON_OPTION,
    actor_id,
    handle_errors,
    parse_id,
    ready_application,
    whole_number,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.output import console, print_json, print_record, print_table
from leadline.domain.common import counted
from leadline.domain.errors import ValidationError
from leadline.domain.imports.values import described_values

if TYPE_CHECKING:
    from leadline.domain.imports.job import ImportJob
    from leadline.services.imports import files as import_files
    from leadline.services.imports import jobs as import_jobs
    from leadline.services.imports import listing as import_listing
    from leadline.services.imports import mappings as import_mappings_service
    from leadline.services.imports import matches as import_matches
    from leadline.services.imports import reports as import_reports
else:
    import_files = lazy_module("leadline.services.imports.files")
    import_jobs = lazy_module("leadline.services.imports.jobs")
    import_matches = lazy_module("leadline.services.imports.matches")
    import_listing = lazy_module("leadline.services.imports.listing")
    import_mappings_service = lazy_module("leadline.services.imports.mappings")
    import_reports = lazy_module("leadline.services.imports.reports")

app = typer.Typer(help="Import records from CSV or Excel (.xlsx) files.", no_args_is_help=True)


def job_fields(job: ImportJob, now: datetime) -> dict[str, object]:
    """The job as the CLI and the API show it (``interrupted``: running, but its process is gone)."""
    counts = job.counts
    return {
        "id": str(job.id), "record_type": job.record_type, "file_name": job.file_name, "checksum": job.checksum,
        "status": job.state(now), "resume": job.resume_hint(now), "dry_run": job.options.dry_run,
        "on_duplicate": job.options.on_duplicate.value,
        "mapping": job.mapping_name, "columns": job.columns, "ignored_columns": list(job.ignored),
        "value_mappings": job.options.team_values,
        "encoding": job.options.encoding, "delimiter": job.options.delimiter, "rows_done": job.rows_done,
        "read": counts.read, "imported": counts.imported, "updated": counts.updated, "skipped": counts.skipped,
        "failed": counts.failed, "actor_id": str(job.actor_id), "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None, "message": job.message,
    }


def _show(job: ImportJob, as_json: bool) -> None:
    now = ready_application().context.now()
    if as_json:
        print_json(job_fields(job, now))
        return
    c = job.counts
    print_record(f"Import {job.id}", [
        ("file", job.file_name), ("status", job.state(now) + (" (dry run)" if job.options.dry_run else "")),
        ("read", c.read), ("imported", c.imported), ("updated", c.updated), ("skipped", c.skipped),
        ("failed", c.failed), ("rows done", job.rows_done), ("on duplicate", job.options.on_duplicate.value),
        ("ignored columns", ", ".join(job.ignored) or None),
        ("values read as", described_values(job.options.team_values) or None), ("message", job.message),
        ("started", job.created_at), ("finished", job.finished_at), ("to resume", job.resume_hint(now)),
    ])
    if c.failed:
        console.print(f"{counted(c.failed, 'row')} failed: `leadline import errors {job.id} --output FILE` lists them.",
                      highlight=False, markup=False)


FILE_ARGUMENT = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A .csv or .xlsx file.")
MAPPING_OPTION = typer.Option(None, "--mapping", help="A saved or built-in column mapping by name.")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Validate and report; write nothing.")
ON_DUPLICATE_OPTION = typer.Option("skip", "--on-duplicate", help="skip | update | create")
DELIMITER_OPTION = typer.Option(None, "--delimiter", help="CSV delimiter (default: detected).")
ENCODING_OPTION = typer.Option(None, "--encoding", help="CSV encoding (default: detected).")
DATE_FORMAT_OPTION = typer.Option(None, "--date-format", help="Dates besides YYYY-MM-DD, e.g. %d/%m/%Y.")
BLOCK_SIZE_OPTION = typer.Option(1000, "--block-size", parser=whole_number(1, 50_000), help="Rows per transaction.")


@app.command("leads")
@handle_errors
def leads(
    file: Path = FILE_ARGUMENT,
    mapping: str = MAPPING_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    on_duplicate: str = ON_DUPLICATE_OPTION,
    delimiter: str = DELIMITER_OPTION,
    encoding: str = ENCODING_OPTION,
    date_format: str = DATE_FORMAT_OPTION,
    block_size: int = BLOCK_SIZE_OPTION,
    campaign: str = typer.Option(None, "--campaign", help="Every imported lead joins this campaign (name or id)."),
    as_json: bool = JSON_OPTION,
    acting_as: str = AS_OPTION,
) -> None:
    """Import leads from FILE; re-running an interrupted import of the same file resumes it.

    Example: leadline import leads export.csv --mapping salesforce --on-duplicate update

    Example: leadline import leads badges.csv --campaign "Trade show 2026"
    """
    _import("lead", file, mapping, dry_run, on_duplicate, delimiter, encoding, date_format, block_size, as_json,
            acting_as, campaign=campaign)


def _record_command(kind: str, name: str, example: str) -> None:
    """``leadline import NAME FILE``: the same options as leads, but no campaign."""

    def command(
        file: Path = FILE_ARGUMENT,
        mapping: str = MAPPING_OPTION,
        dry_run: bool = DRY_RUN_OPTION,
        on_duplicate: str = ON_DUPLICATE_OPTION,
        delimiter: str = DELIMITER_OPTION,
        encoding: str = ENCODING_OPTION,
        date_format: str = DATE_FORMAT_OPTION,
        block_size: int = BLOCK_SIZE_OPTION,
        as_json: bool = JSON_OPTION,
        acting_as: str = AS_OPTION,
    ) -> None:
        _import(kind, file, mapping, dry_run, on_duplicate, delimiter, encoding, date_format, block_size, as_json,
                acting_as)

    command.__doc__ = (f"Import {name} from FILE; re-running an interrupted import of the same file resumes it.\n\n"
                       f"    Example: {example}\n    ")
    command.__name__ = name
    app.command(name)(handle_errors(command))


_record_command("account", "accounts", "leadline import accounts Account.csv --mapping salesforce")
_record_command("contact", "contacts", "leadline import contacts Contact.csv --on-duplicate update")
_record_command("opportunity", "opportunities",
                "leadline import opportunities Opportunity.csv --date-format %d/%m/%Y")


def _import(kind: str, file: Path, mapping: str | None, dry_run: bool, on_duplicate: str, delimiter: str | None,
            encoding: str | None, date_format: str | None, block_size: int, as_json: bool, acting_as: str, *,
            campaign: str | None = None) -> None:
    from leadline.domain.imports.job import ImportOptions, parse_policy

    actor = actor_id(acting_as)
    context = ready_application().context
    options = ImportOptions(on_duplicate=parse_policy(on_duplicate), dry_run=dry_run,
                            delimiter=_delimiter(delimiter), encoding=encoding, block_size=block_size,
                            date_format=date_format)
    source = import_files.inspect_file(file, encoding=encoding, delimiter=options.delimiter)
    job = import_jobs.start_import(context, actor, kind, source, mapping_name=mapping, options=options,
                                   campaign=campaign)
    if job.rows_done and not as_json:
        console.print(f"Resuming import {job.id} after row {job.rows_done + 1}.", highlight=False)
    if as_json or not console.is_terminal:
        job = import_jobs.run_import(context, job.id, source)
    else:
        job = _run_with_progress(context, job, source)
    _show(job, as_json)
    if job.counts.failed:
        raise typer.Exit(EXIT_INCOMPLETE)


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    text = named.get(value.lower(), value)
    if len(text) != 1:
        raise ValidationError(f"{value!r} is not one character", field="delimiter")
    return text


def _run_with_progress(context: object, job: ImportJob, source: object) -> ImportJob:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    total = max(source.estimated_rows, 1)  # type: ignore[attr-defined]
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:>9} rows/s"), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("Importing", total=total, completed=job.rows_done, rate="")

        def moved(current: ImportJob) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, completed=min(current.rows_done, total), rate=f"{speed:,.0f}" if speed else "")

        return import_jobs.run_import(context, job.id, source, progress=moved)  # type: ignore[arg-type]


@app.command("status")
@handle_errors
def status(job_id: str = typer.Argument(..., help="The import's id."), as_json: bool = JSON_OPTION,
           acting_as: str = AS_OPTION) -> None:
    """Show an import: status, counts, rows done.

    Example: leadline import status 1234567890
    """
    actor = actor_id(acting_as)
    _show(import_jobs.get_import(ready_application().context, actor, parse_id(job_id, "import")), as_json)


@app.command("list")
@handle_errors
def list_jobs(limit: int = typer.Option(50, "--limit", parser=whole_number(1, 200), help="How many, newest first."),
              as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The newest imports, newest first: your own (an admin sees everyone's), with who ran each,
    when, the file, the counts and the status. An `interrupted` one (running, but its process is
    gone) or a failed one says how to resume it: import the same file again.

    Example: leadline import list --limit 10
    """
    actor = actor_id(acting_as)
    context = ready_application().context
    found = import_listing.list_imports(context, actor, limit=limit)
    if as_json:
        print_json([{**job_fields(item.job, context.now()), "actor": item.actor_name} for item in found])
        return
    print_table("Imports", ["id", "started", "by", "kind", "file", "status", "read", "imported", "updated",
                            "skipped", "failed"],
                [[str(i.job.id), i.job.created_at, i.actor_name, i.job.record_type,
                  i.job.file_name, i.state + (" (dry run)" if i.job.options.dry_run else ""), i.job.counts.read,
                  i.job.counts.imported, i.job.counts.updated, i.job.counts.skipped, i.job.counts.failed]
                 for i in found])
    for item in found:
        if item.resume_hint:
            console.print(f"Import {item.job.id} ({item.state}): {item.resume_hint}.", highlight=False,
                          markup=False)
    if any(item.job.counts.failed for item in found):
        console.print("`leadline import errors ID --output FILE` gives an import's failed rows.", highlight=False,
                      markup=False)


@app.command("errors")
@handle_errors
def errors(job_id: str = typer.Argument(..., help="The import's id."),
           output: Path = typer.Option(None, "--output", "-o",
                                       help="Write the report here, in the imported file's format "
                                            "('-': that format on stdout; default: CSV on stdout)."),
           each: bool = typer.Option(False, "--each",
                                     help="Every error, a line each: row, field, value, message (not re-importable)."),
           acting_as: str = AS_OPTION) -> None:
    """The rows an import could not take, a line per row: the file's columns plus _row, _field,
    _error (a row refused on several fields names each). With --output, in the imported file's
    format (.xlsx, or CSV in its delimiter and encoding), or the one the output's name ends with
    (.csv, .xlsx). Fix them and import the file again. With --each: every error on its own line.

    Example: leadline import errors 1234567890 --output fix-me.xlsx
    """
    actor = actor_id(acting_as)
    job = parse_id(job_id, "import")
    ctx = ready_application().context
    if output is None:
        rows = import_reports.listed(import_jobs.import_error_list(ctx, actor, job)) if each else \
            import_reports.shown(import_jobs.import_error_rows(ctx, actor, job))
        csv.writer(sys.stdout).writerows(rows)
        return
    to_stdout = str(output) == "-"  # the report as a file would hold it, on stdout
    wanted = "" if to_stdout else output.suffix.lower().lstrip(".")
    report = import_reports.error_list if each else import_reports.error_report
    _, chunks = report(ctx, actor, job, wanted if wanted in ("csv", "xlsx") else None)
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.writelines(chunks)
        sys.stdout.buffer.flush()
        return
    with output.open("wb") as file:
        file.writelines(chunks)


@app.command("matches")
@handle_errors
def matches(job_id: str = typer.Argument(..., help="The import's id."), acting_as: str = AS_OPTION) -> None:
    """The rows an import skipped or updated as duplicates, and the record each matched: row,
    outcome, record_id, matched (stored, or this import: as an earlier row left it), rules, score; CSV on stdout.

    Example: leadline import matches 1234567890 > matched.csv
    """
    actor = actor_id(acting_as)
    rows = import_matches.import_matches(ready_application().context, actor, parse_id(job_id, "import"))
    csv.writer(sys.stdout).writerows(rows)


@app.command("mappings")
@handle_errors
def mappings(kind: str = typer.Option("lead", "--kind", help="lead | account | contact | opportunity"),
             as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The column mappings an import may name: built-in (salesforce, hubspot, pipedrive, leadline) and
    saved, each saved one with its value mappings (FIELD: FILE VALUE -> LABEL).

    Example: leadline import mappings --kind contact --json
    """
    actor = actor_id(acting_as)
    found = import_mappings_service.import_mappings(ready_application().context, actor, kind)
    if as_json:
        print_json({name: {"record_type": m.record_type, "columns": m.columns, "values": m.values}
                    for name, m in found.items()})
        return
    print_table("Import mappings", ["name", "columns", "values"],
                [[name, ", ".join(f"{h} -> {f}" for h, f in m.columns.items()), described_values(m.values)]
                 for name, m in found.items()])


def _pairs(pairs: list[str], what: str, option: str) -> dict[str, str]:
    """``LEFT=RIGHT`` pairs (split at the last ``=``: a file's value may hold one); else ``VALIDATION_FAILED``."""
    found: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = pair.rpartition("=")
        if not sep or not left.strip():
            raise ValidationError(f"{pair!r} is not {what}", field=option)
        found[left.strip()] = right.strip()
    return found


@app.command("save-mapping")
@handle_errors
def save_mapping(name: str = typer.Argument(..., help="The mapping's name."),
                 column: list[str] = typer.Option(..., "--column", help="HEADER=FIELD; repeatable."),
                 value: list[str] = typer.Option(None, "--value",
                                                 help="FIELD:FILE VALUE=LABEL; repeatable (none: keep those saved)."),
                 kind: str = typer.Option("lead", "--kind", help="lead | account | contact | opportunity"),
                 acting_as: str = AS_OPTION) -> None:
    """Save a column mapping by name, for `import leads --mapping NAME`, with its value mappings:
    a pick-list value of the file read as one of the field's labels (after the standard ones).
    Needs the right to create records of the kind (as its import does).

    Example: leadline import save-mapping fair --column "Badge name=last_name" --column "Firm=company"
    --value "status:Hot prospect=Qualified"
    """
    values: dict[str, dict[str, str]] | None = None
    if value:
        values = {}
        for item in value:
            field, sep, pair = item.partition(":")
            if not sep or not field.strip():
                raise ValidationError(f"{item!r} is not FIELD:FILE VALUE=LABEL", field="value")
            values.setdefault(field.strip(), {}).update(_pairs([pair], "FIELD:FILE VALUE=LABEL", "value"))
    actor = actor_id(acting_as)
    import_mappings_service.save_import_mapping(ready_application().context, actor, name,
                                                _pairs(column, "HEADER=FIELD", "column"), kind=kind, values=values)
    console.print(f"Saved mapping {name!r}.", highlight=False, markup=False)


@app.command("map-values")
@handle_errors
def map_values(name: str = typer.Argument(..., help="A saved mapping's name."),
               field: str = typer.Argument(..., help="A pick-list field: status, source, rating, industry, "
                                                     "lead_source or custom.NAME."),
               pairs: list[str] = typer.Argument(None, help="FILE VALUE=LABEL; none: remove the field's."),
               acting_as: str = AS_OPTION) -> None:
    """Set the value mappings of one field of a saved mapping: each value of the file read as
    that label on import (after the standard ones, which it overrides). The label must be one of
    the field's (named in the error otherwise); only this field is checked.

    Example: leadline import map-values fair status "Hot prospect=Qualified" "Cold call=Contacted"
    """
    actor = actor_id(acting_as)
    saved = import_mappings_service.set_mapping_values(ready_application().context, actor, name, field,
                                                       _pairs(pairs or [], "FILE VALUE=LABEL", "values"))
    console.print(f"Saved mapping {saved.name!r}: {described_values(saved.values) or 'no value mappings'}.",
                  highlight=False, markup=False)
