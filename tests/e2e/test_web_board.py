"""The pipeline board in a real headless Chromium: dragging a card (HTML5 drag and drop) moves its
opportunity and the column totals follow; a drop on Closed Lost asks for the loss reason, one on
Closed Won for the amount a deal without one needs; a refused move snaps back with the use case's
message; the "Move to…" form moves a card from the keyboard; a rep never sees another rep's private
opportunity, on the board or in its totals. On SQLite; the record-level test on PostgreSQL too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.opportunities.lifecycle import move_stage
from leadline.services.records import get_record
from leadline.services.security.users import find_user
from tests.e2e.pipeline_support import ARTIFACTS, MANAGER, PASSWORD, WIDE, Deal, team_site
from tests.e2e.web_support import follow, new_context, sign_in

SAM, JO, MIA = "sam@example.com", "jo@example.com", MANAGER[1]
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@dataclass
class Site:
    base: str
    rollout: int
    pilot: int
    unpriced: int
    secret: int


@pytest.fixture
def page(wide_page: Page) -> Page:
    return wide_page


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """Opportunities private to their owners. Sam (reporting to Mia) has 1000 and an unpriced deal in
    Prospecting and 500 in Qualification; Jo (also Mia's) 9000 in Prospecting."""
    deals = [Deal(SAM, "Acme", "Acme rollout", "Prospecting", "1000", "2026-03-20"),
             Deal(SAM, "Acme", "Acme unpriced", "Prospecting", None, "2026-03-28"),
             Deal(SAM, "Acme", "Acme pilot", "Qualification", "500", "2026-03-25"),
             Deal(JO, "Hidden Corp", "Secret deal", "Prospecting", "9000", "2026-03-21")]
    with team_site(ctx, admin_id, engine, (("Sam Rep", SAM), ("Jo Rep", JO)), deals) as made:
        ids = made.deals
        yield Site(made.base, ids["Acme rollout"], ids["Acme pilot"], ids["Acme unpriced"], ids["Secret deal"])


def column(page: Page, stage: str) -> Locator:
    return page.locator("section.column", has=page.get_by_role("heading", name=stage, exact=True))


def card(page: Page, name: str) -> Locator:
    return page.locator("li.opportunity-card", has_text=name)


def expect_totals(page: Page, stage: str, count: int, amount: str, weighted: str) -> None:
    totals = column(page, stage)
    expect(totals.locator('[data-total="count"]')).to_have_text(str(count))
    expect(totals.locator('[data-total="amount"]')).to_have_text(f"{amount} USD")
    expect(totals.locator('[data-total="weighted"]')).to_have_text(f"{weighted} USD")


def open_board(page: Page, site: Site, email: str = SAM) -> None:
    sign_in(page, site.base, email, PASSWORD)
    follow(page, page.get_by_role("link", name="Board", exact=True))  # its script there: a drop is heard
    expect(page).to_have_url(f"{site.base}/board")


@SQLITE_ONLY
def test_dragging_a_card_to_the_next_stage_moves_it_and_the_totals_follow(page: Page, site: Site) -> None:
    open_board(page, site)
    expect_totals(page, "Prospecting", 2, "1,000.00", "100.00")
    expect_totals(page, "Qualification", 1, "500.00", "100.00")
    page.evaluate("window.notReloaded = true")

    card(page, "Acme rollout").drag_to(column(page, "Qualification"))

    expect(column(page, "Qualification").locator("li.opportunity-card")).to_have_count(2)
    expect_totals(page, "Qualification", 2, "1,500.00", "300.00")  # 1000 and 500 at 20 %
    expect_totals(page, "Prospecting", 1, "0.00", "0.00")
    expect(page.get_by_role("status")).to_have_text("Moved Acme rollout to Qualification.")
    page.screenshot(path=ARTIFACTS / "board.png", full_page=True)
    assert page.evaluate("window.notReloaded") is True  # the columns were replaced, not the page
    page.reload()
    expect(column(page, "Qualification")).to_contain_text("Acme rollout")


@SQLITE_ONLY
def test_a_drop_on_closed_lost_asks_for_the_reason_then_closes_it(page: Page, site: Site,
                                                                 ctx: ServiceContext) -> None:
    open_board(page, site)

    card(page, "Acme pilot").drag_to(column(page, "Closed Lost"))

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Close Acme pilot as lost")
    expect(dialog).to_contain_text("a reason is required")
    dialog.get_by_label("Loss reason").select_option("Competitor")
    dialog.get_by_label("Comment (optional)").fill("went with the incumbent")
    dialog.get_by_role("button", name="Close it").click()

    expect(dialog).to_be_hidden()
    expect(column(page, "Closed Lost")).to_contain_text("Acme pilot")
    expect_totals(page, "Qualification", 0, "0.00", "0.00")
    expect_totals(page, "Closed Lost", 1, "500.00", "0.00")
    lost = get_record(ctx, find_user(ctx, SAM).id, "opportunity", site.pilot)
    assert (lost.outcome.value, lost.loss_reason) == ("lost", "went with the incumbent")


@SQLITE_ONLY
def test_a_drop_on_closed_won_asks_for_the_amount_a_deal_without_one_needs(page: Page, site: Site) -> None:
    open_board(page, site)

    card(page, "Acme unpriced").drag_to(column(page, "Closed Won"))

    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Close Acme unpriced as won")
    expect(dialog).to_contain_text("a won opportunity needs a positive amount")
    expect(dialog.get_by_label("Loss reason")).to_be_hidden()
    dialog.get_by_label("Amount won").fill("-5")
    dialog.get_by_role("button", name="Close it").click()
    expect(dialog.locator("#board-amount-error")).not_to_be_empty()  # refused again: told beside the field
    dialog.get_by_label("Amount won").fill("750")
    dialog.get_by_role("button", name="Close it").click()

    expect(dialog).to_be_hidden()
    expect(column(page, "Closed Won")).to_contain_text("Acme unpriced")
    expect_totals(page, "Closed Won", 1, "750.00", "750.00")


@SQLITE_ONLY
def test_cancelling_the_dialog_snaps_the_card_back(page: Page, site: Site) -> None:
    open_board(page, site)

    card(page, "Acme pilot").drag_to(column(page, "Closed Lost"))
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(column(page, "Qualification")).to_contain_text("Acme pilot")
    expect(column(page, "Closed Lost").locator("li.opportunity-card")).to_have_count(0)


@SQLITE_ONLY
def test_a_refused_move_snaps_back_with_the_use_cases_message(page: Page, site: Site, ctx: ServiceContext) -> None:
    open_board(page, site)
    move_stage(ctx, find_user(ctx, SAM).id, site.rollout, "Needs Analysis")  # changed since the board was read

    card(page, "Acme rollout").drag_to(column(page, "Qualification"))

    expect(page.get_by_role("alert")).to_have_text("the opportunity changed since you read it; reload and retry")
    expect(column(page, "Prospecting")).to_contain_text("Acme rollout")
    expect(column(page, "Qualification")).not_to_contain_text("Acme rollout")
    expect(page.get_by_role("dialog")).to_be_hidden()


@SQLITE_ONLY
def test_the_move_to_form_moves_a_card_from_the_keyboard(page: Page, site: Site) -> None:
    open_board(page, site)
    pilot = card(page, "Acme pilot")

    pilot.get_by_label("Move to…").focus()
    pilot.get_by_label("Move to…").select_option(label="Negotiation")
    page.keyboard.press("Tab")
    expect(pilot.get_by_role("button", name="Move")).to_be_focused()
    page.keyboard.press("Enter")

    expect(column(page, "Negotiation")).to_contain_text("Acme pilot")
    expect_totals(page, "Negotiation", 1, "500.00", "375.00")
    expect(card(page, "Acme pilot").get_by_role("link", name="Acme pilot")).to_be_focused()


def test_a_rep_does_not_see_another_reps_private_opportunity(page: Page, site: Site, browser: Browser) -> None:
    open_board(page, site)

    expect(page.locator("#board")).not_to_contain_text("Secret deal")
    expect(page.locator("#board")).not_to_contain_text("Hidden Corp")
    expect_totals(page, "Prospecting", 2, "1,000.00", "100.00")

    manager = new_context(browser, viewport=WIDE).new_page()
    open_board(manager, site, MIA)
    expect(column(manager, "Prospecting")).to_contain_text("Secret deal")
    expect_totals(manager, "Prospecting", 3, "10,000.00", "1,000.00")
    manager.context.close()


@SQLITE_ONLY
def test_without_the_script_the_move_to_form_asks_on_a_page_and_moves(browser: Browser, site: Site) -> None:
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    open_board(page, site)
    pilot = card(page, "Acme pilot")

    pilot.get_by_label("Move to…").select_option(label="Closed Lost")
    follow(page, pilot.get_by_role("button", name="Move"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Close Acme pilot as lost")
    follow(page, page.get_by_role("button", name="Close it"))
    expect(page.locator("#reason-error")).to_contain_text("a reason is required")  # beside the field
    page.get_by_label("Loss reason").select_option("Price")
    follow(page, page.get_by_role("button", name="Close it"))

    expect(page).to_have_url(re.compile(r"/board\?process=\d+$"))
    expect(column(page, "Closed Lost")).to_contain_text("Acme pilot")
    expect_totals(page, "Qualification", 0, "0.00", "0.00")
    context.close()
