"""Query parameters over HTTP, on both databases: every endpoint refuses one it does not take
(422 naming it), and opportunities are filtered by stage, process, outcome, close date, amount
and owner, and carry their stage's and process's names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.api_support import Caller
from tests.e2e.test_api import assert_problem


def get_routes(admin: Caller) -> list[str]:
    """Every GET path of the OpenAPI document, each path parameter given a value of its form."""
    paths = admin("GET", "/openapi.json").json()["paths"]
    return sorted(re.sub(r"\{[^}]+\}", "1", path.removeprefix("/api/v1"))
                  for path, operations in paths.items() if "get" in operations)


def test_every_endpoint_refuses_a_query_parameter_it_does_not_take(admin: Caller) -> None:
    routes = get_routes(admin)
    assert "/opportunities" in routes and "/leads" in routes and len(routes) > 20
    wrong = {}
    for path in routes:
        response = admin("GET", path, params={"limit": "5", "colour": "red"} if path == "/leads" else {"colour": "x"})
        body = response.json()
        if response.status_code != 422 or body.get("code") != "VALIDATION_FAILED" or \
                [e["field"] for e in body["errors"]] != ["colour"]:
            wrong[path] = (response.status_code, body)
    assert wrong == {}


def test_an_unknown_parameter_is_named_with_what_the_endpoint_takes(admin: Caller) -> None:
    response = admin("GET", "/leads", params={"stage": "Negotiation", "colour": "red"})
    assert_problem(response, 422, "VALIDATION_FAILED", "stage")
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["stage", "colour"]
    assert ("this endpoint takes: campaign, created_from, created_to, cursor, custom, limit, max_score, min_score, "
            "owner, q, rating, sort, source, status, updated_from, updated_to") in body["detail"]
    assert admin("GET", "/leads", params={"limit": "5", "status": "Open"}).status_code == 200


def test_a_preflight_request_is_not_refused_for_the_query_of_the_url_it_asks_about(admin: Caller) -> None:
    assert admin("OPTIONS", "/leads", params={"status": "Open", "colour": "red"}).status_code < 400


@pytest.mark.parametrize("path", ["/health", "/me"])
def test_endpoints_without_parameters_take_none(admin: Caller, path: str) -> None:
    assert admin("GET", path).status_code == 200
    assert_problem(admin("GET", path, params={"x": "1"}), 422, "VALIDATION_FAILED", "x")


def test_opportunities_are_filtered_and_carry_their_stage_and_process_names(admin: Caller) -> None:
    account = admin("POST", "/accounts", json={"name": "Acme"}).json()["id"]

    def deal(name: str, amount: str, close: str, **more: str) -> dict[str, Any]:
        response = admin("POST", "/opportunities", json={"account_id": account, "name": name, "amount": amount,
                                                         "close_date": close, **more})
        assert response.status_code == 201, response.text
        return dict(response.json())

    small = deal("Small", "1000", "2026-04-30")
    large = deal("Large", "50000", "2026-06-30", stage="Negotiation")
    assert (large["stage"], large["process"]) == ("Negotiation", "New Business")
    assert large["process_id"] == small["process_id"] and large["stage_id"] != small["stage_id"]

    def names(**params: Any) -> list[str]:
        response = admin("GET", "/opportunities", params=params)
        assert response.status_code == 200, response.text
        return sorted(o["name"] for o in response.json()["items"])

    assert names(stage="Negotiation") == ["Large"]
    assert names(stage=large["stage_id"]) == ["Large"]
    assert names(process="New Business", outcome="open") == ["Large", "Small"]
    assert names(close_from="2026-05-01", close_to="2026-06-30") == ["Large"]
    assert names(amount_from="1000", amount_to="1000") == ["Small"]
    assert names(owner="ada@example.com", stage=["Prospecting", "Negotiation"]) == ["Large", "Small"]
    assert admin("GET", "/opportunities", params={"stage": "Negotiation"}).json()["items"][0]["stage"] == \
        "Negotiation"
    assert_problem(admin("GET", "/opportunities", params={"stage": "Haggling"}), 422, "VALIDATION_FAILED", "stage")
    assert_problem(admin("GET", "/opportunities", params={"close_from": "2026-07-01", "close_to": "2026-06-01"}),
                   422, "VALIDATION_FAILED", "close_from")
    assert_problem(admin("GET", "/opportunities", params={"outcome": "maybe"}), 422, "VALIDATION_FAILED", "outcome")

    moved = admin("POST", f"/opportunities/{small['id']}/stage", json={"stage": "Negotiation"}).json()
    assert moved["stage"] == "Negotiation" and admin("GET", f"/opportunities/{small['id']}").json()["process"]
    history = admin("GET", f"/opportunities/{small['id']}/history").json()
    assert {"field": "stage_id", "old_value": "Prospecting", "new_value": "Negotiation"} in [
        {k: h[k] for k in ("field", "old_value", "new_value")} for h in history]


def test_a_leads_history_shows_its_source_by_name(admin: Caller) -> None:
    lead = admin("POST", "/leads", json={"last_name": "X", "company": "C", "source": "Customer referral"}).json()
    admin("PATCH", f"/leads/{lead['id']}", json={"source": "Trade show"})
    history = admin("GET", f"/leads/{lead['id']}/history").json()
    assert [(h["old_value"], h["new_value"]) for h in history if h["field"] == "source_id"] == [
        (None, "Customer referral"), ("Customer referral", "Trade show")]
