"""The object-rights settings page in a real headless Chromium (SQLite): an admin unticks what reps
may create in the grid and saves it; the rep then finds no "New account" link, while the lead
list still offers a new lead. At laptop and phone width the grid fits the window with each box
under its action (screenshots in test-artifacts/screenshots/settings-rights-*.png)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.security.rights import Action
from leadline.domain.security.users import Role
from leadline.services.context import ServiceContext
from leadline.services.security.rights import get_object_rights
from tests.e2e.test_web_settings import ADMIN, PASSWORD, SAM, site  # noqa: F401 (site is a fixture)
from tests.e2e.web_support import assert_accessible, follow, horizontal_overflow, screenshot, settled, sign_in

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


def test_an_admin_unticks_a_right_in_the_grid_and_the_rep_no_longer_sees_the_link(
        page: Page, site: str, ctx: ServiceContext) -> None:  # noqa: F811 (the imported fixture)
    sign_in(page, site, ADMIN, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{site}/settings")
    page.get_by_role("link", name="Object rights").click()
    box = page.get_by_label("reps may create accounts")
    expect(box).to_be_checked()
    expect(page.get_by_label("managers may delete opportunities")).to_be_checked()

    box.uncheck()
    follow(page, page.locator("#rights-rep").get_by_role("button", name="Save rep rights"))

    expect(page).to_have_url(f"{site}/settings/rights")
    expect(page.get_by_label("reps may create accounts")).not_to_be_checked()
    expect(page.get_by_label("reps may create contacts")).to_be_checked()
    rights = get_object_rights(ctx)
    assert not rights.allows(Role.REP, Action.CREATE, RecordType.ACCOUNT)
    assert rights.allows(Role.REP, Action.CREATE, RecordType.CONTACT)

    follow(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, site, SAM, PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{site}/leads")
    expect(page.get_by_role("link", name="New lead")).to_be_visible()
    page.goto(f"{site}/accounts")
    expect(page.get_by_role("heading", name="Accounts")).to_be_visible()
    expect(page.get_by_role("link", name="New account")).to_have_count(0)


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_rights_grid_fits_the_window_with_each_box_under_its_action(
        axe_page: Page, site: str, width: int, height: int) -> None:  # noqa: F811 (the imported fixture)
    page = axe_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, site, ADMIN, PASSWORD)
    page.goto(f"{site}/settings/rights")
    settled(page)
    screenshot(page, f"settings-rights-{width}")

    assert horizontal_overflow(page) == 0
    assert_accessible(page)
    grid = page.get_by_role("table", name="Rep rights")
    for column, action in enumerate(("Create", "Edit", "Delete"), start=2):
        header = grid.get_by_role("columnheader", name=action).bounding_box()
        box = grid.locator(f"tbody tr:first-child td:nth-child({column}) input").bounding_box()
        assert header is not None and box is not None
        assert abs((header["x"] + header["width"] / 2) - (box["x"] + box["width"] / 2)) <= 1, action
    button = page.get_by_role("button", name="Save rep rights").bounding_box()
    assert button is not None and button["x"] + button["width"] <= width
