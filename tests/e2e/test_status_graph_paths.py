"""The status graph's holes, closed on the command line and over HTTP: a qualified lead moves on,
a status an admin adds is reachable from its kind-mates and listed with its kind, repeating a
status changes the reason or is refused, and "read-only" means converted on every path."""

from __future__ import annotations

from typing import Any

from tests.e2e.api_support import Caller
from tests.e2e.conftest import Cli
from tests.e2e.test_api import assert_problem
from tests.e2e.test_cli_workflow import SALE, add_lead, refused

READY_API = {"budget_amount": "5000", "title": "CEO", "purchase_timeframe": "2026-05-31",
             "products": [{"product": "Widget", "quantity": "2"}]}


def test_cli_a_qualified_lead_moves_on_a_new_status_joins_its_kind_and_a_repeat_changes_the_reason(
        ready_cli: Cli) -> None:
    cli = ready_cli
    cli("status", "add", "Nurturing", "--kind", "working")
    assert [s["label"] for s in cli("status", "list", "--json").json()] == [
        "Open", "Contacted", "Nurturing", "Qualified", "Unqualified", "Converted"]
    lead = add_lead(cli, "--company", "Navy", "--title", "CEO", *SALE)
    cli("lead", "status", lead, "Contacted")
    cli("lead", "status", lead, "Nurturing")
    cli("lead", "status", lead, "Contacted")
    refused(cli("lead", "status", lead, "Contacted", ok=False), 4, "status", "STATUS_UNCHANGED")
    cli("lead", "qualify", lead)
    shown = cli("lead", "status", lead).out
    assert "may move to: Contacted, Nurturing, Unqualified" in shown and "read-only" not in shown
    cli("lead", "status", lead, "Unqualified", "--reason", "No budget")
    cli("lead", "status", lead, "Unqualified", "--reason", "Bad timing")
    refused(cli("lead", "status", lead, "Unqualified", "--reason", "Bad timing", ok=False), 4, "status",
            "STATUS_UNCHANGED")
    history = cli("lead", "status-history", lead, "--json").json()
    assert [(h["from"], h["to"], h["reason"]) for h in history[-2:]] == [
        ("Qualified", "Unqualified", "No budget"), ("Unqualified", "Unqualified", "Bad timing")]


def test_cli_lead_status_and_lead_update_agree_on_read_only(ready_cli: Cli) -> None:
    cli = ready_cli
    lead = add_lead(cli, "--company", "Navy", *SALE)
    cli("workflow", "forbid", "Open", "Contacted")
    shown = cli("lead", "status", lead)
    assert "read-only" not in shown.out and "allows no move" in shown.out
    assert cli("lead", "status", lead, "--json").json()["read_only"] is False
    cli("lead", "update", lead, "--title", "CTO")
    cli("lead", "convert", lead, "--opportunity", "none", "--qualification-override-reason", "met at the fair")
    assert "read-only" in cli("lead", "status", lead).out
    assert cli("lead", "status", lead, "--json").json()["read_only"] is True
    refused(cli("lead", "update", lead, "--title", "CEO", ok=False), 4, "lead", "LEAD_READ_ONLY")


def _lead(admin: Caller, **values: Any) -> dict[str, Any]:
    created = admin("POST", "/leads", json={"last_name": "Lovelace", "company": "Engines", **values})
    assert created.status_code == 201, created.text
    return dict(created.json())


def _move(admin: Caller, lead: dict[str, Any], status: str, **body: Any) -> Any:
    return admin("POST", f"/leads/{lead['id']}/status", json={"status": status, **body})


def test_api_the_same_holes_are_closed(admin: Caller) -> None:
    assert admin("POST", "/config/statuses", json={"label": "Nurturing", "kind": "working"}).status_code == 201
    assert [s["label"] for s in admin("GET", "/config/statuses").json()] == [
        "Open", "Contacted", "Nurturing", "Qualified", "Unqualified", "Converted"]
    lead = _lead(admin, **READY_API)
    for status in ("Contacted", "Nurturing", "Qualified", "Unqualified"):
        assert _move(admin, lead, status, **({"reason": "No need"} if status == "Unqualified" else {})
                     ).status_code == 200, status
    assert _move(admin, lead, "Unqualified", reason="Bad timing").status_code == 200
    assert admin("GET", f"/leads/{lead['id']}/status-history").json()[-1]["reason"] == "Bad timing"
    assert_problem(_move(admin, lead, "Unqualified", reason="Bad timing"), 409, "STATUS_UNCHANGED", "status")
    options = admin("GET", f"/leads/{lead['id']}/status-options").json()
    assert (options["read_only"], options["next"]) == (False, ["Open"])
