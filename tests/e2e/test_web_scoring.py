"""The score on the web pages: a column on the leads list and the reasons on the lead's page,
in process (no browser), on SQLite."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.scoring.models import train_lead_model
from tests.conftest import FakeClock
from tests.e2e.web_support import signed_in_client
from tests.integration.lead_scoring_support import decided_leads

SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_the_list_shows_scores_and_the_lead_page_its_reasons(ctx: ServiceContext, admin_id: int, engine: Engine,
                                                            clock: FakeClock) -> None:
    decided_leads(ctx, admin_id, clock)
    fresh = create_lead(ctx, admin_id, {"last_name": "Fresh", "company": "New Co", "source": "Trade show"}).lead.id
    train_lead_model(ctx, admin_id)
    with signed_in_client(ctx, engine, admin_id) as client:
        listed = client.get("/leads")
        page = client.get(f"/leads/{fresh}")
    assert listed.status_code == 200 and ">Score</abbr>" in listed.text
    assert page.status_code == 200
    assert "Pushing it up" in page.text and "from Trade show: 8 of 10 converted" in page.text
    assert "model frequency@1" in page.text and "a rough guess" in page.text
    # unsure scores are marked the same way on the list and the page: a visible "low confidence"
    # whose title and screen-reader text say why (few outcomes), never a bare "?"
    marker = re.compile(r'<span class="low-confidence" title="Low confidence: [^"]*few outcomes yet[^"]*">'
                        r'low confidence<span class="visually-hidden">: [^<]*few outcomes yet')
    heading = re.search(r'<h2 id="score-title">Score: \s*(\d+) (.*?)</h2>', page.text, re.DOTALL)
    assert heading and marker.search(heading[2]), heading
    assert marker.search(listed.text.split(f'data-lead="{fresh}"')[1].split("</tr>")[0])
    assert "?</span>" not in listed.text



@SQLITE_ONLY
def test_an_open_record_without_a_model_says_why_it_has_no_score(ctx: ServiceContext, admin_id: int,
                                                                 engine: Engine) -> None:
    # given a new organisation: an open lead and an open deal, and no model of either kind
    lead = create_lead(ctx, admin_id, {"last_name": "One", "company": "One Co"}).lead.id
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Deal", "amount": "500"}).id
    # when their pages are read
    with signed_in_client(ctx, engine, admin_id) as client:
        lead_page = client.get(f"/leads/{lead}").text
        deal_page = client.get(f"/opportunities/{deal}").text
    # then each says there is no model yet and what training needs
    assert "Score: none" in lead_page
    assert "Not scored: no lead model yet: an admin&#39;s &#39;leadline score train&#39; learns one once at " \
           "least 20 leads have an outcome, converted and not." in lead_page
    assert "Predicted chance of winning: none" in deal_page and "no opportunity model yet" in deal_page
