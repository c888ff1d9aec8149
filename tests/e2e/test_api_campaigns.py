"""Campaigns and assignment through HTTP: creates with idempotency keys, validation naming the
field, a lead's campaign_id in GET and the list filter, the report, the rule set, a simulation
and /leads/assign."""

from __future__ import annotations

from tests.e2e.api_support import Caller
from tests.e2e.test_api import assert_problem


def test_campaigns_members_report_and_a_leads_campaign_through_the_api(admin: Caller) -> None:
    body = {"name": "Spring webinar", "type": "webinar", "budget_amount": "5000", "actual_cost_amount": "1000"}
    created = admin("POST", "/campaigns", json=body, headers={"Idempotency-Key": "c-1"})
    assert created.status_code == 201, created.text
    again = admin("POST", "/campaigns", json=body, headers={"Idempotency-Key": "c-1"})
    assert again.json()["id"] == created.json()["id"]
    campaign = created.json()["id"]
    assert [c["id"] for c in admin("GET", "/campaigns").json()] == [campaign]
    assert_problem(admin("POST", "/campaigns", json={"name": "Odd", "type": "pigeon"}), 422, "VALIDATION_FAILED",
                   "type")
    assert_problem(admin("PATCH", f"/campaigns/{campaign}", json={"parent": campaign}), 422, "VALIDATION_FAILED",
                   "parent")
    lead = admin("POST", "/leads", json={"last_name": "Hopper", "company": "Navy", "campaign_id": campaign})
    assert lead.status_code == 201, lead.text
    assert admin("GET", f"/leads/{lead.json()['id']}").json()["campaign_id"] == campaign
    other = admin("POST", "/leads", json={"last_name": "Turing", "company": "Bletchley"}).json()["id"]
    listed = admin("GET", f"/leads?campaign={campaign}").json()["items"]
    assert [item["id"] for item in listed] == [lead.json()["id"]]
    assert_problem(admin("POST", "/leads", json={"last_name": "X", "company": "Y", "campaign_id": "99"}), 422,
                   "VALIDATION_FAILED", "campaign_id")
    member = admin("POST", f"/campaigns/{campaign}/members", json={"lead_id": other, "status": "attended"},
                   headers={"Idempotency-Key": "m-1"})
    assert member.status_code == 201, member.text
    assert member.json()["first_responded_at"] is not None
    assert_problem(admin("POST", f"/campaigns/{campaign}/members", json={"lead_id": other, "status": "clicked"}),
                   422, "VALIDATION_FAILED", "status")
    report = admin("GET", f"/campaigns/{campaign}/report").json()
    assert (report["members"], report["leads"], report["cost_per_lead"]) == (2, 1, "1000.00")


def test_assignment_rules_simulation_and_assigning_leads_through_the_api(admin: Caller) -> None:
    reps = [admin("POST", "/users", json={"name": f"Rep {i}", "email": f"rep{i}@example.com"}).json()["id"]
            for i in range(2)]
    group = admin("POST", "/assignment-groups", json={"name": "Pair", "members": [
        {"user": "rep0@example.com"}, {"user": "rep1@example.com", "weight": 1}]}, headers={"Idempotency-Key": "g"})
    assert group.status_code == 201, group.text
    rule = admin("POST", "/assignment-rules", json={"name": "Germany", "criteria": {"country": ["DE"]},
                                                    "group": "Pair"}, headers={"Idempotency-Key": "r-1"})
    assert rule.status_code == 201, rule.text
    assert admin("POST", "/assignment-rules", json={"name": "Germany", "criteria": {"country": ["DE"]},
                                                    "group": "Pair"}, headers={"Idempotency-Key": "r-1"}
                 ).json()["id"] == rule.json()["id"]
    assert_problem(admin("POST", "/assignment-rules", json={"name": "Bad", "criteria": {"colour": ["red"]},
                                                            "user": "rep0@example.com"}),
                   422, "VALIDATION_FAILED", "criteria.colour")
    assert [r["name"] for r in admin("GET", "/assignment-rules").json()["rules"]] == ["Germany"]
    leads = [admin("POST", "/leads", json={"last_name": f"L{i}", "company": "C", "country": "DE"}).json()["id"]
             for i in range(4)]
    simulated = admin("POST", "/assignment-rules/simulate", json={"last": 4})
    assert simulated.status_code == 200, simulated.text
    assert [s["owner_id"] for s in simulated.json()] == [reps[0], reps[1], reps[0], reps[1]]
    assigned = admin("POST", "/leads/assign", json={"lead_ids": leads[:2]})
    assert assigned.status_code == 200, assigned.text
    assert [a["owner_id"] for a in assigned.json()] == reps
    assert assigned.json()[0]["reason"] == "entry 1 'Germany' matched: group 'Pair'"
    assert admin("GET", f"/leads/{leads[0]}").json()["owner_id"] == reps[0]
    [logged] = admin("GET", f"/leads/{leads[0]}/assignments").json()
    assert (logged["owner_id"], logged["details"]["tie_break"]) == (reps[0], "lowest position among equal shares")
    assert_problem(admin("POST", "/leads/assign", json={}), 422, "VALIDATION_FAILED", "lead_ids")
