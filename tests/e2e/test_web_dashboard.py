"""The home dashboard in a real headless Chromium: every chart drawn on its canvas by the
vendored Chart.js, the tables beside them holding the figures, and a rep's figures leaving out
another rep's private lead. On SQLite; the record-level test on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.security.auth import set_password
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.e2e.web_support import served, sign_in

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
#: A canvas Chart.js has drawn on holds some pixel that is not transparent.
DRAWN = """canvas => { const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  return width > 0 && pixels.some((value, index) => index % 4 === 3 && value > 0); }"""


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[str]:
    """Private leads and opportunities: Sam owns two Website-form leads (one contacted) and a
    1000 USD open opportunity; Jo a Trade-show lead and a 9000 USD opportunity."""
    for record_type in ("lead", "account", "opportunity"):
        set_sharing(ctx, admin_id, record_type, "private")
    sam, jo = (add_user(ctx, admin_id, name=name, email=email, password=PASSWORD).id
               for name, email in (("Sam Rep", SAM), ("Jo Rep", JO)))
    create_lead(ctx, sam, {"last_name": "Ames", "company": "Acme", "source": "Website form"})
    contacted = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt", "source": "Website form"}).lead.id
    change_lead_status(ctx, sam, contacted, "Contacted")
    create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden Corp", "source": "Trade show"})
    for owner, amount in ((sam, "1000"), (jo, "9000")):
        account = records.create_account(ctx, owner, {"name": f"Account {amount}"})
        records.create_opportunity(ctx, owner, {"account_id": account.id, "name": f"Deal {amount}",
                                                "stage": "Prospecting", "amount": amount, "currency": "USD"})
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield base


def numbers(page: Page, chart: str) -> dict[str, list[str]]:
    """A chart's table: its row labels to their cells' values."""
    rows = page.locator(f"#{chart} table.numbers tbody tr")
    return {(rows.nth(i).locator("th").text_content() or "").strip(): rows.nth(i).locator("td").evaluate_all(
        "cells => cells.map(cell => cell.dataset.value)") for i in range(rows.count())}


@SQLITE_ONLY
def test_the_home_page_is_the_dashboard_and_every_chart_is_drawn(page: Page, site: str) -> None:
    sign_in(page, site, SAM, PASSWORD)

    page.goto(site)

    expect(page).to_have_url(f"{site}/dashboard")
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.locator("figure[data-chart][data-drawn=true]")).to_have_count(6)
    for canvas in page.locator("figure[data-chart] canvas").all():
        assert canvas.evaluate(DRAWN), canvas.evaluate("c => c.closest('figure').id")
    page.get_by_text("The numbers").first.click()  # the table of the first chart opens for anyone
    expect(page.locator("#leads-by-source table.numbers")).to_be_visible()


def test_a_reps_figures_leave_out_another_reps_private_records(page: Page, site: str) -> None:
    sign_in(page, site, SAM, PASSWORD)

    page.goto(f"{site}/dashboard")

    expect(page.locator("figure[data-drawn=true]")).to_have_count(6)
    assert numbers(page, "leads-by-source") == {"Website form": ["2"]}
    assert numbers(page, "leads-by-status") == {"Open": ["1"], "Contacted": ["1"]}
    assert numbers(page, "funnel")["Leads"] == ["2"]
    assert numbers(page, "pipeline") == {"Prospecting": ["1000.00"]}
    assert "Hidden Corp" not in page.content() and "Trade show" not in page.content()


@SQLITE_ONLY
def test_an_admins_figures_count_everyone(page: Page, site: str, ctx: ServiceContext, admin_id: int) -> None:
    set_password(ctx, admin_id, admin_id, PASSWORD)
    sign_in(page, site, "ada@example.com", PASSWORD)

    page.goto(f"{site}/dashboard")

    expect(page.locator("figure[data-drawn=true]")).to_have_count(6)
    assert numbers(page, "leads-by-source") == {"Website form": ["2"], "Trade show": ["1"]}
    assert numbers(page, "pipeline") == {"Prospecting": ["10000.00"]}
    expect(page.locator("#pipeline td").first).to_have_text("10,000.00 USD")


@SQLITE_ONLY
def test_the_dashboard_loads_under_300_kb_of_assets_all_from_this_server(page: Page, site: str) -> None:
    sign_in(page, site, SAM, PASSWORD)
    loaded: list[tuple[str, int]] = []
    page.on("response", lambda response: loaded.append((response.url, len(response.body()))))

    page.goto(f"{site}/dashboard")
    expect(page.locator("figure[data-drawn=true]")).to_have_count(6)

    assets = [(url, size) for url, size in loaded if "/static/" in url]
    assert {url.rsplit("/", 1)[1] for url, _ in assets} >= {"chart-4.6.2.umd.min.js", "leadline-dashboard.js"}
    assert all(url.startswith(site) for url, _ in loaded)
    assert sum(size for _, size in assets) < 300_000
