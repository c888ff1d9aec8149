"""Which records were deleted in a window, as Salesforce's ``sobjects/X/deleted/`` answers it,
from the deletions the deleting use cases keep (docs/adr/0047)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadline.domain.common import ensure_aware_utc
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.history import Deletion
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer

#: each kind whose deletions are kept, and the kind of record whose readers see them: a line item
#: is read with its opportunity (its deletion keeps the opportunity's owner)
READ_WITH: dict[str, RecordType] = {"lead": RecordType.LEAD, "contact": RecordType.CONTACT,
                                    "account": RecordType.ACCOUNT, "opportunity": RecordType.OPPORTUNITY,
                                    "line_item": RecordType.OPPORTUNITY}


@dataclass(frozen=True, slots=True)
class DeletedWindow:
    """``earliest``: the oldest deletion kept of that kind (None: none yet); ``latest_covered``:
    the end of the window, or now when the window ends later."""

    deletions: list[Deletion]
    earliest: datetime | None
    latest_covered: datetime


def deleted_records(ctx: ServiceContext, actor_id: int, kind: str, start: datetime, end: datetime) -> DeletedWindow:
    """The deletions of ``kind`` records from ``start`` (included) to ``end`` (excluded), oldest
    first, of records the actor could read (their owner's). ``VALIDATION_FAILED`` when ``end`` is
    not after ``start``; a kind Leadline never deletes (a product, a campaign, an activity, a user)
    has none.

    Example: ``deleted_records(ctx, rep, "lead", monday, tuesday).deletions`` -> ``[Deletion(...)]``.
    """
    start, end = ensure_aware_utc(start, field="start"), ensure_aware_utc(end, field="end")
    if end <= start:
        raise ValidationError("must be after start", field="end")
    latest = min(end, ctx.now())
    if kind not in READ_WITH:
        return DeletedWindow([], None, latest)
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        owners = viewer.readable_owner_ids(READ_WITH[kind])
        return DeletedWindow(uow.deletions.between(kind, start, end, owners), uow.deletions.earliest(kind), latest)
