"""The campaigns pages in a real headless Chromium: the list links to a campaign's page, whose
report rolls up its sub-campaign. On SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from leadline.services.campaigns.records import create_campaign
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.security.users import add_user
from tests.e2e.web_support import chromium, follow, new_context, served, sign_in

MARIA, PASSWORD = "maria@example.com", "correct horse battery"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_campaign_list_leads_to_a_campaign_page_with_its_report(
        browser: Browser, ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    maria = add_user(ctx, admin_id, name="Maria Manager", email=MARIA, role="manager", password=PASSWORD).id
    spring = create_campaign(ctx, maria, {"name": "Spring", "type": "webinar", "actual_cost_amount": "900"}).id
    child = create_campaign(ctx, maria, {"name": "Spring EU", "type": "webinar", "parent": str(spring)}).id
    for n, campaign in enumerate((spring, spring, child)):
        create_lead(ctx, maria, {"last_name": f"Lead {n}", "company": "Acme", "campaign_id": str(campaign)})
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        context = new_context(browser)
        page: Page = context.new_page()
        sign_in(page, base, MARIA, PASSWORD)
        page.goto(f"{base}/campaigns")
        expect(page.get_by_role("link", name="Spring EU")).to_be_visible()
        follow(page, page.get_by_role("link", name="Spring", exact=True))
        expect(page.get_by_role("heading", name="Spring")).to_be_visible()
        report = page.locator("dl.report")
        expect(page.get_by_role("heading", name="Report (with 1 sub-campaigns)")).to_be_visible()
        expect(report.locator("dt:has-text('Leads') + dd").first).to_have_text("3")
        expect(report.locator("dt:has-text('Cost per lead') + dd")).to_have_text("300.00 USD")
        context.close()
