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
#: and a contact role are read with their opportunity (their deletion keeps the opportunity's owner)
READ_WITH: dict[str, RecordType] = {"lead": RecordType.LEAD, "contact": RecordType.CONTACT,
                                    "account": RecordType.ACCOUNT, "opportunity": RecordType.OPPORTUNITY,
                                    "line_item": RecordType.OPPORTUNITY, "contact_role": RecordType.OPPORTUNITY}
#: the kinds read with a contact too (their deletion keeps the contact's owner): a contact role is
#: shown only to whoever may read its opportunity and its contact, on every path
#: (docs/adr/0058-contact-roles-read-with-both-parents.md)
ALSO_READ_WITH_CONTACT = frozenset({"contact_role"})


@dataclass(frozen=True, slots=True)
class DeletedWindow:
    """``earliest``: the oldest deletion kept of that kind that the actor could read (None: none);
    ``latest_covered``: the end of the window, or now when the window ends later."""

    deletions: list[Deletion]
    earliest: datetime | None
    latest_covered: datetime


def deleted_records(ctx: ServiceContext, actor_id: int, kind: str, start: datetime, end: datetime) -> DeletedWindow:
    """The deletions of ``kind`` records from ``start`` (included) to ``end`` (excluded), oldest
    first, of records the actor could read (their owner's; a contact role's, its opportunity's and
    its contact's): of others, not even the moment is told. ``VALIDATION_FAILED`` when ``end`` is
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
        contact_owners = viewer.readable_owner_ids(RecordType.CONTACT) if kind in ALSO_READ_WITH_CONTACT else None
        return DeletedWindow(uow.deletions.between(kind, start, end, owners, contact_owners),
                             uow.deletions.earliest(kind, owners, contact_owners), latest)
