"""A purchase timeframe in the past is accepted and told at once (issue 13)."""

from __future__ import annotations

from datetime import date

from leadline.domain.leads.warnings import TIMEFRAME_IN_PAST, FieldWarning, is_timeframe_in_past, lead_warnings
from tests.unit.builders import make_lead

TODAY = date(2026, 3, 2)


def test_a_timeframe_before_today_is_in_the_past_and_today_or_later_or_none_is_not() -> None:
    assert is_timeframe_in_past(date(2026, 3, 1), TODAY)
    assert not any(is_timeframe_in_past(day, TODAY) for day in (TODAY, date(2026, 9, 30), None))


def test_a_lead_with_a_past_timeframe_warns_naming_the_field_and_the_code() -> None:
    warnings = lead_warnings(make_lead(purchase_timeframe=date(2025, 12, 31)), TODAY)
    assert [(w.field, w.code) for w in warnings] == [("purchase_timeframe", TIMEFRAME_IN_PAST)]
    assert "2025-12-31 is in the past" in warnings[0].message
    assert lead_warnings(make_lead(purchase_timeframe=TODAY), TODAY) == []


def test_a_change_warns_only_about_the_fields_it_changed() -> None:
    lead = make_lead(purchase_timeframe=date(2025, 12, 31))
    assert lead_warnings(lead, TODAY, fields=frozenset({"title"})) == []
    assert lead_warnings(lead, TODAY, fields=frozenset({"purchase_timeframe"})) == [FieldWarning(
        "purchase_timeframe", TIMEFRAME_IN_PAST, "2025-12-31 is in the past: check the date the buyer plans to buy")]
