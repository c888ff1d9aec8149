"""The reports page: in a real headless Chromium every chart drawn from its table, a figure
changing when the data does, a rep's page holding only what the rep may read; in process, a
refused filter answering in the API's status (leadline/http_status.py) with its message. On
SQLite; record-level security on PostgreSQL too."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.campaigns.records import create_campaign
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, horizontal_overflow, served, sign_in, signed_in_client

SAM, JO, PASSWORD = "sam@example.com", "jo@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
DRAWN = """canvas => { const { width, height } = canvas;
  const pixels = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  return width > 0 && pixels.some((value, index) => index % 4 === 3 && value > 0); }"""


@pytest.fixture
def people(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    """Private records: Sam owns two Website-form leads of the Expo campaign (one contacted) and a
    1000 USD open opportunity; Jo a Trade-show lead and a 9000 USD opportunity."""
    for record_type in ("lead", "account", "opportunity"):
        set_sharing(ctx, admin_id, record_type, "private")
    sam, jo = (add_user(ctx, admin_id, name=name, email=email, password=PASSWORD).id
               for name, email in (("Sam Rep", SAM), ("Jo Rep", JO)))
    expo = create_campaign(ctx, admin_id, {"name": "Expo", "type": "trade_show"}).id
    create_lead(ctx, sam, {"last_name": "Ames", "company": "Acme", "source": "Website form",
                           "campaign_id": str(expo)})
    contacted = create_lead(ctx, sam, {"last_name": "Baker", "company": "Bolt", "source": "Website form",
                                       "campaign_id": str(expo)}).lead.id
    change_lead_status(ctx, sam, contacted, "Contacted")
    create_lead(ctx, jo, {"last_name": "Secretson", "company": "Hidden Corp", "source": "Trade show"})
    for owner, amount in ((sam, "1000"), (jo, "9000")):
        account = records.create_account(ctx, owner, {"name": f"Account {amount}"})
        records.create_opportunity(ctx, owner, {"account_id": account.id, "name": f"Deal {amount}",
                                                "stage": "Prospecting", "amount": amount, "currency": "USD"})
    return {"admin": admin_id, "sam": sam, "jo": jo, "expo": expo}


@pytest.fixture
def site(ctx: ServiceContext, engine: Engine, people: dict[str, int]) -> Iterator[str]:
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield base


def numbers(page: Page, chart: str) -> dict[str, list[str]]:
    rows = page.locator(f"#{chart} table.numbers tbody tr")
    return {(rows.nth(i).locator("th").text_content() or "").strip(): rows.nth(i).locator("td").evaluate_all(
        "cells => cells.map(cell => cell.dataset.value)") for i in range(rows.count())}


@SQLITE_ONLY
def test_every_chart_is_drawn_and_a_figure_follows_the_data(
        page: Page, site: str, ctx: ServiceContext, people: dict[str, int]) -> None:
    sign_in(page, site, SAM, PASSWORD)
    page.get_by_text("More", exact=True).click()  # Reports is under the navigation's "More"
    follow(page, page.get_by_role("link", name="Reports"))

    expect(page).to_have_url(f"{site}/reports")
    expect(page.locator("figure[data-chart][data-drawn=true]")).to_have_count(3)  # the others have no data
    expect(page.locator("td.number", has_text="1,000.00 USD")).to_have_count(1)  # money at its currency's scale
    for canvas in page.locator("figure[data-drawn=true] canvas").all():
        assert canvas.evaluate(DRAWN), canvas.evaluate("c => c.closest('figure').id")
    assert numbers(page, "funnel")["Leads"][0] == "2"
    assert numbers(page, "funnel")["Working"][0] == "1"
    assert numbers(page, "pipeline-as-of") == {"Prospecting": ["1000.00", "1"]}

    create_lead(ctx, people["sam"], {"last_name": "Carter", "company": "Crane", "source": "Website form"})
    page.reload()

    expect(page.locator("#funnel[data-drawn=true]")).to_have_count(1)
    assert numbers(page, "funnel")["Leads"][0] == "3"


@SQLITE_ONLY
def test_the_filters_narrow_every_figure(page: Page, site: str, people: dict[str, int]) -> None:
    sign_in(page, site, SAM, PASSWORD)
    page.goto(f"{site}/reports")

    page.get_by_label("Campaign").select_option(label="Expo")
    page.get_by_label("Cut by").select_option("campaign")
    follow(page, page.get_by_role("button", name="Show"))

    expect(page).to_have_url(f"{site}/reports?from=&to=&source=&campaign={people['expo']}&owner=&team=&by=campaign"
                             "&as_of=")
    expect(page.locator("table[aria-labelledby=funnel-groups] tbody th")).to_have_text(["Expo"])
    assert numbers(page, "funnel")["Leads"][0] == "2"
    page.get_by_label("Pipeline as of").fill("2000-01-01")
    follow(page, page.get_by_role("button", name="Show"))
    expect(page.locator("#pipeline-as-of .empty")).to_be_visible()


def test_a_reps_page_holds_only_what_the_rep_may_read(
        ctx: ServiceContext, engine: Engine, people: dict[str, int]) -> None:
    with signed_in_client(ctx, engine, people["sam"]) as client:
        page = client.get("/reports")
    assert page.status_code == 200
    assert "Hidden Corp" not in page.text and "9000" not in page.text
    with signed_in_client(ctx, engine, people["admin"]) as client:
        page = client.get("/reports")
    assert '<th scope="row">Prospecting</th><td data-value="10000.00">' in page.text


@pytest.mark.parametrize(("query", "message", "status"), [
    ("from=yesterday", "From: &#39;yesterday&#39; is not a date (YYYY-MM-DD, 1900 to 2999)", 422),
    ("from=2026-03-01&to=2026-01-01", "To: the end date is before the start date", 422),
    ("as_of=2026-02-30", "Pipeline as of: &#39;2026-02-30&#39; is not a date", 422),
    ("from=20260301", "From: &#39;20260301&#39; is not a date (YYYY-MM-DD, 1900 to 2999)", 422),
    ("to=2026-3-31", "To: &#39;2026-3-31&#39; is not a date (YYYY-MM-DD", 422),
    ("as_of=2026-W09-7", "Pipeline as of: &#39;2026-W09-7&#39; is not a date (YYYY-MM-DD", 422),
    ("as_of=2998-01-01", "Pipeline as of: 2998-01-01 is after today", 422),
    ("to=9999-12-31", "To: 9999-12-31 is outside the years 1900 to 2999", 422),
    ("source=Carrier+pigeon", "Source: ", 422),
    ("campaign=Nowhere", "Campaign: there is no campaign &#39;Nowhere&#39;", 422),
    ("owner=nobody%40example.com", "Owner: ", 404),
    ("by=colour", "Cut by: &#39;colour&#39; is not one of", 422),
])
def test_a_refused_filter_answers_in_the_apis_status_with_its_message(
        ctx: ServiceContext, engine: Engine, people: dict[str, int], query: str, message: str, status: int) -> None:
    with signed_in_client(ctx, engine, people["sam"]) as client:
        page = client.get(f"/reports?{query}")
    assert page.status_code == status  # 422 VALIDATION_FAILED; no such user, 404 NOT_FOUND
    assert message in page.text
    assert 'role="alert"' in page.text and "figure" not in page.text


def test_a_period_ending_later_shows_the_pipeline_and_open_deals_of_today(
        ctx: ServiceContext, engine: Engine, people: dict[str, int]) -> None:
    today = ctx.now().date().isoformat()
    with signed_in_client(ctx, engine, people["sam"]) as client:
        page = client.get("/reports?to=2998-12-31")
    assert page.status_code == 200, page.text
    assert f"Open pipeline as of {today}" in page.text
    assert f"1 open at the end of {today}" in page.text


def test_a_rep_choosing_a_colleague_as_owner_is_told_so_not_shown_zeros(
        ctx: ServiceContext, engine: Engine, people: dict[str, int]) -> None:
    with signed_in_client(ctx, engine, people["sam"]) as client:
        page = client.get(f"/reports?owner={JO}")
    assert page.status_code == 403
    assert f"Owner: you may not read {JO}&#39;s records" in page.text and "figure" not in page.text


def test_the_owner_and_team_choices_hold_only_whom_the_user_may_report_on(
        ctx: ServiceContext, engine: Engine, people: dict[str, int]) -> None:
    with signed_in_client(ctx, engine, people["sam"]) as sam, signed_in_client(ctx, engine, people["admin"]) as ada:
        reps_page, admins_page = sam.get("/reports").text, ada.get("/reports").text
    owners = re.compile(r'<select id="owner".*?</select>', re.S)
    teams = re.compile(r'<select id="team".*?</select>', re.S)
    # a rep on private records: himself only, and no team (nobody reports to anyone here)
    assert "Sam Rep" in owners.search(reps_page).group() and "Jo Rep" not in owners.search(reps_page).group()
    assert "’s team" not in teams.search(reps_page).group()
    # an admin: every owner
    assert {"Sam Rep", "Jo Rep"} <= set(re.findall(r">([^<]+)</option>", owners.search(admins_page).group()))



def test_an_owner_whose_leads_are_shared_but_deals_private_is_not_offered(
        ctx: ServiceContext, engine: Engine, people: dict[str, int]) -> None:
    set_sharing(ctx, people["admin"], "lead", "public_read_only")  # leads shared, opportunities still private
    with signed_in_client(ctx, engine, people["sam"]) as sam:
        reps_page = sam.get("/reports").text
    owners = re.search(r'<select id="owner".*?</select>', reps_page, re.S)
    assert owners is not None and "Sam Rep" in owners.group() and "Jo Rep" not in owners.group()


#: Each filter's label and control boxes, and the filters' column count.
FILTER_BOXES = """() => [...document.querySelectorAll(".report-filters .field")].map(field => {
  const label = field.querySelector("label").getBoundingClientRect();
  const control = field.querySelector("input, select").getBoundingClientRect();
  return {top: label.top, left: label.left, labelBottom: label.bottom, controlTop: control.top,
          controlLeft: control.left, controlWidth: control.width};
})"""


@SQLITE_ONLY
@pytest.mark.parametrize("width", [768, 1366])
def test_the_filters_are_a_grid_each_label_above_its_control(page: Page, site: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, site, SAM, PASSWORD)
    page.goto(f"{site}/reports")

    fields = page.evaluate(FILTER_BOXES)

    assert len(fields) == 8
    for field in fields:  # a label sits above its control, left-aligned with it
        assert field["labelBottom"] <= field["controlTop"] + 1 and abs(field["left"] - field["controlLeft"]) <= 1
    rows = sorted({round(f["top"]) for f in fields})
    columns = sorted({round(f["left"]) for f in fields})
    assert len(rows) * len(columns) >= len(fields) and len(columns) >= 3, (rows, columns)  # a grid, not a jumble
    for top in rows[:-1]:  # every row but the last is full
        assert len([f for f in fields if round(f["top"]) == top]) == len(columns)
    widths = {round(f["controlWidth"]) for f in fields}
    assert max(widths) - min(widths) <= 1  # the controls as wide as their column


@SQLITE_ONLY
def test_at_a_phone_width_the_page_does_not_scroll_sideways_its_wide_tables_scroll_alone(
        page: Page, site: str) -> None:
    """A 390 px phone: the funnel-by-owner table (seven columns) and the largest opportunities
    scroll inside their own box; the page stays as wide as the screen (it was 656 px)."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, site, SAM, PASSWORD)
    page.goto(f"{site}/reports?by=owner")
    expect(page.locator("#funnel-groups")).to_be_visible()

    assert horizontal_overflow(page) == 0
    for table in ('[aria-labelledby="funnel-groups"]', '[aria-labelledby="largest"]'):
        box = page.locator(table).locator("xpath=..")
        assert box.evaluate("element => element.classList.contains('table-scroll')"), table
