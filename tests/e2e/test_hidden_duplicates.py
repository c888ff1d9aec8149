"""Duplicates hidden by sharing on the ``leadline`` command and over HTTP, on both databases: a rep's
preview tells of another team's Globex account and contact without their fields, and converting
beside them (one lead or in bulk) is DUPLICATE_HIDDEN until the rep confirms a separate record."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.conftest import Cli
from tests.e2e.test_api import assert_problem
from tests.e2e.test_cli_workflow import init, refused

SAM, OZ = "sam@example.com", "oz@example.com"
OVERRIDE = ("--qualification-override-reason", "met at a trade show")  # the leads are not qualified
BODY = {"qualification_override_reason": "met at a trade show"}
GLOBEX = ["--company", "Globex", "--website", "globex.example", "--email", "hank@globex.example"]


def test_the_command_tells_of_hidden_matches_and_converts_beside_them_only_when_confirmed(cli: Cli) -> None:
    init(cli)
    for email in (SAM, OZ):
        cli("user", "add", "--email", email, "--name", email.split("@")[0])
    theirs = cli("lead", "add", "--last-name", "Scorpio", *GLOBEX, "--owner", OZ, "--json").json()["id"]
    existing = cli("lead", "convert", *OVERRIDE, theirs, "--opportunity", "none", "--json").json()
    mine = [cli("lead", "add", "--last-name", "Simpson", *GLOBEX, "--as", SAM, "--json").json()["id"]
            for _ in range(2)]

    preview = cli("lead", "convert-preview", mine[0], "--as", SAM)
    assert "an account with this website domain globex.example and company name Globex already exists, owned by " \
           "another team" in preview.out and "a contact with this e-mail hank@globex.example" in preview.out
    assert "--confirm-separate" in preview.out and "no existing account matches" not in preview.out
    for secret in (existing["account_id"], existing["contact_id"], "Scorpio", OZ):
        assert secret not in preview.out
    hidden = cli("lead", "convert-preview", mine[0], "--as", SAM, "--json").json()["hidden"]
    assert [h["record_type"] for h in hidden] == ["account", "contact"]

    lines = refused(cli("lead", "convert", *OVERRIDE, mine[0], "--opportunity", "none", "--as", SAM, ok=False), 4,
                    "confirm_separate", "DUPLICATE_HIDDEN")
    assert lines[1].startswith("  account: an account with this website domain globex.example")
    bulk = cli("lead", "convert", *OVERRIDE, *mine, "--opportunity", "none", "--as", SAM, ok=False)
    assert bulk.code == 6 and bulk.out.count("[DUPLICATE_HIDDEN]") == 2
    converted = cli("lead", "convert", *OVERRIDE, mine[0], "--opportunity", "none", "--confirm-separate", "--as",
                    SAM, "--json").json()
    assert converted["created"] == ["account", "contact"] and converted["account_id"] != existing["account_id"]
    # in bulk too (two ids make a bulk call: the second, a lead Sam may not see, fails on its own)
    outcome = cli("lead", "convert", *OVERRIDE, mine[1], theirs, "--opportunity", "none", "--confirm-separate",
                  "--as", SAM, ok=False)
    assert outcome.out.splitlines()[0].startswith(f"converted {mine[1]}")


def test_the_api_tells_of_hidden_matches_and_converts_beside_them_only_when_confirmed(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    rep, other = add_rep(ctx, admin_id, SAM), add_rep(ctx, admin_id, OZ)
    as_rep, as_other = (Caller(client, token_for(ctx, admin_id, u)) for u in (rep, other))
    account = as_other("POST", "/accounts", json={"name": "Globex Corporation", "website": "globex.example"}).json()
    as_other("POST", "/contacts", json={"account_id": account["id"], "last_name": "Scorpio",
                                        "email": "hank@globex.example"})
    leads = [as_rep("POST", "/leads", json={"last_name": "Simpson", "company": "Globex", "website": "globex.example",
                                            "email": "hank@globex.example"}).json()["id"] for _ in range(2)]

    preview = as_rep("GET", f"/leads/{leads[0]}/convert-preview")
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["accounts"] == [] and body["contacts"] == []
    assert [(h["record_type"], h["reasons"]) for h in body["hidden"]] == [
        ("account", ["website domain globex.example", "company name Globex"]),
        ("contact", ["e-mail hank@globex.example"])]
    assert account["id"] not in preview.text and "Corporation" not in preview.text and "Scorpio" not in preview.text

    refusal = as_rep("POST", f"/leads/{leads[0]}/convert", json={**BODY, "opportunity": "none"})
    assert_problem(refusal, 409, "DUPLICATE_HIDDEN", "confirm_separate")
    assert [e["field"] for e in refusal.json()["errors"]] == ["confirm_separate", "account", "contact"]
    assert account["id"] not in refusal.text
    bulk = as_rep("POST", "/leads/convert", json={**BODY, "lead_ids": leads, "opportunity": "none"}).json()
    assert [i["code"] for i in bulk["items"]] == ["DUPLICATE_HIDDEN", "DUPLICATE_HIDDEN"]

    single = as_rep("POST", f"/leads/{leads[0]}/convert",
                    json={**BODY, "opportunity": "none", "confirm_separate": True})
    assert single.status_code == 201 and single.json()["account_id"] != account["id"]
    bulk = as_rep("POST", "/leads/convert", json={**BODY, "lead_ids": [leads[1]], "opportunity": "none",
                                                  "confirm_separate": True}).json()
    assert [i["ok"] for i in bulk["items"]] == [True]
