"""The duplicates page in a real headless Chromium (SQLite): an admin finds the groups, merges one
keeping the record chosen, undoes the merge; a rep may not open the page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead, get_lead, update_lead
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, new_context, served, sign_in

BOSS, REP, PASSWORD = "boss@example.com", "rep@example.com", "correct horse battery"
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser)
    yield context.new_page()
    context.close()


@pytest.fixture
def base(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[str]:
    add_user(ctx, admin_id, name="Boss", email=BOSS, role="admin", password=PASSWORD)
    add_user(ctx, admin_id, name="Rep", email=REP, password=PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as url:
        yield url


def test_an_admin_merges_a_group_keeping_the_chosen_record_and_undoes_it(
        page: Page, base: str, ctx: ServiceContext, admin_id: int) -> None:
    first = create_lead(ctx, admin_id, {"first_name": "Ann", "last_name": "Smith", "company": "Acme",
                                        "email": "ann@acme.example"}).lead.id
    second = create_lead(ctx, admin_id, {"first_name": "Ann", "last_name": "Smith", "company": "Acme",
                                         "email": "ann@acme.example", "title": "CTO"}).lead.id
    sign_in(page, base, BOSS, PASSWORD)
    page.goto(f"{base}/duplicates")
    follow(page, page.get_by_role("button", name="Find duplicates now"))

    group = page.locator("section[data-group]")
    expect(group).to_have_count(1)
    expect(group).to_contain_text("e-mail ann@acme.example")
    group.get_by_role("radio").nth(1).check()
    follow(page, group.get_by_role("button", name="Merge these 2"))

    expect(page.get_by_role("status")).to_contain_text("Merged")
    expect(page.locator("section[data-group]")).to_have_count(0)
    assert get_lead(ctx, admin_id, first).lead.id == second  # the first is now a tombstone
    page.get_by_role("button", name="Undo the merge").click()
    expect(page.get_by_role("status")).to_contain_text("undone")
    expect(page.locator("section[data-group]")).to_have_count(1)
    assert get_lead(ctx, admin_id, first).lead.id == first


def test_a_rep_may_not_open_the_duplicates_page(page: Page, base: str) -> None:
    sign_in(page, base, REP, PASSWORD)
    response = page.goto(f"{base}/duplicates")
    assert response is not None and response.status == 403


def test_the_merge_dialog_merges_three_leads_field_by_field_and_tells_why_undo_is_refused(
        page: Page, base: str, ctx: ServiceContext, admin_id: int) -> None:
    """Given three leads with one e-mail and different phones and titles, the dialog shows only
    the fields that differ, preset as the merge would choose; the admin keeps the first lead with
    the second's phone; once the survivor is edited, the undo is refused with the reason."""
    values = {"first_name": "Ann", "last_name": "Smith", "company": "Acme", "email": "ann@acme.example"}
    ids = [create_lead(ctx, admin_id, {**values, "phone": f"+1 415 555 010{n}", "title": title}).lead.id
           for n, title in ((1, "CTO"), (2, "CEO"), (3, None))]
    sign_in(page, base, BOSS, PASSWORD)
    page.goto(f"{base}/duplicates")
    follow(page, page.get_by_role("button", name="Find duplicates now"))
    follow(page, page.locator("section[data-group]").get_by_role("link", name="Choose field by field"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Merge 3 leads")
    rows = page.locator("tbody th[scope=row]")
    expect(rows).to_have_text(["Record kept", "Phone", "Title"])  # e-mail, names and company agree
    phones = page.locator("input[name='field.phone']")
    expect(phones.nth(2)).to_be_checked()  # the newest non-empty, as the merge chooses
    page.locator("input[name=keep]").nth(0).check()
    phones.nth(1).check()
    follow(page, page.get_by_role("button", name="Merge these 3"))

    expect(page.get_by_role("status")).to_contain_text("Merged")
    survivor = get_lead(ctx, admin_id, ids[0]).lead
    assert (survivor.phone, survivor.title) == ("+14155550102", "CEO")
    assert {get_lead(ctx, admin_id, i).lead.id for i in ids} == {ids[0]}
    update_lead(ctx, admin_id, ids[0], {"city": "Oslo"})
    page.goto(f"{base}/duplicates")  # later: the merge is among the recent ones
    follow(page, page.get_by_role("button", name="Undo merge"))
    expect(page.get_by_role("alert")).to_contain_text("The surviving record was changed after the merge")
