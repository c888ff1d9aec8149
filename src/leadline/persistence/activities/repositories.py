"""The activity repository: tasks, calls, e-mails, meetings and notes with their links. It never commits."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leadline.domain.activities import Activity, RecordRef
from leadline.domain.configuration.custom_fields import RecordType
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.mapping import to_domain, to_row


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, activity: Activity) -> None:
        self.session.add(to_row(ActivityRow, activity))
        self.session.flush()
        for link in activity.links:
            self.session.add(ActivityLinkRow(
                activity_id=activity.id, record_type=link.record_type, record_id=link.record_id,
            ))

    def get(self, activity_id: int) -> Activity | None:
        row = self.session.get(ActivityRow, activity_id)
        if row is None:
            return None
        activity = to_domain(Activity, row)
        links = self.session.scalars(select(ActivityLinkRow).where(ActivityLinkRow.activity_id == activity_id))
        activity.links = [RecordRef(link.record_type, link.record_id) for link in links]
        return activity

    def save(self, activity: Activity) -> None:
        """Write completion and owner now (a Core update: a later ``expire_all`` cannot lose it)."""
        self.session.execute(update(ActivityRow.__table__).where(ActivityRow.id == activity.id).values(
            completed_at=activity.completed_at, owner_id=activity.owner_id))

    def linked_records(self, record_type: RecordType, record_ids: Sequence[int]) -> set[int]:
        """Which of ``record_ids`` (of ``record_type``) have at least one activity, in one query."""
        if not record_ids:
            return set()
        link = ActivityLinkRow
        return set(self.session.scalars(select(link.record_id).distinct().where(
            link.record_type == record_type, link.record_id.in_(list(record_ids)))))

    def for_record(self, record_type: RecordType, record_id: int) -> list[Activity]:
        query = (
            select(ActivityRow)
            .join(ActivityLinkRow, ActivityLinkRow.activity_id == ActivityRow.id)
            .where(ActivityLinkRow.record_type == record_type, ActivityLinkRow.record_id == record_id)
            .order_by(ActivityRow.created_at.desc(), ActivityRow.id.desc())
        )
        activities = [to_domain(Activity, r) for r in self.session.scalars(query)]
        if activities:  # every activity's links in one query, not one per activity
            link = ActivityLinkRow
            links: dict[int, list[RecordRef]] = {activity.id: [] for activity in activities}
            for activity_id, record_type, linked_id in self.session.execute(
                    select(link.activity_id, link.record_type, link.record_id)
                    .where(link.activity_id.in_(list(links)))
                    .order_by(link.activity_id, link.record_type, link.record_id)):
                links[activity_id].append(RecordRef(record_type, linked_id))
            for activity in activities:
                activity.links = links[activity.id]
        return activities
