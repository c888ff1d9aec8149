"""Capturing or changing a lead with a purchase timeframe in the past keeps it and warns (issue 13).
The clock is 2026-03-02."""

from __future__ import annotations

from datetime import date

from leadline.domain.leads.warnings import TIMEFRAME_IN_PAST
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads


def test_a_lead_captured_with_a_past_timeframe_is_stored_and_warned_about(ctx: ServiceContext, admin_id: int) -> None:
    captured = leads.create_lead(ctx, admin_id, {"last_name": "Late", "company": "Past",
                                                 "purchase_timeframe": "2026-03-01"})
    assert [(w.field, w.code) for w in captured.warnings] == [("purchase_timeframe", TIMEFRAME_IN_PAST)]
    assert leads.get_lead(ctx, admin_id, captured.lead.id).lead.purchase_timeframe == date(2026, 3, 1)
    on_time = leads.create_lead(ctx, admin_id, {"last_name": "Soon", "company": "Future",
                                                "purchase_timeframe": "2026-03-02"})
    assert on_time.warnings == []


def test_a_change_warns_when_it_sets_a_past_timeframe_and_not_for_other_fields(ctx: ServiceContext,
                                                                              admin_id: int) -> None:
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Later", "company": "Co"}).lead
    moved = leads.update_lead(ctx, admin_id, lead.id, {"purchase_timeframe": "2025-06-30"})
    assert [w.code for w in moved.warnings] == [TIMEFRAME_IN_PAST]
    assert leads.update_lead(ctx, admin_id, lead.id, {"title": "CTO"}).warnings == []
