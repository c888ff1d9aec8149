"""The REST API through HTTP, on both databases: authentication, errors as problem documents,
ETags, idempotent retries, record-level security and cursor pages."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from leadline.services.security import auth
from tests.e2e.api_support import Caller, add_rep, make_app, token_for

PROBLEM = "application/problem+json"


def assert_problem(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert "Traceback" not in response.text
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body


def test_everything_but_health_needs_a_valid_token(client: TestClient[Any], ctx: ServiceContext,
                                                   admin_id: int) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok", "database": "ok"}
    assert_problem(client.get("/api/v1/leads"), 401, "AUTHENTICATION_FAILED")
    for records in ("leads", "accounts", "contacts", "opportunities"):  # refused before its filters are read
        assert_problem(client.get(f"/api/v1/{records}?created_from=not-a-date"), 401, "AUTHENTICATION_FAILED")
    assert_problem(client.get("/api/v1/leads", headers={"Authorization": "Bearer ll_nope"}), 401,
                   "AUTHENTICATION_FAILED")
    token, info = auth.create_token(ctx, admin_id, name="short")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    auth.revoke_token(ctx, admin_id, info.id)
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401,
                   "AUTHENTICATION_FAILED")


def test_an_expired_token_is_refused(client: TestClient[Any], ctx: ServiceContext, admin_id: int, clock) -> None:
    token, _ = auth.create_token(ctx, admin_id, name="day", expires_in_days=1)
    clock.advance(days=1, seconds=1)
    assert_problem(client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 401,
                   "AUTHENTICATION_FAILED")


def test_signing_in_with_a_password_gives_a_working_token(client: TestClient[Any], ctx: ServiceContext,
                                                          admin_id: int) -> None:
    auth.set_password(ctx, admin_id, admin_id, "correct horse battery")
    wrong = client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "wrong password!"})
    assert_problem(wrong, 401, "AUTHENTICATION_FAILED")
    signed = client.post("/api/v1/auth/token", json={"email": "ada@example.com", "password": "correct horse battery"})
    assert signed.status_code == 201, signed.text
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {signed.json()['token']}"})
    assert me.json()["email"] == "ada@example.com"


def test_a_lead_is_created_read_changed_with_etags_and_deleted(admin: Caller) -> None:
    created = admin("POST", "/leads", json={
        "first_name": "Grace", "last_name": "Hopper", "company": "Navy", "email": "Grace@Navy.example",
        "budget_amount": "12345678901.2345", "products": [{"product": "Compiler", "quantity": "2.5"}],
        "purchase_timeframe": "2027-01-31", "source": "Trade show"})
    assert created.status_code == 201, created.text
    lead = created.json()
    assert created.headers["etag"] == '"v1"' and created.headers["location"] == f"/api/v1/leads/{lead['id']}"
    assert (lead["email"], lead["budget_amount"], lead["status"]) == ("grace@navy.example", "12345678901.2345", "Open")
    assert lead["products"] == [{"product": "Compiler", "quantity": "2.5000", "estimated_unit_price": None}]
    changed = admin("PATCH", f"/leads/{lead['id']}", json={"title": "Admiral", "source": None},
                    headers={"If-Match": '"v1"'})
    assert changed.status_code == 200 and changed.headers["etag"] == '"v2"'
    assert (changed.json()["title"], changed.json()["source"]) == ("Admiral", None)
    stale = admin("PATCH", f"/leads/{lead['id']}", json={"title": "Lost update"}, headers={"If-Match": '"v1"'})
    assert_problem(stale, 412, "STALE_RECORD")
    assert admin("GET", f"/leads/{lead['id']}").json()["title"] == "Admiral"
    history = admin("GET", f"/leads/{lead['id']}/history").json()
    changed_fields = {(h["field"], h["old_value"], h["new_value"]) for h in history}
    assert {("title", None, "Admiral"), ("source_id", lead["source"], None)} <= changed_fields  # by name
    assert admin("DELETE", f"/leads/{lead['id']}", headers={"If-Match": '"v2"'}).status_code == 204
    assert_problem(admin("GET", f"/leads/{lead['id']}"), 404, "NOT_FOUND")


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"last_name": "X", "company": "Y", "email": "nope@"}, 422, "VALIDATION_FAILED", "email"),
    ({"company": "Y"}, 422, "VALIDATION_FAILED", "last_name"),
    ({"last_name": 5, "company": "Y"}, 422, "VALIDATION_FAILED", "last_name"),
    ({"last_name": "X", "company": "Y", "colour": "red"}, 422, "VALIDATION_FAILED", "colour"),
    ({"last_name": "X", "company": "Y", "budget_amount": "lots"}, 422, "VALIDATION_FAILED", "budget_amount"),
    ({"last_name": "X", "company": "Y", "status": "Converted"}, 422, "INVALID_STATUS", "status"),
    ({"last_name": "X", "company": "Y", "owner": "ghost@example.com"}, 404, "NOT_FOUND", "owner"),
])
def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(
    admin: Caller, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    assert_problem(admin("POST", "/leads", json=body), status, code, field)
    assert admin("GET", "/leads").json()["items"] == []


def test_malformed_json_oversized_bodies_and_unknown_routes_are_problems(
    admin: Caller, ctx: ServiceContext, engine: Any, admin_id: int
) -> None:
    assert_problem(admin("POST", "/leads", content=b"{nope", headers={"content-type": "application/json"}),
                   400, "MALFORMED_REQUEST")
    assert_problem(admin("GET", "/no-such-thing"), 404, "NOT_FOUND")
    assert_problem(admin("DELETE", "/health"), 405, "METHOD_NOT_ALLOWED")
    with TestClient(make_app(ctx, engine, max_body_bytes=2048)) as small:
        big = Caller(small, admin.token)("POST", "/leads", json={"last_name": "X" * 5000, "company": "Y"})
        assert_problem(big, 413, "PAYLOAD_TOO_LARGE")


def test_a_retried_post_with_the_same_idempotency_key_creates_once(admin: Caller) -> None:
    body = {"last_name": "Once", "company": "Retry Inc"}
    first = admin("POST", "/leads", json=body, headers={"Idempotency-Key": "abc-1"})
    again = admin("POST", "/leads", json=body, headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    # the replay names the same result as the first answer did
    assert again.headers["etag"] == first.headers["etag"] == '"v1"'
    assert again.headers["location"] == first.headers["location"] == f"/api/v1/leads/{first.json()['id']}"
    assert again.headers["content-type"].startswith("application/json")
    other = admin("POST", "/leads", json={**body, "company": "Else"}, headers={"Idempotency-Key": "abc-1"})
    assert_problem(other, 422, "IDEMPOTENCY_KEY_REUSED")
    failed = admin("POST", "/leads", json={"company": "No name"}, headers={"Idempotency-Key": "abc-2"})
    assert_problem(failed, 422, "VALIDATION_FAILED")
    fixed = admin("POST", "/leads", json={"company": "No name", "last_name": "Named"},
                  headers={"Idempotency-Key": "abc-2"})
    assert fixed.status_code == 201
    assert len(admin("GET", "/leads").json()["items"]) == 2


def test_a_retried_post_answered_with_the_routes_own_status_is_replayed_not_held_as_in_flight(admin: Caller) -> None:
    """Handlers that leave the status to the route (a stage move, a bulk conversion: 200) are
    replayed like those naming theirs (the key was once stored without a status); a bulk filter
    matching nothing wrote nothing, and its answer is kept alone."""
    account = admin("POST", "/accounts", json={"name": "Retry Co"}).json()
    deal = admin("POST", "/opportunities", json={"account_id": account["id"], "name": "Retried"}).json()
    key, body = {"Idempotency-Key": "stage-1"}, {"stage": "Negotiation"}
    moved = admin("POST", f"/opportunities/{deal['id']}/stage", json=body, headers=key)
    again = admin("POST", f"/opportunities/{deal['id']}/stage", json=body, headers=key)
    assert (moved.status_code, again.status_code, again.headers["idempotent-replayed"]) == (200, 200, "true")
    assert again.json() == moved.json() and moved.json()["version"] == 2
    assert admin("GET", f"/opportunities/{deal['id']}").json()["version"] == 2  # moved once
    key, body = {"Idempotency-Key": "bulk-1"}, {"filter": {"status": ["Qualified"]}}
    converted = admin("POST", "/leads/convert", json=body, headers=key)
    replayed = admin("POST", "/leads/convert", json=body, headers=key)
    assert (converted.status_code, replayed.status_code, replayed.headers["idempotent-replayed"]) == (200, 200, "true")
    assert replayed.json() == converted.json() == {"committed": True, "converted": 0, "items": []}


def test_a_private_lead_is_invisible_to_a_peer_and_visible_to_the_owners_manager(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int
) -> None:
    boss = add_rep(ctx, admin_id, "boss@example.com")
    owner = add_rep(ctx, admin_id, "owner@example.com", manager=boss)
    peer = add_rep(ctx, admin_id, "peer@example.com")
    as_owner, as_peer, as_boss = (Caller(client, token_for(ctx, admin_id, u)) for u in (owner, peer, boss))
    lead_id = as_owner("POST", "/leads", json={"last_name": "Mine", "company": "Own Co"}).json()["id"]
    for method, path, body in [("GET", f"/leads/{lead_id}", None), ("PATCH", f"/leads/{lead_id}", {"title": "x"}),
                               ("DELETE", f"/leads/{lead_id}", None), ("GET", f"/leads/{lead_id}/history", None),
                               ("POST", f"/leads/{lead_id}/convert", {})]:
        assert_problem(as_peer(method, path, json=body), 404, "NOT_FOUND")
    assert as_peer("GET", "/leads").json()["items"] == []
    assert [i["id"] for i in as_boss("GET", "/leads").json()["items"]] == [lead_id]
    assert as_boss("PATCH", f"/leads/{lead_id}", json={"title": "Checked"}).status_code == 200


def test_cursor_pages_walk_a_sorted_list_without_gaps_or_repeats(admin: Caller) -> None:
    names = ["Delta", "alpha", "Charlie", "bravo", "Echo", "Alpha"]
    for name in names:
        assert admin("POST", "/leads", json={"last_name": name, "company": "Sorted"}).status_code == 201
    seen: list[str] = []
    cursor = None
    while True:
        params = {"sort": "last_name", "limit": 4, **({"cursor": cursor} if cursor else {})}
        page = admin("GET", "/leads", params=params).json()
        seen += [item["last_name"] for item in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert sorted(seen) == sorted(names) and len(seen) == len(names)
    assert seen == sorted(names)  # binary order, the same on both databases
    assert_problem(admin("GET", "/leads", params={"sort": "-last_name", "cursor": cursor or "x"}), 422,
                   "VALIDATION_FAILED", "cursor")


def test_accounts_contacts_and_opportunities_have_the_same_verbs(admin: Caller) -> None:
    account = admin("POST", "/accounts", json={"name": "Acme", "website": "https://www.acme.example"})
    assert account.status_code == 201 and account.json()["domain"] == "acme.example"
    account_id = account.json()["id"]
    contact = admin("POST", "/contacts", json={"account_id": account_id, "last_name": "Coyote",
                                               "email": "W.E@Acme.example"})
    assert contact.status_code == 201 and contact.json()["email"] == "w.e@acme.example"
    opportunity = admin("POST", "/opportunities", json={"account_id": account_id, "name": "Rockets",
                                                        "amount": "5000", "stage": "Negotiation"})
    assert opportunity.status_code == 201, opportunity.text
    assert (opportunity.json()["probability"], opportunity.json()["forecast_category"]) == (75, "commit")
    moved = admin("PATCH", f"/opportunities/{opportunity.json()['id']}", json={"stage": "Closed Won"})
    assert_problem(moved, 422, "VALIDATION_FAILED", "stage")
    assert_problem(admin("DELETE", f"/accounts/{account_id}"), 409, "CONFLICT")
    listed = admin("GET", "/contacts", params={"account_id": account_id}).json()["items"]
    assert [c["last_name"] for c in listed] == ["Coyote"]
    assert admin("PATCH", f"/accounts/{account_id}", json={"industry": "Explosives"},
                 headers={"If-Match": '"v1"'}).headers["etag"] == '"v2"'


def test_the_rate_limit_answers_429_as_a_problem(ctx: ServiceContext, engine: Any, admin_id: int) -> None:
    from leadline.api.app import create_app
    from leadline.bootstrap import Application
    from leadline.config import Settings

    app = create_app(Application(Settings(rate_limit_per_minute=3), ctx, engine))
    token = token_for(ctx, admin_id, admin_id)
    with TestClient(app) as limited:
        statuses = [limited.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
                    for _ in range(4)]
        assert statuses[:3] == [200, 200, 200]
        assert_problem(limited.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}), 429, "RATE_LIMITED")
