"""The assignment rules page in a real headless Chromium (issue 18): an admin adds an entry and a
round-robin group, moves and removes entries, and the simulation over the last leads shows who
would have got each lead (writing nothing); a rep gets the 403 page. The campaign page draws its
report as charts beside their tables. On SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from leadline.services.assignment.rules import list_assignment_rules
from leadline.services.campaigns.records import create_campaign
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead, get_lead
from leadline.services.security.auth import set_password
from leadline.services.security.users import add_user
from tests.e2e.web_support import assert_accessible, follow, landing, new_context, served, sign_in

ADMIN, PASSWORD = "ada@example.com", "correct horse battery"


@contextmanager
def _axe_page(browser: Browser, base: str) -> Iterator[Page]:
    """The admin signed in on a page that lets axe-core in (``page`` keeps the CSP: the charts
    are drawn under it)."""
    context = new_context(browser, bypass_csp=True)
    try:
        checked = context.new_page()
        sign_in(checked, base, ADMIN, PASSWORD)
        yield checked
    finally:
        context.close()


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_an_admin_adds_a_rule_and_a_group_and_the_simulation_shows_who_would_get_each_lead(
        page: Page, browser: Browser, ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    set_password(ctx, admin_id, admin_id, PASSWORD)
    add_user(ctx, admin_id, name="Rob Rep", email="rob@example.com", role="rep")
    add_user(ctx, admin_id, name="Rita Rep", email="rita@example.com", role="rep")
    german = create_lead(ctx, admin_id, {"last_name": "Becker", "company": "Bauhaus", "country": "DE"}).lead.id
    create_lead(ctx, admin_id, {"last_name": "Martin", "company": "Lumière", "country": "FR"})
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, ADMIN, PASSWORD)
        page.goto(f"{base}/settings")
        follow(page, page.get_by_role("link", name="Assignment rules"))
        expect(page.get_by_role("heading", name="Assignment rules", level=1)).to_be_visible()

        form = page.locator("#add-rule")
        form.get_by_label("Name").fill("Germany desk")
        form.get_by_label("Countries (comma-separated)").fill("DE, AT")
        form.get_by_label("Assign to user").select_option("rob@example.com")
        follow(page, form.get_by_role("button", name="Add entry"))
        expect(page.locator("tr[data-rule='Germany desk']")).to_contain_text("Country: DE, AT")
        expect(page.locator("tr[data-rule='Germany desk']")).to_contain_text("Rob Rep")

        # a refusal of the use case stands beside its field
        form = page.locator("#add-rule")
        form.get_by_label("Name").fill("Nowhere")
        form.get_by_label("Sources (comma-separated)").fill("Carrier pigeon")
        form.get_by_label("Assign to user").select_option("rita@example.com")
        follow(page, form.get_by_role("button", name="Add entry"))
        expect(page.locator("#add-rule-source-error")).to_be_visible()
        expect(page.locator("#add-rule-source")).to_have_attribute("aria-invalid", "true")

        group = page.locator("#add-group")
        group.get_by_label("Group name").fill("Everyone else")
        group.get_by_label("Members: one a line, e-mail then weight").fill("rita@example.com 2\nrob@example.com 1")
        follow(page, group.get_by_role("button", name="Add group"))
        expect(page.get_by_role("row", name="Everyone else")).to_contain_text("weight 2")

        form = page.locator("#add-rule")
        form.get_by_label("Name").fill("Catch all")
        form.get_by_label("Or to round-robin group").select_option("Everyone else")
        follow(page, form.get_by_role("button", name="Add entry"))
        expect(page.locator("tr[data-rule='Catch all']")).to_contain_text("Every lead")

        # the catch-all first: then it takes every lead; back down, Germany wins again
        follow(page, page.get_by_role("button", name="Move Catch all up"))
        expect(page.locator("table.assignment-rules tbody tr").first).to_have_attribute("data-rule", "Catch all")
        follow(page, page.get_by_role("button", name="Move Catch all down"))
        expect(page.locator("table.assignment-rules tbody tr").first).to_have_attribute("data-rule", "Germany desk")

        page.get_by_label("Last leads").fill("10")
        with landing(page):
            page.get_by_label("Last leads").press("Enter")  # the keyboard alone runs it
        rows = page.locator("table.simulation tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator(f"tr[data-lead='{german}'] td.owner")).to_have_text("Rob Rep")
        expect(page.locator(f"tr[data-lead='{german}']")).to_contain_text("Germany desk")
        expect(rows.filter(has_text="Martin").locator("td.owner")).to_have_text("Rita Rep")
        with _axe_page(browser, base) as checked:  # the page with its rules, groups and a simulation
            checked.goto(f"{base}/settings/assignment")
            checked.get_by_label("Last leads").fill("10")
            follow(checked, checked.get_by_role("button", name="Simulate"))
            expect(checked.locator("table.simulation tbody tr")).to_have_count(2)
            assert_accessible(checked)

        page.get_by_role("button", name="Remove Catch all").click()
        expect(page.locator("tr[data-rule='Catch all']")).to_have_count(0)

    assert get_lead(ctx, admin_id, german).lead.owner_id == admin_id  # the simulation wrote nothing
    assert [r.name for r in list_assignment_rules(ctx, admin_id).rules] == ["Germany desk"]


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_a_rep_cannot_open_the_assignment_rules_page(
        page: Page, ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    add_user(ctx, admin_id, name="Rob Rep", email="rob@example.com", role="rep", password=PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, "rob@example.com", PASSWORD)
        response = page.goto(f"{base}/settings/assignment")
        assert response is not None and response.status == 403
        expect(page.locator("#add-rule")).to_have_count(0)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_campaign_page_draws_its_report_as_charts_beside_their_tables(
        page: Page, browser: Browser, ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    set_password(ctx, admin_id, admin_id, PASSWORD)
    spring = create_campaign(ctx, admin_id, {"name": "Spring", "type": "webinar", "actual_cost_amount": "900"}).id
    for n in range(3):
        create_lead(ctx, admin_id, {"last_name": f"Lead {n}", "company": "Acme", "campaign_id": str(spring)})
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, ADMIN, PASSWORD)
        page.goto(f"{base}/campaigns/{spring}")
        funnel = page.locator("#campaign-funnel")
        expect(funnel).to_have_attribute("data-drawn", "true")
        expect(funnel.locator("canvas")).to_have_count(1)
        expect(funnel.locator("table.numbers tr:has-text('Leads') td")).to_have_attribute("data-value", "3")
        spend = page.locator("#campaign-spend")
        expect(spend).to_have_attribute("data-drawn", "true")
        expect(spend.locator("table.numbers tr:has-text('Actual cost') td")).to_have_attribute("data-value", "900.00")
        with _axe_page(browser, base) as checked:
            checked.goto(f"{base}/campaigns/{spring}")
            expect(checked.locator("#campaign-funnel")).to_have_attribute("data-drawn", "true")
            assert_accessible(checked)
