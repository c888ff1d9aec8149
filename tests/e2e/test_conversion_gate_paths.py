"""The qualification gate of conversion on the command line and over HTTP: a lead that is not
qualified converts with its criteria met or a written override (kept), a lead kept for nurturing
needs neither, bulk calls follow the same rule, and an admin turns the gate off and on."""

from __future__ import annotations

from typing import Any

from tests.e2e.api_support import Caller
from tests.e2e.conftest import Cli
from tests.e2e.test_api import assert_problem
from tests.e2e.test_cli_workflow import SALE, add_lead, refused

WHY = "met the CFO at the trade show"
#: meets the opportunity criteria but not BANT's authority (no title, not a decision maker)
UNDECIDED = {"last_name": "Hopper", "company": "Navy", "budget_amount": "12000", "purchase_timeframe": "2026-06-30",
             "products": [{"product": "Widget", "quantity": "1"}]}


def test_cli_an_open_lead_needs_its_criteria_or_an_override_unless_nurtured_or_the_gate_is_off(
        ready_cli: Cli) -> None:
    cli = ready_cli
    lead = add_lead(cli, "--company", "Navy", *SALE)
    lines = refused(cli("lead", "convert", lead, ok=False), 4, "qualification_override_reason", "CRITERIA_NOT_MET")
    assert "converting a lead that is not qualified" in lines[0]
    assert lines[1:] == ["  criteria.authority: is_decision_maker is not yes and title is not known"]
    bulk = cli("lead", "convert", lead, add_lead(cli, "--company", "Navy", *SALE), "--json", ok=False).json()
    assert [i["code"] for i in bulk["items"]] == ["CRITERIA_NOT_MET", "CRITERIA_NOT_MET"]  # type: ignore[index]
    done = cli("lead", "convert", lead, "--qualification-override-reason", WHY)
    assert any(line.split() == ["qualification", "override", *WHY.split()] for line in done.out.splitlines())
    assert cli("lead", "status-history", lead, "--json").json()[-1]["override_reason"] == WHY  # type: ignore[index]

    nurtured = add_lead(cli, "--company", "Navy")
    cli("lead", "convert", nurtured, "--opportunity", "none", "--nurture-reason", "Bad timing")

    assert cli("workflow", "conversion-gate", "--json").json() == {"enabled": True}
    assert "off" in cli("workflow", "conversion-gate", "off").out
    assert cli("lead", "convert", add_lead(cli, "--company", "Navy", *SALE), "--json").json()[
        "qualification_override_reason"] is None  # type: ignore[index]
    cli("workflow", "conversion-gate", "on")
    refused(cli("workflow", "conversion-gate", "maybe", ok=False), 2, "enabled", "VALIDATION_FAILED")


def test_api_the_gate_on_single_and_bulk_conversion_and_its_setting(admin: Caller) -> None:
    def lead(**values: Any) -> str:
        created = admin("POST", "/leads", json={**UNDECIDED, **values})
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    first = lead()
    refused = admin("POST", f"/leads/{first}/convert", json={})
    assert_problem(refused, 409, "CRITERIA_NOT_MET", "qualification_override_reason")
    assert "criteria.authority" in {e["field"] for e in refused.json()["errors"]}
    done = admin("POST", f"/leads/{first}/convert", json={"qualification_override_reason": WHY})
    assert done.status_code == 201 and done.json()["qualification_override_reason"] == WHY
    assert ("qualification_override", None, WHY) in [
        (c["field"], c["old_value"], c["new_value"]) for c in admin("GET", f"/leads/{first}/history").json()]

    ids = [lead(), lead(title="CEO")]
    bulk = admin("POST", "/leads/convert", json={"lead_ids": ids}).json()
    assert [(i["ok"], i.get("code")) for i in bulk["items"]] == [(False, "CRITERIA_NOT_MET"), (True, None)]

    assert admin("GET", "/config/conversion-gate").json() == {"enabled": True}
    assert admin("PUT", "/config/conversion-gate", json={"enabled": False}).json() == {"enabled": False}
    assert admin("POST", f"/leads/{ids[0]}/convert", json={}).status_code == 201
    assert_problem(admin("PUT", "/config/conversion-gate", json={"enabled": "maybe"}), 422, "VALIDATION_FAILED")
