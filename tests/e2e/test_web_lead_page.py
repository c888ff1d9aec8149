"""A lead's pages in a real headless Chromium: the create and edit forms with the use cases'
refusals inline, a stale edit, the status path, qualifying with an override, logging an
activity, the field history, and record-level security on the edit page. On SQLite; the
create flow on PostgreSQL too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.activities import log_activity
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.duplicates.rules import set_duplicate_rule
from leadline.services.leads.records import create_lead, get_lead, update_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, served, sign_in
from tests.query_counts import counted_statements, shown

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
#: statements of a lead's page, warm (tests/query_counts.py): the lead as each use case reads it
#: (the page, its status options, its activities, its history), the users, the statuses, the
#: activities with their links and who may read them, the history
LEAD_PAGE_BUDGET = 14


#: where the run keeps screenshots of the pages it drives (issue 16), for a reviewer
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@dataclass
class Site:
    base: str
    sam: int
    open_lead: int
    contacted_lead: int
    private_lead: int


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """Leads private to their owners: Sam owns an open and a contacted lead, Jo one of his own."""
    set_sharing(ctx, admin_id, "lead", "private")
    sam = add_user(ctx, admin_id, name="Sam Rep", email=SAM, password=PASSWORD).id
    jo = add_user(ctx, admin_id, name="Jo Rep", email=JO).id  # never signs in: no password to hash
    open_lead = create_lead(ctx, sam, {"last_name": "Ames", "company": "Acme"}).lead.id
    contacted = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt", "title": "Buyer"}).lead.id
    change_lead_status(ctx, sam, contacted, "Contacted")
    private = create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden Corp"}).lead.id
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield Site(base, sam, open_lead, contacted, private)


def test_a_bad_email_is_refused_inline_keeping_what_was_typed_then_the_lead_is_created(page: Page,
                                                                                        site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    follow(page, page.get_by_role("link", name="New lead"))
    page.get_by_label("Last name").fill("Curie")
    page.get_by_label("Company").fill("Radium Ltd")
    page.get_by_label("E-mail").fill("marie@@radium")

    follow(page, page.get_by_role("button", name="Create lead"))

    email = page.get_by_label("E-mail")
    expect(page.locator("#f-email-error")).to_be_visible()
    expect(email).to_have_value("marie@@radium")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()
    expect(page.get_by_label("Last name")).to_have_value("Curie")
    expect(page.get_by_role("alert")).to_contain_text("E-mail")
    screenshot(page, "lead-form-refused")

    email.fill("marie@radium.example")
    page.get_by_role("button", name="Create lead").click()

    expect(page).to_have_url(re.compile(rf"{site.base}/leads/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Curie")
    expect(page.locator("dl.fields")).to_contain_text("marie@radium.example")
    expect(page.locator("dd.status")).to_contain_text("Open")


@SQLITE_ONLY
def test_a_lead_a_block_rule_refuses_is_created_with_an_override_reason(page: Page, site: Site,
                                                                        ctx: ServiceContext, admin_id: int) -> None:
    """Given a block rule on leads' e-mails and Sam's lead with that e-mail, the new-lead form
    tells which lead it duplicates and asks for a reason; with one, the lead is created."""
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="block")
    create_lead(ctx, site.sam, {"last_name": "Curie", "company": "Radium Ltd", "email": "marie@radium.example"})
    sign_in(page, site.base, SAM, PASSWORD)
    follow(page, page.get_by_role("link", name="New lead"))
    page.get_by_label("Last name").fill("Curie")
    page.get_by_label("Company").fill("Radium Ltd")
    page.get_by_label("E-mail").fill("marie@radium.example")

    follow(page, page.get_by_role("button", name="Create lead"))

    expect(page.get_by_role("alert")).to_contain_text("matches (score 100): e-mail marie@radium.example")
    reason = page.get_by_label("Reason to create it anyway")
    expect(reason).to_be_focused()
    expect(page.get_by_label("E-mail")).to_have_value("marie@radium.example")
    reason.fill("Marie's second company")
    page.get_by_role("button", name="Create lead").click()

    expect(page).to_have_url(re.compile(rf"{site.base}/leads/\d+\?duplicates=\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Curie")
    expect(page.get_by_role("status")).to_contain_text("may duplicate lead")
    expect(page.locator("body")).to_contain_text("Marie's second company")


@SQLITE_ONLY
def test_an_edit_is_saved_and_shows_in_the_field_history(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{site.contacted_lead}")
    follow(page, page.get_by_role("link", name="Edit"))

    page.get_by_label("Title").fill("Chief Buyer")
    page.get_by_label("Budget").fill("5000")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_role("button", name="Save changes").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.contacted_lead}")
    expect(page.locator("dl.fields")).to_contain_text("Chief Buyer")
    expect(page.locator("dl.fields")).to_contain_text("5,000.00 EUR")
    title_change = page.locator("table.history tr", has_text="Chief Buyer")
    expect(title_change).to_contain_text("Sam Rep")
    expect(title_change).to_contain_text("Buyer")
    screenshot(page, "lead-page")


@SQLITE_ONLY
def test_an_edit_refused_by_a_rule_shows_it_next_to_the_field(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{site.open_lead}/edit")

    page.get_by_label("Company").fill("")
    page.get_by_label("Product line 1: product").fill("Widget")
    page.get_by_label("Product line 1: quantity").fill("-2")
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator("#f-company-error")).to_have_text("is required")
    expect(page.get_by_label("Product line 1: quantity")).to_have_value("-2")


@SQLITE_ONLY
def test_a_stale_edit_tells_the_user_and_keeps_what_they_typed(page: Page, site: Site, ctx: ServiceContext) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{site.open_lead}/edit")
    update_lead(ctx, site.sam, site.open_lead, {"city": "Lyon"})  # someone else, meanwhile

    page.get_by_label("Title").fill("Owner")
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("alert")).to_contain_text("Someone changed this lead")
    expect(page.get_by_label("Title")).to_have_value("Owner")
    assert get_lead(ctx, site.sam, site.open_lead).lead.title is None


@SQLITE_ONLY
def test_the_status_path_marks_the_status_and_moves_by_the_graph(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{site.open_lead}")

    path = page.locator("ol.status-path")
    expect(path.locator("[aria-current=step]")).to_contain_text("Open")
    expect(page.get_by_role("link", name="Convert")).to_have_attribute("href", f"/leads/{site.open_lead}/convert")
    expect(page.get_by_role("button", name="Move to Qualified")).to_have_count(0)  # not from Open
    follow(page, page.get_by_role("button", name="Move to Contacted"))

    expect(path.locator("[aria-current=step]")).to_contain_text("Contacted")
    expect(page.locator("dd.status")).to_contain_text("Contacted")
    follow(page, page.get_by_role("link", name="Move to Unqualified…"))
    follow(page, page.get_by_role("button", name="Move to Unqualified"))
    expect(page.locator("#f-reason-error")).to_be_visible()  # a reason is required
    page.get_by_label("Why is the lead unqualified?").select_option(index=1)
    page.get_by_role("button", name="Move to Unqualified").click()
    expect(path.locator("[aria-current=step]")).to_contain_text("Unqualified")


@SQLITE_ONLY
def test_qualifying_with_missing_criteria_needs_an_override_reason(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{site.contacted_lead}")

    follow(page, page.get_by_role("link", name="Move to Qualified…"))

    checklist = page.locator("ul.checklist")
    expect(checklist.locator("li.missing", has_text="budget")).to_contain_text("missing")
    follow(page, page.get_by_role("button", name="Qualify"))
    expect(page.locator("#f-override_reason-error")).to_contain_text("override")
    expect(page.get_by_label("Override reason")).to_be_focused()
    screenshot(page, "lead-qualify-with-override")

    page.get_by_label("Override reason").fill("Board approved the budget on the call")
    page.get_by_role("button", name="Qualify").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.contacted_lead}")
    expect(page.locator("ol.status-path [aria-current=step]")).to_contain_text("Qualified")
    expect(page.locator("table.history")).to_contain_text("Board approved the budget on the call")


@SQLITE_ONLY
def test_an_activity_is_logged_and_listed(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{site.open_lead}")

    follow(page, page.get_by_role("button", name="Log activity"))
    expect(page.locator("#f-subject-error")).to_have_text("is required")

    page.get_by_label("Kind").select_option("task")
    page.get_by_label("Subject").fill("Send the price list")
    page.get_by_label("Due (tasks, UTC)").fill("2026-03-09T10:00")
    follow(page, page.get_by_role("button", name="Log activity"))

    activity = page.locator("ul.activities li", has_text="Send the price list")
    expect(activity).to_contain_text("task")
    expect(activity).to_contain_text("due 2026-03-09 10:00 UTC")
    page.get_by_role("button", name="Mark “Send the price list” done").click()
    expect(activity).to_contain_text("done 2026-03-02")


@SQLITE_ONLY
def test_a_rep_cannot_open_the_edit_page_of_another_reps_private_lead(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    answer = page.goto(f"{site.base}/leads/{site.private_lead}/edit")

    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert "Secretson" not in page.content()


@SQLITE_ONLY
def test_the_forms_take_the_organisations_custom_fields_under_their_rules(page: Page, site: Site,
                                                                         ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold", "Silver"], required=True)
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/new")
    page.get_by_label("Last name").fill("Noether")
    page.get_by_label("Company").fill("Algebra GmbH")

    follow(page, page.get_by_role("button", name="Create lead"))

    expect(page.locator("#f-custom-tier-error")).to_have_text("is required")
    expect(page.get_by_label("Tier")).to_be_focused()
    page.get_by_label("Tier").select_option("Silver")
    follow(page, page.get_by_role("button", name="Create lead"))

    expect(page.locator("dl.fields")).to_contain_text("Silver")
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Tier")).to_have_value("Silver")


@SQLITE_ONLY
def test_a_converted_lead_links_what_it_became_and_offers_no_change(page: Page, site: Site,
                                                                    ctx: ServiceContext) -> None:
    result = convert_lead(ctx, site.sam, site.contacted_lead, opportunity="none",
                          qualification_override_reason="Signed on the spot")
    sign_in(page, site.base, SAM, PASSWORD)

    page.goto(f"{site.base}/leads/{site.contacted_lead}")

    lineage = page.locator("section.lineage")
    expect(lineage.get_by_role("link", name="Account")).to_have_attribute("href", f"/accounts/{result.account_id}")
    expect(lineage.get_by_role("link", name="Contact")).to_have_attribute("href", f"/contacts/{result.contact_id}")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Convert")).to_have_count(0)
    expect(page.locator(".moves")).to_have_count(0)


@SQLITE_ONLY
def test_a_lead_page_keeps_its_budget_with_2_activities_and_changes_as_with_20(
        page: Page, site: Site, ctx: ServiceContext, engine: Engine) -> None:
    ctx.cache.ttl = 3600.0  # a slow machine must not count a reload of the configuration
    url = f"{site.base}/leads/{site.open_lead}"

    def add(count: int) -> None:
        for n in range(count):
            log_activity(ctx, site.sam, kind="note", subject=f"Note {n}", links=[("lead", site.open_lead)])
            update_lead(ctx, site.sam, site.open_lead, {"city": f"City {n}"})

    def cost() -> list[str]:
        assert page.request.get(url).ok  # the caches filled after the writes
        with counted_statements(engine) as statements:
            assert page.request.get(url).ok
        return statements

    sign_in(page, site.base, SAM, PASSWORD)
    add(2)
    few = cost()
    add(18)
    many = cost()

    assert len(many) == len(few), shown(many)
    assert len(few) <= LEAD_PAGE_BUDGET, shown(few)


@SQLITE_ONLY
def test_a_lead_shared_read_only_offers_no_change_and_its_edit_page_is_refused(page: Page, site: Site,
                                                                               ctx: ServiceContext,
                                                                               admin_id: int) -> None:
    set_sharing(ctx, admin_id, "lead", "public_read_only")
    sign_in(page, site.base, SAM, PASSWORD)

    page.goto(f"{site.base}/leads/{site.private_lead}")

    expect(page.get_by_role("heading", level=1)).to_have_text("Secretson")
    expect(page.get_by_text("You may read this lead but not change it.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.locator(".moves")).to_have_count(0)
    answer = page.goto(f"{site.base}/leads/{site.private_lead}/edit")
    assert answer is not None and answer.status == 403
