"""The web application in a real headless Chromium: signing in and out, the leads list filtered
by htmx, a lead's page, CSRF refusals and record-level security (a rep never sees another rep's
private lead). On SQLite; the record-level test on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user, find_user
from leadline.web.lead_list import PAGE_SIZE
from tests.e2e.web_support import served, settled, sign_in

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@dataclass
class Site:
    base: str
    open_lead: int
    contacted_lead: int
    private_lead: int


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """Leads private to their owners; Sam owns an open and a contacted lead, Jo one of his own."""
    set_sharing(ctx, admin_id, "lead", "private")
    sam, jo = (add_user(ctx, admin_id, name=name, email=email, password=PASSWORD).id
               for name, email in (("Sam Rep", SAM), ("Jo Rep", JO)))
    open_lead = create_lead(ctx, sam, {"last_name": "Ames", "company": "Acme", "rating": "hot"}).lead.id
    contacted = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt", "email": "baker@bolt.example",
                                     "budget_amount": "1900", "currency": "EUR"}).lead.id
    change_lead_status(ctx, sam, contacted, "Contacted")
    private = create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden Corp"}).lead.id
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield Site(base, open_lead, contacted, private)


@SQLITE_ONLY
def test_a_wrong_password_is_refused_and_the_right_one_signs_in(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, "not the password")

    expect(page.get_by_role("alert")).to_contain_text("wrong e-mail or password")
    assert page.url.startswith(f"{site.base}/sign-in")

    sign_in(page, site.base, SAM, PASSWORD)

    expect(page).to_have_url(f"{site.base}/leads")
    expect(page.locator("tr[data-lead]")).to_have_count(2)
    cookie = next(c for c in page.context.cookies() if c["name"] == "leadline_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


@SQLITE_ONLY
def test_the_leads_list_filters_by_status_in_place(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Status").select_option("Contacted")

    expect(page.locator("tr[data-lead]")).to_have_count(1)
    expect(page.locator("tr[data-lead]")).to_contain_text("Baker")
    expect(page).to_have_url(f"{site.base}/leads?q=&status=Contacted&source=&owner=&rating=&min_score=&created_from="
                             "&created_to=&sort=-created_at")
    assert page.evaluate("window.notReloaded") is True  # htmx replaced the results, not the page


@SQLITE_ONLY
def test_a_lead_page_shows_its_fields_and_status(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    page.get_by_role("link", name="Baker").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.contacted_lead}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Baker")
    expect(page.locator("dd.status")).to_contain_text("Contacted (working)")
    expect(page.locator("dl.fields")).to_contain_text("baker@bolt.example")
    expect(page.locator("dl.fields")).to_contain_text("1,900.00 EUR")  # at the currency's scale, named


@SQLITE_ONLY
def test_signing_out_ends_the_session_and_its_cookie(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    session = [c for c in page.context.cookies() if c["name"] == "leadline_session"]

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{site.base}/sign-in")
    page.context.add_cookies(session)  # the old cookie, replayed: its token was revoked
    page.goto(f"{site.base}/leads")
    expect(page).to_have_url(f"{site.base}/sign-in?next=/leads")


@SQLITE_ONLY
def test_a_form_post_without_the_csrf_token_is_refused(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    refused = page.request.post(f"{site.base}/sign-out", form={"next": "/"}, max_redirects=0)

    assert refused.status == 403
    assert "You may not do that" in refused.text()
    page.goto(f"{site.base}/leads")  # the session was not ended by the refused post
    expect(page).to_have_url(f"{site.base}/leads")


def test_a_rep_does_not_see_another_reps_private_lead(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    expect(page.locator("tr[data-lead]")).to_have_count(2)
    expect(page.locator("table.leads")).not_to_contain_text("Secretson")
    answer = page.goto(f"{site.base}/leads/{site.private_lead}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert "Hidden Corp" not in page.content()


@SQLITE_ONLY
def test_the_list_searches_and_pages_on_by_keyset(page: Page, site: Site, ctx: ServiceContext) -> None:
    sam = find_user(ctx, SAM).id
    for index in range(PAGE_SIZE):
        create_lead(ctx, sam, {"last_name": f"Zed{index:02d}", "company": "Zeta"})
    sign_in(page, site.base, SAM, PASSWORD)
    page.get_by_label("Sort").select_option("last_name")

    expect(page.locator("tr[data-lead]").first).to_contain_text("Ames")
    settled(page)  # the link just swapped in is wired up once htmx has settled it
    page.get_by_role("link", name="Next page").click()

    expect(page.locator("tr[data-lead]")).to_have_count(2)  # 2 + 50 leads, 50 a page
    expect(page.locator("tr[data-lead]").last).to_contain_text("Zed49")
    settled(page)
    page.get_by_label("Search").fill("zed07")
    expect(page.locator("tr[data-lead]")).to_have_count(1)
    expect(page.locator("tr[data-lead]")).to_contain_text("Zed07")


