"""``leadline import ...``: import leads, accounts, contacts or opportunities from a CSV or .xlsx
file, follow the job, get its errors.

Example::

    leadline import leads salesforce-export.csv --on-duplicate update
    leadline import contacts Contact.csv --mapping salesforce
    leadline import status 1234567890
    leadline import errors 1234567890 --output fix-me.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadline.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    actor_id,
    handle_errors,
    parse_id,
    ready_application,
    whole_number,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.output import console, print_json, print_record, print_table
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.domain.imports.job import ImportJob
    from leadline.services.imports import files as import_files
    from leadline.services.imports import jobs as import_jobs
else:
    import_files = lazy_module("leadline.services.imports.files")
    import_jobs = lazy_module("leadline.services.imports.jobs")

app = typer.Typer(help="Import records from CSV or Excel (.xlsx) files.", no_args_is_help=True)


def job_fields(job: ImportJob) -> dict[str, object]:
    """The job as the CLI and the API show it."""
    counts = job.counts
    return {
        "id": str(job.id), "record_type": job.record_type, "file_name": job.file_name, "checksum": job.checksum,
        "status": job.status.value, "dry_run": job.options.dry_run, "on_duplicate": job.options.on_duplicate.value,
        "mapping": job.mapping_name, "columns": job.columns, "ignored_columns": list(job.ignored),
        "encoding": job.options.encoding, "delimiter": job.options.delimiter, "rows_done": job.rows_done,
        "read": counts.read, "imported": counts.imported, "updated": counts.updated, "skipped": counts.skipped,
        "failed": counts.failed, "actor_id": str(job.actor_id), "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None, "message": job.message,
    }


def _show(job: ImportJob, as_json: bool) -> None:
    if as_json:
        print_json(job_fields(job))
        return
    c = job.counts
    print_record(f"Import {job.id}", [
        ("file", job.file_name), ("status", job.status.value + (" (dry run)" if job.options.dry_run else "")),
        ("read", c.read), ("imported", c.imported), ("updated", c.updated), ("skipped", c.skipped),
        ("failed", c.failed), ("rows done", job.rows_done), ("on duplicate", job.options.on_duplicate.value),
        ("ignored columns", ", ".join(job.ignored) or None), ("message", job.message),
        ("started", job.created_at), ("finished", job.finished_at),
    ])
    if c.failed:
        console.print(f"{c.failed} rows failed: `leadline import errors {job.id} --output FILE` lists them.",
                      highlight=False, markup=False)


FILE_ARGUMENT = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="A .csv or .xlsx file.")
MAPPING_OPTION = typer.Option(None, "--mapping", help="A saved or built-in column mapping by name.")
DRY_RUN_OPTION = typer.Option(False, "--dry-run", help="Validate and report; write nothing.")
ON_DUPLICATE_OPTION = typer.Option("skip", "--on-duplicate", help="skip | update | create")
DELIMITER_OPTION = typer.Option(None, "--delimiter", help="CSV delimiter (default: detected).")
ENCODING_OPTION = typer.Option(None, "--encoding", help="CSV encoding (default: detected).")
DATE_FORMAT_OPTION = typer.Option(None, "--date-format", help="Dates besides ISO, e.g. %d/%m/%Y.")
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
        raise typer.Exit(6)


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


@app.command("errors")
@handle_errors
def errors(job_id: str = typer.Argument(..., help="The import's id."),
           output: Path = typer.Option(None, "--output", "-o", help="Write the CSV here (default: stdout)."),
           acting_as: str = AS_OPTION) -> None:
    """The rows an import could not take, as CSV: the file's columns plus _row, _field, _error.
    Fix them and import the file again.

    Example: leadline import errors 1234567890 --output fix-me.csv
    """
    actor = actor_id(acting_as)
    rows = import_jobs.import_error_rows(ready_application().context, actor, parse_id(job_id, "import"))
    if output is None:
        csv.writer(sys.stdout).writerows(rows)
        return
    with output.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)


@app.command("mappings")
@handle_errors
def mappings(kind: str = typer.Option("lead", "--kind", help="lead | account | contact | opportunity"),
             as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The column mappings an import may name: built-in (salesforce, hubspot, pipedrive, leadline) and saved.

    Example: leadline import mappings --kind contact --json
    """
    actor = actor_id(acting_as)
    found = import_jobs.import_mappings(ready_application().context, actor, kind)
    if as_json:
        print_json(found)
        return
    print_table("Import mappings", ["name", "columns"],
                [[name, ", ".join(f"{h} -> {f}" for h, f in columns.items())] for name, columns in found.items()])


@app.command("save-mapping")
@handle_errors
def save_mapping(name: str = typer.Argument(..., help="The mapping's name."),
                 column: list[str] = typer.Option(..., "--column", help="HEADER=FIELD; repeatable."),
                 kind: str = typer.Option("lead", "--kind", help="lead | account | contact | opportunity"),
                 acting_as: str = AS_OPTION) -> None:
    """Save a column mapping by name, for `import leads --mapping NAME`.

    Example: leadline import save-mapping fair --column "Badge name=last_name" --column "Firm=company"
    """
    columns = {}
    for pair in column:
        header, sep, field = pair.rpartition("=")
        if not sep or not header.strip():
            raise ValidationError(f"{pair!r} is not HEADER=FIELD", field="column")
        columns[header.strip()] = field.strip()
    actor = actor_id(acting_as)
    import_jobs.save_import_mapping(ready_application().context, actor, name, columns, kind=kind)
    console.print(f"Saved mapping {name!r}.", highlight=False, markup=False)
