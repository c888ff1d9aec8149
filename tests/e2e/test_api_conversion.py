"""Lead conversion through HTTP, on both databases: the matrix of choices, idempotent retries,
the preview, undo (and a refused undo), further opportunities, bulk conversion in both modes,
and record-level security."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import delete

from leadline.persistence.rows import IdempotencyKeyRow
from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.test_api import assert_problem

WIDGET = {"product": "Widget", "quantity": "3", "estimated_unit_price": "1000"}
GADGET = {"product": "Gadget", "quantity": "2", "estimated_unit_price": "500"}
LEAD = {"first_name": "Grace", "last_name": "Hopper", "company": "Navy Computing", "email": "grace@navy.example",
        "website": "navy.example", "budget_amount": "12000", "purchase_timeframe": "2026-06-30",
        "is_decision_maker": True}  # meets BANT: an Open lead converts without a qualification override


@pytest.fixture
def admin(admin: Caller) -> Caller:
    """The admin, with Widget and Gadget in the product catalogue."""
    for name in ("Widget", "Gadget"):
        assert admin("POST", "/products", json={"name": name}).status_code == 201
    return admin


def new_lead(caller: Caller, products: list[dict[str, str]] | None = None, **values: Any) -> str:
    created = caller("POST", "/leads", json={**LEAD, "products": [WIDGET] if products is None else products,
                                             **values})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def count(caller: Caller, kind: str, **params: Any) -> int:
    return len(caller("GET", f"/{kind}", params={"limit": 500, **params}).json()["items"])


def counts(caller: Caller) -> tuple[int, int, int]:
    return count(caller, "accounts"), count(caller, "contacts"), count(caller, "opportunities")


def convert(caller: Caller, lead_id: str, expected: int = 201, **body: Any) -> dict[str, Any]:
    response = caller("POST", f"/leads/{lead_id}/convert", json=body)
    assert response.status_code == expected, response.text
    return dict(response.json())


@pytest.mark.parametrize("account", ["new", "existing"])
@pytest.mark.parametrize("contact", ["new", "same e-mail"])
@pytest.mark.parametrize("opportunity", ["create", "attach", "none"])
def test_the_conversion_matrix(admin: Caller, account: str, contact: str, opportunity: str) -> None:
    account_id = deal_id = contact_id = None
    if account == "existing" or contact == "same e-mail" or opportunity == "attach":
        account_id = admin("POST", "/accounts", json={"name": "Navy Computing Inc."}).json()["id"]
    if contact == "same e-mail":
        contact_id = admin("POST", "/contacts", json={"account_id": account_id, "last_name": "Hopper",
                                                      "email": "GRACE@navy.example"}).json()["id"]
    if opportunity == "attach":
        deal_id = admin("POST", "/opportunities", json={"account_id": account_id, "name": "Open deal"}).json()["id"]
    before = counts(admin)
    lead_id = new_lead(admin)
    body = {"account_id": account_id, "opportunity": opportunity, "opportunity_id": deal_id}
    result = convert(admin, lead_id, **{k: v for k, v in body.items() if v is not None})

    made = (account_id is None, contact_id is None, opportunity == "create")
    assert counts(admin) == tuple(b + m for b, m in zip(before, made, strict=True))
    assert ("account" in result["created"]) is made[0] and ("account" in result["attached"]) is not made[0]
    assert ("contact" in result["created"]) is made[1] and ("contact" in result["attached"]) is not made[1]
    assert result["account_id"] == (account_id or result["account_id"])
    assert result["contact_id"] == (contact_id or result["contact_id"])
    assert result["opportunity_id"] == {"create": result["opportunity_id"], "attach": deal_id, "none": None}[
        opportunity]
    if opportunity == "attach":
        roles = admin("GET", f"/opportunities/{deal_id}/contact-roles").json()
        assert result["contact_id"] in [r["contact_id"] for r in roles]
    lead = admin("GET", f"/leads/{lead_id}").json()
    assert (lead["status"], lead["converted_account_id"]) == ("Converted", result["account_id"])
    assert_problem(admin("PATCH", f"/leads/{lead_id}", json={"title": "x"}), 409, "LEAD_READ_ONLY")


def test_one_opportunity_per_product_and_the_published_create_opportunity_flag(admin: Caller) -> None:
    per_product = convert(admin, new_lead(admin, [WIDGET, GADGET]), one_per_product=True)
    assert len(per_product["opportunity_ids"]) == 2 and per_product["skipped"] == []
    lineage = admin("GET", f"/leads/{per_product['lead_id']}/lineage").json()
    assert sorted(lineage["opportunity_ids"]) == sorted(per_product["opportunity_ids"])
    legacy = convert(admin, new_lead(admin, email="other@navy.example"), create_opportunity=False)
    assert (legacy["opportunity_id"], legacy["opportunity_ids"]) == (None, [])
    contradiction = admin("POST", f"/leads/{new_lead(admin)}/convert",
                          json={"create_opportunity": False, "opportunity": "create"})
    assert_problem(contradiction, 422, "VALIDATION_FAILED", "create_opportunity")
    assert_problem(admin("POST", f"/leads/{new_lead(admin)}/convert", json={"opportunity": "attach"}), 422,
                   "VALIDATION_FAILED", "opportunity_id")


def test_a_new_opportunity_needs_its_criteria_or_an_override(admin: Caller) -> None:
    lead_id = new_lead(admin, [], budget_amount=None)
    refused = admin("POST", f"/leads/{lead_id}/convert", json={})
    assert_problem(refused, 409, "CRITERIA_NOT_MET")
    assert {"criteria.product_interest", "criteria.budget"} <= {e["field"] for e in refused.json()["errors"]}
    assert admin("GET", f"/leads/{lead_id}").json()["converted_at"] is None
    done = convert(admin, lead_id, override_reason="Verbal commitment",
                   qualification_override_reason="Verbal commitment")  # not qualified either
    assert done["override_reason"] == "Verbal commitment" and done["opportunity_id"] is not None
    # kept where an auditor looks: the lineage, the lead's audit and its status history
    assert admin("GET", f"/leads/{lead_id}/lineage").json()["override_reason"] == "Verbal commitment"
    assert ("opportunity_override", None, "Verbal commitment") in [
        (c["field"], c["old_value"], c["new_value"]) for c in admin("GET", f"/leads/{lead_id}/history").json()]
    assert admin("GET", f"/leads/{lead_id}/status-history").json()[-1]["override_reason"] == "Verbal commitment"
    met = convert(admin, new_lead(admin))  # the criteria met: nothing overridden
    assert met["override_reason"] is None
    assert admin("GET", f"/leads/{met['lead_id']}/lineage").json()["override_reason"] is None


def test_a_retried_conversion_returns_the_first_result_and_creates_nothing(
    admin: Caller, ctx: ServiceContext, admin_id: int
) -> None:
    lead_id = new_lead(admin)
    key = {"Idempotency-Key": "convert-1"}
    first = admin("POST", f"/leads/{lead_id}/convert", json={}, headers=key)
    assert first.status_code == 201, first.text
    made = counts(admin)
    again = admin("POST", f"/leads/{lead_id}/convert", json={}, headers=key)
    assert (again.status_code, again.json(), again.headers["idempotent-replayed"]) == (201, first.json(), "true")
    with ctx.uow_factory() as uow:  # the HTTP key gone (purged): the conversion's own record answers the retry
        uow.session.execute(delete(IdempotencyKeyRow).where(IdempotencyKeyRow.key == "convert-1"))
        uow.commit()
    stored = admin("POST", f"/leads/{lead_id}/convert", json={}, headers=key)
    assert (stored.status_code, stored.json(), stored.headers["idempotent-replayed"]) == (200, first.json(), "true")
    assert counts(admin) == made
    assert_problem(admin("POST", f"/leads/{lead_id}/convert", json={}, headers={"Idempotency-Key": "convert-2"}),
                   409, "LEAD_ALREADY_CONVERTED")


def test_the_preview_lists_matching_accounts_and_contacts_with_reasons(admin: Caller) -> None:
    account = admin("POST", "/accounts", json={"name": "Navy Computing, Inc.", "website": "https://navy.example"})
    account_id = account.json()["id"]
    contact_id = admin("POST", "/contacts", json={"account_id": account_id, "last_name": "Hopper",
                                                  "email": "grace@navy.example"}).json()["id"]
    deal_id = admin("POST", "/opportunities", json={"account_id": account_id, "name": "Open"}).json()["id"]
    admin("POST", "/accounts", json={"name": "Army Computing"})
    lead_id = new_lead(admin)
    before = counts(admin)
    preview = admin("GET", f"/leads/{lead_id}/convert-preview").json()
    assert [a["id"] for a in preview["accounts"]] == [account_id]
    assert "same website domain navy.example" in preview["accounts"][0]["reasons"]
    assert any(r.startswith("same company name") for r in preview["accounts"][0]["reasons"])
    assert [(c["id"], c["account_id"]) for c in preview["contacts"]] == [(contact_id, account_id)]
    assert preview["contacts"][0]["reasons"] == ["same e-mail grace@navy.example"]
    assert preview["open_opportunities"] == {account_id: [deal_id]}
    assert preview["opportunity_criteria"]["met"] is True
    assert counts(admin) == before


def test_an_undone_conversion_leaves_the_lead_editable_in_its_previous_status(admin: Caller) -> None:
    lead_id = new_lead(admin)
    admin("POST", f"/leads/{lead_id}/status", json={"status": "Contacted"})
    before = counts(admin)
    result = convert(admin, lead_id)
    undone = admin("POST", f"/leads/{lead_id}/undo-convert")
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "Contacted" and len(undone.json()["removed"]) == 3
    assert counts(admin) == before
    assert_problem(admin("GET", f"/accounts/{result['account_id']}"), 404, "NOT_FOUND")
    lead = admin("GET", f"/leads/{lead_id}").json()
    assert (lead["status"], lead["converted_at"]) == ("Contacted", None)
    assert admin("PATCH", f"/leads/{lead_id}", json={"title": "Admiral"}).status_code == 200
    assert_problem(admin("POST", f"/leads/{lead_id}/undo-convert"), 409, "CONFLICT")


def test_an_undo_is_refused_once_something_was_attached_to_what_it_created(admin: Caller) -> None:
    lead_id = new_lead(admin)
    result = convert(admin, lead_id, opportunity="none")
    admin("POST", "/contacts", json={"account_id": result["account_id"], "last_name": "Newcomer"})
    refused = admin("POST", f"/leads/{lead_id}/undo-convert")
    assert_problem(refused, 409, "UNDO_REFUSED", "lead")
    assert any("contacts added to the account" in e["message"] for e in refused.json()["errors"])
    assert admin("GET", f"/leads/{lead_id}").json()["status"] == "Converted"


def test_a_converted_lead_yields_a_further_opportunity_on_request(admin: Caller) -> None:
    unconverted = new_lead(admin, email="later@navy.example")
    assert_problem(admin("POST", f"/leads/{unconverted}/opportunities", json={}), 409, "CONFLICT")
    lead_id = new_lead(admin, [WIDGET, GADGET])
    first = convert(admin, lead_id)
    assert_problem(admin("POST", f"/leads/{lead_id}/opportunities", json={"products": ["Sprocket"]}), 422,
                   "VALIDATION_FAILED", "products")
    further = admin("POST", f"/leads/{lead_id}/opportunities", json={"products": ["Gadget"], "name": "Gadget add-on"})
    assert further.status_code == 201, further.text
    assert further.headers["location"] == f"/api/v1/opportunities/{further.json()['opportunity_id']}"
    deal = admin("GET", f"/opportunities/{further.json()['opportunity_id']}").json()
    assert (deal["name"], deal["account_id"]) == ("Gadget add-on", first["account_id"])
    assert len(admin("GET", f"/opportunities/{deal['id']}/line-items").json()) == 1
    lineage = admin("GET", f"/leads/{lead_id}/lineage").json()
    assert lineage["opportunity_ids"] == [first["opportunity_id"], deal["id"]]


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_bulk_conversion_with_an_invalid_lead_in_the_middle(admin: Caller, all_or_nothing: bool) -> None:
    first, middle, last = (new_lead(admin, email=f"{n}@navy.example") for n in ("a", "b", "c"))
    convert(admin, middle, opportunity="none")
    before = counts(admin)
    response = admin("POST", "/leads/convert", json={"lead_ids": [first, middle, last],
                                                     "all_or_nothing": all_or_nothing})
    assert response.status_code == 200, response.text
    outcome = response.json()
    items = {i["lead_id"]: i for i in outcome["items"]}
    assert (items[middle]["ok"], items[middle]["code"]) == (False, "LEAD_ALREADY_CONVERTED")
    if all_or_nothing:
        assert (outcome["committed"], outcome["converted"]) == (False, 0)
        assert (items[first]["ok"], items[first]["code"]) == (False, "ROLLED_BACK")
        assert counts(admin) == before
        assert admin("GET", f"/leads/{first}").json()["converted_at"] is None
    else:
        assert (outcome["committed"], outcome["converted"]) == (True, 2)
        assert [i["ok"] for i in outcome["items"]] == [True, False, True] and "result" not in items[middle]
        assert items[last]["result"]["lead_id"] == last
        assert counts(admin) == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_bulk_conversion_by_filter_takes_the_matching_unconverted_leads(admin: Caller) -> None:
    fair = [new_lead(admin, email=f"{n}@navy.example", source="Trade show") for n in ("a", "b")]
    other = new_lead(admin, email="c@navy.example", source="Other")
    outcome = admin("POST", "/leads/convert", json={"filter": {"source": ["Trade show"]}, "opportunity": "none"})
    assert outcome.status_code == 200, outcome.text
    assert sorted(i["lead_id"] for i in outcome.json()["items"]) == sorted(fair)
    assert admin("GET", f"/leads/{other}").json()["converted_at"] is None
    again = admin("POST", "/leads/convert", json={"filter": {"source": ["Trade show"]}, "opportunity": "none"})
    assert again.json() == {"committed": True, "converted": 0, "items": []}
    assert_problem(admin("POST", "/leads/convert", json={"lead_ids": [other], "filter": {}}), 422,
                   "VALIDATION_FAILED", "filter")
    assert_problem(admin("POST", "/leads/convert", json={}), 422, "VALIDATION_FAILED", "lead_ids")


def test_a_rep_cannot_work_or_convert_a_private_lead_of_a_peer(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int
) -> None:
    owner, peer = add_rep(ctx, admin_id, "owner@example.com"), add_rep(ctx, admin_id, "peer@example.com")
    as_owner, as_peer = (Caller(client, token_for(ctx, admin_id, u)) for u in (owner, peer))
    lead_id = new_lead(as_owner, [{"product": "Widget"}])
    for method, path, body in [
        ("POST", f"/leads/{lead_id}/status", {"status": "Contacted"}), ("POST", f"/leads/{lead_id}/qualify", {}),
        ("GET", f"/leads/{lead_id}/qualification", None), ("GET", f"/leads/{lead_id}/status-options", None),
        ("GET", f"/leads/{lead_id}/status-history", None), ("GET", f"/leads/{lead_id}/convert-preview", None),
        ("POST", f"/leads/{lead_id}/convert", {"opportunity": "none"}), ("GET", f"/leads/{lead_id}/lineage", None),
    ]:
        assert_problem(as_peer(method, path, json=body), 404, "NOT_FOUND")
    bulk = as_peer("POST", "/leads/convert", json={"lead_ids": [lead_id], "opportunity": "none"}).json()
    assert [(i["ok"], i["code"]) for i in bulk["items"]] == [(False, "NOT_FOUND")]
    convert(as_owner, lead_id, opportunity="none")
    for path in (f"/leads/{lead_id}/undo-convert", f"/leads/{lead_id}/opportunities"):
        assert_problem(as_peer("POST", path, json={}), 404, "NOT_FOUND")
    assert as_owner("POST", f"/leads/{lead_id}/undo-convert").status_code == 200


def test_the_new_opportunitys_fields_are_set_by_the_convert_call(admin: Caller) -> None:
    lead_id = new_lead(admin, products=[])

    result = convert(admin, lead_id, opportunity_name="Navy pilot", opportunity_amount="9000.5",
                     opportunity_close_date="2026-09-30", opportunity_stage="Needs Analysis",
                     override_reason="A pilot is agreed", qualification_override_reason="Qualified by phone")

    deal = admin("GET", f"/opportunities/{result['opportunity_id']}").json()
    assert (deal["name"], deal["amount"], deal["close_date"], deal["stage"]) == (
        "Navy pilot", "9000.50", "2026-09-30", "Needs Analysis")


@pytest.mark.parametrize(("body", "field"), [
    ({"opportunity_amount": "lots"}, "opportunity_amount"),
    ({"opportunity_stage": "Closed Won"}, "opportunity_stage"),
    ({"opportunity": "none", "opportunity_name": "Navy pilot"}, "opportunity_name"),
    ({"opportunity_amount": "10"}, "opportunity_amount"),  # beside the priced Widget line
])
def test_the_new_opportunitys_fields_refused_convert_nothing(admin: Caller, body: dict[str, str], field: str) -> None:
    lead_id = new_lead(admin, products=None if body.get("opportunity_amount") == "10" else [])
    before = counts(admin)

    response = admin("POST", f"/leads/{lead_id}/convert", json={**body, "override_reason": "A pilot is agreed",
                                                                 "qualification_override_reason": "Qualified by phone"})

    assert_problem(response, 422, "VALIDATION_FAILED", field)
    assert counts(admin) == before
