"""Activities, products, line items, contact roles and user changes through the API."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.test_api import assert_problem


def test_an_activity_is_logged_on_records_listed_per_record_and_completed(admin: Caller) -> None:
    lead = admin("POST", "/leads", json={"last_name": "Caller", "company": "Phone Co"}).json()
    account = admin("POST", "/accounts", json={"name": "Phone Co"}).json()
    task = admin("POST", "/activities", json={"kind": "task", "subject": "Call back", "links": [
        {"record_type": "lead", "record_id": lead["id"]}, {"record_type": "account", "record_id": account["id"]}]})
    assert task.status_code == 201, task.text
    assert [a["subject"] for a in admin("GET", f"/leads/{lead['id']}/activities").json()] == ["Call back"]
    assert [a["id"] for a in admin("GET", f"/accounts/{account['id']}/activities").json()] == [task.json()["id"]]
    done = admin("POST", f"/activities/{task.json()['id']}/complete")
    assert done.status_code == 201 and done.json()["completed_at"] is not None
    assert_problem(admin("POST", "/activities", json={"kind": "fax", "subject": "x", "links": [
        {"record_type": "lead", "record_id": lead["id"]}]}), 422, "VALIDATION_FAILED", "kind")


def test_an_activity_on_a_record_the_caller_cannot_see_is_refused_as_not_found(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int
) -> None:
    owner, peer = add_rep(ctx, admin_id, "o@example.com"), add_rep(ctx, admin_id, "p@example.com")
    lead = Caller(client, token_for(ctx, admin_id, owner))("POST", "/leads", json={"last_name": "L", "company": "C"})
    as_peer = Caller(client, token_for(ctx, admin_id, peer))
    refused = as_peer("POST", "/activities", json={"kind": "note", "subject": "peek", "links": [
        {"record_type": "lead", "record_id": lead.json()["id"]}]})
    assert_problem(refused, 404, "NOT_FOUND")
    assert_problem(as_peer("GET", f"/leads/{lead.json()['id']}/activities"), 404, "NOT_FOUND")


def test_line_items_and_contact_roles_belong_to_an_opportunity(admin: Caller) -> None:
    product = admin("POST", "/products", json={"name": "Widget", "code": "W-1"}).json()
    account = admin("POST", "/accounts", json={"name": "Buyer"}).json()
    contact = admin("POST", "/contacts", json={"account_id": account["id"], "last_name": "Boss"}).json()
    deal = admin("POST", "/opportunities", json={"account_id": account["id"], "name": "Widgets"}).json()
    item = admin("POST", f"/opportunities/{deal['id']}/line-items", json={
        "product_id": product["id"], "quantity": "3", "unit_price": "100", "discount_percent": "10"})
    assert item.status_code == 201, item.text
    assert item.json()["total"] == "270.00"
    role = admin("POST", f"/opportunities/{deal['id']}/contact-roles", json={
        "contact_id": contact["id"], "role": "economic buyer", "is_primary": True})
    assert role.status_code == 201, role.text
    assert admin("GET", f"/opportunities/{deal['id']}/contact-roles").json() == [
        {"contact_id": contact["id"], "role": "economic_buyer", "is_primary": True}]
    duplicate = admin("POST", f"/opportunities/{deal['id']}/contact-roles", json={
        "contact_id": contact["id"], "role": "economic_buyer"})
    assert_problem(duplicate, 409, "CONFLICT")
    final = {"outcome": "won", "amount": "999"}  # the amount is the line items' sum
    assert_problem(admin("POST", f"/opportunities/{deal['id']}/close", json=final), 422, "VALIDATION_FAILED", "amount")
    assert admin("GET", f"/opportunities/{deal['id']}").json()["outcome"] == "open"
    assert admin("DELETE", f"/opportunities/{deal['id']}/line-items/{item.json()['id']}").status_code == 204
    assert admin("GET", f"/opportunities/{deal['id']}/line-items").json() == []


def test_an_admin_changes_a_users_role_and_manager_but_never_removes_the_last_admin(
    admin: Caller, ctx: ServiceContext, admin_id: int
) -> None:
    rep = add_rep(ctx, admin_id, "rep@example.com")
    boss = add_rep(ctx, admin_id, "boss@example.com")
    changed = admin("PATCH", f"/users/{rep}", json={"role": "manager", "manager": "boss@example.com"})
    assert (changed.json()["role"], changed.json()["manager_id"]) == ("manager", str(boss))
    loop = admin("PATCH", f"/users/{boss}", json={"manager": "rep@example.com"})
    assert_problem(loop, 422, "VALIDATION_FAILED", "manager")
    assert_problem(admin("PATCH", f"/users/{admin_id}", json={"active": False}), 409, "CONFLICT")
    deactivated = admin("PATCH", f"/users/{rep}", json={"active": False})
    assert deactivated.json()["active"] is False


def test_deleting_a_record_others_still_point_to_is_a_conflict_not_an_error(admin: Caller) -> None:
    account = admin("POST", "/accounts", json={"name": "Held"}).json()
    contact = admin("POST", "/contacts", json={"account_id": account["id"], "last_name": "Held"}).json()
    deal = admin("POST", "/opportunities", json={"account_id": account["id"], "name": "Held deal"}).json()
    admin("POST", f"/opportunities/{deal['id']}/contact-roles", json={"contact_id": contact["id"], "role": "champion"})
    assert_problem(admin("DELETE", f"/contacts/{contact['id']}"), 409, "CONFLICT")
    added = admin("POST", "/config/statuses", json={"label": "Parked", "kind": "open"}).json()
    lead = admin("POST", "/leads", json={"last_name": "P", "company": "C", "status": "Parked"}).json()
    moved = admin("PATCH", f"/leads/{lead['id']}", json={"status": "Contacted"})  # Parked now only in the history
    assert moved.status_code == 200, moved.text
    assert_problem(admin("DELETE", f"/config/statuses/{added['id']}"), 409, "CONFLICT")


def test_a_conversion_with_a_stale_if_match_is_refused_and_converts_nothing(admin: Caller) -> None:
    lead = admin("POST", "/leads", json={"last_name": "Stale", "company": "Stale Co"}).json()
    admin("PATCH", f"/leads/{lead['id']}", json={"title": "Changed"})
    refused = admin("POST", f"/leads/{lead['id']}/convert", json={}, headers={"If-Match": '"v1"'})
    assert_problem(refused, 412, "STALE_RECORD")
    assert admin("GET", f"/leads/{lead['id']}").json()["converted_at"] is None
    twice = admin("POST", f"/leads/{lead['id']}/convert", json={"create_opportunity": False,
                                                                "qualification_override_reason": "a partner"})
    assert twice.status_code == 201
    assert_problem(admin("POST", f"/leads/{lead['id']}/convert", json={}), 409, "LEAD_ALREADY_CONVERTED")


def test_only_the_owner_or_an_editor_completes_a_task(client: TestClient[Any], ctx: ServiceContext,
                                                      admin_id: int) -> None:
    from leadline.services.security.sharing import set_sharing

    set_sharing(ctx, admin_id, "lead", "public_read_only")
    owner, peer = add_rep(ctx, admin_id, "own@example.com"), add_rep(ctx, admin_id, "peer@example.com")
    as_owner, as_peer = Caller(client, token_for(ctx, admin_id, owner)), Caller(client, token_for(ctx, admin_id, peer))
    lead = as_owner("POST", "/leads", json={"last_name": "T", "company": "C"}).json()
    task = as_owner("POST", "/activities", json={"kind": "task", "subject": "Follow up", "links": [
        {"record_type": "lead", "record_id": lead["id"]}]}).json()
    assert_problem(as_peer("POST", f"/activities/{task['id']}/complete"), 403, "PERMISSION_DENIED")
    assert as_owner("POST", f"/activities/{task['id']}/complete").status_code == 201
