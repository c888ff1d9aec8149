"""Query-count budgets of the web pages, on SQLite and PostgreSQL (tests/query_counts.py): a page
costs the same statements whatever the number of rows or entries it shows (no N+1 query), from
the leads list of 5 rows to that of 50, from a lead page with one activity and change to one with
twenty, and from a lead whose history names one campaign to one naming six."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from leadline.asgi import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.campaigns.records import create_campaign
from leadline.services.context import ServiceContext
from leadline.services.leads.records import update_lead
from leadline.services.security.users import add_user
from tests import query_counts as counts
from tests.e2e.api_support import lent_app


@pytest.fixture
def browser_client(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    """A client of the served application (API and pages) signed in to the pages as the admin."""
    counts.prepare(ctx, admin_id)
    application = Application(Settings(database_url=engine.url.render_as_string(hide_password=False),
                                       rate_limit_per_minute=0), ctx, engine=None)
    with lent_app(application, create_app) as app, TestClient(app) as client:
        client.cookies.update(counts.signed_in_cookies(ctx, admin_id))
        yield client


def test_the_leads_list_costs_the_same_statements_for_5_rows_as_for_50(
    ctx: ServiceContext, engine: Engine, admin_id: int, browser_client: TestClient[Any],
) -> None:
    owners = [add_user(ctx, admin_id, name=f"Rep {n}", email=f"rep{n}@budget.example").id for n in range(5)]
    counts.add_leads(ctx, admin_id, 5)
    few = counts.page_statements(engine, browser_client, "/leads")
    for n in range(45):
        counts.add_leads(ctx, owners[n % len(owners)], 1)

    many = counts.page_statements(engine, browser_client, "/leads")

    assert browser_client.get("/leads").text.count("<tr data-lead=") == 50
    assert len(many) == len(few), counts.shown(many)


def test_a_lead_page_costs_the_same_statements_with_1_entry_as_with_20(
    ctx: ServiceContext, engine: Engine, admin_id: int, browser_client: TestClient[Any],
) -> None:
    one, twenty = counts.lead_with_history(ctx, admin_id, 1), counts.lead_with_history(ctx, admin_id, 20)

    few = counts.page_statements(engine, browser_client, f"/leads/{one}")
    many = counts.page_statements(engine, browser_client, f"/leads/{twenty}")

    assert len(many) == len(few), counts.shown(many)


def test_a_lead_page_costs_the_same_whether_its_history_names_one_campaign_or_six(
    ctx: ServiceContext, engine: Engine, admin_id: int, browser_client: TestClient[Any],
) -> None:
    def moved(count: int) -> int:
        lead = counts.add_leads(ctx, admin_id, 1)[0]
        for n in range(count):
            campaign = create_campaign(ctx, admin_id, {"name": f"Campaign {n} of {count}", "type": "webinar"}).id
            update_lead(ctx, admin_id, lead, {"campaign_id": str(campaign)})
        return lead

    one, six = moved(1), moved(6)

    few = counts.page_statements(engine, browser_client, f"/leads/{one}")
    many = counts.page_statements(engine, browser_client, f"/leads/{six}")

    assert "Campaign 5 of 6" in browser_client.get(f"/leads/{six}").text
    assert len(many) == len(few), counts.shown(many)
