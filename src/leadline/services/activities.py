"""Activities (tasks, calls, e-mails, meetings, notes) logged against records the actor may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadline.domain.activities import Activity, ActivityKind, RecordRef
from leadline.domain.common import clean_text, ensure_aware_utc
from leadline.domain.configuration.custom_fields import RecordType, parse_record_type
from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.ids import new_id
from leadline.services.context import ServiceContext
from leadline.services.records import read_any
from leadline.services.security import idempotency
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.users import resolve_user
from leadline.services.security.visibility import visible_activities

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def log_activity(
    ctx: ServiceContext, actor_id: int, *, kind: str, subject: str, links: Sequence[tuple[str, int]],
    body: str | None = None, due_at: datetime | None = None, owner: str | int | None = None,
    claim: IdempotencyClaim[Activity] | None = None,
) -> Activity:
    """Log an activity on one or more records, each of which the actor must be able to read
    (``claim``: the request's idempotency key, kept with the activity)."""
    try:
        activity_kind = ActivityKind(kind.strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in ActivityKind)
        raise ValidationError(f"{kind!r} is not an activity kind; use one of {allowed}", field="kind") from None
    if not links:
        raise ValidationError("an activity belongs to at least one record", field="links")
    due_at = None if due_at is None else ensure_aware_utc(due_at, field="due_at")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        refs = [RecordRef(_record_type(kind_), read_any(uow, viewer, kind_, record_id).id)
                for kind_, record_id in links]
        assignee = resolve_user(uow, owner) or viewer.user
        viewer.ensure_can_assign(assignee)
        now = ctx.now()
        activity = Activity(
            id=new_id(), kind=activity_kind, created_at=now, owner_id=assignee.id, due_at=due_at, links=refs,
            subject=clean_text(subject, field="subject", max_length=255, required=True) or "",
            body=clean_text(body, field="body", max_length=32_000),
        )
        uow.activities.add(activity)
        audit_created(uow, "activity", activity.id, viewer.id, now, fields_of(activity))
        return idempotency.commit(ctx, uow, claim, activity)


def list_activities(ctx: ServiceContext, actor_id: int, kind: str, record_id: int) -> list[Activity]:
    """The activities of a record the actor may read, newest first, as the actor sees them: one
    linked to a record the actor may not read is left out, or shown to its owner without that link
    (services/security/visibility.py)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        read_any(uow, viewer, kind, record_id)
        return visible_activities(uow, viewer, uow.activities.for_record(_record_type(kind), record_id))


def complete_activity(ctx: ServiceContext, actor_id: int, activity_id: int) -> Activity:
    """Mark a task done (its owner, or whoever may edit one of its records); an activity the actor
    may not see (``list_activities``) is not found."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        activity: Activity | None = uow.activities.get(activity_id)
        if activity is None or not visible_activities(uow, viewer, [activity]):
            raise NotFoundError(f"there is no activity {activity_id}", field="activity")
        if activity.owner_id != viewer.id and not _may_edit_a_link(uow, viewer, activity):
            raise PermissionDeniedError("only the task's owner or someone who may edit its records can complete it",
                                        field="activity")
        if activity.completed_at is None:
            activity.completed_at = ctx.now()
            uow.activities.save(activity)
            audit_changed(uow, "activity", activity.id, viewer.id, ctx.now(), {"completed_at": None},
                          {"completed_at": activity.completed_at})
            uow.commit()
        return activity


def _may_edit_a_link(uow: UnitOfWork, viewer: Any, activity: Activity) -> bool:
    for link in activity.links:
        try:
            record = read_any(uow, viewer, link.record_type.value, link.record_id)
        except NotFoundError:
            continue
        if viewer.can_edit(link.record_type, record.owner_id):
            return True
    return False


def _record_type(kind: str) -> RecordType:
    return parse_record_type(kind, field="record_type")
