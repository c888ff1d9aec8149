"""``SavedViewRepository`` (services/ports/saved_views.py) in SQL."""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from leadline.domain.saved_views import LeadViewFilters, SavedView, ViewList
from leadline.persistence.saved_views.rows import SavedViewRow


class SavedViewRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, view: SavedView) -> None:
        self.session.add(SavedViewRow(id=view.id, user_id=view.user_id, list_name=view.list_name, name=view.name,
                                      filters=json.dumps(view.filters.as_data()), created_at=view.created_at))

    def get(self, view_id: int) -> SavedView | None:
        row = self.session.get(SavedViewRow, view_id)
        return _view(row) if row is not None else None

    def list_for(self, user_id: int, list_name: ViewList) -> list[SavedView]:
        rows = self.session.scalars(select(SavedViewRow).where(SavedViewRow.user_id == user_id,
                                                                SavedViewRow.list_name == list_name))
        return sorted((_view(row) for row in rows), key=lambda view: (view.name.casefold(), view.id))

    def delete(self, view_id: int) -> None:
        self.session.execute(delete(SavedViewRow).where(SavedViewRow.id == view_id))


def _view(row: SavedViewRow) -> SavedView:
    return SavedView(row.id, row.user_id, row.list_name, row.name, LeadViewFilters.from_data(json.loads(row.filters)),
                     row.created_at)
