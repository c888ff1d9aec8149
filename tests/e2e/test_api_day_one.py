"""Day-one API behaviour (issue 13): an admin's forecast is the organisation's; a past purchase
timeframe is accepted with a warning."""

from __future__ import annotations

from decimal import Decimal

from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import set_list_price
from tests.e2e.api_support import Caller
from tests.e2e.test_api_forecast import Team, book, by_hand, totals  # noqa: F401 - the book fixture


def test_an_admins_forecast_is_the_organisations_by_the_top_of_the_hierarchy(book: Team) -> None:  # noqa: F811
    whole = book.admin("GET", "/forecast", params={"period": "2026-Q1"}).json()
    # ann: won 1000, commit 2000, best case 4000; bob: best case 600, 100 GBP unconverted; oz: won 3000
    assert (whole["scope"], whole["forecast"]["user_id"]) == ("organisation", None)
    assert totals(whole["forecast"]) == by_hand(4000, 6000, 10600, 10600)
    assert whole["unconverted"] == [{"currency": "GBP", "count": 1}]
    assert [(r["user_id"], totals(r)) for r in whole["reports"]] == sorted([
        (book.ids["mia"], by_hand(1000, 3000, 7600, 7600)), (book.ids["oz"], by_hand(3000, 3000, 3000, 3000))],
        key=lambda line: int(line[0]))
    assert sorted(o["user_id"] for o in whole["owners"]) == sorted(book.ids[n] for n in ("ann", "bob", "oz"))
    mine = book.admin("GET", "/forecast", params={"period": "2026-Q1", "user": book.ids["admin"]}).json()
    assert (mine["scope"], totals(mine["forecast"])) == ("user", by_hand(0, 0, 0, 0))
    assert book.mia("GET", "/forecast", params={"period": "2026-Q1"}).json()["scope"] == "user"


def test_a_lead_captured_with_a_past_timeframe_answers_201_with_a_warning(admin: Caller) -> None:
    created = admin("POST", "/leads", json={"last_name": "Late", "company": "Past", "purchase_timeframe": "2026-03-01"})
    assert created.status_code == 201, created.text
    assert (created.json()["purchase_timeframe"], created.json()["warnings"]) == ("2026-03-01", [
        {"field": "purchase_timeframe", "code": "TIMEFRAME_IN_PAST",
         "message": "2026-03-01 is in the past: check the date the buyer plans to buy"}])  # the clock: 2026-03-02
    changed = admin("PATCH", f"/leads/{created.json()['id']}", json={"purchase_timeframe": "2026-09-30"})
    assert changed.status_code == 200 and changed.json()["warnings"] == []
    assert admin("POST", "/leads", json={"last_name": "Soon", "company": "Future",
                                         "purchase_timeframe": "2026-03-02"}).json()["warnings"] == []


def test_a_line_item_without_a_unit_price_takes_the_price_books(admin: Caller, ctx: ServiceContext,
                                                                 admin_id: int) -> None:
    product = admin("POST", "/products", json={"name": "Widget"}).json()
    set_list_price(ctx, admin_id, product_id=int(product["id"]), currency="USD", unit_price="250")
    account = admin("POST", "/accounts", json={"name": "Buyer"}).json()
    deal = admin("POST", "/opportunities", json={"account_id": account["id"], "name": "Widgets"}).json()
    item = admin("POST", f"/opportunities/{deal['id']}/line-items", json={"product_id": product["id"], "quantity": "2"})
    assert item.status_code == 201, item.text
    assert Decimal(item.json()["unit_price"]) == 250 and Decimal(item.json()["total"]) == 500
    operation = admin("GET", "/openapi.json").json()["paths"]["/api/v1/opportunities/{opportunity_id}/line-items"]
    schema = operation["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "unit_price" not in admin("GET", "/openapi.json").json()["components"]["schemas"][
        schema["$ref"].split("/")[-1]].get("required", [])


def test_the_first_answer_of_a_conversion_has_the_etag_and_location_its_replay_has(admin: Caller) -> None:
    lead = admin("POST", "/leads", json={"last_name": "Buyer", "company": "Convert Co", "budget_amount": "100",
                                         "purchase_timeframe": "2026-06-30", "products": [{"product": "Widget"}]})
    key = {"Idempotency-Key": "day-one-convert"}
    body = {"override_reason": "trial", "qualification_override_reason": "trial"}
    first = admin("POST", f"/leads/{lead.json()['id']}/convert", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"/api/v1/opportunities/{first.json()['opportunity_id']}"
    version = admin("GET", f"/leads/{lead.json()['id']}").json()["version"]
    assert first.headers["etag"] == f'"v{version}"'
    again = admin("POST", f"/leads/{lead.json()['id']}/convert", json=body, headers=key)
    assert (again.headers["location"], again.headers["etag"]) == (first.headers["location"], first.headers["etag"])


def test_money_comes_back_at_its_currencys_scale_first_time_and_on_replay(admin: Caller) -> None:
    yen = admin("POST", "/leads", json={"last_name": "Sato", "company": "Tokyo", "currency": "JPY",
                                        "budget_amount": "120000", "products": [{"product": "Widget",
                                                                                 "estimated_unit_price": "500"}]})
    assert (yen.json()["budget_amount"], yen.json()["products"][0]["estimated_unit_price"]) == ("120000", "500")
    dollars = admin("POST", "/leads", json={"last_name": "Doe", "company": "Ohio", "budget_amount": "0",
                                            "annual_revenue": "1234.5"})
    assert (dollars.json()["budget_amount"], dollars.json()["annual_revenue"]) == ("0.00", "1234.50")
    assert admin("GET", f"/leads/{yen.json()['id']}").json()["budget_amount"] == "120000"
    key = {"Idempotency-Key": "scale-1"}
    account = admin("POST", "/accounts", json={"name": "Yen Buyer"}, headers=key)
    deal = {"account_id": account.json()["id"], "name": "Yen deal", "amount": "5000", "currency": "JPY"}
    first = admin("POST", "/opportunities", json=deal, headers={"Idempotency-Key": "scale-2"})
    again = admin("POST", "/opportunities", json=deal, headers={"Idempotency-Key": "scale-2"})
    assert (first.json()["amount"], again.json()["amount"]) == ("5000", "5000")
    forecast = admin("GET", "/forecast", params={"period": "2026-Q1"}).json()
    assert forecast["forecast"]["categories"]["closed"] == {"computed": "0.00", "adjusted": None, "total": "0.00"}
    assert forecast["forecast"]["weighted"] == "0.00"
