"""The demo organisation tells the seed's story, read back through the use cases.

The funnel figures are computed from what the demo stored (leads, opportunities, their histories,
line items, activities, quotas, booked deals), never from the generator's own bookkeeping, and
checked against the targets with tolerances, so the demo cannot drift back.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from leadline.analytics.forecast import deals
from leadline.analytics.pipeline import pipeline_summary
from leadline.domain.errors import AuthenticationError, ConflictError
from leadline.domain.forecast import PeriodKind, period_containing
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.services import activities, records
from leadline.services.configuration import sales as sales_configuration
from leadline.services.configuration import statuses as configuration
from leadline.services.context import ServiceContext
from leadline.services.demo import organisation as demo
from leadline.services.forecast import settings as forecast_settings
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from leadline.services.opportunities import parts as opportunity_parts
from leadline.services.security import users
from leadline.services.security.sign_in import authenticate_password

DEMO_LEADS = 100
ALL = Page(limit=500)


def test_the_demo_tells_the_seeds_story_in_figures_read_back_through_the_use_cases(
    ctx: ServiceContext, admin_id: int
) -> None:
    """One demo per database (loading it is the slow part), each figure checked by its own function."""
    # a seed whose few won deals (about four of 100 leads) close in more than one quarter
    report = demo.load_demo(ctx, leads=DEMO_LEADS, seed=1)
    assert report is not None and report.leads == DEMO_LEADS
    for check in (about_13_percent_of_leads_become_opportunities_most_after_three_months,
                  leads_are_in_every_status_with_ages_that_fit_it,
                  opportunities_come_from_conversions_and_a_minority_of_expansion_deals_with_a_source,
                  opportunities_move_through_their_stages_over_weeks_and_close_on_past_days,
                  deals_close_over_several_past_quarters_and_none_is_booked_in_the_future,
                  every_opportunity_has_priced_line_items_that_make_its_amount,
                  calls_emails_meetings_and_tasks_are_logged_on_leads_and_opportunities,
                  every_rep_and_manager_has_a_quota_for_this_quarter):
        check(ctx, admin_id)


def _leads(ctx: ServiceContext, admin: int) -> list[Any]:
    found = [details.lead for details in leads.list_leads(ctx, admin, LeadQuery(), ALL)]
    assert len(found) == DEMO_LEADS
    return found


def _opportunities(ctx: ServiceContext, admin: int) -> list[Any]:
    return records.list_records(ctx, admin, "opportunity", RecordQuery(), ALL)


def _stage_entries(ctx: ServiceContext, admin: int, opportunity_id: int) -> list[tuple[datetime, str | None]]:
    """When the opportunity entered each stage (its first included), from its history."""
    history = records.record_history(ctx, admin, "opportunity", opportunity_id)
    return [(change.changed_at, change.new_value) for change in history if change.field == "stage_id"]


def about_13_percent_of_leads_become_opportunities_most_after_three_months(ctx: ServiceContext, admin: int) -> None:
    found = _leads(ctx, admin)
    with_opportunity = [lead for lead in found if lead.converted_opportunity_id is not None]
    assert 0.11 <= len(with_opportunity) / len(found) <= 0.15
    converted = [lead for lead in found if lead.converted_at is not None]
    late = [lead for lead in converted if lead.converted_at - lead.created_at > timedelta(days=90)]
    assert 0.53 <= len(late) / len(converted) <= 0.73
    assert all(lead.converted_at < ctx.now() for lead in converted)
    for lead in converted:  # worked, qualified, then converted, each on its own day
        steps = lead_workflow.status_history(ctx, admin, lead.id)
        assert [step["to"] for step in steps] == ["Open", "Contacted", "Qualified", "Converted"]
        assert [step["at"] for step in steps] == sorted(step["at"] for step in steps)


def leads_are_in_every_status_with_ages_that_fit_it(ctx: ServiceContext, admin: int) -> None:
    found = _leads(ctx, admin)
    labels = {s.id: s.label for s in configuration.list_statuses(ctx)}
    ages: dict[str, list[float]] = {label: [] for label in labels.values()}
    for lead in found:
        ages[labels[lead.status_id]].append((ctx.now() - lead.created_at).total_seconds() / 86_400)
    assert all(ages.values()), {label: len(days) for label, days in ages.items()}
    assert statistics.median(ages["Open"]) < 60
    assert statistics.median(ages["Open"]) < statistics.median(ages["Contacted"]) < statistics.median(
        ages["Unqualified"])
    assert {lead.source_id for lead in found} == {s.id for s in configuration.list_sources(ctx)}
    span = max(lead.created_at for lead in found) - min(lead.created_at for lead in found)
    assert timedelta(days=365) < span <= timedelta(days=18 * 31)
    assert sum(count for _, _, count in pipeline_summary(ctx, admin).leads_by_status) == DEMO_LEADS


def opportunities_come_from_conversions_and_a_minority_of_expansion_deals_with_a_source(
    ctx: ServiceContext, admin: int
) -> None:
    found = _opportunities(ctx, admin)
    converted = {lead.converted_account_id for lead in _leads(ctx, admin) if lead.converted_at}
    accounts = records.list_records(ctx, admin, "account", RecordQuery(), ALL)
    assert len({a.domain for a in accounts}) == len(accounts) == len(converted), "one account per company"
    expansions = [o for o in found if o.originating_lead_id is None]
    assert 0 < len(expansions) <= 0.3 * len(found)
    for deal in expansions:
        assert deal.lead_source_id is not None and deal.account_id in converted
        assert deal.type is not None and deal.type.value in ("upsell", "renewal", "existing_business")
        earlier_wins = [o for o in found if o.account_id == deal.account_id and o.outcome.value == "won"
                        and o.closed_at is not None and o.closed_at < deal.created_at]
        assert earlier_wins, "an expansion deal opens at a customer who already bought"


def opportunities_move_through_their_stages_over_weeks_and_close_on_past_days(ctx: ServiceContext, admin: int) -> None:
    found = _opportunities(ctx, admin)
    label_of = {s.id: s.label for s in sales_configuration.list_stages(ctx)}  # history names the stage
    seen: set[str] = set()
    moved = 0
    for deal in found:
        entries = _stage_entries(ctx, admin, deal.id)
        assert entries[0][0] == deal.created_at and entries[-1][1] == label_of[deal.stage_id]
        gaps = [later - earlier for (earlier, _), (later, _) in zip(entries, entries[1:], strict=False)]
        assert all(gap >= timedelta(days=7) for gap in gaps), gaps
        seen |= {stage for _, stage in entries}
        moved += len(entries) >= 3
    assert seen == set(label_of.values()), "every stage is in some opportunity's history"
    assert moved >= len(found) / 2
    closed = [deal for deal in found if deal.outcome.value != "open"]
    today = ctx.now().date()
    assert closed and all(d.close_date == d.closed_at.date() and d.close_date <= today for d in closed)
    open_deals = [deal for deal in found if deal.outcome.value == "open"]
    assert open_deals and all(deal.close_date is not None for deal in open_deals)
    won = [deal for deal in closed if deal.outcome.value == "won"]
    assert 0.15 <= len(won) / len(closed) <= 0.6


def deals_close_over_several_past_quarters_and_none_is_booked_in_the_future(ctx: ServiceContext, admin: int) -> None:
    closed = [deal for deal in _opportunities(ctx, admin) if deal.outcome.value != "open"]
    assert len({period_containing(deal.close_date, PeriodKind.QUARTER) for deal in closed}) >= 3
    won = [deal for deal in closed if deal.outcome.value == "won"]
    by_quarter = Counter(period_containing(deal.close_date, PeriodKind.QUARTER).label for deal in won)
    assert len(by_quarter) >= 2
    for label, count in by_quarter.items():
        _, lines = deals(ctx, admin, label)
        assert sum(line.count for line in lines) == count
    _, future = deals(ctx, admin, "next-quarter")
    assert future == []


def every_opportunity_has_priced_line_items_that_make_its_amount(ctx: ServiceContext, admin: int) -> None:
    products = opportunity_parts.list_products(ctx)
    assert len(products) >= 5
    for deal in _opportunities(ctx, admin):
        items = opportunity_parts.list_line_items(ctx, admin, deal.id)
        assert items and all(item.unit_price > 0 for item in items)
        assert deal.amount == sum((item.total for item in items), Decimal(0))


def calls_emails_meetings_and_tasks_are_logged_on_leads_and_opportunities(ctx: ServiceContext, admin: int) -> None:
    worked = [lead for lead in _leads(ctx, admin) if lead.converted_at is None and lead.version > 1]
    on_leads = [activities.list_activities(ctx, admin, "lead", lead.id) for lead in worked]
    on_deals = [activities.list_activities(ctx, admin, "opportunity", deal.id)
                for deal in _opportunities(ctx, admin)]
    assert sum(bool(logged) for logged in on_leads) >= 0.3 * len(on_leads)
    assert sum(bool(logged) for logged in on_deals) >= 0.8 * len(on_deals)
    every = [activity for logged in on_leads + on_deals for activity in logged]
    assert {a.kind.value for a in every} >= {"call", "email", "meeting", "task"}
    tasks = [a for a in every if a.kind.value == "task"]
    assert any(t.completed_at is not None for t in tasks)
    assert any(t.completed_at is None and t.due_at is not None and t.due_at > ctx.now() for t in tasks)
    assert all(a.created_at <= ctx.now() for a in every)


def every_rep_and_manager_has_a_quota_for_this_quarter(ctx: ServiceContext, admin: int) -> None:
    _, quotas = forecast_settings.list_quotas(ctx, admin, "this-quarter")
    team = [u for u in users.list_users(ctx, admin) if not u.is_admin()]
    assert len(team) == 9 and all(quotas.get(u.id, Decimal(0)) > 0 for u in team)
    for manager in team:
        reports = [quotas[u.id] for u in team if u.manager_id == manager.id]
        assert not reports or quotas[manager.id] == sum(reports, Decimal(0))
    assert len({u.manager_id for u in team if u.manager_id}) >= 3  # three levels of management


def test_the_demo_refuses_a_database_that_holds_leads_unless_asked_to_skip(
    ctx: ServiceContext, admin_id: int
) -> None:
    demo.load_demo(ctx, leads=10, seed=1)
    with pytest.raises(ConflictError):
        demo.load_demo(ctx, leads=10, seed=1)
    assert demo.load_demo(ctx, leads=10, seed=1, only_if_empty=True) is None


def test_demo_users_sign_in_with_the_documented_password_and_no_one_else_has_it(
    ctx: ServiceContext, admin_id: int
) -> None:
    demo.load_demo(ctx, leads=10, seed=1)

    sam = authenticate_password(ctx, "sam@leadline.example", demo.DEMO_PASSWORD, address="test")

    assert sam == users.find_user(ctx, "sam@leadline.example").id
    with pytest.raises(AuthenticationError):  # the admin of `leadline init` is not a demo user
        authenticate_password(ctx, "ada@example.com", demo.DEMO_PASSWORD, address="test")
