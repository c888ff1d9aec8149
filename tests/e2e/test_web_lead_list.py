"""The leads list in a real headless Chromium: saved views (saved, reopened, deleted, seen by
their user alone), bulk actions on ticked leads (assign, a status change refused for one lead
with why, convert) and the created filter. On SQLite; the view's privacy on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead, get_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.e2e.web_support import follow, new_context, screenshot, served, settled, sign_in

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@dataclass
class Site:
    base: str
    sam: int
    jo: int
    open_lead: int
    contacted_lead: int


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine, clock: FakeClock) -> Iterator[Site]:
    """Leads private to their owners: Sam's open Ames (made 20 February) and contacted Baker
    (2 March), Jo's Secretson."""
    set_sharing(ctx, admin_id, "lead", "private")
    sam, jo = (add_user(ctx, admin_id, name=name, email=email, password=PASSWORD).id
               for name, email in (("Sam Rep", SAM), ("Jo Rep", JO)))
    today = clock.now
    clock.now = datetime(2026, 2, 20, 15, tzinfo=UTC)
    open_lead = create_lead(ctx, sam, {"last_name": "Ames", "company": "Acme", "rating": "hot"}).lead.id
    clock.now = today
    contacted = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt"}).lead.id
    change_lead_status(ctx, sam, contacted, "Contacted")
    create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden Corp"})
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield Site(base, sam, jo, open_lead, contacted)


def rows(page: Page) -> object:
    return page.locator("tr[data-lead]")


def save_view(page: Page, name: str) -> None:
    settled(page)  # the form holds the filters of the list last swapped in
    page.get_by_label("Save these filters as").fill(name)
    follow(page, page.get_by_role("button", name="Save view"))


@SQLITE_ONLY
def test_a_saved_view_is_reopened_with_its_filters_and_can_be_deleted(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.get_by_label("Status").select_option("Contacted")
    expect(rows(page)).to_have_count(1)

    save_view(page, "Being worked")

    expect(page).to_have_url(f"{site.base}/leads?status=Contacted&sort=-created_at")
    page.goto(f"{site.base}/leads")
    expect(rows(page)).to_have_count(2)
    follow(page, page.get_by_role("link", name="Being worked"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Baker")
    expect(page.get_by_label("Status")).to_have_value("Contacted")

    save_view(page, "being WORKED")  # the same name, whatever its case
    expect(page.locator("#view-name-error")).to_contain_text("you already have a view named 'being WORKED'")

    page.get_by_role("button", name="Delete view Being worked").click()
    expect(page.get_by_role("navigation", name="Saved views")).to_contain_text("No saved views yet")


def test_another_user_neither_sees_nor_opens_a_saved_view(page: Page, site: Site, browser: Browser) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.get_by_label("Rating").select_option("hot")
    expect(rows(page)).to_have_count(1)
    save_view(page, "Hot ones")
    link = page.get_by_role("link", name="Hot ones")
    expect(link).to_be_visible()
    view_url = f"{site.base}{link.get_attribute('href')}"

    other = new_context(browser).new_page()
    sign_in(other, site.base, JO, PASSWORD)
    expect(other.get_by_role("navigation", name="Saved views")).to_contain_text("No saved views yet")
    answer = other.goto(view_url)
    assert answer is not None and answer.status == 404
    other.context.close()


@SQLITE_ONLY
def test_two_ticked_leads_are_given_to_another_rep(page: Page, site: Site, ctx: ServiceContext) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    page.get_by_label("Select all on this page").check()
    expect(page.get_by_role("checkbox", name="Select Baker")).to_be_checked()
    page.get_by_label("Give to").select_option(label="Jo Rep")
    page.get_by_role("button", name="Assign owner").click()

    expect(page.get_by_role("status", name="Result")).to_contain_text("Owner assigned: 2 leads changed")
    expect(rows(page)).to_have_count(0)  # private to Jo now
    assert {get_lead(ctx, site.jo, lead).owner.email for lead in (site.open_lead, site.contacted_lead)} == {JO}


@SQLITE_ONLY
def test_a_status_change_the_graph_forbids_for_one_lead_changes_none_and_says_why(
        page: Page, site: Site, ctx: ServiceContext) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    page.get_by_role("checkbox", name="Select Ames").check()
    page.get_by_role("checkbox", name="Select Baker").check()
    page.get_by_label("Move to").select_option("Unqualified")
    page.get_by_label("Reason to disqualify").select_option("No need")
    page.get_by_role("button", name="Change status").click()

    result = page.get_by_role("status", name="Result")
    expect(result).to_contain_text("Nothing was changed: 1 refused (the other 1 would have been)")
    expect(result.get_by_role("listitem")).to_contain_text("Ames: ")
    expect(result.get_by_role("listitem")).to_contain_text("(STATUS_TRANSITION_NOT_ALLOWED)")
    expect(page.locator(f"tr[data-lead='{site.contacted_lead}'] td.status")).to_have_text("Contacted")
    assert get_lead(ctx, site.sam, site.contacted_lead).status.label == "Contacted"


@SQLITE_ONLY
def test_the_created_filter_keeps_the_leads_made_in_the_days_chosen(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    page.get_by_label("Created to").fill("2026-02-28")
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Ames")
    page.get_by_label("Created from").fill("2026-03-01")
    expect(page.get_by_role("alert")).to_contain_text("created_from")  # a range the wrong way round
    page.get_by_label("Created to").fill("2026-03-02")
    expect(rows(page)).to_have_count(1)
    expect(rows(page)).to_contain_text("Baker")


@SQLITE_ONLY
def test_the_lists_forms_are_refused_without_the_csrf_token(page: Page, site: Site, ctx: ServiceContext) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    for path, form in (("/leads/views", {"name": "Forged", "status": "Open"}),
                       ("/leads/bulk", {"action": "assign", "lead": str(site.open_lead), "new_owner": JO})):
        assert page.request.post(f"{site.base}{path}", form=form, max_redirects=0).status == 403
    assert get_lead(ctx, site.sam, site.open_lead).owner.email == SAM


@SQLITE_ONLY
def test_ticked_leads_are_converted_each_as_the_criteria_allow(page: Page, site: Site, ctx: ServiceContext) -> None:
    ready = create_lead(ctx, site.sam, {"last_name": "Carter", "company": "Crane", "budget_amount": "20000",
                                        "is_decision_maker": "yes", "purchase_timeframe": "2026-05-01"},
                        products=[{"product": "Widget"}]).lead.id
    sign_in(page, site.base, SAM, PASSWORD)
    follow(page, page.get_by_role("button", name="Convert"))
    result = page.get_by_role("status", name="Result")
    expect(result).to_contain_text("Nothing was changed: tick at least one lead first")

    page.get_by_role("checkbox", name="Select Ames").check()
    page.get_by_role("checkbox", name="Select Carter").check()
    page.get_by_label("Opportunity").select_option("none")
    page.get_by_role("button", name="Convert").click()

    expect(result).to_contain_text("Converted: 1 lead changed; 1 refused")
    expect(result.get_by_role("listitem")).to_contain_text("Ames: ")
    expect(result.get_by_role("listitem")).to_contain_text("(CRITERIA_NOT_MET)")
    assert get_lead(ctx, site.sam, ready).lead.is_converted()
    assert not get_lead(ctx, site.sam, site.open_lead).lead.is_converted()


#: Each of the lead list's filters: its label's box and its control's.
LEAD_FILTER_BOXES = """() => [...document.querySelectorAll("form.lead-filters > label")].map(label => {
  const box = label.getBoundingClientRect();
  const control = label.querySelector("input, select").getBoundingClientRect();
  return {top: box.top, left: box.left, right: box.right, controlLeft: control.left, controlWidth: control.width};
})"""


@SQLITE_ONLY
@pytest.mark.parametrize("width", [768, 900])
def test_the_filter_bar_is_a_tidy_grid_at_a_tablets_width(page: Page, site: Site, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 1024})
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads")
    fields = page.evaluate(LEAD_FILTER_BOXES)
    assert len(fields) == 9
    rows = sorted({round(f["top"]) for f in fields})
    columns = sorted({round(f["left"]) for f in fields})
    assert len(columns) >= 3 and len(rows) * len(columns) >= len(fields), (rows, columns)  # a grid
    for top in rows[:-1]:  # every row but the last is full
        assert len([f for f in fields if round(f["top"]) == top]) == len(columns), (top, fields)
    widths = {round(f["controlWidth"]) for f in fields}
    assert max(widths) - min(widths) <= 1, widths  # every control as wide as its column
    assert all(abs(f["left"] - f["controlLeft"]) <= 1 for f in fields)  # each under its label, aligned
    assert max(f["right"] for f in fields) <= width  # nothing runs off the side
    screenshot(page, f"lead-filters-{width}")
