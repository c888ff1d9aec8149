"""Rows of the Salesforce-compatible API's Bulk API 2.0 jobs: the job, and each block's outcomes
(the record every successful row wrote, and whether it was created), for ``successfulResults``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.salesforce.bulk import BulkOperation, BulkState
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


class BulkJobRow(Base):
    """One ingest or query job; an ingest's rows run on the import job ``import_job_id``."""

    __tablename__ = "salesforce_bulk_jobs"
    __table_args__ = (Index("ix_salesforce_bulk_jobs_actor_id", "actor_id"),)
    id: Mapped[int] = id_column()
    kind: Mapped[str] = mapped_column(String(10))
    sobject: Mapped[str] = mapped_column(String(80))
    operation: Mapped[BulkOperation] = mapped_column(EnumText(BulkOperation))
    state: Mapped[BulkState] = mapped_column(EnumText(BulkState))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    external_id_field: Mapped[str | None] = mapped_column(String(80))
    column_delimiter: Mapped[str] = mapped_column(String(12))
    line_ending: Mapped[str] = mapped_column(String(4))
    api_version: Mapped[str] = mapped_column(String(8))
    query: Mapped[str | None] = mapped_column(Text)
    data_path: Mapped[str | None] = mapped_column(Text)
    import_job_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("import_jobs.id"))
    error_message: Mapped[str | None] = mapped_column(Text)
    records_processed: Mapped[int] = mapped_column(Integer)
    records_failed: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class BulkOutcomeRow(Base):
    """The successful rows of one block: ``outcomes`` is ``row:id:created`` entries joined by ``;``
    (one row a block, written in the block's transaction, so results and progress agree)."""

    __tablename__ = "salesforce_bulk_outcomes"
    __table_args__ = (Index("ix_salesforce_bulk_outcomes_job_row", "job_id", "first_row"),)
    id: Mapped[int] = id_column()
    job_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("salesforce_bulk_jobs.id", ondelete="CASCADE"))
    first_row: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[str] = mapped_column(Text)
