"""The score on the web pages: a column on the leads list and the reasons on the lead's page,
in process (no browser), on SQLite."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.leads.records import create_lead
from leadline.services.scoring.models import train_lead_model
from tests.conftest import FakeClock
from tests.e2e.web_support import signed_in_client

SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_the_list_shows_scores_and_the_lead_page_its_reasons(ctx: ServiceContext, admin_id: int, engine: Engine,
                                                            clock: FakeClock) -> None:
    for i in range(30):
        lead = create_lead(ctx, admin_id, {"last_name": f"Lead {i}", "company": f"Co {i}",
                                           "source": "Trade show" if i < 10 else "Website form"})
        if (i < 10 and i % 5 != 0) or i in (10, 11):
            convert_lead(ctx, admin_id, lead.lead.id, override_reason="history",
                         qualification_override_reason="history")
    clock.advance(days=200)
    fresh = create_lead(ctx, admin_id, {"last_name": "Fresh", "company": "New Co", "source": "Trade show"}).lead.id
    train_lead_model(ctx, admin_id)
    with signed_in_client(ctx, engine, admin_id) as client:
        listed = client.get("/leads")
        page = client.get(f"/leads/{fresh}")
    assert listed.status_code == 200 and ">Score</abbr>" in listed.text
    assert page.status_code == 200
    assert "Pushing it up" in page.text and "from Trade show: 8 of 10 converted" in page.text
    assert "model frequency@1" in page.text and "a rough guess" in page.text
