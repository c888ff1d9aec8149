"""Records deleted outright, kept for Salesforce's ``sobjects/X/deleted/`` (docs/adr/0047)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from leadline.domain.history import Deletion
from leadline.persistence.security.rows import DeletedRecordRow

_TABLE = DeletedRecordRow.__table__


class DeletionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, deletion: Deletion) -> None:
        self.session.connection().execute(insert(_TABLE), {
            "record_type": deletion.record_type, "record_id": deletion.record_id, "owner_id": deletion.owner_id,
            "deleted_at": deletion.deleted_at})

    def between(self, record_type: str, start: datetime, end: datetime,
                owner_ids: Iterable[int] | None) -> list[Deletion]:
        """The deletions of ``record_type`` in ``[start, end)``, oldest first, of records owned by
        ``owner_ids`` (None: any owner)."""
        statement = (select(_TABLE).where(_TABLE.c.record_type == record_type, _TABLE.c.deleted_at >= start,
                                          _TABLE.c.deleted_at < end)
                     .order_by(_TABLE.c.deleted_at, _TABLE.c.record_id))
        if owner_ids is not None:
            statement = statement.where(_TABLE.c.owner_id.in_(sorted(owner_ids)))
        return [Deletion(r.record_type, r.record_id, r.owner_id, r.deleted_at)
                for r in self.session.connection().execute(statement)]

    def earliest(self, record_type: str) -> datetime | None:
        """The moment of the oldest deletion of ``record_type`` kept, or None."""
        found: datetime | None = self.session.connection().execute(
            select(func.min(_TABLE.c.deleted_at)).where(_TABLE.c.record_type == record_type)).scalar()
        return found
