"""The leads list sorted and filtered by score in a real headless Chromium (SQLite): the Score
header sorts highest first, then lowest first, unscored leads last both ways; the "Score at
least" filter drops lower and unscored leads; a saved view keeps both."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.scoring.scores import rescore_leads
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.e2e.web_support import follow, served, settled, sign_in
from tests.integration.test_scoring_paths import lead, store_model

SAM, PASSWORD = "sam@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def expect_names(page: Page, expected: list[str]) -> None:
    """Waits for the list to show these leads in this order (an htmx swap may still be on its way)."""
    expect(page.locator("tr[data-lead] td:nth-child(2)")).to_have_text(expected)


@SQLITE_ONLY
def test_the_score_column_sorts_and_the_floor_filters_and_a_view_keeps_both(
        page: Page, ctx: ServiceContext, admin_id: int, engine: Engine, clock: FakeClock) -> None:
    sam = add_user(ctx, admin_id, name="Sam Rep", email=SAM, password=PASSWORD).id
    unscored = lead(ctx, sam, "Unscored", "Trade show")
    trade, plain, web = (lead(ctx, sam, name, source) for name, source in
                         (("Trade", "Trade show"), ("Plain", ""), ("Web", "Website form")))
    store_model(ctx, clock)
    with ctx.uow_factory() as uow:
        scores = {s.lead_id: s.score for s in rescore_leads(ctx, uow, [trade, plain, web])}
        uow.commit()
    assert scores[trade] > scores[plain] > scores[web] and unscored not in scores
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, SAM, PASSWORD)
        page.goto(f"{base}/leads")
        expect(page.locator("tr[data-lead]")).to_have_count(4)
        follow(page, page.locator("th a.sort"))
        expect(page).to_have_url(f"{base}/leads?q=&status=&source=&owner=&rating=&min_score=&created_from="
                                 f"&created_to=&sort=-score")
        expect_names(page, ["Trade", "Plain", "Web", "Unscored"])
        expect(page.get_by_role("columnheader", name="Score")).to_have_attribute("aria-sort", "descending")
        follow(page, page.locator("th a.sort"))
        expect(page.get_by_role("columnheader", name="Score")).to_have_attribute("aria-sort", "ascending")
        expect_names(page, ["Web", "Plain", "Trade", "Unscored"])
        page.get_by_label("Sort").select_option("-score")
        page.get_by_label("Score at least").fill(str(scores[plain]))
        page.get_by_label("Score at least").press("Enter")
        expect(page.locator("tr[data-lead]")).to_have_count(2)
        expect_names(page, ["Trade", "Plain"])
        settled(page)  # the form holds the filters of the list last swapped in
        page.get_by_label("Save these filters as").fill("Best first")
        follow(page, page.get_by_role("button", name="Save view"))
        expect(page.get_by_role("link", name="Best first")).to_be_visible()
        page.goto(f"{base}/leads")
        expect(page.locator("tr[data-lead]")).to_have_count(4)
        follow(page, page.get_by_role("link", name="Best first"))
        expect(page.locator("tr[data-lead]")).to_have_count(2)
        expect_names(page, ["Trade", "Plain"])
        expect(page.get_by_label("Score at least")).to_have_value(str(scores[plain]))
        expect(page.get_by_label("Sort")).to_have_value("-score")
