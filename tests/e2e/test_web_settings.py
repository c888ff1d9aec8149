"""The settings pages in a real headless Chromium: an admin adds a lead status and a move to it,
is refused a duplicate source beside the field, creates an API token and sees it once; a rep
gets the 403 page. On SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.configuration.lead_workflow import list_transitions
from leadline.services.context import ServiceContext
from leadline.services.security.auth import authenticate_token, set_password
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, served, sign_in

ADMIN, SAM, PASSWORD = "ada@example.com", "sam@example.com", "correct horse battery"
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[str]:
    set_password(ctx, admin_id, admin_id, PASSWORD)
    add_user(ctx, admin_id, name="Sam Rep", email=SAM, password=PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield base


def signed_in(page: Page, base: str, email: str) -> None:
    sign_in(page, base, email, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_admin_adds_a_status_and_a_move_to_it(page: Page, site: str, ctx: ServiceContext) -> None:
    signed_in(page, site, ADMIN)
    page.get_by_text("More", exact=True).click()  # Settings is under the navigation's "More"
    follow(page, page.get_by_role("link", name="Settings"))
    follow(page, page.get_by_role("link", name="Lead statuses"))

    form = page.locator("#add-status")
    form.get_by_label("Label").fill("Nurturing")
    form.get_by_label("Kind").select_option("working")
    follow(page, form.get_by_role("button", name="Add status"))
    expect(page.locator("tr[data-status=Nurturing]")).to_contain_text("working")
    moves = page.locator("#add-transition")
    moves.get_by_label("From").select_option("Contacted")
    moves.get_by_label("To").select_option("Nurturing")
    moves.get_by_role("button", name="Allow move").click()

    expect(page).to_have_url(f"{site}/settings/statuses")
    expect(page.locator("[data-transition='Contacted → Nurturing']")).to_be_visible()
    assert ("Contacted", "Nurturing") in [(t.from_status, t.to_status) for t in list_transitions(ctx)]


def test_a_duplicate_source_is_refused_beside_its_field(page: Page, site: str) -> None:
    signed_in(page, site, ADMIN)
    page.goto(f"{site}/settings/sources")

    form = page.locator("#add-source")
    form.get_by_label("Label").fill("website FORM")
    form.get_by_role("button", name="Add source").click()

    field = page.locator("#add-source-label")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#add-source-label-error")).to_have_text("'website FORM' already exists")
    expect(field).to_have_value("website FORM")  # what was typed is kept
    expect(page.locator("tr[data-source]")).to_have_count(8)  # nothing added


def test_an_api_token_is_shown_once(page: Page, site: str, ctx: ServiceContext, admin_id: int) -> None:
    signed_in(page, site, ADMIN)
    page.goto(f"{site}/settings/tokens")

    page.get_by_label("Token name").fill("reporting script")
    follow(page, page.get_by_role("button", name="Create token"))

    expect(page.get_by_label("Your new token")).to_have_value(re.compile(r"^ll_"))
    token = page.get_by_label("Your new token").input_value()
    assert authenticate_token(ctx, token) == admin_id
    expect(page.locator("tr[data-token='reporting script']")).to_contain_text("active")
    page.goto(f"{site}/settings/tokens")  # the page again: the token is not shown any more
    expect(page.get_by_label("Your new token")).to_have_count(0)
    expect(page.locator("tr[data-token]")).to_have_count(1)
    assert token not in page.content()
    page.get_by_role("button", name="Revoke reporting script").click()
    expect(page.locator("tr[data-token='reporting script']")).to_contain_text("revoked")


def test_a_rep_gets_the_403_page_and_no_settings_link(page: Page, site: str) -> None:
    signed_in(page, site, SAM)

    expect(page.get_by_role("link", name="Settings")).to_have_count(0)
    for path in ("/settings", "/settings/users", "/settings/statuses"):
        answer = page.goto(f"{site}{path}")
        assert answer is not None and answer.status == 403, path
        expect(page.get_by_role("heading", level=1)).to_have_text("You may not do that")


def test_an_admin_adds_a_user_under_a_manager_and_a_taken_email_is_refused(page: Page, site: str) -> None:
    signed_in(page, site, ADMIN)
    page.goto(f"{site}/settings/users")
    form = page.locator("#add-user")

    form.get_by_label("Name").fill("Kim Rep")
    form.get_by_label("E-mail").fill("kim@example.com")
    form.get_by_label("Reports to").select_option(label="Sam Rep")
    follow(page, form.get_by_role("button", name="Add user"))

    expect(page.locator("tr[data-user='kim@example.com']")).to_be_visible()
    expect(page.locator("ul.hierarchy li")).to_have_text(["Ada Admin (admin)", "Sam Rep (rep)", "Kim Rep (rep)"])
    form.get_by_label("Name").fill("Sam Again")
    form.get_by_label("E-mail").fill(SAM)
    form.get_by_role("button", name="Add user").click()
    expect(page.locator("#add-user-email-error")).to_have_text(f"a user with e-mail {SAM} already exists")
    expect(page.locator("#add-user-name")).to_have_value("Sam Again")
