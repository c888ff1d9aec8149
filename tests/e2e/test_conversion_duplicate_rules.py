"""The duplicate rules at conversion over HTTP (both databases) and on the ``leadline`` command: a
``block`` rule on contacts' e-mail refuses converting a lead into a second contact
(DUPLICATE_BLOCKED on ``duplicate_override_reason``) until a reason is given, alone and in bulk."""

from __future__ import annotations

from tests.e2e.api_support import Caller
from tests.e2e.conftest import Cli
from tests.e2e.test_api import assert_problem
from tests.e2e.test_cli_workflow import init, refused

BODY = {"qualification_override_reason": "met at a trade show", "opportunity": "none"}
HANK = {"last_name": "Scorpio", "company": "Globex", "email": "hank@globex.example"}


def test_a_blocking_contact_rule_refuses_a_conversion_over_http_until_a_reason_is_given(admin: Caller) -> None:
    first = admin("POST", "/leads", json=HANK).json()["id"]
    assert admin("POST", f"/leads/{first}/convert", json=BODY).status_code == 201
    assert admin("PUT", "/duplicate-rules/contact/email", json={"action": "block"}).status_code == 200
    leads = [admin("POST", "/leads", json=HANK).json()["id"] for _ in range(2)]

    assert_problem(admin("POST", f"/leads/{leads[0]}/convert", json=BODY), 409, "DUPLICATE_BLOCKED",
                   "duplicate_override_reason")
    bulk = admin("POST", "/leads/convert", json={**BODY, "lead_ids": leads}).json()
    assert [i["code"] for i in bulk["items"]] == ["DUPLICATE_BLOCKED", "DUPLICATE_BLOCKED"]

    kept = admin("POST", f"/leads/{leads[0]}/convert", json={**BODY, "duplicate_override_reason": "his twin"})
    assert kept.status_code == 201, kept.text
    history = admin("GET", f"/leads/{leads[0]}/history").json()
    assert next(h for h in history if h["field"] == "duplicate_override")["new_value"] == "his twin"
    bulk = admin("POST", "/leads/convert", json={**BODY, "lead_ids": [leads[1]],
                                                 "duplicate_override_reason": "his twin"}).json()
    assert [i["ok"] for i in bulk["items"]] == [True]


def test_the_command_converts_past_a_blocking_rule_only_with_a_reason(cli: Cli) -> None:
    init(cli)
    add = ("lead", "add", "--last-name", "Scorpio", "--company", "Globex", "--email", "hank@globex.example", "--json")
    convert = ("--qualification-override-reason", "met at a trade show", "--opportunity", "none")
    cli("lead", "convert", cli(*add).json()["id"], *convert)
    cli("duplicates", "rules", "--kind", "contact", "--match", "email", "--action", "block")
    second = cli(*add).json()["id"]  # the lead rules only warn

    refused(cli("lead", "convert", second, *convert, ok=False), 4, "duplicate_override_reason", "DUPLICATE_BLOCKED")
    done = cli("lead", "convert", second, *convert, "--duplicate-override-reason", "his twin", "--json").json()
    assert done["contact_id"]
