"""Object rights on every transport, on SQLite and PostgreSQL: the API (read by anyone, changed by
admins; a refusal is 403 ``PERMISSION_DENIED`` naming the right), the web pages over HTTP (the
"New ..." link and the edit form hidden, the post still refused), ``leadline role`` and the
Salesforce-compatible API (create and convertLead)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.security.rights import set_object_right
from tests.e2e import test_salesforce_api as shared
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.conftest import Cli, misreported
from tests.e2e.test_web_record_create import post
from tests.e2e.web_support import signed_in_client

base, sf, session_to = shared.base, shared.sf, shared.session_to  # the served app and the signed-in client


def test_the_api_shows_the_rights_to_anyone_lets_admins_change_them_and_refuses_with_403(
        client: Any, admin: Caller, ctx: ServiceContext, admin_id: int) -> None:
    rep = Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, "sam@example.com")))
    shown = rep("GET", "/config/object-rights")
    assert shown.status_code == 200 and shown.json()["rep"]["account"] == {"create": True, "edit": True,
                                                                            "delete": True}
    assert rep("PATCH", "/config/object-rights/rep/account/create", json={"granted": True}).status_code == 403
    admins = admin("PATCH", "/config/object-rights/admin/account/create", json={"granted": False})
    assert (admins.status_code, admins.json()["code"]) == (409, "CONFIGURATION_INVALID")

    changed = admin("PATCH", "/config/object-rights/rep/account/create", json={"granted": False})

    assert changed.status_code == 200 and changed.json()["rep"]["account"]["create"] is False
    refused = rep("POST", "/accounts", json={"name": "Acme"})
    assert refused.status_code == 403
    assert (refused.json()["code"], refused.json()["detail"]) == ("PERMISSION_DENIED",
                                                                 "account: reps may not create accounts")
    assert rep("POST", "/leads", json={"last_name": "Lee", "company": "Acme"}).status_code == 201
    assert admin("POST", "/accounts", json={"name": "Acme"}).status_code == 201


def test_the_web_pages_hide_what_the_role_may_not_do_and_refuse_it_all_the_same(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    sam = add_rep(ctx, admin_id, "sam@example.com")
    account = records.create_account(ctx, sam, {"name": "Acme"}).id
    set_object_right(ctx, admin_id, "rep", "create", "account", False)
    set_object_right(ctx, admin_id, "rep", "edit", "account", False)
    with signed_in_client(ctx, engine, sam) as web:
        assert 'href="/accounts/new"' not in web.get("/accounts").text
        assert 'href="/leads/new"' in web.get("/leads").text
        page = web.get(f"/accounts/{account}").text
        assert "Edit the account" not in page and "New contact" in page
        created = post(web, "/accounts/new", {"name": "Globex"})
        assert created.status_code == 403 and "reps may not create accounts" in created.text  # as the API
    with signed_in_client(ctx, engine, admin_id) as web:
        assert 'href="/accounts/new"' in web.get("/accounts").text
        assert "Edit the account" in web.get(f"/accounts/{account}").text


def test_the_role_command_lists_grants_and_revokes(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    cli("user", "add", "--email", "sam@example.com", "--name", "Sam", "--role", "rep")
    assert cli("role", "rights", "--json").json()["rep"]["opportunity"]["delete"] is True  # type: ignore[index]

    revoked = cli("role", "revoke", "rep", "create", "accounts")

    assert "Object rights" in revoked.out
    assert cli("role", "rights", "--json").json()["rep"]["account"]["create"] is False  # type: ignore[index]
    cases = [
        (["account", "add", "--name", "Acme", "--as", "sam@example.com"], 5, "account"),
        (["role", "revoke", "admin", "delete", "lead"], 1, "role"),
        (["role", "grant", "rep", "read", "lead"], 2, "action"),
        (["role", "grant", "rep", "create", "product"], 2, "object"),
        (["role", "grant", "rep", "create", "account", "--as", "sam@example.com"], 5, "actor"),
    ]
    assert misreported(cli, cases) == []
    assert "reps may not create accounts" in cli(*cases[0][0], ok=False).err
    cli("role", "grant", "rep", "create", "account")
    assert cli("account", "add", "--name", "Acme", "--as", "sam@example.com", "--json").json()["name"] == "Acme"  # type: ignore[index]


def _as_rep(base: str, ctx: ServiceContext, admin_id: int) -> Salesforce:
    sam = add_rep(ctx, admin_id, "sam@example.com")
    return Salesforce(session_id=token_for(ctx, admin_id, sam), instance_url=base.replace("http:", "https:"),
                      session=session_to(base))


def test_the_salesforce_api_refuses_a_create_and_a_conversion_the_role_may_not_make(
        base: str, ctx: ServiceContext, admin_id: int) -> None:
    rep = _as_rep(base, ctx, admin_id)
    lead = rep.Lead.create({"LastName": "Lee", "Company": "Convert Co"})["id"]
    set_object_right(ctx, admin_id, "rep", "create", "opportunity", False)
    with pytest.raises(SalesforceError) as caught:
        rep.Opportunity.create({"Name": "Deal", "AccountId": rep.Account.create({"Name": "Acme"})["id"],
                                "CloseDate": "2026-06-30", "StageName": "Prospecting"})
    assert caught.value.status == 403
    assert caught.value.content[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    assert "reps may not create opportunities" in caught.value.content[0]["message"]
    inputs = [{"leadId": lead, "qualificationOverrideReason": "met at the fair", "overrideReason": "met at the fair"}]
    with pytest.raises(SalesforceError) as refused:
        rep.restful("actions/standard/convertLead", method="POST", data=json.dumps({"inputs": inputs}))
    assert "reps may not create opportunities" in json.dumps(refused.value.content)
    without = [{**inputs[0], "doNotCreateOpportunity": True}]
    done = rep.restful("actions/standard/convertLead", method="POST", data=json.dumps({"inputs": without}))
    assert done[0]["isSuccess"] is True


def test_a_lead_still_created_by_a_rep_after_a_revoked_edit_is_theirs_to_read_not_change(
        client: Any, admin: Caller, ctx: ServiceContext, admin_id: int) -> None:
    sam = add_rep(ctx, admin_id, "sam@example.com")
    rep = Caller(client, token_for(ctx, admin_id, sam))
    lead = create_lead(ctx, sam, {"last_name": "Lee", "company": "Acme"}).lead.id
    assert admin("PATCH", "/config/object-rights/rep/lead/edit", json={"granted": False}).status_code == 200
    assert rep("GET", f"/leads/{lead}").status_code == 200
    changed = rep("PATCH", f"/leads/{lead}", json={"title": "CTO"})
    assert (changed.status_code, changed.json()["detail"]) == (403, "lead: reps may not edit leads")
    deleted = rep("DELETE", f"/leads/{lead}")
    assert (deleted.status_code, deleted.json()["detail"]) == (403, "lead: reps may not edit leads")
