"""The ``leadline`` command: most tests run it in this process (``Cli``); the entry point, its exit codes,
its settings and what ``make run`` does run the installed command (``installed_cli``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.e2e.conftest import Cli


def test_init_runs_unattended_then_a_lead_is_captured_listed_shown_and_updated(fresh_cli: Cli) -> None:
    cli = fresh_cli  # a database never upgraded: init creates the schema
    first = cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    assert "created first admin" in first.out
    assert "schema empty ->" in first.out and "schema 0001" not in first.out.split("->")[0]
    again = cli("init")
    assert not [line for line in again.out.splitlines() if line.startswith("created")]
    assert "admin exists: kept ada@example.com; no admin created" in again.out
    created = cli("lead", "add", "--first-name", "Grace", "--last-name", "Hopper", "--company", "Navy",
                  "--email", "Grace@Navy.example", "--source", "Trade show", "--budget", "25000",
                  "--product", "Compiler:2:999.50", "--json").json()
    lead_id = created["id"]
    assert created["email"] == "grace@navy.example" and created["status"] == "Open"
    assert created["budget_amount"] == "25000.00" and created["products"][0]["estimated_unit_price"] == "999.50"
    listed = cli("lead", "list", "--source", "Trade show", "--json").json()
    assert [row["id"] for row in listed] == [lead_id]
    updated = cli("lead", "update", lead_id, "--status", "Contacted", "--title", "Rear Admiral", "--json").json()
    assert (updated["status"], updated["title"], updated["version"]) == ("Contacted", "Rear Admiral", 2)
    history = cli("lead", "history", lead_id, "--json").json()
    assert {(h["field"], h["old_value"], h["new_value"]) for h in history} >= {
        ("last_name", None, "Hopper"), ("status", "Open", "Contacted"), ("title", None, "Rear Admiral")}
    shown = cli("lead", "show", lead_id)
    assert "Rear Admiral" in shown.out and "Contacted" in shown.out
    table = cli("lead", "history", lead_id).out  # each time as the web pages write it: saying its zone
    times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d(.{0,4})", table)
    assert times and set(times) == {" UTC"}, table


@pytest.mark.parametrize(
    ("args", "code", "field"),
    [
        (["lead", "add", "--last-name", "X", "--company", "Y", "--email", "not-an-email"], 2, "email"),
        (["lead", "add", "--last-name", "X", "--company", "Y", "--phone", "12"], 2, "phone"),
        (["lead", "add", "--company", "Y"], 2, "last_name"),
        (["lead", "add", "--last-name", "X", "--company", "Y", "--status", "Nope"], 2, "status"),
        (["lead", "add", "--last-name", "X", "--company", "Y", "--budget", "lots"], 2, "budget_amount"),
        (["lead", "add", "--last-name", "X", "--company", "Y", "--timeframe", "soon"], 2, "purchase_timeframe"),
        (["lead", "add", "--last-name", "X", "--company", "Y", "--custom", "nope=1"], 2, "custom.nope"),
        (["lead", "show", "123456"], 3, "lead"),
        (["lead", "show", "abc"], 2, "lead"),
        (["lead", "list", "--owner", "ghost@example.com"], 3, "owner"),
        (["status", "add", "Open", "--kind", "open"], 2, "label"),
        (["status", "add", "Parked", "--kind", "sleeping"], 2, "kind"),
        (["status", "deactivate", "Converted"], 1, "kind"),
        (["user", "add", "--email", "ada@example.com", "--name", "Again"], 4, "email"),
        (["account", "show", "42"], 3, "account"),
    ],
)
def test_bad_input_gives_one_line_naming_the_field_and_a_non_zero_exit(
    ready_cli: Cli, args: list[str], code: int, field: str
) -> None:
    result = ready_cli(*args, ok=False)
    assert result.code == code, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"error: {field}:")
    assert "Traceback" not in result.err + result.out


def test_commands_on_a_database_never_initialised_say_so(installed_cli: Cli) -> None:
    result = installed_cli("lead", "list", ok=False)
    assert result.code == 1
    assert "run `leadline init`" in result.err and "DATABASE_NOT_READY" in result.err


def test_a_bad_setting_names_the_variable(installed_cli: Cli) -> None:
    installed_cli.env["LEADLINE_CURRENCY"] = "euros"
    result = installed_cli("status", "list", ok=False)
    assert result.code != 0 and "LEADLINE_CURRENCY" in result.err
    assert "Traceback" not in result.err


def test_configuration_commands_change_what_leads_may_use(ready_cli: Cli) -> None:
    ready_cli("source", "add", "Webinar")
    ready_cli("status", "add", "Nurturing", "--kind", "working")
    ready_cli("field", "add", "--object", "lead", "--name", "segment", "--type", "picklist",
              "--option", "SMB", "--option", "Enterprise")
    lead = ready_cli("lead", "add", "--last-name", "W", "--company", "Webco", "--source", "webinar",
                     "--status", "Nurturing", "--custom", "segment=smb", "--json").json()
    assert (lead["source"], lead["status"], lead["custom"]) == ("Webinar", "Nurturing", {"segment": "SMB"})
    ready_cli("source", "deactivate", "Webinar")
    refused = ready_cli("lead", "add", "--last-name", "W", "--company", "Webco", "--source", "Webinar", ok=False)
    assert refused.code == 2 and "inactive" in refused.err
    statuses = ready_cli("status", "list", "--json").json()
    assert [s["label"] for s in statuses] == ["Open", "Contacted", "Nurturing", "Qualified", "Unqualified",
                                              "Converted"]  # by the graph, not in the order added
    stages = ready_cli("stage", "list", "--json").json()
    assert len(stages) == 8 and stages[0]["process"] == "New Business"


def test_users_form_a_hierarchy_and_a_rep_cannot_administer(ready_cli: Cli) -> None:
    ready_cli("user", "add", "--email", "maria@example.com", "--name", "Maria", "--role", "manager")
    ready_cli("user", "add", "--email", "sam@example.com", "--name", "Sam", "--manager", "maria@example.com")
    users = {u["email"]: u for u in ready_cli("user", "list", "--json").json()}
    assert users["sam@example.com"]["manager_id"] == users["maria@example.com"]["id"]
    denied = ready_cli("source", "add", "Webinar", "--as", "sam@example.com", ok=False)
    assert denied.code == 5 and "PERMISSION_DENIED" in denied.err


def test_every_command_has_help_with_an_example(ready_cli: Cli) -> None:
    groups = {"lead": ["add", "update", "show", "list", "history"], "status": ["list", "add", "rename",
              "deactivate", "default", "delete"], "source": ["list", "add", "rename", "deactivate", "activate"],
              "stage": ["list", "add", "update", "processes", "add-process"], "field": ["list", "add"],
              "user": ["add", "list"], "account": ["list", "show", "add", "update"],
              "contact": ["list", "show", "add", "update"],
              "opportunity": ["list", "show"]}
    for command in ["init", "demo", "pipeline"]:
        assert "Example" in ready_cli(command, "--help").out, command
    for group, commands in groups.items():
        for command in commands:
            assert "Example" in ready_cli(group, command, "--help").out, f"{group} {command}"


def test_make_run_loads_a_demo_whose_deals_closed_in_the_past_and_whose_team_has_quotas(installed_cli: Cli) -> None:
    cli = installed_cli  # what `make run` does, on its database
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    loaded = cli("demo", "--if-empty").out  # the default size and seed, as `make run` loads it
    today = datetime.now(UTC).date().isoformat()  # after the demo ran: its clock read no later day
    assert "Closed Lost" in cli("pipeline").out
    # the checks below are not `make run`'s steps: run in this process (a second of CPU a start saved)
    cli = Cli(cli.env["LEADLINE_DATABASE_URL"], cli.workdir)
    assert "400 leads (52 converted)" in loaded and "won" in loaded and "activities" in loaded, loaded
    closed = [d for d in cli("opportunity", "list", "--limit", "100", "--json").json() if d["outcome"] != "open"]
    assert closed and all(d["close_date"] <= today for d in closed)
    assert cli("deals", "--period", "next-quarter", "--json").json()["lines"] == []
    quotas = cli("quota", "list", "--json").json()["quotas"]
    assert len(quotas) == 9 and all(Decimal(q["amount"]) > 0 for q in quotas)
    # the demo is scored once loaded, and its leads differ: the likelier ones converted more often
    assert "leads model frequency@1" in loaded and "opportunities model" in loaded, loaded
    scored = cli("lead", "list", "--sort=-score", "--limit", "500", "--json").json()
    scores = [lead["score"] for lead in scored if lead["score"] is not None]
    assert len(scores) > 300 and len(set(scores)) > 5, scores
    best = cli("score", "show", scored[0]["id"], "--json").json()
    assert best["score"] == max(scores) and best["up"], best
