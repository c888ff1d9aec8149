"""The accounts, contacts and opportunities pages in a real headless Chromium: an account with its
contacts and opportunities, a contact's edit refused inline, line items changing an opportunity's
amount, contact roles, closing lost without a reason, and record-level security (a rep never sees
another rep's private opportunity). On SQLite; the record-level test on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import create_product, set_list_price
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, served, sign_in

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@dataclass
class Site:
    base: str
    account: int
    contact: int
    deal: int
    private_deal: int


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """Opportunities private to their owners, accounts and contacts public. Sam owns Acme, its
    contact Cara and the 5000 USD "Acme renewal"; Jo owns "Acme secret" at the same account. A
    Widget lists at 100 USD."""
    set_sharing(ctx, admin_id, "opportunity", "private")
    for kind in ("account", "contact"):
        set_sharing(ctx, admin_id, kind, "public_read_only")
    sam = add_user(ctx, admin_id, name="Sam Rep", email=SAM, password=PASSWORD).id
    jo = add_user(ctx, admin_id, name="Jo Rep", email=JO).id  # never signs in: no password to hash
    account = records.create_account(ctx, sam, {"name": "Acme", "industry": "Machinery"}).id
    contact = records.create_contact(ctx, sam, {"account_id": account, "first_name": "Cara", "last_name": "Contact",
                                                "email": "cara@acme.example"}).id
    deal = records.create_opportunity(ctx, sam, {"account_id": account, "name": "Acme renewal",
                                                 "amount": "5000"}).id
    private = records.create_opportunity(ctx, jo, {"account_id": account, "name": "Acme secret",
                                                   "amount": "777"}).id
    widget = create_product(ctx, admin_id, name="Widget")
    set_list_price(ctx, admin_id, product_id=widget.id, currency="USD", unit_price="100")
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield Site(base, account, contact, deal, private)


@SQLITE_ONLY
def test_an_account_shows_its_contacts_and_opportunities(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    follow(page, page.get_by_role("link", name="Accounts"))

    follow(page, page.get_by_role("link", name="Acme", exact=True))

    expect(page).to_have_url(f"{site.base}/accounts/{site.account}")
    expect(page.locator("table.contacts")).to_contain_text("Cara Contact")
    row = page.locator(f"tr[data-opportunity='{site.deal}']")
    expect(row).to_contain_text("Prospecting")
    expect(row).to_contain_text("5,000.00 USD")  # at the currency's scale
    expect(page.locator("table.opportunities")).not_to_contain_text("Acme secret")


@SQLITE_ONLY
def test_a_contact_with_a_bad_email_is_refused_next_to_the_field(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/contacts/{site.contact}")

    page.get_by_label("E-mail").fill("cara at acme")
    follow(page, page.get_by_role("button", name="Save the contact"))

    expect(page.locator("#edit-email-error")).to_contain_text("is not a valid e-mail address")
    expect(page.get_by_label("E-mail")).to_have_value("cara at acme")  # what was typed stays
    page.get_by_label("E-mail").fill("cara@acme.example.org")
    page.get_by_role("button", name="Save the contact").click()
    expect(page.locator("dl.fields")).to_contain_text("cara@acme.example.org")
    expect(page.locator("table.history")).to_contain_text("cara@acme.example.org")


@SQLITE_ONLY
def test_a_line_item_added_then_removed_changes_the_amount(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/opportunities/{site.deal}")
    expect(page.locator("dd.amount")).to_have_text("5,000.00 USD")

    page.get_by_label("Product", exact=True).select_option(label="Widget (100.00 USD)")
    page.get_by_label("Quantity").fill("3")
    follow(page, page.get_by_role("button", name="Add the product"))

    expect(page.locator("dd.amount")).to_have_text("300.00 USD")
    expect(page.locator(".items-total")).to_have_text("300.00 USD")
    page.get_by_label("Quantity").fill("0")
    page.get_by_label("Product", exact=True).select_option(label="Widget (100.00 USD)")
    follow(page, page.get_by_role("button", name="Add the product"))
    expect(page.locator("#line_item-quantity-error")).to_contain_text("greater than zero")

    page.get_by_role("button", name="Remove Widget").click()

    expect(page.locator("tr[data-line-item]")).to_have_count(0)
    expect(page.locator("dd.amount")).to_have_text("300.00 USD")  # the last sum stays the amount


@SQLITE_ONLY
def test_a_contact_role_is_added_and_shown_on_the_contact(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/opportunities/{site.deal}")

    page.get_by_label("Contact", exact=True).select_option(label="Cara Contact")
    page.get_by_label("Role", exact=True).select_option("decision_maker")
    page.get_by_label("Primary contact").check()
    follow(page, page.get_by_role("button", name="Add the contact role"))

    expect(page.locator("table.roles")).to_contain_text("decision maker")
    expect(page.locator("table.roles")).to_contain_text("primary")
    follow(page, page.get_by_role("link", name="Cara Contact"))
    expect(page.locator(f"tr[data-opportunity='{site.deal}']")).to_contain_text("decision maker (primary)")
    page.go_back()
    page.get_by_role("button", name="Remove Cara Contact as decision maker").click()
    expect(page.locator("table.roles")).to_have_count(0)


@SQLITE_ONLY
def test_closing_lost_without_a_reason_asks_for_one(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/opportunities/{site.deal}")

    expect(page.get_by_label("Loss reason")).to_be_hidden()  # asked for only when closing lost
    page.get_by_label("Stage", exact=True).select_option(label="Closed Lost (lost)")
    follow(page, page.get_by_role("button", name="Change the stage"))

    expect(page.locator("#stage-reason-error")).to_contain_text("a reason is required")
    expect(page.locator("dd.stage")).to_have_text("Prospecting")
    page.get_by_label("Loss reason").select_option(index=1)
    page.get_by_role("button", name="Change the stage").click()
    expect(page.locator("dd.stage")).to_have_text("Closed Lost (lost)")
    expect(page.locator("ol.stage-history")).to_contain_text("Prospecting → Closed Lost")
    expect(page.get_by_role("button", name="Add the product")).to_have_count(0)  # closed: products stay


def test_a_rep_cannot_open_or_list_another_reps_private_opportunity(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    page.goto(f"{site.base}/opportunities")
    expect(page.locator("tr[data-opportunity]")).to_have_count(1)
    expect(page.locator("table.records")).not_to_contain_text("Acme secret")
    answer = page.goto(f"{site.base}/opportunities/{site.private_deal}")

    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert "Acme secret" not in page.content()
