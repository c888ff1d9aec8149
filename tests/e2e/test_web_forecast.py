"""The forecast page in a real headless Chromium: the cumulative categories, quota and attainment
of a rep, following an opportunity closed won on the board; a manager's adjustment with a note
(and its inline refusal); the drill-down from the team to a report's team and to an owner's
opportunities; snapshots; a rep never counts or sees another rep's private opportunity. On SQLite;
the record-level test on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from tests.e2e.pipeline_support import ARTIFACTS, MANAGER, PASSWORD, Deal, team_site
from tests.e2e.web_support import follow, horizontal_overflow, sign_in

ANN, BOB, MIA = "ann@example.com", "bob@example.com", MANAGER[1]
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@dataclass
class Site:
    base: str
    ann: int
    bob: int


@pytest.fixture
def page(wide_page: Page) -> Page:
    return wide_page


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """2026-Q1 (today is 2026-03-02), opportunities private to their owners. Ann (Mia's): won 1000,
    2000 in Negotiation (commit), 3000 in Proposal/Quote (best case), a quota of 4000. Bob (Mia's):
    500 in Prospecting (pipeline). Mia's quota: 10000."""
    deals = [Deal(ANN, "Ann won Inc", "Ann won", "Closed Won", "1000"),
             Deal(ANN, "Ann negotiation Inc", "Ann negotiation", "Negotiation", "2000", "2026-03-25"),
             Deal(ANN, "Ann proposal Inc", "Ann proposal", "Proposal/Quote", "3000", "2026-03-20"),
             Deal(BOB, "Bob secret Inc", "Bob secret", "Prospecting", "500", "2026-03-15")]
    quotas = ((ANN, "2026-Q1", "4000"), (MIA, "2026-Q1", "10000"))
    with team_site(ctx, admin_id, engine, (("Ann Rep", ANN), ("Bob Rep", BOB)), deals, quotas) as made:
        yield Site(made.base, made.users[ANN], made.users[BOB])


def expect_categories(page: Page, closed: str, commit: str, best_case: str, pipeline: str) -> None:
    for name, amount in (("closed", closed), ("commit", commit), ("best_case", best_case), ("pipeline", pipeline)):
        expect(page.locator(f'#categories tr[data-category="{name}"] [data-figure="total"]')).to_have_text(
            f"{amount} USD")


def open_forecast(page: Page, site: Site, email: str) -> None:
    sign_in(page, site.base, email, PASSWORD)
    follow(page, page.get_by_role("link", name="Forecast", exact=True))
    expect(page).to_have_url(f"{site.base}/forecast")


@SQLITE_ONLY
def test_the_forecast_shows_the_categories_and_follows_a_deal_closed_won(page: Page, site: Site) -> None:
    open_forecast(page, site, ANN)

    expect(page.get_by_role("heading", level=2).first).to_contain_text("Ann Rep’s team, 2026-Q1")
    expect_categories(page, "1,000.00", "3,000.00", "6,000.00", "6,000.00")
    expect(page.locator('[data-figure="quota"]')).to_have_text("4,000.00 USD")
    expect(page.locator('[data-figure="attainment"]')).to_have_text("25.0 %")

    follow(page, page.get_by_role("link", name="Board", exact=True))
    deal = page.locator("li.opportunity-card", has_text="Ann negotiation")
    deal.get_by_label("Move to…").select_option(label="Closed Won")
    deal.get_by_role("button", name="Move").click()
    expect(page.locator("section.column[data-outcome=won]")).to_contain_text("Ann negotiation")
    page.get_by_role("link", name="Forecast", exact=True).click()

    expect_categories(page, "3,000.00", "3,000.00", "6,000.00", "6,000.00")
    expect(page.locator('[data-figure="attainment"]')).to_have_text("75.0 %")


@SQLITE_ONLY
def test_a_manager_adjusts_a_reports_forecast_with_a_note(page: Page, site: Site) -> None:
    open_forecast(page, site, MIA)
    page.get_by_label("Whose forecast").select_option(label="Ann Rep")
    follow(page, page.get_by_role("button", name="Show"))
    form = page.get_by_role("form", name="Adjust this forecast")

    form.get_by_label("Category").select_option(label="Commit")
    form.get_by_label("Amount").fill("-1")
    follow(page, form.get_by_role("button", name="Adjust"))
    expect(page.locator("#amount-error")).to_have_text("must not be negative")  # beside the field, kept filled

    form.get_by_label("Amount").fill("3500")
    form.get_by_label("Note").fill("Ann expects the renewal to land")
    form.get_by_role("button", name="Adjust").click()

    row = page.locator('#categories tr[data-category="commit"]')
    expect(row).to_contain_text("3,000.00 USD")  # computed, kept beside the adjustment
    expect(row.locator('[data-figure="total"]')).to_have_text("3,500.00 USD")
    expect(page.locator("#adjustments")).to_contain_text("Ann expects the renewal to land")
    expect(page.locator("#adjustments")).to_contain_text("Mia Manager")
    page.screenshot(path=ARTIFACTS / "forecast.png", full_page=True)


@SQLITE_ONLY
def test_a_rep_gets_no_adjustment_form_for_their_own_forecast(page: Page, site: Site) -> None:
    open_forecast(page, site, ANN)

    expect(page.get_by_role("heading", name="Adjustments")).to_be_visible()
    expect(page.get_by_role("form", name="Adjust this forecast")).to_have_count(0)


@SQLITE_ONLY
def test_the_roll_up_drills_down_to_a_reports_team_and_an_owners_opportunities(page: Page, site: Site) -> None:
    open_forecast(page, site, MIA)
    expect_categories(page, "1,000.00", "3,000.00", "6,000.00", "6,500.00")  # Ann's and Bob's
    expect(page.locator('[data-figure="attainment"]')).to_have_text("10.0 %")

    follow(page, page.locator("#teams").get_by_role("link", name="Bob Rep"))
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Bob Rep’s team")
    expect_categories(page, "0.00", "0.00", "0.00", "500.00")
    page.get_by_label("Whose forecast").select_option("")
    follow(page, page.get_by_role("button", name="Show"))

    page.locator("#owners").get_by_role("link", name="Ann Rep").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann Rep’s opportunities, 2026-Q1")
    rows = page.locator("#owner-opportunities tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Ann won")  # by close date: won today, 2026-03-02
    expect(page.locator("#owner-opportunities")).to_contain_text("Negotiation")
    expect(page.locator("#owner-opportunities")).not_to_contain_text("Bob secret")


@SQLITE_ONLY
def test_a_manager_takes_a_snapshot_of_the_forecast(page: Page, site: Site) -> None:
    open_forecast(page, site, MIA)
    expect(page.get_by_text("No snapshots of this period yet.")).to_be_visible()

    page.get_by_role("button", name="Take a snapshot").click()

    expect(page.get_by_role("status")).to_contain_text("Snapshot taken: 12 figures stored.")  # 3 people x 4
    expect(page.locator("#snapshots tbody tr")).to_have_count(1)
    expect(page.locator("#snapshots")).to_contain_text("2026-Q1")


@SQLITE_ONLY
def test_a_period_the_use_case_refuses_is_told_beside_the_picker(page: Page, site: Site) -> None:
    open_forecast(page, site, ANN)

    page.get_by_label("Period").fill("2026-Q7")
    page.get_by_role("button", name="Show").click()

    expect(page.locator("#period-error")).to_contain_text("'2026-Q7' is not a period")
    expect(page.locator("#categories")).to_have_count(0)


def test_a_rep_does_not_count_or_see_another_reps_private_opportunity(page: Page, site: Site) -> None:
    open_forecast(page, site, ANN)

    expect_categories(page, "1,000.00", "3,000.00", "6,000.00", "6,000.00")  # not Bob's 500
    expect(page.locator("main")).not_to_contain_text("Bob")

    answer = page.goto(f"{site.base}/forecast/opportunities?owner={site.bob}&period=2026-Q1")
    assert answer is not None and answer.status == 403
    assert "Bob secret" not in page.content()
    page.goto(f"{site.base}/forecast?who={site.bob}")
    expect(page.locator("#user-error")).to_contain_text("you see your own forecast")
    expect(page.locator("#categories")).to_have_count(0)


@SQLITE_ONLY
def test_at_a_phone_width_the_forecast_does_not_scroll_sideways_its_tables_scroll_alone(
        page: Page, site: Site) -> None:
    open_forecast(page, site, MIA)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: Forecast is under More there
    expect(page.locator("#teams")).to_be_visible()

    assert horizontal_overflow(page) == 0  # it was 860 px wide: the roll-up tables' columns
    for table in ("#categories", "#teams", "#owners"):
        assert page.locator(table).evaluate("table => table.parentElement.classList.contains('table-scroll')")
