"""Field history: one change per field whose rendered value differs, rendered as stable text."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import FieldChange, diff_fields, render_value, with_names
from leadline.domain.leads.lead import Rating
from leadline.domain.opportunities.opportunity import Outcome
from tests.unit.builders import NOW


def diff(before, after):
    return diff_fields(RecordType.LEAD, 1001, before, after, actor_id=7, at=NOW)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("Paris", "Paris"),
        (42, "42"),
        (Decimal("1200.5000"), "1200.5"),
        (Decimal("100.0000"), "100"),
        (Decimal("0.0000"), "0"),
        (Decimal("-3.2500"), "-3.25"),
        (date(2025, 6, 30), "2025-06-30"),
        (datetime(2025, 6, 30, 9, 30, tzinfo=UTC), "2025-06-30T09:30:00+00:00"),
        (Rating.HOT, "hot"),
        (Outcome.WON, "won"),
        (True, "true"),
        (False, "false"),
    ],
)
def test_a_value_is_rendered_as_stable_readable_text(value, text):
    assert render_value(value) == text


def test_a_changed_field_gives_one_change_with_old_and_new_text():
    changes = diff({"city": "London"}, {"city": "Paris"})

    assert changes == [FieldChange(RecordType.LEAD, 1001, "city", "London", "Paris", 7, NOW)]


def test_unchanged_fields_give_no_change():
    before = {"city": "Paris", "rating": Rating.WARM, "is_decision_maker": False}

    assert diff(before, dict(before)) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [(Decimal("5"), Decimal("5.0000")), (5, Decimal("5.0000")), (Rating.HOT, "hot"), (True, True),
     (date(2025, 1, 2), "2025-01-02")],
)
def test_values_that_render_alike_give_no_change(old, new):
    assert diff({"field": old}, {"field": new}) == []


def test_a_field_missing_before_counts_as_empty():
    changes = diff({}, {"title": "Countess", "city": None})

    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("title", None, "Countess")]


def test_clearing_a_field_records_an_empty_new_value():
    changes = diff({"budget_amount": Decimal("2500.0000")}, {"budget_amount": None})

    assert [(c.old_value, c.new_value) for c in changes] == [("2500", None)]


def test_changes_follow_the_order_of_the_new_values_and_only_name_fields_given():
    before = {"city": "London", "title": "Analyst", "rating": Rating.COLD, "company": "Acme"}
    after = {"rating": Rating.HOT, "city": "Paris", "title": "Analyst"}

    changes = diff(before, after)

    assert [(c.field, c.old_value, c.new_value) for c in changes] == [("rating", "cold", "hot"),
                                                                      ("city", "London", "Paris")]


def test_a_boolean_change_is_rendered_as_true_and_false():
    changes = diff({"is_decision_maker": False}, {"is_decision_maker": True})

    assert [(c.old_value, c.new_value) for c in changes] == [("false", "true")]


def test_a_change_records_who_made_it_and_when():
    (change,) = diff_fields(RecordType.OPPORTUNITY, 4001, {"stage": "Prospecting"}, {"stage": "Negotiation"},
                            actor_id=None, at=NOW)

    assert (change.record_type, change.record_id, change.actor_id, change.changed_at) == (
        RecordType.OPPORTUNITY, 4001, None, NOW,
    )


def test_ids_of_configured_values_and_users_are_read_by_name_and_other_fields_are_left_alone():
    changes = [FieldChange(RecordType.LEAD, 1001, field, old, new, 7, NOW) for field, old, new in (
        ("source_id", "11", "12"), ("owner_id", None, "7"), ("stage_id", "31", "99"), ("account_id", "11", "12"),
        ("city", "11", None))]
    names = {"source": {"11": "Web", "12": "Trade show"}, "user": {"7": "sam@example.com"}, "stage": {"31": "Won"}}

    assert [(c.field, c.old_value, c.new_value) for c in with_names(changes, names)] == [
        ("source_id", "Web", "Trade show"), ("owner_id", None, "sam@example.com"),
        ("stage_id", "Won", "99"),  # a stage deleted since keeps its id
        ("account_id", "11", "12"), ("city", "11", None)]
