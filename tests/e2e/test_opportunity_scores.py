"""The opportunity score on every path: the opportunity's page in a real headless Chromium (the
predicted chance beside the stage's probability, with its reasons), ``score`` on
``GET /opportunities/{id}`` and the list's ``min_score``, and the forecast's predicted figure (API
and page)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.scoring.opportunities import train_opportunity_model
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.e2e.api_support import Caller, token_for
from tests.e2e.test_api import assert_problem
from tests.e2e.web_support import served, sign_in, signed_in_client
from tests.integration.opportunity_scoring_support import closed_history, open_deal

SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
PASSWORD = "correct horse battery"


@SQLITE_ONLY
def test_the_opportunity_page_shows_the_predicted_chance_and_its_reasons(
        page: Page, ctx: ServiceContext, admin_id: int, engine: Engine, clock: FakeClock) -> None:
    account = closed_history(ctx, admin_id, clock)
    set_sharing(ctx, admin_id, "account", "public_read_write")
    sam = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com", password=PASSWORD).id
    train_opportunity_model(ctx, admin_id)
    deal = open_deal(ctx, sam, account, "Sam's deal", stage="Negotiation")
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, "sam@example.com", PASSWORD)
        page.goto(f"{base}/opportunities/{deal}")
        panel = page.locator("section.opportunity-score")
        expect(panel.get_by_role("heading", level=2)).to_contain_text("Predicted chance of winning")
        expect(panel).to_contain_text("beside the stage's 75 %")
        expect(panel.get_by_role("listitem").filter(has_text="in stage Negotiation: 8 of 10 won")).to_be_visible()
        expect(panel).to_contain_text("model frequency@1")


def test_the_api_gives_an_opportunity_its_score(client: Any, ctx: ServiceContext, admin_id: int,
                                                clock: FakeClock) -> None:
    account = closed_history(ctx, admin_id, clock)
    admin = Caller(client, token_for(ctx, admin_id, admin_id))
    deal = open_deal(ctx, admin_id, account, "New", stage="Negotiation")
    assert admin("GET", f"/opportunities/{deal}").json()["score"] is None  # no model yet
    train_opportunity_model(ctx, admin_id)
    found = admin("GET", f"/opportunities/{deal}").json()
    assert found["probability"] == 75 and found["score"]["model_version"] == "frequency@1"
    assert {"feature": "stage", "value": "Negotiation", "won": 8, "total": 10,
            "text": "in stage Negotiation: 8 of 10 won"} in found["score"]["up"]

    predicted = admin("GET", "/forecast", params={"period": "2026"}).json()["predicted"]
    expected = round(1000 * found["score"]["probability"], 2)
    assert (predicted["scored"], predicted["unscored"], float(predicted["won"])) == (1, 0, 10000.0)
    # the figure sums the stored chance; the API shows it to four places (at most 0.05 on 1000,
    # which a half-way chance such as 0.66435 reaches: the slack is only the float's own error)
    assert abs(float(predicted["open_expected"]) - expected) <= 0.05 + 1e-9
    listed = admin("GET", "/opportunities", params={"min_score": found["score"]["score"]}).json()["items"]
    assert [item["id"] for item in listed] == [str(deal)]
    assert_problem(admin("GET", "/opportunities", params={"max_score": 101}), 422, "VALIDATION_FAILED", "max_score")


@SQLITE_ONLY
def test_the_forecast_page_shows_the_predicted_figure_beside_the_commit(
        ctx: ServiceContext, admin_id: int, engine: Engine, clock: FakeClock) -> None:
    account = closed_history(ctx, admin_id, clock)
    train_opportunity_model(ctx, admin_id)
    open_deal(ctx, admin_id, account, "Open", stage="Negotiation")
    with signed_in_client(ctx, engine, admin_id) as client:
        page = client.get("/forecast", params={"period": "2026"})
    assert page.status_code == 200
    figure = re.search(r'data-figure="predicted">([^<]+)<', page.text)
    assert figure is not None and ">Predicted</abbr>" in page.text
    assert Decimal(figure[1].split()[0].replace(",", "")) > Decimal(10000)  # the ten won deals, plus the open one
