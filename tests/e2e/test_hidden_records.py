"""Over HTTP, on both databases: under mixed sharing (accounts public, contacts and opportunities
private) a record a rep may not read does not exist for them. What a probe found is closed: the
conversion preview's open opportunities, converting into the account that holds a hidden contact
with the lead's e-mail, the account's activities, and deleting that account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.test_api import assert_problem

REP, OTHER = "rep@example.com", "other@example.com"
HANK = {"last_name": "Simpson", "company": "Acme", "website": "acme.example", "email": "hank@acme.example"}
OVERRIDES = {"qualification_override_reason": "met at a trade show", "override_reason": "a clear sale"}


@dataclass
class Mixed:
    admin: Caller
    rep: Caller
    other: Caller
    account: str
    contact: str
    opportunity: str
    note: str

    def assert_untold(self, response: Any) -> None:
        for secret in (self.contact, self.opportunity, self.note, "Scorpio", "Secret deal", "discount"):
            assert secret not in response.text, response.text


@pytest.fixture
def mixed(client: TestClient[Any], ctx: ServiceContext, admin_id: int, admin: Caller) -> Mixed:
    for kind, access in (("account", "public_read_write"), ("contact", "private"), ("opportunity", "private")):
        assert admin("PATCH", f"/config/sharing/{kind}", json={"access": access}).status_code == 200
    rep, other = (Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, e))) for e in (REP, OTHER))
    account = other("POST", "/accounts", json={"name": "Acme", "website": "acme.example"}).json()["id"]
    contact = other("POST", "/contacts", json={"account_id": account, "last_name": "Scorpio",
                                               "email": "hank@acme.example"}).json()["id"]
    opportunity = other("POST", "/opportunities", json={"account_id": account, "name": "Secret deal",
                                                        "amount": "5000"}).json()["id"]
    note = other("POST", "/activities", json={
        "kind": "note", "subject": "Hank wants a discount",
        "links": [{"record_type": "account", "record_id": account},
                  {"record_type": "opportunity", "record_id": opportunity}]}).json()["id"]
    return Mixed(admin, rep, other, account, contact, opportunity, note)


def test_the_preview_lists_only_opportunities_the_rep_may_read(mixed: Mixed) -> None:
    lead = mixed.rep("POST", "/leads", json=HANK).json()["id"]

    preview = mixed.rep("GET", f"/leads/{lead}/convert-preview")

    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert [a["id"] for a in body["accounts"]] == [mixed.account]
    assert body["open_opportunities"] == {mixed.account: []}
    assert [h["record_type"] for h in body["hidden"]] == ["contact"]
    mixed.assert_untold(preview)


def test_converting_into_the_account_is_duplicate_hidden_never_a_not_found_naming_the_contact(mixed: Mixed) -> None:
    lead = mixed.rep("POST", "/leads", json=HANK).json()["id"]
    into = {**OVERRIDES, "account_id": mixed.account, "opportunity": "none"}

    refused = mixed.rep("POST", f"/leads/{lead}/convert", json=into)

    assert_problem(refused, 409, "DUPLICATE_HIDDEN", "contact")
    mixed.assert_untold(refused)
    converted = mixed.rep("POST", f"/leads/{lead}/convert", json={**into, "confirm_separate": True})
    assert converted.status_code == 201, converted.text
    assert converted.json()["account_id"] == mixed.account and converted.json()["created"] == ["contact"]
    mixed.assert_untold(converted)


def test_the_accounts_activities_leave_out_a_note_on_a_hidden_opportunity(mixed: Mixed) -> None:
    call = mixed.other("POST", "/activities", json={"kind": "call", "subject": "Switchboard", "links": [
        {"record_type": "account", "record_id": mixed.account}]}).json()["id"]

    seen = mixed.rep("GET", f"/accounts/{mixed.account}/activities")

    assert seen.status_code == 200 and [a["id"] for a in seen.json()] == [call]
    mixed.assert_untold(seen)
    assert {a["id"] for a in mixed.other("GET", f"/accounts/{mixed.account}/activities").json()} == {call, mixed.note}
    assert_problem(mixed.rep("POST", f"/activities/{mixed.note}/complete"), 404, "NOT_FOUND")


def test_deleting_the_account_is_refused_without_naming_what_the_rep_may_not_see(mixed: Mixed) -> None:
    refused = mixed.rep("DELETE", f"/accounts/{mixed.account}")

    assert_problem(refused, 409, "CONFLICT", "account")
    assert "not shared with you" in refused.text and "contacts" not in refused.text
    mixed.assert_untold(refused)
    assert mixed.rep("GET", f"/accounts/{mixed.account}").status_code == 200


def test_lineage_lead_history_and_contact_roles_show_only_readable_records(mixed: Mixed) -> None:
    lead = mixed.rep("POST", "/leads", json={**HANK, "email": "lee@acme.example"}).json()["id"]
    converted = mixed.admin("POST", f"/leads/{lead}/convert", json={
        **OVERRIDES, "account_id": mixed.account, "owner": OTHER}).json()  # the rep keeps the lead
    own = mixed.rep("POST", "/opportunities", json={"account_id": mixed.account, "name": "Mine"}).json()["id"]
    mixed.admin("POST", f"/opportunities/{own}/contact-roles", json={"contact_id": mixed.contact, "role": "other"})
    made = (converted["contact_id"], converted["opportunity_id"])

    lineage = mixed.rep("GET", f"/leads/{lead}/lineage")
    shown = mixed.rep("GET", f"/leads/{lead}")
    history = mixed.rep("GET", f"/leads/{lead}/history")
    roles = mixed.rep("GET", f"/opportunities/{own}/contact-roles")

    assert (lineage.json()["account_id"], lineage.json()["contact_id"], lineage.json()["opportunity_ids"]) == (
        mixed.account, None, [])
    assert shown.json()["converted_at"] is not None
    assert shown.json()["converted_account_id"] == mixed.account and shown.json()["converted_contact_id"] is None
    assert roles.status_code == 200 and roles.json() == []
    for response in (lineage, shown, history, roles):
        assert response.status_code == 200, response.text
        assert not any(secret in response.text for secret in made), response.text
        mixed.assert_untold(response)
    whole = mixed.admin("GET", f"/leads/{lead}/lineage").json()
    assert (whole["contact_id"], whole["opportunity_ids"]) == made[:1] + ([made[1]],)


def test_an_opportunity_never_names_the_lead_it_came_from_to_a_rep_who_may_not_read_it(mixed: Mixed) -> None:
    for kind, access in (("lead", "private"), ("opportunity", "public_read_write")):
        assert mixed.admin("PATCH", f"/config/sharing/{kind}", json={"access": access}).status_code == 200
    lead = mixed.other("POST", "/leads", json={"last_name": "Bolt", "company": "Bolt", "email": "bo@bolt.example"})
    deal = mixed.other("POST", f"/leads/{lead.json()['id']}/convert", json=OVERRIDES).json()["opportunity_id"]

    answers = [mixed.rep("GET", f"/opportunities/{deal}"), mixed.rep("GET", "/opportunities?limit=200"),
               mixed.rep("PATCH", f"/opportunities/{deal}", json={"next_step": "call"})]

    for response in answers:
        assert response.status_code == 200, response.text
        assert lead.json()["id"] not in response.text, response.text
    assert answers[0].json()["originating_lead_id"] is None
    assert mixed.other("GET", f"/opportunities/{deal}").json()["originating_lead_id"] == lead.json()["id"]
