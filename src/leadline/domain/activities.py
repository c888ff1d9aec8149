"""Activities: tasks, calls, e-mails, meetings and notes, linked to any record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from leadline.domain.configuration.custom_fields import RecordType


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


def as_seen_by(activity: Activity, viewer_id: int, may_read: Callable[[RecordRef], bool]) -> Activity | None:
    """The activity as a viewer sees it, or None when it does not exist for them.

    A note on an account and on an opportunity the viewer may not read talks about that
    opportunity: it is seen whole only by whoever may read every record it links. Its owner (who
    wrote it, or must do the task) still sees it, without the links to records they may not read.
    """
    readable = [link for link in activity.links if may_read(link)]
    if len(readable) == len(activity.links):
        return activity
    return replace(activity, links=readable) if activity.owner_id == viewer_id else None
