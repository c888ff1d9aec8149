"""Who sees an activity: whole by whoever may read every record it links, without the other links
by its owner, not at all by anyone else."""

from __future__ import annotations

from datetime import UTC, datetime

from leadline.domain.activities import Activity, ActivityKind, RecordRef, as_seen_by
from leadline.domain.configuration.custom_fields import RecordType

ACCOUNT, OPPORTUNITY = RecordRef(RecordType.ACCOUNT, 1), RecordRef(RecordType.OPPORTUNITY, 2)
OWNER, SOMEONE = 10, 20


def a_note(*links: RecordRef) -> Activity:
    return Activity(id=5, kind=ActivityKind.NOTE, subject="Wants a discount",
                    created_at=datetime(2026, 1, 1, tzinfo=UTC), owner_id=OWNER, links=list(links))


def test_an_activity_whose_records_are_all_readable_is_seen_whole() -> None:
    note = a_note(ACCOUNT, OPPORTUNITY)

    assert as_seen_by(note, SOMEONE, lambda ref: True) is note


def test_an_activity_linked_to_a_record_someone_may_not_read_does_not_exist_for_them() -> None:
    assert as_seen_by(a_note(ACCOUNT, OPPORTUNITY), SOMEONE, lambda ref: ref == ACCOUNT) is None


def test_its_owner_sees_it_without_the_links_they_may_not_read_and_the_activity_is_unchanged() -> None:
    note = a_note(ACCOUNT, OPPORTUNITY)

    seen = as_seen_by(note, OWNER, lambda ref: ref == ACCOUNT)

    assert seen is not None and seen.links == [ACCOUNT] and seen.subject == note.subject
    assert note.links == [ACCOUNT, OPPORTUNITY]
