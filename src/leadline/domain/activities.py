"""Activities: tasks, calls, e-mails, meetings and notes, linked to any record."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leadline.domain.custom_fields import RecordType


class ActivityKind(StrEnum):
    TASK = "task"
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"
    NOTE = "note"


@dataclass(frozen=True, slots=True)
class RecordRef:
    record_type: RecordType
    record_id: int


@dataclass(slots=True)
class Activity:
    id: int
    kind: ActivityKind
    subject: str
    created_at: datetime
    body: str | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    owner_id: int | None = None
    links: list[RecordRef] = field(default_factory=list)

    def is_open_task(self) -> bool:
        return self.kind is ActivityKind.TASK and self.completed_at is None
