"""The record lists' filters, in process (no browser): opportunities by stage and by open or
closed, contacts by search, the results alone for htmx, and a filter the use case refuses as a
page with its message. On SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from tests.e2e.web_support import signed_in_client

pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@pytest.fixture
def client(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    """Acme with Cara and Dan, an open deal in Qualification and a lost one."""
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    for first, last in (("Cara", "Cole"), ("Dan", "Dunn")):
        records.create_contact(ctx, admin_id, {"account_id": account, "first_name": first, "last_name": last})
    records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Open deal", "stage": "Qualification"})
    lost = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Lost deal"}).id
    lifecycle.close_opportunity(ctx, admin_id, lost, "lost", reason="Price")
    with signed_in_client(ctx, engine, admin_id) as client:
        yield client


@pytest.mark.parametrize(("query", "shown", "left_out"), [
    ("outcome=open", "Open deal", "Lost deal"), ("outcome=closed", "Lost deal", "Open deal"),
    ("stage=Qualification", "Open deal", "Lost deal"), ("q=lost", "Lost deal", "Open deal"),
])
def test_opportunities_are_filtered_by_outcome_stage_and_search(client: TestClient[Any], query: str, shown: str,
                                                               left_out: str) -> None:
    page = client.get(f"/opportunities?{query}")

    assert page.status_code == 200
    assert shown in page.text and left_out not in page.text


def test_htmx_gets_the_results_alone(client: TestClient[Any]) -> None:
    results = client.get("/contacts?q=cara", headers={"hx-request": "true", "hx-target": "contact-results"})

    assert results.status_code == 200
    assert "Cara Cole" in results.text and "Dan Dunn" not in results.text
    assert "<html" not in results.text and 'rel="next"' not in results.text


def test_a_stage_that_does_not_exist_is_a_page_with_the_use_cases_message(client: TestClient[Any]) -> None:
    page = client.get("/opportunities?stage=Nowhere")

    assert page.status_code == 422
    assert "there is no stage &#39;Nowhere&#39;" in page.text or "there is no stage 'Nowhere'" in page.text
