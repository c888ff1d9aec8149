"""Records deleted outright, kept for Salesforce's ``sobjects/X/deleted/`` (docs/adr/0047)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, insert, select
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
            "deleted_at": deletion.deleted_at, "contact_owner_id": deletion.contact_owner_id})

    def remove(self, record_type: str, record_ids: Iterable[int]) -> None:
        """Forget the deletions of records that live again (an undone merge's)."""
        ids = sorted(set(record_ids))
        if ids:
            self.session.connection().execute(delete(_TABLE).where(_TABLE.c.record_type == record_type,
                                                                   _TABLE.c.record_id.in_(ids)))

    def between(self, record_type: str, start: datetime, end: datetime, owner_ids: Iterable[int] | None,
                contact_owner_ids: Iterable[int] | None = None) -> list[Deletion]:
        """The deletions of ``record_type`` in ``[start, end)``, oldest first, of records owned by
        ``owner_ids`` (None: any owner) whose contact, if ``contact_owner_ids`` is given, was
        owned by one of those."""
        statement = (select(_TABLE).where(_TABLE.c.record_type == record_type, _TABLE.c.deleted_at >= start,
                                          _TABLE.c.deleted_at < end)
                     .order_by(_TABLE.c.deleted_at, _TABLE.c.record_id))
        return [Deletion(r.record_type, r.record_id, r.owner_id, r.deleted_at, r.contact_owner_id)
                for r in self.session.connection().execute(_owned(statement, owner_ids, contact_owner_ids))]

    def earliest(self, record_type: str, owner_ids: Iterable[int] | None = None,
                 contact_owner_ids: Iterable[int] | None = None) -> datetime | None:
        """The moment of the oldest deletion of ``record_type`` kept, among those ``between``
        would answer for the same owners, or None."""
        statement = select(func.min(_TABLE.c.deleted_at)).where(_TABLE.c.record_type == record_type)
        found: datetime | None = self.session.connection().execute(
            _owned(statement, owner_ids, contact_owner_ids)).scalar()
        return found


def _owned(statement: Select[Any], owner_ids: Iterable[int] | None,
           contact_owner_ids: Iterable[int] | None) -> Select[Any]:
    if owner_ids is not None:
        statement = statement.where(_TABLE.c.owner_id.in_(sorted(owner_ids)))
    if contact_owner_ids is not None:  # a null owner (a role removed before it was kept) is no reader's
        statement = statement.where(_TABLE.c.contact_owner_id.in_(sorted(contact_owner_ids)))
    return statement
