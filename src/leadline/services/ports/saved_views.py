"""What the saved views use cases need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from leadline.domain.saved_views import SavedView, ViewList


class SavedViewRepository(Protocol):
    def add(self, view: SavedView) -> None:
        """Stage a new view (``CONFLICT`` at the latest on commit if its user has the name on that list)."""
        ...

    def get(self, view_id: int) -> SavedView | None: ...

    def list_for(self, user_id: int, list_name: ViewList) -> Sequence[SavedView]:
        """The user's views of ``list_name``, by name (letter case ignored)."""
        ...

    def delete(self, view_id: int) -> None: ...
