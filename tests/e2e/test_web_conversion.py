"""The conversion dialog in a real headless Chromium: the preview's matches with their reasons,
attaching to an existing account while creating the opportunity, the result page and undo (and
why an undo is refused), the override reason a conversion without its criteria needs (shown
inline), a match hidden by sharing told without its fields, the reason a blocking duplicate
rule asks for, and another rep's private lead (404). On SQLite; the first flow on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import lead_lineage
from leadline.services.duplicates.rules import set_duplicate_rule
from leadline.services.leads.records import create_lead, get_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.records import create_account, create_opportunity, update_record
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user, list_users
from tests.e2e.web_support import follow, served, settled, sign_in

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
#: meets BANT and the opportunity criteria on the test clock's day (2026-03-02)
READY = {"budget_amount": "12000", "purchase_timeframe": "2026-06-30", "is_decision_maker": True}
LINES = [{"product": "Widget", "quantity": "3", "estimated_unit_price": "1000"},
         {"product": "Gadget", "quantity": "2", "estimated_unit_price": "500"}]


@dataclass
class Site:
    base: str
    sam: int
    ready_lead: int  # qualified, matching Sam's account Acme Inc.
    account: int
    deal: int  # an open opportunity of that account
    bare_lead: int  # open, without budget, timeframe or products
    hidden_lead: int  # matches Jo's private account by its website
    private_lead: int  # Jo's


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """Private leads, accounts, contacts and opportunities; Sam owns Acme Inc. (acme.example) with
    an open deal, Jo a private Globex account (globex.example) and a lead of his own."""
    for kind in ("lead", "account", "contact", "opportunity"):
        set_sharing(ctx, admin_id, kind, "private")
    sam = add_user(ctx, admin_id, name="Sam Rep", email=SAM, password=PASSWORD).id
    jo = add_user(ctx, admin_id, name="Jo Rep", email=JO).id  # never signs in: no password to hash
    account = create_account(ctx, sam, {"name": "Acme Inc.", "website": "https://www.acme.example"}).id
    deal = create_opportunity(ctx, sam, {"account_id": account, "name": "Acme renewal"}).id
    create_account(ctx, jo, {"name": "Globex Hidden Holdings", "website": "globex.example", "phone": "+1 202 555 0101"})
    ready = create_lead(ctx, sam, {"first_name": "Grace", "last_name": "Hopper", "company": "Acme",
                                   "website": "acme.example", "email": "grace@acme.example", **READY},
                        products=LINES).lead.id
    for status in ("Contacted", "Qualified"):
        change_lead_status(ctx, sam, ready, status)
    bare = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt"}).lead.id
    hidden = create_lead(ctx, sam, {"last_name": "Gray", "company": "Globex", "website": "globex.example",
                                    **READY}, products=LINES).lead.id
    private = create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden Corp"}).lead.id
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield Site(base, sam, ready, account, deal, bare, hidden, private)


def open_dialog(page: Page, site: Site, lead_id: int) -> None:
    sign_in(page, site.base, SAM, PASSWORD)
    page.goto(f"{site.base}/leads/{lead_id}")
    follow(page, page.get_by_role("link", name="Convert"))  # its scripts there: the search answers
    expect(page).to_have_url(f"{site.base}/leads/{lead_id}/convert")


def linked(page: Page, kind: str) -> Any:
    return page.locator(f"ul.linked li[data-kind={kind}]")


def test_a_qualified_lead_converts_into_an_existing_account_and_undo_returns_it(
        page: Page, site: Site, ctx: ServiceContext) -> None:
    open_dialog(page, site, site.ready_lead)

    match = page.locator(f"label[data-account='{site.account}']")
    expect(match).to_contain_text("Acme Inc.")
    expect(match).to_contain_text("same website domain acme.example")
    expect(page.locator("ul.criteria li.missing")).to_have_count(0)
    expect(page.locator("div.new-opportunity")).to_contain_text("Acme - Widget")
    expect(page.locator("div.new-opportunity")).to_contain_text("2026-06-30")
    expect(page.locator("div.new-opportunity")).to_contain_text("4,000.00 USD in all")  # 3 at 1000, 2 at 500
    expect(page.get_by_label("Open opportunity", exact=True)).to_contain_text("Acme renewal")
    match.get_by_role("radio").check()
    follow(page, page.get_by_role("button", name="Convert"))

    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}/conversion")
    lineage = lead_lineage(ctx, site.sam, site.ready_lead)
    expect(linked(page, "account")).to_contain_text("Acme Inc. attached")
    expect(linked(page, "contact")).to_contain_text("Grace Hopper created")
    expect(linked(page, "opportunity")).to_contain_text("Acme - Widget created")
    hrefs = [linked(page, kind).get_by_role("link").get_attribute("href")
             for kind in ("account", "contact", "opportunity")]
    assert hrefs == [f"/accounts/{site.account}", f"/contacts/{lineage['contact_id']}",
                     f"/opportunities/{lineage['opportunity_ids'][0]}"]
    follow(page, page.get_by_role("link", name="Grace Hopper").first)  # back to the lead, now converted
    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}")
    follow(page, page.get_by_role("link", name="Its conversion"))
    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}/conversion")

    page.get_by_role("button", name="Undo conversion").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}?notice=conversion-undone")
    expect(page.get_by_role("status")).to_contain_text("The conversion was undone")
    expect(page.locator("dd.status")).to_contain_text("Qualified")
    assert not get_lead(ctx, site.sam, site.ready_lead).lead.is_converted()
    expect(page.get_by_role("link", name="Convert")).to_be_visible()


@SQLITE_ONLY
def test_the_contact_joins_an_open_opportunity_of_the_matching_account(page: Page, site: Site) -> None:
    open_dialog(page, site, site.ready_lead)
    page.locator(f"label[data-account='{site.account}']").get_by_role("radio").check()
    deals = page.get_by_label("Open opportunity", exact=True)
    expect(deals).to_be_disabled()  # leadline-conversion.js: only while attaching
    page.get_by_label("Attach the contact to an open opportunity of the account").check()
    expect(page.get_by_label("One opportunity per product (Widget, Gadget)")).to_be_disabled()
    deals.select_option(str(site.deal))

    page.get_by_role("button", name="Convert").click()

    expect(linked(page, "opportunity")).to_contain_text("Acme renewal attached")
    assert linked(page, "opportunity").get_by_role("link").get_attribute("href") == f"/opportunities/{site.deal}"


@SQLITE_ONLY
def test_one_opportunity_per_product(page: Page, site: Site) -> None:
    open_dialog(page, site, site.ready_lead)
    expect(page.locator("div.new-opportunity")).to_contain_text("Acme - Widget; Acme - Gadget")

    page.get_by_label("One opportunity per product (Widget, Gadget)").check()
    page.get_by_role("button", name="Convert").click()

    expect(linked(page, "opportunity")).to_have_count(2)
    expect(page.locator("ul.linked")).to_contain_text("Acme - Widget created")
    expect(page.locator("ul.linked")).to_contain_text("Acme - Gadget created")


@SQLITE_ONLY
def test_an_undo_refused_says_why(page: Page, site: Site, ctx: ServiceContext) -> None:
    open_dialog(page, site, site.ready_lead)
    follow(page, page.get_by_role("button", name="Convert"))
    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}/conversion")
    made = lead_lineage(ctx, site.sam, site.ready_lead)["opportunity_ids"][0]
    update_record(ctx, site.sam, "opportunity", made, {"name": "Renamed since"})

    page.get_by_role("button", name="Undo conversion").click()

    expect(page.get_by_role("alert")).to_contain_text(f"the opportunity {made} was edited since")
    assert get_lead(ctx, site.sam, site.ready_lead).lead.is_converted()


@SQLITE_ONLY
def test_creating_an_opportunity_without_its_criteria_needs_an_override_reason(page: Page, site: Site) -> None:
    open_dialog(page, site, site.bare_lead)
    expect(page.locator("ul.criteria li.missing")).to_have_count(3)
    expect(page.locator("li[data-criterion=budget]")).to_contain_text("Missing")

    follow(page, page.get_by_role("button", name="Convert"))

    expect(page.locator("#override_reason-error")).to_contain_text("needs the Opportunity criteria met")
    expect(page.get_by_label("Override reason", exact=False).first).to_have_attribute("aria-invalid", "true")
    page.locator("#override_reason").fill("The buyer signed a letter of intent")
    page.locator("#qualification_override_reason").fill("Qualified by phone, fields to follow")
    page.get_by_role("button", name="Convert").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.bare_lead}/conversion")
    expect(page.locator("main")).to_contain_text("The buyer signed a letter of intent")


@SQLITE_ONLY
def test_a_match_the_rep_may_not_read_is_told_without_its_fields(page: Page, site: Site) -> None:
    open_dialog(page, site, site.hidden_lead)

    expect(page.locator("li[data-hidden=account]")).to_contain_text("website domain globex.example")
    content = page.content()
    assert "Hidden Holdings" not in content
    assert not any(phone in content for phone in ("5550101", "555 0101", "555-0101"))  # nor its phone
    page.get_by_label("No opportunity").check()
    follow(page, page.get_by_role("button", name="Convert"))
    expect(page.locator("#confirm_separate-error")).to_contain_text("matching records you may not see")
    page.get_by_label("Create separate records anyway").check()
    page.get_by_role("button", name="Convert").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.hidden_lead}/conversion")
    expect(linked(page, "account")).to_contain_text("Globex created")


@SQLITE_ONLY
def test_a_rep_cannot_open_the_dialog_for_another_reps_private_lead(page: Page, site: Site) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    answer = page.goto(f"{site.base}/leads/{site.private_lead}/convert")

    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    assert "Hidden Corp" not in page.content()
    for path in ("convert", "conversion"):
        refused = page.request.get(f"{site.base}/leads/{site.private_lead}/{path}")
        assert refused.status == 404
    page.goto(f"{site.base}/leads/{site.bare_lead}/convert")
    token = page.locator("input[name=_csrf_token]").first.get_attribute("value") or ""
    for path in ("convert", "conversion/undo"):
        posted = page.request.post(f"{site.base}/leads/{site.private_lead}/{path}",
                                   form={"_csrf_token": token, "opportunity": "none"}, max_redirects=0)
        assert posted.status == 404 and "Hidden Corp" not in posted.text()


@SQLITE_ONLY
def test_a_conversion_posted_without_the_csrf_token_is_refused(page: Page, site: Site, ctx: ServiceContext) -> None:
    sign_in(page, site.base, SAM, PASSWORD)

    refused = page.request.post(f"{site.base}/leads/{site.ready_lead}/convert", form={"opportunity": "none"},
                                max_redirects=0)

    assert refused.status == 403
    assert not get_lead(ctx, site.sam, site.ready_lead).lead.is_converted()


@SQLITE_ONLY
def test_the_new_opportunitys_name_amount_close_date_and_stage_are_set_in_the_dialog(
        page: Page, site: Site, ctx: ServiceContext) -> None:
    open_dialog(page, site, site.bare_lead)
    page.locator("#override_reason").fill("The buyer signed a letter of intent")
    page.locator("#qualification_override_reason").fill("Qualified by phone, fields to follow")
    page.get_by_label("Name", exact=True).fill("Bolt pilot")
    page.get_by_label("Amount (USD)").fill("lots")
    page.get_by_label("Close date").fill("2026-09-30")
    page.get_by_label("Stage", exact=True).select_option("Needs Analysis")
    follow(page, page.get_by_role("button", name="Convert"))

    expect(page.locator("#opportunity_amount-error")).to_contain_text("lots")
    expect(page.get_by_label("Amount (USD)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Bolt pilot")  # what was typed stays
    expect(page.get_by_label("Stage", exact=True)).to_have_value("Needs Analysis")
    assert not get_lead(ctx, site.sam, site.bare_lead).lead.is_converted()  # all or nothing
    page.get_by_label("Amount (USD)").fill("9000")
    follow(page, page.get_by_role("button", name="Convert"))

    expect(page).to_have_url(f"{site.base}/leads/{site.bare_lead}/conversion")
    follow(page, linked(page, "opportunity").get_by_role("link"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bolt pilot")
    expect(page.locator("dd.amount")).to_have_text("9,000.00 USD")
    expect(page.locator("dd.stage")).to_have_text("Needs Analysis")
    expect(page.locator("dl.fields")).to_contain_text("2026-09-30")


@SQLITE_ONLY
def test_any_readable_account_is_found_by_the_search_and_attached(page: Page, site: Site, ctx: ServiceContext) -> None:
    jo = next(u for u in list_users(ctx, site.sam) if u.email == JO).id
    initech = {n: create_account(ctx, site.sam, {"name": f"Initech {n:02d}"}).id for n in range(1, 26)}
    create_account(ctx, jo, {"name": "Initech Private"})  # Jo's, private: never found by Sam
    open_dialog(page, site, site.ready_lead)
    results = page.locator("#account-results")

    page.get_by_label("Or find another account").fill("initech")
    expect(results.locator("label.found")).to_have_count(20)  # a page, by name
    expect(results.locator("label.found").first).to_contain_text("Initech 01")
    settled(page)  # the button just swapped in is wired up once htmx has settled it
    results.get_by_role("button", name="More accounts").click()
    expect(results.locator("label.found")).to_have_count(25)  # the next page after the first, nothing twice
    expect(results).not_to_contain_text("Initech Private")
    expect(results.get_by_role("button", name="More accounts")).to_have_count(0)
    page.get_by_label("Or find another account").press("Enter")  # searches again; never converts
    expect(results.locator("label.found")).to_have_count(20)  # the first page again: the search answered
    settled(page)
    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}/convert")
    page.get_by_label("Or find another account").fill("INITECH 23")
    expect(results.locator("label.found")).to_have_count(1)
    settled(page)  # no older search's answer still on its way to replace this one
    results.get_by_role("radio").check()

    follow(page, page.get_by_role("button", name="Convert"))

    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}/conversion")
    expect(linked(page, "account")).to_contain_text("Initech 23 attached")
    assert lead_lineage(ctx, site.sam, site.ready_lead)["account_id"] == initech[23]


@SQLITE_ONLY
def test_a_search_that_drops_the_chosen_account_falls_back_to_a_new_one_and_a_refusal_keeps_the_choice(
        page: Page, site: Site, ctx: ServiceContext) -> None:
    found = create_account(ctx, site.sam, {"name": "Umbrella Labs"}).id
    open_dialog(page, site, site.bare_lead)  # misses its criteria: converting is refused without a reason
    search = page.get_by_label("Or find another account")
    chosen = page.locator(f"#account-results label[data-account='{found}']").get_by_role("radio")
    search.fill("umbrella")
    expect(chosen).to_be_visible()
    settled(page)
    chosen.check()
    search.fill("nothing like it")
    expect(page.locator("#account-results")).to_contain_text("No account you may see matches")
    expect(page.get_by_label("A new account: Bolt")).to_be_checked()

    search.fill("umbrella")
    expect(chosen).to_be_visible()
    settled(page)
    chosen.check()
    follow(page, page.get_by_role("button", name="Convert"))

    expect(page.locator("#override_reason-error, #qualification_override_reason-error").first).to_be_visible()
    expect(page.locator(f"#account-results label[data-account='{found}']").get_by_role("radio")).to_be_checked()


@SQLITE_ONLY
def test_a_blocking_duplicate_rule_asks_for_a_reason_in_the_dialog(
        page: Page, site: Site, ctx: ServiceContext, admin_id: int) -> None:
    set_duplicate_rule(ctx, admin_id, "account", "domain_company", action="block")
    open_dialog(page, site, site.ready_lead)
    expect(page.locator("#duplicate_override_reason")).to_have_count(0)  # asked for only once refused

    follow(page, page.get_by_role("button", name="Convert"))  # a new account, though Acme Inc. is protected

    expect(page.locator("#duplicate_override_reason-error")).to_contain_text("duplicates existing records")
    page.locator("#duplicate_override_reason").fill("Acme's other branch, billed apart")
    page.get_by_role("button", name="Convert").click()

    expect(page).to_have_url(f"{site.base}/leads/{site.ready_lead}/conversion")
    expect(linked(page, "account")).to_contain_text("Acme created")
