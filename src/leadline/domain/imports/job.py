"""The import job: what was asked (file, checksum, mapping, options), how far it got (rows done,
counts) and how it ended. Progress moves a block at a time, in the transaction that writes the
block, so the job always says exactly which rows of the file are in the database.

The counts always add up: ``read = imported + updated + skipped + failed``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from leadline.domain.errors import ConflictError, ValidationError
from leadline.domain.security.rights import Action

#: Rows validated and written per transaction unless the caller asks otherwise.
DEFAULT_BLOCK_SIZE = 1000
MAX_BLOCK_SIZE = 50_000
#: A running job whose progress has not moved for this long is taken for interrupted (its process
#: died: killed, a server restarted). Every committed block moves ``updated_at``; a block of the
#: largest size takes well under a minute, so a live job is never this quiet
#: (docs/adr/0075-interrupted-import-jobs-by-their-heartbeat.md).
INTERRUPTED_AFTER = timedelta(minutes=5)
INTERRUPTED = "interrupted"


class DuplicatePolicy(StrEnum):
    """What a row that matches an existing lead (or an earlier row of the file) does."""

    SKIP = "skip"      # leave the existing lead alone; the row counts as skipped
    UPDATE = "update"  # write the row's non-blank values onto the existing lead
    CREATE = "create"  # create a new lead anyway


class JobStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


def parse_policy(value: str) -> DuplicatePolicy:
    try:
        return DuplicatePolicy(value.strip().lower())
    except ValueError:
        raise ValidationError(f"{value!r} is not one of skip, update, create", field="on_duplicate") from None


@dataclass(frozen=True)
class ImportOptions:
    """How the file is read and written. ``delimiter``/``encoding`` None: detected from the file."""

    on_duplicate: DuplicatePolicy = DuplicatePolicy.SKIP
    dry_run: bool = False
    delimiter: str | None = None
    encoding: str | None = None
    block_size: int = DEFAULT_BLOCK_SIZE
    date_format: str | None = None  # besides ISO, e.g. "%d/%m/%Y"
    campaign_id: int | None = None  # every imported lead joins this campaign (as having responded)
    #: field -> a file's value (as ``header_key`` reads it) -> the label read instead: the
    #: standard values of the usual exports (``domain/imports/values.py``), fixed at the start
    value_map: dict[str, dict[str, str]] = field(default_factory=dict)
    #: the value mappings of the team's own (a saved mapping's, or chosen on the import page),
    #: as written (field -> the file's value -> label): inside ``value_map``, and what the job shows
    team_values: dict[str, dict[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.date_format is not None and "%" not in self.date_format:
            raise ValidationError("a date format is written with % codes, such as %d/%m/%Y", field="date_format")
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValidationError("the delimiter is one character", field="delimiter")
        if not 1 <= self.block_size <= MAX_BLOCK_SIZE:
            raise ValidationError(f"a block holds 1 to {MAX_BLOCK_SIZE} rows", field="block_size")

    def rights_needed(self) -> tuple[Action, ...]:
        """The object rights the importer needs on the kind imported: create, and edit too when a
        duplicate updates the record it matches (a dry run needs what the real run would)."""
        if self.on_duplicate is DuplicatePolicy.UPDATE:
            return (Action.CREATE, Action.EDIT)
        return (Action.CREATE,)


@dataclass(frozen=True)
class ImportCounts:
    read: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0

    def __add__(self, other: ImportCounts) -> ImportCounts:
        return ImportCounts(self.read + other.read, self.imported + other.imported, self.updated + other.updated,
                            self.skipped + other.skipped, self.failed + other.failed)

    def adds_up(self) -> bool:
        return self.read == self.imported + self.updated + self.skipped + self.failed


@dataclass(frozen=True)
class RowError:
    """Why one row of the file was not imported: its number in the file (the header is row 1),
    the field at fault (as the API names it) and the message of the rule it broke."""

    row: int
    field: str
    error: str
    cells: tuple[str, ...] = ()


@dataclass
class ImportJob:
    id: int
    record_type: str
    file_name: str
    checksum: str
    headers: tuple[str, ...]
    mapping_name: str | None
    columns: dict[str, str]  # header -> lead field or "custom.<name>", as the plan used them
    ignored: tuple[str, ...]
    options: ImportOptions
    actor_id: int
    created_at: datetime
    updated_at: datetime
    status: JobStatus = JobStatus.RUNNING
    counts: ImportCounts = field(default_factory=ImportCounts)
    rows_done: int = 0  # rows of the file (blank ones included) behind the last committed block
    finished_at: datetime | None = None
    message: str | None = None

    def can_resume(self, checksum: str, actor_id: int) -> bool:
        """A stopped real import of the same file by the same user carries on where it stopped."""
        return (self.checksum == checksum and self.actor_id == actor_id and not self.options.dry_run
                and self.status is not JobStatus.COMPLETED)

    def is_interrupted(self, now: datetime) -> bool:
        """Whether the job says running but its process is gone: no block committed for
        ``INTERRUPTED_AFTER``. Its rows up to ``rows_done`` are in; the rest wait for a resume."""
        return self.status is JobStatus.RUNNING and now - self.updated_at > INTERRUPTED_AFTER

    def state(self, now: datetime) -> str:
        """The status as shown: ``interrupted`` for a running job whose process is gone."""
        return INTERRUPTED if self.is_interrupted(now) else self.status.value

    def resume_hint(self, now: datetime) -> str | None:
        """How to carry on a job that stopped short (interrupted or failed), or None. A real import
        resumes when its importer imports the same file again (same kind); a dry run starts over."""
        if self.status is JobStatus.COMPLETED or not (self.is_interrupted(now) or self.status is JobStatus.FAILED):
            return None
        if self.options.dry_run:
            return f"run the dry run of {self.file_name} again: a dry run starts over"
        return (f"import {self.file_name} again as {self.record_type} records (same user): "
                f"it resumes after row {self.rows_done + 1}")

    def record_block(self, rows: int, counts: ImportCounts, at: datetime) -> None:
        """Move past a block of ``rows`` rows of the file, with what became of them."""
        if self.status is JobStatus.COMPLETED:
            raise ConflictError(f"import {self.id} is already completed", field="import")
        if not counts.adds_up():
            raise ValueError(f"a block's counts must add up: {counts}")
        self.rows_done += rows
        self.counts = self.counts + counts
        self.status, self.updated_at = JobStatus.RUNNING, at

    def complete(self, at: datetime) -> None:
        self.status, self.finished_at, self.updated_at, self.message = JobStatus.COMPLETED, at, at, None

    def fail(self, message: str, at: datetime) -> None:
        self.status, self.updated_at, self.message = JobStatus.FAILED, at, message

    def resumed(self, at: datetime) -> ImportJob:
        return replace(self, status=JobStatus.RUNNING, updated_at=at, message=None)
