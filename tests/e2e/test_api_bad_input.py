"""Bad input on every path is a 4xx naming the field, never a 500 (issue 14, items 5 and 6), and a
report never fails because of one stored record. The clock is pinned at 2026-03-02."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine, text

from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.test_api import assert_problem

LISTS = ("/leads", "/accounts", "/contacts", "/opportunities")


def opportunity(caller: Caller, **fields: Any) -> str:
    account = caller("POST", "/accounts", json={"name": "Far Out Inc"}).json()["id"]
    created = caller("POST", "/opportunities", json={"account_id": account, "name": "Deal", "amount": "1000",
                                                     "close_date": "2026-05-01", **fields})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_a_date_outside_the_years_1900_to_2999_is_refused_on_every_path(admin: Caller) -> None:
    deal = opportunity(admin)
    for day in ("9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"):
        assert_problem(admin("PATCH", f"/opportunities/{deal}", json={"close_date": day}), 422,
                       "VALIDATION_FAILED", "close_date")
        assert_problem(admin("POST", f"/opportunities/{deal}/close", json={"outcome": "won", "close_date": day}),
                       422, "VALIDATION_FAILED", "close_date")
        assert_problem(admin("POST", "/leads", json={"last_name": "Typo", "company": "Typo Ltd",
                                                     "purchase_timeframe": day}),
                       422, "VALIDATION_FAILED", "purchase_timeframe")
        assert_problem(admin("GET", "/opportunities", params={"close_from": day}), 422, "VALIDATION_FAILED",
                       "close_from")
    for period in ("9999-Q4", "0000", "9999", "0001-01", "3000"):
        assert_problem(admin("GET", "/forecast", params={"period": period}), 422, "VALIDATION_FAILED", "period")
    for edge in ("1900-01-01", "2999-12-31"):
        assert admin("PATCH", f"/opportunities/{deal}", json={"close_date": edge}).status_code == 200
    assert admin("GET", "/forecast", params={"period": "2999-Q4"}).status_code == 200


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-01-01T00:00:00"])
def test_a_time_filter_out_of_range_or_without_a_zone_is_refused_naming_it(admin: Caller, moment: str) -> None:
    for path in LISTS:
        for name in ("created_from", "updated_to"):
            assert_problem(admin("GET", path, params={name: moment}), 422, "VALIDATION_FAILED", name)


def test_reports_answer_although_a_stored_close_date_is_far_in_the_future(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int, admin: Caller, engine: Engine) -> None:
    """A close date of 9999-12-31 stored before the rule (or by another tool) breaks no report."""
    manager = add_rep(ctx, admin_id, "mia@example.com")
    rep = Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, "ann@example.com", manager=manager)))
    boss = Caller(client, token_for(ctx, admin_id, manager))
    deal = opportunity(rep)
    assert rep("PATCH", f"/opportunities/{deal}", json={"close_date": "2026-06-30"}).status_code == 200
    with engine.begin() as connection:
        for table in ("opportunities", "opportunity_stage_changes"):
            connection.execute(text(f"UPDATE {table} SET close_date = :day WHERE "
                                    f"{'id' if table == 'opportunities' else 'opportunity_id'} = :id "
                                    "AND close_date = :was"), {"day": "9999-12-31", "id": int(deal),
                                                               "was": "2026-06-30"})
    for caller in (rep, boss, admin):
        for kind in ("month", "quarter", "year"):
            hygiene = caller("GET", "/pipeline/hygiene", params={"period_kind": kind})
            assert hygiene.status_code == 200, hygiene.text
            assert [p["id"] for p in hygiene.json()["pushed"]] == [deal]
        assert caller("GET", "/forecast", params={"period": "2026-Q2"}).status_code == 200
        listed = caller("GET", "/opportunities", params={"sort": "-close_date"})
        assert listed.json()["items"][0]["close_date"] == "9999-12-31"


def test_json_nested_deeper_than_the_decoder_follows_is_a_400(client: TestClient[Any], admin: Caller) -> None:
    for body in (b"[" * 100_000, b'{"a":' * 50_000):
        headers = {"content-type": "application/json"}
        assert_problem(client.post("/api/v1/auth/token", content=body, headers=headers), 400, "MALFORMED_REQUEST")
        assert_problem(admin("POST", "/accounts", content=body, headers=headers), 400, "MALFORMED_REQUEST")


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("POST", "/config/stages", {"label": "Triage", "position": 0, "probability": 0, "forecast_category": "pipeline",
                                "is_won": 0}, "is_won"),
    ("POST", "/config/statuses", {"label": "Parked", "kind": "open", "position": 0, "is_default": 1}, "is_default"),
    ("PUT", "/config/conversion-gate", {"enabled": 0}, "enabled"),
    ("POST", "/leads", {"last_name": "Lax", "company": "Lax Ltd", "is_decision_maker": "true"}, "is_decision_maker"),
    ("POST", "/leads", {"last_name": "Lax", "company": "Lax Ltd", "number_of_employees": "12"}, "number_of_employees"),
])
def test_a_body_value_of_another_json_type_than_documented_is_refused_naming_it(
        admin: Caller, method: str, path: str, body: dict[str, Any], field: str) -> None:
    """0/1 are not booleans, "12" is not an integer: the body is as strict as the OpenAPI document."""
    assert_problem(admin(method, path, json=body), 422, "VALIDATION_FAILED", field)


def test_a_docs_asset_named_with_a_control_character_does_not_exist(client: TestClient[Any]) -> None:
    for name in ("%00", "swagger-ui.css%00", "%0a"):
        assert_problem(client.get(f"/api/v1/docs-assets/{name}"), 404, "NOT_FOUND")
    assert client.get("/api/v1/docs-assets/swagger-ui.css").status_code == 200


def test_a_due_time_needs_a_time_zone_and_a_year_in_range(admin: Caller) -> None:
    links = [{"record_type": "opportunity", "record_id": opportunity(admin)}]
    for due in ("2026-05-01T10:00:00", "0001-01-01T00:00:00+14:00"):
        assert_problem(admin("POST", "/activities", json={"kind": "task", "subject": "Call", "links": links,
                                                          "due_at": due}), 422, "VALIDATION_FAILED", "due_at")
    done = admin("POST", "/activities", json={"kind": "task", "subject": "Call", "links": links,
                                              "due_at": "2026-05-01T10:00:00+02:00"})
    assert done.status_code == 201, done.text


def cursor(*payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(payload)).encode()).decode().rstrip("=")


FORGED = [
    ("-id", cursor("id", True, float("inf"), 1)), ("-id", cursor("id", True, 1, 2**70)),
    ("-id", cursor("id", True, 2**70, 1)), ("-id", cursor("id", True, float("nan"), 1)),
    ("-id", cursor("id", True, 1, -(2**70))), ("-id", cursor("id", True, 1, True)), ("-id", cursor("id", True, 1, 1.5)),
    ("-created_at", cursor("created_at", True, "0001-01-01T00:00:00+14:00", 1)),
    ("-created_at", cursor("created_at", True, "2026-01-01T00:00:00", 1)),
    ("-created_at", cursor("created_at", True, 5, 1)),
    ("-name", cursor("name", True, "a\u0000b", 1)),
    ("-amount", cursor("amount", True, "NaN", 1)), ("-amount", cursor("amount", True, "1E+99", 1)),
    ("-amount", cursor("amount", True, float("inf"), 1)),
    ("-close_date", cursor("close_date", True, "0001-01-01", 1)),
]


@pytest.mark.parametrize(("sort", "forged"), FORGED)
def test_a_forged_cursor_is_refused_naming_the_cursor(admin: Caller, sort: str, forged: str) -> None:
    assert_problem(admin("GET", "/opportunities", params={"sort": sort, "cursor": forged}), 422,
                   "VALIDATION_FAILED", "cursor")
    if sort in ("-id", "-created_at"):
        for path in ("/leads", "/accounts", "/contacts"):
            assert_problem(admin("GET", path, params={"sort": sort, "cursor": forged}), 422,
                           "VALIDATION_FAILED", "cursor")


def test_a_line_worth_more_than_an_amount_can_be_is_refused_naming_the_quantity(admin: Caller) -> None:
    deal = opportunity(admin)
    product = admin("POST", "/products", json={"name": "Widget"}).json()["id"]
    huge = {"product_id": product, "quantity": "99999999999", "unit_price": "99999999999"}
    assert_problem(admin("POST", f"/opportunities/{deal}/line-items", json=huge), 422, "VALIDATION_FAILED", "quantity")
    half = {"product_id": product, "quantity": "1", "unit_price": "60000000000000"}
    assert admin("POST", f"/opportunities/{deal}/line-items", json=half).status_code == 201
    assert_problem(admin("POST", f"/opportunities/{deal}/line-items", json=half), 422, "VALIDATION_FAILED", "quantity")
    assert admin("GET", f"/opportunities/{deal}").json()["amount"] == "60000000000000.00"
    lead = {"last_name": "Big", "company": "Big Co", "products": [
        {"product": "Widget", "quantity": "99999999999", "estimated_unit_price": "99999999999"}]}
    assert_problem(admin("POST", "/leads", json=lead), 422, "VALIDATION_FAILED", "products[0].quantity")


def test_a_forecast_figure_beyond_what_an_amount_holds_is_refused_not_stored(admin: Caller) -> None:
    """Two deals near 10^14 at probability 100 overflow SQLite's 64-bit SUM and PostgreSQL's
    NUMERIC(18,4) column: the forecast still adds them up exactly, and keeping the figure is a 422."""
    for _ in range(2):
        deal = opportunity(admin, amount="90000000000000")
        assert admin("PUT", f"/opportunities/{deal}/forecast-override", json={"probability": 100}).status_code == 200
    adjust = {"user": "ada@example.com", "period": "2026-Q2", "category": "pipeline", "amount": "1000"}
    assert_problem(admin("POST", "/forecast/adjustments", json=adjust), 422, "VALIDATION_FAILED", "category")
    assert_problem(admin("POST", "/forecast/snapshots", json={"period": "2026-Q2"}), 422, "VALIDATION_FAILED",
                   "category")
    forecast = admin("GET", "/forecast", params={"period": "2026-Q2"}).json()["forecast"]
    assert Decimal(forecast["categories"]["pipeline"]["total"]) == Decimal("180000000000000")
    assert Decimal(forecast["weighted"]) == Decimal("180000000000000")


def test_a_date_not_written_yyyy_mm_dd_is_refused_on_every_api_path_naming_the_field_and_the_form(
        admin: Caller) -> None:
    deal = opportunity(admin)
    assert admin("POST", "/config/custom-fields", json={"object": "lead", "name": "renewal", "label": "Renewal",
                                                        "type": "date"}).status_code == 201
    basic = "20260301"  # ISO 8601's basic form: Python's date.fromisoformat would take it
    refusals = {
        "close_date": [admin("PATCH", f"/opportunities/{deal}", json={"close_date": basic}),
                       admin("POST", f"/opportunities/{deal}/close", json={"outcome": "won", "close_date": basic})],
        "purchase_timeframe": [admin("POST", "/leads", json={"last_name": "T", "company": "T Ltd",
                                                             "purchase_timeframe": basic})],
        "custom.renewal": [admin("POST", "/leads", json={"last_name": "T", "company": "T Ltd",
                                                         "custom": {"renewal": basic}})],
        "close_from": [admin("GET", "/opportunities", params={"close_from": basic})],
        "start_date": [admin("POST", "/campaigns", json={"name": "C", "type": "webinar", "start_date": basic})],
        "valid_from": [admin("PUT", f"/config/exchange-rates/EUR/{basic}", json={"rate": "1.1"}),
                       admin("DELETE", f"/config/exchange-rates/EUR/{basic}")],
    }
    for field, responses in refusals.items():
        for response in responses:
            assert_problem(response, 422, "VALIDATION_FAILED", field)
            [message] = [e["message"] for e in response.json()["errors"] if e["field"] == field]
            assert "YYYY-MM-DD, 1900 to 2999" in message, (field, message)
    assert admin("GET", "/config/exchange-rates").json() == []  # nothing was stored under 2026-03-01
