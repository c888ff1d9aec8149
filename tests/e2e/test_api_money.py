"""Money through HTTP on both databases: the close rule (no revenue booked in the future), amounts
that are the sum of their line items, and a snapshot's accuracy. The clock is pinned at 2026-03-02."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.test_api import assert_problem


def test_a_won_opportunity_is_never_dated_in_the_future_on_any_api_path(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int, admin: Caller) -> None:
    rep = Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, "ann@example.com")))
    account = rep("POST", "/accounts", json={"name": "Future Inc"}).json()["id"]
    body = {"account_id": account, "name": "Booked early", "amount": "90000", "stage": "Closed Won",
            "close_date": "2027-09-30"}
    for caller in (rep, admin):
        assert_problem(caller("POST", "/opportunities", json=body), 422, "CLOSE_DATE_IN_FUTURE", "close_date")
    assert_problem(rep("POST", "/opportunities", json={**body, "close_date": "2026-02-01"}), 403,
                   "PERMISSION_DENIED", "close_date")
    today = rep("POST", "/opportunities", json={**body, "close_date": None})
    assert today.status_code == 201, today.text
    assert (today.json()["outcome"], today.json()["close_date"]) == ("won", "2026-03-02")
    q3 = admin("GET", "/forecast", params={"period": "2027-Q3"}).json()
    assert Decimal(q3["forecast"]["categories"]["closed"]["total"]) == 0
    assert admin("GET", "/deals", params={"period": "2027-Q3"}).json()["lines"] == []

    path = f"/opportunities/{today.json()['id']}"
    assert_problem(rep("PATCH", path, json={"close_date": "2027-09-30"}), 422, "CLOSE_DATE_IN_FUTURE", "close_date")
    assert_problem(rep("PATCH", path, json={"close_date": "2026-01-15"}), 403, "PERMISSION_DENIED", "close_date")
    assert admin("PATCH", path, json={"close_date": "2026-01-15"}).json()["close_date"] == "2026-01-15"

    open_ = rep("POST", "/opportunities", json={**body, "stage": "Negotiation"}).json()
    close = f"/opportunities/{open_['id']}/close"
    assert_problem(admin("POST", close, json={"outcome": "won", "close_date": "2027-09-30"}), 422,
                   "CLOSE_DATE_IN_FUTURE", "close_date")
    assert_problem(rep("POST", close, json={"outcome": "won", "close_date": "2026-02-01"}), 403,
                   "PERMISSION_DENIED", "close_date")
    won = rep("POST", close, json={"outcome": "won"})
    assert (won.status_code, won.json()["close_date"]) == (200, "2026-03-02")


LINES = [{"product": "Platform", "quantity": "1", "estimated_unit_price": "24000"},
         {"product": "Support Plan", "quantity": "1", "estimated_unit_price": "3000"},
         {"product": "Consulting", "quantity": "2", "estimated_unit_price": "4000"},
         {"product": "Training", "quantity": "1", "estimated_unit_price": "5000"}]  # not in the catalogue


def amount_and_lines(caller: Caller, opportunity_id: str) -> tuple[Decimal, Decimal, list[Any]]:
    items = caller("GET", f"/opportunities/{opportunity_id}/line-items").json()
    return (Decimal(caller("GET", f"/opportunities/{opportunity_id}").json()["amount"]),
            sum((Decimal(i["total"]) for i in items), Decimal(0)), items)


def test_an_opportunity_is_worth_its_lines_and_a_lead_never_counts_twice_in_the_pipeline(admin: Caller) -> None:
    products = {name: admin("POST", "/products", json={"name": name}).json()["id"]
                for name in ("Platform", "Support Plan", "Consulting")}
    lead = admin("POST", "/leads", json={"last_name": "Buyer", "company": "Forty K", "budget_amount": "40000",
                                         "is_decision_maker": True,
                                         "purchase_timeframe": "2026-06-30", "products": LINES}).json()["id"]
    converted = admin("POST", f"/leads/{lead}/convert", json={})
    assert converted.status_code == 201, converted.text
    amount, total, items = amount_and_lines(admin, converted.json()["opportunity_id"])
    assert (amount, total, converted.json()["skipped"]) == (40000, 40000, [])  # 35,000 + Training's 5,000
    assert [(i["product_id"], i["product_name"]) for i in items][-1] == (None, "Training")
    further = admin("POST", f"/leads/{lead}/opportunities", json={"products": ["Support Plan"]})
    assert further.status_code == 201, further.text
    assert amount_and_lines(admin, further.json()["opportunity_id"])[:2] == (3000, 3000)  # not the 40,000 budget
    q2 = admin("GET", "/forecast", params={"period": "2026-Q2"}).json()["forecast"]["categories"]
    assert Decimal(q2["pipeline"]["total"]) == 43000  # 40,000 + the further 3,000; never 80,000

    deal = further.json()["opportunity_id"]
    added = admin("POST", f"/opportunities/{deal}/line-items",
                  json={"product_id": products["Consulting"], "quantity": "1", "unit_price": "4000"})
    assert added.status_code == 201, added.text
    assert amount_and_lines(admin, deal)[:2] == (7000, 7000)
    assert admin("DELETE", f"/opportunities/{deal}/line-items/{added.json()['id']}").status_code == 204
    assert amount_and_lines(admin, deal)[:2] == (3000, 3000)
    assert_problem(admin("PATCH", f"/opportunities/{deal}", json={"amount": "40000"}), 422, "VALIDATION_FAILED",
                   "amount")
