"""``leadline campaign ...``, ``leadline assignment ...`` and ``leadline lead assign`` through the
command, on both databases: the same use cases as the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Cli


def _json(cli: Cli, *args: str) -> Any:
    return cli(*args, "--json").json()


def test_campaigns_members_report_and_a_leads_campaign_through_the_command(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    spring = _json(cli, "campaign", "add", "--name", "Spring", "--type", "webinar", "--budget", "5000",
                   "--cost", "1000")
    child = _json(cli, "campaign", "add", "--name", "Spring EU", "--type", "webinar", "--parent", spring["id"])
    refused = cli("campaign", "update", spring["id"], "--parent", child["id"], ok=False)
    assert refused.code != 0 and "parent" in refused.err
    lead = _json(cli, "lead", "add", "--last-name", "Hopper", "--company", "Navy", "--campaign", spring["id"])
    assert lead["campaign_id"] == spring["id"]
    other = _json(cli, "lead", "add", "--last-name", "Turing", "--company", "Bletchley")
    cli("campaign", "member", "add", spring["id"], "--lead", other["id"], "--status", "attended")
    assert [row["id"] for row in _json(cli, "lead", "list", "--campaign", spring["id"])] == [lead["id"]]
    assert {c["name"] for c in _json(cli, "campaign", "list")} == {"Spring", "Spring EU"}
    report = _json(cli, "campaign", "report", spring["id"])
    assert (report["figures"]["members"], report["figures"]["leads"], report["cost_per_lead"]) == (2, 1, "1000")
    assert "return on spend" in cli("campaign", "report", spring["id"]).out


def test_assignment_rules_a_simulation_and_assigning_leads_through_the_command(cli: Cli, tmp_path: Path) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    for name in ("anna", "ben"):
        cli("user", "add", "--email", f"{name}@example.com", "--name", name.title())
    cli("assignment", "group", "--name", "Pair", "--member", "anna@example.com", "--member", "ben@example.com:1")
    cli("assignment", "add", "--name", "Germany", "--country", "DE", "--group", "Pair")
    assert "Germany" in cli("assignment", "rules").out
    ids = [_json(cli, "lead", "add", "--last-name", f"L{i}", "--company", "C", "--country", "DE")["id"]
           for i in range(2)]
    draft = tmp_path / "draft.json"
    draft.write_text(json.dumps([{"name": "All to Ben", "criteria": {}, "user": "ben@example.com"}]))
    simulated = _json(cli, "assignment", "simulate", "--last", "2", "--draft", str(draft))
    users = {u["email"]: u["id"] for u in _json(cli, "user", "list")}
    assert [s["owner_id"] for s in simulated] == [users["ben@example.com"]] * 2
    done = _json(cli, "lead", "assign", *ids)
    assert [d["owner_id"] for d in done] == [users["anna@example.com"], users["ben@example.com"]]
    assert done[0]["reason"] == "entry 1 'Germany' matched: group 'Pair'"
    by_filter = _json(cli, "lead", "assign", "--owner", "anna@example.com")
    assert [d["lead_id"] for d in by_filter] == [ids[0]]
