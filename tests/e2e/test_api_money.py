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
