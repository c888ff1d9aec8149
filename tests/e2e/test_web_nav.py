"""The main navigation in a real headless Chromium: on one line at a tablet's width (768 px) and
a laptop's (1280 px), measured from the elements' boxes; the less used pages under "More", a
disclosure opened and left with the keyboard alone, with a visible focus ring and no serious
accessibility violation while open; Settings there for admins only. On SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.security.auth import set_password
from leadline.services.security.users import add_user
from tests.e2e.web_support import assert_accessible, landing, screenshot, served, sign_in

ADMIN, REP, PASSWORD = "ada@example.com", "rita@example.com", "correct horse battery"
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
#: The boxes of the header's parts: the brand, each top-level item of the navigation, sign-out.
BOXES = """() => {
  const box = element => { const r = element.getBoundingClientRect();
                           return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  return {brand: box(document.querySelector(".brand")), list: box(document.querySelector(".nav-links")),
          items: [...document.querySelectorAll(".nav-links > li")].filter(li => li.offsetParent).map(box),
          signOut: box(document.querySelector(".sign-out button"))};
}"""


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[str]:
    set_password(ctx, admin_id, admin_id, PASSWORD)
    add_user(ctx, admin_id, name="Rita Rep", email=REP, password=PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield base


def more(page: Page):  # noqa: ANN201 - a Locator
    return page.locator("nav[aria-label=Main] summary")


@pytest.mark.parametrize("width", [768, 1280])
def test_the_navigation_fits_one_line_at_a_tablets_and_a_laptops_width(page: Page, site: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, site, ADMIN, PASSWORD)  # an admin's navigation, the longest
    expect(page).to_have_url(f"{site}/leads")

    boxes = page.evaluate(BOXES)
    screenshot(page, f"nav-{width}")

    items = boxes["items"]
    assert len(items) == (6 if width < 960 else 8)  # Board and Forecast under "More" on a tablet, and "More"
    tallest = max(item["bottom"] - item["top"] for item in items)
    assert boxes["list"]["bottom"] - boxes["list"]["top"] <= tallest + 1, f"the links wrap at {width} px: {boxes}"
    assert max(item["top"] for item in items) - min(item["top"] for item in items) <= 1
    # the brand and sign-out share the navigation's line
    for part in ("brand", "signOut"):
        assert boxes[part]["top"] < boxes["list"]["bottom"] and boxes[part]["bottom"] > boxes["list"]["top"], part


def test_more_opens_and_closes_with_the_keyboard_and_shows_its_focus(axe_page: Page, site: str) -> None:
    page = axe_page
    page.set_viewport_size({"width": 768, "height": 900})
    sign_in(page, site, ADMIN, PASSWORD)
    expect(page).to_have_url(f"{site}/leads")
    menu = page.locator("details.nav-menu")
    expect(page.get_by_role("link", name="Reports")).to_be_hidden()

    more(page).focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    outline = more(page).evaluate("summary => getComputedStyle(summary).outlineStyle")
    assert outline != "none"  # the focus is seen
    assert_accessible(page)  # open, too
    screenshot(page, "nav-more-open-768")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Board", exact=True)).to_be_focused()  # under "More" on a tablet
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(more(page)).to_be_focused()

    page.keyboard.press("Space")
    for _ in range(8):  # Board, Forecast, Reports, Campaigns, Capture, Duplicates, Import, Settings
        page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Settings")).to_be_focused()
    with landing(page):
        page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/settings")
    expect(page.locator("nav a[href='/settings']")).to_have_attribute("aria-current", "page")
    expect(more(page)).to_have_class("current")  # "More" says the page is under it


def test_a_click_elsewhere_closes_more_and_the_current_page_is_marked(page: Page, site: str) -> None:
    sign_in(page, site, REP, PASSWORD)
    expect(page.get_by_role("link", name="Leads")).to_have_attribute("aria-current", "page")

    more(page).click()
    expect(page.get_by_role("link", name="Import")).to_be_visible()
    page.locator("main h1").click()

    expect(page.get_by_role("link", name="Import")).to_be_hidden()
    more(page).click()
    expect(page.get_by_role("link", name="Settings")).to_have_count(0)  # a rep has none
