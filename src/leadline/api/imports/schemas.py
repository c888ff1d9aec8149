"""The shape of an import job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from leadline.domain.imports.job import ImportJob
from leadline.services.imports.listing import ImportListing


class ImportPublic(msgspec.Struct, kw_only=True):
    """An import job: ``status`` is running, completed, failed or ``interrupted`` (running, but
    its process is gone: nothing committed for five minutes); ``resume`` says how to carry on one
    that stopped short (send the same file again), else null. ``read = imported + updated +
    skipped + failed`` at every moment; ``rows_done`` counts the file's rows behind the last
    committed block (blank rows included)."""

    id: str
    record_type: str
    file_name: str
    checksum: str
    status: str
    dry_run: bool
    on_duplicate: str
    mapping: str | None
    columns: dict[str, str]
    ignored_columns: list[str]
    #: the team's value mappings the job reads through (a saved mapping's, or chosen on the import
    #: page): field -> the file's value -> label, after the standard ones
    value_mappings: dict[str, dict[str, str]]
    encoding: str | None
    delimiter: str | None
    rows_done: int
    read: int
    imported: int
    updated: int
    skipped: int
    failed: int
    actor_id: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    message: str | None
    resume: str | None


class ImportListed(ImportPublic, kw_only=True):
    """An import job in the list, with the name of who ran it."""

    actor: str


def import_public(job: ImportJob, now: datetime) -> ImportPublic:
    return ImportPublic(**_fields(job, now))


def import_listed(item: ImportListing) -> ImportListed:
    return ImportListed(**_fields(item.job, item.now), actor=item.actor_name)


def _fields(job: ImportJob, now: datetime) -> dict[str, Any]:
    c = job.counts
    return dict(
        id=str(job.id), record_type=job.record_type, file_name=job.file_name, checksum=job.checksum,
        status=job.state(now), resume=job.resume_hint(now), dry_run=job.options.dry_run,
        on_duplicate=job.options.on_duplicate.value,
        mapping=job.mapping_name, columns=job.columns, ignored_columns=list(job.ignored),
        value_mappings=job.options.team_values,
        encoding=job.options.encoding, delimiter=job.options.delimiter, rows_done=job.rows_done, read=c.read,
        imported=c.imported, updated=c.updated, skipped=c.skipped, failed=c.failed, actor_id=str(job.actor_id),
        created_at=job.created_at, updated_at=job.updated_at, finished_at=job.finished_at, message=job.message)
