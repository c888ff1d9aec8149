"""In-memory saved views."""

from __future__ import annotations

from leadline.domain.errors import ConflictError
from leadline.domain.saved_views import SavedView, ViewList
from tests.fakes.tables import Tables, copied


class SavedViewRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, view: SavedView) -> None:
        if any((v.user_id, v.list_name, v.name) == (view.user_id, view.list_name, view.name)
               for v in self.tables.saved_views.values()):
            raise ConflictError("a view of that name exists", field="name")  # the table's unique rule
        self.tables.saved_views[view.id] = copied(view)

    def get(self, view_id: int) -> SavedView | None:
        return copied(self.tables.saved_views.get(view_id))

    def list_for(self, user_id: int, list_name: ViewList) -> list[SavedView]:
        mine = (v for v in self.tables.saved_views.values() if (v.user_id, v.list_name) == (user_id, list_name))
        return [copied(v) for v in sorted(mine, key=lambda v: (v.name.casefold(), v.id))]

    def delete(self, view_id: int) -> None:
        self.tables.saved_views.pop(view_id, None)
