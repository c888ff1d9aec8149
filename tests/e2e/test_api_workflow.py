"""The lead workflow through HTTP, on both databases: status moves by the configured graph,
reasons, qualification by criteria (with overrides), and the admin configuration behind them."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar.testing import TestClient

from leadline.services.cache import ConfigCache
from leadline.services.configuration.statuses import delete_status
from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, make_app, token_for
from tests.e2e.test_api import assert_problem

#: What the default BANT criteria want (the clock is pinned at 2026-03-02).
QUALIFIED = {"budget_amount": "5000", "title": "CEO", "purchase_timeframe": "2026-05-31",
             "products": [{"product": "Widget", "quantity": "2"}]}


def lead_in(admin: Caller, status: str = "Open", **values: Any) -> dict[str, Any]:
    """A new lead, moved by the default workflow to ``status`` (Open, Contacted)."""
    lead = admin("POST", "/leads", json={"last_name": "Lovelace", "company": "Engines", **values})
    assert lead.status_code == 201, lead.text
    if status != "Open":
        moved = admin("POST", f"/leads/{lead.json()['id']}/status", json={"status": status})
        assert moved.status_code == 200, moved.text
        return dict(moved.json())
    return dict(lead.json())


def test_a_status_move_follows_the_graph_and_a_move_outside_it_is_refused(admin: Caller) -> None:
    lead = lead_in(admin)
    options = admin("GET", f"/leads/{lead['id']}/status-options").json()
    assert (options["current"], options["current_kind"], options["next"]) == ("Open", "open", ["Contacted"])
    skipped = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Qualified", "override_reason": "sure"})
    assert_problem(skipped, 409, "STATUS_TRANSITION_NOT_ALLOWED", "status")
    assert_problem(admin("POST", f"/leads/{lead['id']}/status", json={"status": "Converted"}), 422, "INVALID_STATUS")
    moved = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Contacted"}, headers={"If-Match": '"v1"'})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["status"], moved.headers["etag"]) == ("Contacted", '"v2"')
    stale = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Unqualified", "reason": "No need"},
                  headers={"If-Match": '"v1"'})
    assert_problem(stale, 412, "STALE_RECORD")
    assert_problem(admin("POST", f"/leads/{lead['id']}/status", json={"status": "Open"}), 409,
                   "STATUS_TRANSITION_NOT_ALLOWED")
    assert admin("GET", f"/leads/{lead['id']}/status-options").json()["next"] == ["Qualified", "Unqualified"]
    history = admin("GET", f"/leads/{lead['id']}/status-history").json()
    assert [(h["from"], h["to"]) for h in history] == [(None, "Open"), ("Open", "Contacted")]
    assert history[-1]["actor_id"] == lead["owner_id"] and history[-1]["at"].startswith("2026-03-02")


def test_disqualifying_needs_a_reason_from_the_list_on_both_paths(admin: Caller) -> None:
    lead = lead_in(admin, "Contacted")
    bare = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Unqualified"})
    assert_problem(bare, 422, "REASON_REQUIRED", "reason")
    assert "No budget" in bare.json()["detail"]
    assert_problem(admin("POST", f"/leads/{lead['id']}/status", json={"status": "Unqualified", "reason": "Bored"}),
                   422, "VALIDATION_FAILED", "reason")
    done = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Unqualified", "reason": "no budget"})
    assert done.status_code == 200 and done.json()["status_kind"] == "unqualified"
    assert admin("GET", f"/leads/{lead['id']}/status-history").json()[-1]["reason"] == "No budget"

    patched = lead_in(admin, "Contacted")
    assert_problem(admin("PATCH", f"/leads/{patched['id']}", json={"status": "Unqualified"}), 422,
                   "REASON_REQUIRED", "reason")
    assert_problem(admin("PATCH", f"/leads/{patched['id']}", json={"unqualified_reason": "Bad timing"}), 422,
                   "VALIDATION_FAILED", "status")
    ok = admin("PATCH", f"/leads/{patched['id']}", json={"status": "Unqualified", "unqualified_reason": "Bad timing"})
    assert ok.status_code == 200 and ok.json()["status"] == "Unqualified"
    assert admin("GET", f"/leads/{patched['id']}/status-history").json()[-1]["reason"] == "Bad timing"


def test_qualifying_needs_the_criteria_met_or_an_override_that_is_kept(admin: Caller) -> None:
    lead = lead_in(admin, "Contacted", title="Intern")
    evaluation = admin("GET", f"/leads/{lead['id']}/qualification").json()
    assert (evaluation["framework"], evaluation["met"]) == ("BANT", False)
    assert [(r["name"], r["met"]) for r in evaluation["results"]] == [
        ("budget", False), ("authority", False), ("need", False), ("timeframe", False)]
    refused = admin("POST", f"/leads/{lead['id']}/qualify", json={})
    assert_problem(refused, 409, "CRITERIA_NOT_MET", "override_reason")
    details = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert {"criteria.budget", "criteria.authority", "criteria.need", "criteria.timeframe"} <= set(details)
    assert "Intern" in details["criteria.authority"]
    assert_problem(admin("POST", f"/leads/{lead['id']}/status", json={"status": "Qualified"}), 409, "CRITERIA_NOT_MET")
    overridden = admin("POST", f"/leads/{lead['id']}/qualify", json={"override_reason": "Board asked for a demo"})
    assert overridden.status_code == 200 and overridden.json()["status"] == "Qualified"
    assert admin("GET", f"/leads/{lead['id']}/status-history").json()[-1]["override_reason"] == \
        "Board asked for a demo"

    ready = lead_in(admin, "Contacted", **QUALIFIED)
    assert admin("GET", f"/leads/{ready['id']}/qualification").json()["met"] is True
    assert admin("GET", f"/leads/{ready['id']}/status-options").json()["qualification"]["met"] is True
    assert admin("POST", f"/leads/{ready['id']}/qualify", json={}).json()["status"] == "Qualified"
    opportunity = admin("GET", f"/leads/{ready['id']}/qualification", params={"purpose": "opportunity"}).json()
    assert (opportunity["framework"], opportunity["met"]) == ("Opportunity", True)
    assert_problem(admin("GET", f"/leads/{ready['id']}/qualification", params={"purpose": "fun"}), 422,
                   "VALIDATION_FAILED", "purpose")
    assert_problem(admin("POST", f"/leads/{ready['id']}/qualify", json={"status": "Contacted"}), 422,
                   "VALIDATION_FAILED", "status")


def test_an_admin_allows_a_transition_and_leads_use_it_until_it_is_forbidden(admin: Caller) -> None:
    default = admin("GET", "/config/status-transitions").json()
    assert {"from": "Open", "to": "Contacted"} in default and {"from": "Unqualified", "to": "Open"} in default
    lead = lead_in(admin)
    early = {"status": "Unqualified", "reason": "Duplicate"}
    assert_problem(admin("POST", f"/leads/{lead['id']}/status", json=early), 409, "STATUS_TRANSITION_NOT_ALLOWED")
    allowed = admin("POST", "/config/status-transitions", json={"from": "open", "to": "Unqualified"})
    assert allowed.status_code == 201 and allowed.json() == {"from": "Open", "to": "Unqualified"}
    assert admin("POST", f"/leads/{lead['id']}/status", json=early).json()["status"] == "Unqualified"
    assert_problem(admin("POST", "/config/status-transitions", json={"from": "Open", "to": "Converted"}), 422,
                   "VALIDATION_FAILED", "to")
    gone = admin("DELETE", "/config/status-transitions", params={"from": "Open", "to": "Unqualified"})
    assert gone.status_code == 204
    assert_problem(admin("DELETE", "/config/status-transitions", params={"from": "Open", "to": "Unqualified"}),
                   404, "NOT_FOUND")
    admin("DELETE", "/config/status-transitions", params={"from": "Open", "to": "Contacted"})
    reset = admin("POST", "/config/status-transitions/reset")
    assert reset.status_code == 200 and sorted(map(str, reset.json())) == sorted(map(str, default))


def test_an_admin_adds_a_reason_and_a_lead_is_disqualified_with_it(admin: Caller) -> None:
    added = admin("POST", "/config/reasons", json={"kind": "lead_unqualified", "label": "Went dark"})
    assert added.status_code == 201, added.text
    assert (added.json()["kind"], added.json()["is_active"]) == ("lead_unqualified", True)
    assert_problem(admin("POST", "/config/reasons", json={"kind": "lead_unqualified", "label": "went dark"}), 422,
                   "VALIDATION_FAILED", "label")
    assert "Went dark" in [r["label"] for r in admin("GET", "/config/reasons", params={"kind": "lead_unqualified"})
                           .json()]
    assert "Price" in [r["label"] for r in admin("GET", "/config/reasons", params={"kind": "opportunity_lost"}).json()]
    lead = lead_in(admin, "Contacted")
    out = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Unqualified", "reason": "Went dark"})
    assert out.status_code == 200, out.text
    retired = admin("PATCH", "/config/reasons/lead_unqualified/Went dark", json={"is_active": False})
    assert retired.status_code == 200 and retired.json()["is_active"] is False
    other = lead_in(admin, "Contacted")
    assert_problem(admin("POST", f"/leads/{other['id']}/status", json={"status": "Unqualified",
                                                                       "reason": "Went dark"}), 422,
                   "VALIDATION_FAILED", "reason")
    assert_problem(admin("GET", "/config/reasons", params={"kind": "moods"}), 422, "VALIDATION_FAILED", "kind")


def test_a_new_framework_decides_qualification_once_it_is_in_use(admin: Caller) -> None:
    lead = lead_in(admin, "Contacted", email="ada@engines.example")
    added = admin("POST", "/config/criteria", json={
        "purpose": "qualification", "framework": "Reachable", "name": "has_email", "label": "E-mail known",
        "conditions": [{"field": "email", "operator": "present"}]})
    assert added.status_code == 201, added.text
    assert (added.json()["is_active"], added.json()["conditions"]) == (
        False, [{"field": "email", "operator": "present", "value": None}])
    assert admin("GET", f"/leads/{lead['id']}/qualification").json()["framework"] == "BANT"
    used = admin("POST", "/config/criteria/use", json={"framework": "reachable"})
    assert used.status_code == 200 and [c["name"] for c in used.json()] == ["has_email"]
    evaluation = admin("GET", f"/leads/{lead['id']}/qualification").json()
    assert (evaluation["framework"], evaluation["met"]) == ("Reachable", True)
    assert admin("POST", f"/leads/{lead['id']}/qualify", json={}).json()["status"] == "Qualified"
    listed = admin("GET", "/config/criteria", params={"purpose": "qualification"}).json()
    assert {c["framework"] for c in listed if c["is_active"]} == {"Reachable"}
    bad = admin("POST", "/config/criteria", json={"purpose": "qualification", "framework": "Reachable",
                                                  "name": "rich", "conditions": [{"field": "email",
                                                                                  "operator": "at_least"}]})
    assert_problem(bad, 422, "VALIDATION_FAILED", "conditions[0].operator")
    assert_problem(admin("DELETE", "/config/criteria/Reachable/has_email"), 409, "CONFIGURATION_INVALID", "name")
    assert admin("DELETE", "/config/criteria/Reachable/has_email", params={"allow_none": "true"}).status_code == 204
    assert_problem(admin("DELETE", "/config/criteria/Reachable/has_email"), 404, "NOT_FOUND")


def test_a_conversion_mapping_of_incompatible_types_is_refused_naming_the_target(admin: Caller) -> None:
    for body in ({"object": "lead", "name": "budget_code", "label": "Budget code", "type": "number"},
                 {"object": "opportunity", "name": "budget_day", "label": "Budget day", "type": "date"},
                 {"object": "opportunity", "name": "budget_note", "label": "Budget note", "type": "text"}):
        assert admin("POST", "/config/custom-fields", json=body).status_code == 201
    refused = admin("POST", "/config/conversion-mappings",
                    json={"source": "lead.budget_code", "target": "opportunity.budget_day"})
    assert_problem(refused, 422, "VALIDATION_FAILED", "target")
    mapped = admin("POST", "/config/conversion-mappings",
                   json={"source": "lead.budget_code", "target": "opportunity.budget_note"})
    assert mapped.status_code == 201, mapped.text
    assert admin("GET", "/config/conversion-mappings").json() == [mapped.json()]
    assert admin("DELETE", f"/config/conversion-mappings/{mapped.json()['id']}").status_code == 204
    assert admin("GET", "/config/conversion-mappings").json() == []


def test_configuration_changes_are_for_admins(client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    rep = Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, "rep@example.com")))
    assert rep("GET", "/config/status-transitions").status_code == 200
    for method, path, body in [
        ("POST", "/config/status-transitions", {"from": "Open", "to": "Unqualified"}),
        ("POST", "/config/status-transitions/reset", None),
        ("POST", "/config/reasons", {"kind": "lead_unqualified", "label": "Mine"}),
        ("PATCH", "/config/reasons/lead_unqualified/Duplicate", {"is_active": False}),
        ("POST", "/config/criteria/use", {"framework": "BANT"}),
        ("DELETE", "/config/criteria/BANT/budget", None),
        ("POST", "/config/conversion-mappings", {"source": "lead.x", "target": "contact.y"}),
    ]:
        assert_problem(rep(method, path, json=body), 403, "PERMISSION_DENIED")


def test_a_move_to_a_status_another_worker_just_deleted_is_a_409_that_changes_nothing(
        ctx: ServiceContext, engine: Any, admin_id: int) -> None:
    """The status change row is a Core insert on the session's connection; its broken foreign key
    is a CONFLICT problem, not a 500. This worker's cache (up to a second old) still offers the status."""
    stale = dataclasses.replace(ctx, cache=ConfigCache(clock=lambda: 0.0))
    with TestClient(make_app(stale, engine)) as client:
        admin = Caller(client, token_for(stale, admin_id, admin_id))
        assert admin("POST", "/config/statuses", json={"label": "Parked", "kind": "unqualified"}).status_code == 201
        lead = lead_in(admin, "Contacted")
        delete_status(dataclasses.replace(ctx, cache=ConfigCache()), admin_id, "Parked")
        refused = admin("POST", f"/leads/{lead['id']}/status", json={"status": "Parked", "reason": "No budget"})
        assert_problem(refused, 409, "CONFLICT")
        after = admin("GET", f"/leads/{lead['id']}")
        assert (after.json()["status"], after.headers["etag"]) == ("Contacted", '"v2"')
        assert [h["to"] for h in admin("GET", f"/leads/{lead['id']}/status-history").json()] == ["Open", "Contacted"]
        assert [c["field"] for c in admin("GET", f"/leads/{lead['id']}/history").json()].count("status") == 1
