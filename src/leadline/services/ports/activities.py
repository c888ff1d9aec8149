"""Ports of activities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from leadline.domain.activities import Activity
from leadline.domain.configuration.custom_fields import RecordType


class ActivityRepository(Protocol):
    def add(self, activity: Activity) -> None: ...

    def get(self, activity_id: int) -> Activity | None: ...

    def save(self, activity: Activity) -> None: ...

    def linked_records(self, record_type: RecordType, record_ids: Sequence[int]) -> set[int]:
        """Which of ``record_ids`` have an activity linked."""
        ...

    def for_record(self, record_type: RecordType, record_id: int) -> list[Activity]: ...
