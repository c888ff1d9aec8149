"""Rows of imports: the job (what was asked, how far it got), its failed rows, saved mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.imports.job import JobStatus
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


class ImportJobRow(Base):
    """One import of one file; counts and ``rows_done`` move in each block's transaction."""

    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_checksum", "checksum", "actor_id"),)
    id: Mapped[int] = id_column()
    record_type: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    headers: Mapped[str] = mapped_column(Text)  # JSON list
    mapping_name: Mapped[str | None] = mapped_column(String(120))
    columns: Mapped[str] = mapped_column(Text)  # JSON object: header -> field
    ignored: Mapped[str] = mapped_column(Text)  # JSON list
    options: Mapped[str] = mapped_column(Text)  # JSON object
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[JobStatus] = mapped_column(EnumText(JobStatus))
    read_count: Mapped[int] = mapped_column(Integer)
    imported_count: Mapped[int] = mapped_column(Integer)
    updated_count: Mapped[int] = mapped_column(Integer)
    skipped_count: Mapped[int] = mapped_column(Integer)
    failed_count: Mapped[int] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message: Mapped[str | None] = mapped_column(Text)


class ImportErrorRow(Base):
    """A row of the file that was not imported, with its cells, for the error report."""

    __tablename__ = "import_errors"
    __table_args__ = (Index("ix_import_errors_job_row", "job_id", "row_number"),)
    id: Mapped[int] = id_column()
    job_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("import_jobs.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(120))
    error: Mapped[str] = mapped_column(Text)
    cells: Mapped[str] = mapped_column(Text)  # JSON list, as read


class ImportMatchRow(Base):
    """A row of the file that was skipped or updated: the existing record it matched and by what."""

    __tablename__ = "import_matches"
    __table_args__ = (Index("ix_import_matches_job_row", "job_id", "row_number"),)
    id: Mapped[int] = id_column()
    job_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("import_jobs.id"))
    row_number: Mapped[int] = mapped_column(Integer)
    record_id: Mapped[int] = mapped_column(BigInteger)
    rules: Mapped[str] = mapped_column(String(255))  # the rules' names, comma-separated
    score: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    in_file: Mapped[bool] = mapped_column(Boolean)


class ImportMappingRow(Base):
    """A saved column mapping, chosen by name at import."""

    __tablename__ = "import_mappings"
    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(120), unique=True)
    record_type: Mapped[str] = mapped_column(String(20))
    columns: Mapped[str] = mapped_column(Text)  # JSON object: header -> field
    #: JSON object: field -> the file's value -> the label read instead; null: none
    value_maps: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
