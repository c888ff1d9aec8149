"""The home dashboard's figures on SQLite and PostgreSQL: computed in the database in a few
statements whatever the data, and counting only what the viewer may read."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from leadline.analytics.dashboard import dashboard
from leadline.analytics.funnel import funnel_report
from leadline.domain.queries import LeadQuery, Page
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.duplicates.merge import merge_records
from leadline.services.forecast.settings import set_exchange_rate, set_quota
from leadline.services.leads.records import create_lead, list_leads
from leadline.services.leads.workflow import change_lead_status
from leadline.services.opportunities.lifecycle import close_opportunity
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.query_counts import counted_statements


@dataclass
class Book:
    admin: int
    sam: int
    jo: int


@pytest.fixture
def book(ctx: ServiceContext, admin_id: int) -> Book:
    """Private leads and opportunities. Sam: three leads (Website form twice, Customer referral), one qualified, one
    converted to an opportunity he won; an open 1000 USD and a 500 EUR opportunity. Jo: one
    private lead (Trade show) and an open 9000 USD opportunity, lost one in January."""
    for record_type in ("lead", "opportunity", "account"):
        set_sharing(ctx, admin_id, record_type, "private")
    sam, jo = (add_user(ctx, admin_id, name=name, email=email).id
               for name, email in (("Sam Rep", "sam@example.com"), ("Jo Rep", "jo@example.com")))
    set_exchange_rate(ctx, admin_id, "EUR", "1.10", "2026-01-01")
    create_lead(ctx, sam, {"last_name": "Ames", "company": "Acme", "source": "Website form"})
    qualified = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt", "source": "Website form"}).lead.id
    change_lead_status(ctx, sam, qualified, "Contacted")
    change_lead_status(ctx, sam, qualified, "Qualified", override_reason="met them")
    converted = create_lead(ctx, sam, {"last_name": "Cole", "company": "Core", "source": "Customer referral"}).lead.id
    result = convert_lead(ctx, sam, converted, qualification_override_reason="known", override_reason="known")
    assert result.opportunity_id is not None
    close_opportunity(ctx, sam, result.opportunity_id, "won", amount="2000")
    create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden", "source": "Trade show"})
    for owner, name, amount, currency in ((sam, "open", "1000", "USD"), (sam, "euro", "500", "EUR"),
                                          (jo, "hidden", "9000", "USD"), (jo, "gone", "300", "USD")):
        account = records.create_account(ctx, owner, {"name": f"{name} account"})
        opportunity = records.create_opportunity(ctx, owner, {"account_id": account.id, "name": name,
                                                              "stage": "Prospecting", "amount": amount,
                                                              "currency": currency})
        if name == "gone":
            close_opportunity(ctx, jo, opportunity.id, "lost", reason="Price")
    set_quota(ctx, admin_id, "sam@example.com", "2026-Q1", "4000")
    set_quota(ctx, admin_id, "jo@example.com", "2026-Q1", "6000")
    return Book(admin_id, sam, jo)


def test_a_reps_dashboard_counts_only_the_records_the_rep_may_read(ctx: ServiceContext, book: Book) -> None:
    figures = dashboard(ctx, book.sam)

    assert [(b.label, b.value) for b in figures.leads_by_source] == [("Website form", 2), ("Customer referral", 1)]
    assert [(b.label, b.value) for b in figures.leads_by_status] == [
        ("Open", 1), ("Qualified", 1), ("Converted", 1)]
    assert [(b.label, b.value) for b in figures.funnel] == [
        ("Leads", 3), ("Qualified", 2), ("Converted", 1), ("With opportunity", 1), ("Won", 1)]
    assert [(b.label, b.value) for b in figures.pipeline] == [("Prospecting", Decimal("1550.00"))]
    forecast = figures.forecast
    assert forecast.period == "2026-Q1" and forecast.quota == Decimal("4000")
    assert forecast.categories[0].label == "Closed" and forecast.categories[0].value == Decimal("2000.00")
    assert forecast.attainment == Decimal("50.0")
    assert [(m.month, m.won, m.lost) for m in figures.trend if m.won or m.lost] == [("2026-03", 1, 0)]
    assert len(figures.trend) == 12 and figures.trend[0].month == "2025-04"


def test_an_admins_dashboard_counts_everyone_against_the_sum_of_the_quotas(ctx: ServiceContext, book: Book) -> None:
    figures = dashboard(ctx, book.admin)

    assert sum(int(b.value) for b in figures.leads_by_source) == 4
    assert ("Trade show", 1) in [(b.label, b.value) for b in figures.leads_by_source]
    assert [b.value for b in figures.funnel] == [4, 2, 1, 1, 1]
    assert [(b.label, b.value) for b in figures.pipeline] == [("Prospecting", Decimal("10550.00"))]
    assert figures.forecast.quota == Decimal("10000")
    assert [(m.month, m.won, m.lost) for m in figures.trend if m.won or m.lost] == [("2026-03", 1, 1)]


def test_a_merged_lead_counts_once_as_its_survivor_as_in_the_reports_and_the_list(
        ctx: ServiceContext, book: Book) -> None:
    # given a copy of Sam's open lead Ames merged into Ames (the survivor kept)
    ames = next(d.lead.id for d in list_leads(ctx, book.sam, LeadQuery(), Page()) if d.lead.last_name == "Ames")
    copy = create_lead(ctx, book.sam, {"last_name": "Ames", "company": "Acme", "source": "Website form"}).lead.id
    merge_records(ctx, book.admin, "lead", [ames, copy], keep=ames)

    figures = dashboard(ctx, book.sam)

    # then the tombstone is counted nowhere: by source, by status, in the funnel
    assert [(b.label, b.value) for b in figures.leads_by_source] == [("Website form", 2), ("Customer referral", 1)]
    assert [(b.label, b.value) for b in figures.leads_by_status] == [
        ("Open", 1), ("Qualified", 1), ("Converted", 1)]
    assert [b.value for b in figures.funnel] == [3, 2, 1, 1, 1]
    # and the dashboard's leads are the report's and the list's
    listed = len(list_leads(ctx, book.sam, LeadQuery(), Page()))
    assert funnel_report(ctx, book.sam).total.steps[0].count == listed == 3
    assert [b.value for b in dashboard(ctx, book.admin).funnel] == [4, 2, 1, 1, 1]


def test_a_currency_without_a_rate_is_counted_apart_not_guessed(ctx: ServiceContext, book: Book) -> None:
    account = records.create_account(ctx, book.sam, {"name": "Yen account"})
    records.create_opportunity(ctx, book.sam, {"account_id": account.id, "name": "yen", "stage": "Prospecting",
                                               "amount": "100000", "currency": "JPY"})

    figures = dashboard(ctx, book.sam)

    assert [(b.label, b.value) for b in figures.pipeline] == [("Prospecting", Decimal("1550.00"))]
    assert figures.unconverted == [("JPY", 1)]


def test_the_dashboard_runs_the_same_statements_whatever_the_number_of_records(
        ctx: ServiceContext, engine: Engine, book: Book) -> None:
    # the configuration cache checks its version on every read, so a slow machine (a second gone
    # by between the two counts) cannot add that one statement to one count and not the other
    ctx.cache.ttl = 0.0
    dashboard(ctx, book.sam)  # the configuration cache filled
    with counted_statements(engine) as before:
        dashboard(ctx, book.sam)
    for n in range(20):
        create_lead(ctx, book.sam, {"last_name": f"More{n}", "company": "More", "source": "Website form"})
        account = records.create_account(ctx, book.sam, {"name": f"More {n}"})
        records.create_opportunity(ctx, book.sam, {"account_id": account.id, "name": f"more {n}",
                                                   "stage": "Negotiation", "amount": "10", "currency": "USD"})
    dashboard(ctx, book.sam)

    with counted_statements(engine) as after:
        dashboard(ctx, book.sam)

    assert len(after) == len(before) <= 20, after
