"""The lead workflow and conversion on the ``leadline`` command (run in-process):
status moves, qualification, conversion (one lead and in bulk), preview, undo, and the admin commands."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import typer

from leadline.cli.common import EXIT_INCOMPLETE, exit_code_of
from leadline.cli.main import app
from leadline.domain.errors import (
    CriteriaNotMetError,
    LeadAlreadyConvertedError,
    ReasonRequiredError,
    StatusTransitionError,
    UndoRefusedError,
)
from tests.e2e.conftest import Cli, Result, misreported

SOON = (date.today() + timedelta(days=60)).isoformat()  # within BANT's 180 days, whenever the test runs
SALE = ["--budget", "12000", "--timeframe", SOON, "--product", "Widget:3:1000"]


def add_lead(cli: Cli, *options: str) -> str:
    return str(cli("lead", "add", "--last-name", "Hopper", "--first-name", "Grace", *options, "--json").json()["id"])


def navy_lead(cli: Cli, email: str = "grace@navy.example", *more: str) -> str:
    """An Open lead that meets BANT (so it converts without a qualification override)."""
    return add_lead(cli, "--company", "Navy Computing", "--email", email, "--website", "navy.example", *SALE,
                    "--decision-maker", *more)


def refused(result: Result, exit_code: int, field: str, code: str) -> list[str]:
    """The error's lines (the first names the field and the code); no traceback."""
    assert result.code == exit_code, result.err + result.out
    lines = result.err.rstrip().splitlines()
    assert lines[0].startswith(f"error: {field}:") and lines[0].endswith(f"[{code}]"), result.err
    assert "Traceback" not in result.err + result.out
    return lines


def init(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")


def test_a_lead_walks_the_workflow_needs_a_reason_to_be_disqualified_and_an_override_to_be_qualified(
        ready_cli: Cli) -> None:
    cli = ready_cli
    lead = add_lead(cli, "--company", "Navy", *SALE)  # no title, not a decision maker: authority is unmet

    refused(cli("lead", "status", lead, "Qualified", ok=False), 4, "status", "STATUS_TRANSITION_NOT_ALLOWED")
    assert "Contacted" in cli("lead", "status", lead, "Contacted").out
    refused(cli("lead", "status", lead, "Unqualified", ok=False), 2, "reason", "REASON_REQUIRED")
    cli("lead", "status", lead, "Unqualified", "--reason", "no budget")
    cli("lead", "status", lead, "Open")
    cli("lead", "status", lead, "Contacted")
    options = cli("lead", "status", lead, "--json").json()
    assert options["status"] == "Contacted" and options["next_statuses"] == ["Qualified", "Unqualified"]
    assert [(r["name"], r["met"]) for r in options["qualification"]["results"]] == [
        ("budget", True), ("authority", False), ("need", True), ("timeframe", True)]

    lines = refused(cli("lead", "qualify", lead, ok=False), 4, "override_reason", "CRITERIA_NOT_MET")
    assert lines[1:] == ["  criteria.authority: is_decision_maker is not yes and title is not known"]
    qualified = cli("lead", "qualify", lead, "--override-reason", "CFO confirmed the budget", "--json").json()
    assert qualified["status"] == "Qualified"

    history = cli("lead", "status-history", lead, "--json").json()
    assert [(h["from"], h["to"]) for h in history] == [
        (None, "Open"), ("Open", "Contacted"), ("Contacted", "Unqualified"), ("Unqualified", "Open"),
        ("Open", "Contacted"), ("Contacted", "Qualified")]
    assert history[2]["reason"] == "No budget" and history[-1]["override_reason"] == "CFO confirmed the budget"


def test_a_lead_converts_into_account_contact_and_opportunity_and_undo_makes_it_editable_again(cli: Cli) -> None:
    init(cli)
    lead = navy_lead(cli)

    result = cli("lead", "convert", lead, "--json").json()
    assert result["lead_id"] == lead and result["created"] == ["account", "contact", "opportunity"]
    assert all(isinstance(result[k], str) for k in ("account_id", "contact_id", "opportunity_id"))
    assert result["opportunity_ids"] == [result["opportunity_id"]]
    accounts = cli("account", "list", "--json").json()
    assert [(a["id"], a["name"], a["domain"]) for a in accounts] == [(result["account_id"], "Navy Computing",
                                                                     "navy.example")]
    lineage = cli("lead", "lineage", lead, "--json").json()
    assert (lineage["account_id"], lineage["opportunity_ids"], lineage["override_reason"]) == (
        result["account_id"], [result["opportunity_id"]], None)  # the criteria were met: nothing overridden
    refused(cli("lead", "update", lead, "--title", "x", ok=False), 4, "lead", "LEAD_READ_ONLY")
    refused(cli("lead", "convert", lead, ok=False), 4, "lead", "LEAD_ALREADY_CONVERTED")

    undone = cli("lead", "undo-convert", lead, "--json").json()
    assert undone["status"] == "Open" and len(undone["removed"]) == 3
    assert cli("lead", "update", lead, "--title", "Rear Admiral", "--json").json()["title"] == "Rear Admiral"
    assert cli("account", "list", "--json").json() == []


def test_the_preview_names_the_matching_account_and_an_undo_is_refused_once_another_lead_joined_it(
        ready_cli: Cli) -> None:
    first = navy_lead(ready_cli)
    converted = ready_cli("lead", "convert", first, "--json").json()
    second = navy_lead(ready_cli, "alan@navy.example")

    preview = ready_cli("lead", "convert-preview", second)
    assert converted["account_id"] in preview.out and "same website domain navy.example" in preview.out
    assert converted["opportunity_id"] in preview.out  # its open opportunity, to attach to
    joined = ready_cli("lead", "convert", second, "--account", converted["account_id"], "--opportunity", "attach",
                       "--opportunity-id", converted["opportunity_id"], "--json").json()
    assert (joined["created"], joined["attached"]) == (["contact"], ["account", "opportunity"])

    lines = refused(ready_cli("lead", "undo-convert", first, ok=False), 4, "lead", "UNDO_REFUSED")
    assert f"  lead: 1 contacts added to the account {converted['account_id']} since" in lines[1:]
    assert ready_cli("lead", "show", first, "--json").json()["status"] == "Converted"


def test_bulk_conversion_by_filter_with_an_invalid_lead_in_the_middle_in_both_modes(cli: Cli) -> None:
    init(cli)
    good = navy_lead(cli, "a@navy.example", "--source", "Trade show")
    bad = add_lead(cli, "--company", "Nothing Known", "--source", "Trade show")  # misses the opportunity criteria
    later = navy_lead(cli, "b@navy.example", "--source", "Trade show")
    elsewhere = navy_lead(cli, "c@navy.example", "--source", "Other")
    select = ["lead", "convert", "--where-source", "Trade show"]

    whole = cli(*select, "--all-or-nothing", ok=False)
    assert whole.code == EXIT_INCOMPLETE, whole.err
    lines = whole.out.splitlines()
    assert lines[0] == f"failed    {good}: not converted: another lead of this all-or-nothing call failed [ROLLED_BACK]"
    assert lines[1].startswith(f"failed    {bad}: override_reason:") and lines[1].endswith("[CRITERIA_NOT_MET]")
    assert lines[2:] == [f"not tried {later}: an earlier lead failed and --all-or-nothing converts none",
                         "0 of 3 leads converted, 3 not converted; all or nothing: nothing was converted"]
    assert cli("account", "list", "--json").json() == []

    partial = cli(*select, "--json", ok=False)
    assert partial.code == EXIT_INCOMPLETE
    outcome: Any = partial.json()
    assert (outcome["committed"], outcome["converted"], outcome["failed"]) == (True, 2, 1)
    assert [(i["lead_id"], i["ok"], i["code"]) for i in outcome["items"]] == [
        (good, True, None), (bad, False, "CRITERIA_NOT_MET"), (later, True, None)]
    statuses = {row["id"]: row["status"] for row in cli("lead", "list", "--json").json()}
    assert statuses == {good: "Converted", bad: "Open", later: "Converted", elsewhere: "Open"}

    by_ids = cli("lead", "convert", bad, elsewhere, "--override-reason", "budget agreed on the phone",
                 "--qualification-override-reason", "budget agreed on the phone")
    assert by_ids.out.splitlines()[-1] == "2 of 2 leads converted, 0 not converted"
    nothing = cli("lead", "convert", "--where-source", "Phone call")  # none match: nothing to do, not an error
    assert nothing.out == "no lead you may see matches the filters: nothing to convert\n"


def test_admin_commands_change_the_workflow_reasons_criteria_and_mappings_leads_then_follow(ready_cli: Cli) -> None:
    cli = ready_cli
    decided = navy_lead(cli, "ceo@navy.example", "--title", "CEO")
    refused(cli("lead", "status", decided, "Qualified", ok=False), 4, "status", "STATUS_TRANSITION_NOT_ALLOWED")
    moves = cli("workflow", "allow", "Open", "Qualified", "--json").json()
    assert {"from": "Open", "to": "Qualified"} in moves
    assert "Qualified" in cli("lead", "status", decided, "Qualified").out

    cli("reason", "add", "Student", "--kind", "lead_unqualified")
    student = navy_lead(cli, "student@navy.example")
    cli("lead", "status", student, "Contacted")
    cli("lead", "status", student, "Unqualified", "--reason", "student")
    assert cli("lead", "status-history", student, "--json").json()[-1]["reason"] == "Student"

    assert cli("lead", "evaluate", decided, "--json").json()["met"] is True
    cli("criteria", "add", "--framework", "BANT", "--name", "industry", "--label", "Retail or banking",
        "--condition", "industry:contains_any:retail,banking")
    evaluation = cli("lead", "evaluate", decided, "--json").json()
    assert evaluation["met"] is False
    assert evaluation["results"][-1] == {"name": "industry", "met": False, "reason": "industry is not known"}
    assert "industry is not known" in cli("lead", "evaluate", decided).out

    cli("field", "add", "--object", "lead", "--name", "segment", "--type", "picklist", "--option", "SMB")
    cli("field", "add", "--object", "account", "--name", "segment", "--type", "number")
    refused(cli("mapping", "add", "lead.segment", "account.segment", ok=False), 2, "target", "VALIDATION_FAILED")
    assert cli("mapping", "list", "--json").json() == []


def test_bad_input_to_the_workflow_commands_gives_one_line_naming_the_field(ready_cli: Cli) -> None:
    cases = [
        (["lead", "status", "123456", "Contacted"], 3, "lead"),
        (["lead", "evaluate", "123456", "--purpose", "fun"], 2, "purpose"),
        (["lead", "convert"], 2, "lead_ids"),
        (["lead", "convert", "123456", "--where-status", "Open"], 2, "lead_ids"),
        (["lead", "convert", "123456", "--opportunity", "maybe"], 2, "opportunity"),
        (["lead", "convert", "123456", "654321", "--if-version", "2"], 2, "if_version"),
        (["lead", "convert", "--where-status", "Nope"], 2, "status"),
        (["workflow", "allow", "Open", "Converted"], 2, "to"),
        (["workflow", "forbid", "Open", "Qualified"], 3, "transition"),
        (["reason", "add", "Late", "--kind", "won"], 2, "kind"),
        (["criteria", "add", "--framework", "BANT", "--name", "x", "--condition", "industry"], 2, "conditions[0]"),
        (["criteria", "add", "--framework", "BANT", "--name", "x", "--condition", "nope:present"], 2,
         "conditions[0].field"),
        (["mapping", "remove", "42"], 3, "mapping"),
    ]
    assert misreported(ready_cli, cases) == []


def test_the_workflow_error_codes_exit_by_their_kind() -> None:
    assert exit_code_of(ReasonRequiredError("x")) == 2
    assert {exit_code_of(e("x")) for e in (StatusTransitionError, CriteriaNotMetError, UndoRefusedError,
                                           LeadAlreadyConvertedError)} == {4}


def test_every_command_has_help_with_an_example(sqlite_cli: Cli) -> None:
    def commands(group: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
        found = []
        for name, command in getattr(group, "commands", {}).items():
            found += commands(command, (*path, name)) if getattr(command, "commands", None) else [((*path, name),
                                                                                                  command)]
        return found

    tree = commands(typer.main.get_command(app), ())
    assert {("lead", "convert"), ("workflow", "allow"), ("criteria", "add"), ("mapping", "remove")} <= dict(tree).keys()
    assert [path for path, command in tree if "Example" not in (command.help or "")] == []
    assert "Example: leadline lead convert --where-status Qualified" in sqlite_cli("lead", "convert", "--help").out


def test_convert_takes_the_new_opportunitys_name_amount_close_date_and_stage_as_the_dialog_and_api_do(
        ready_cli: Cli) -> None:
    cli = ready_cli
    lead = add_lead(cli, "--company", "Navy Computing", "--budget", "12000", "--timeframe", SOON,
                    "--product", "Widget", "--decision-maker")  # a product line without a price
    fields = ["--opportunity-name", "Navy pilot", "--opportunity-amount", "18000",
              "--opportunity-close-date", "2031-09-30", "--opportunity-stage", "Needs Analysis"]

    refused(cli("lead", "convert", lead, "--opportunity-close-date", "2031-13-01", ok=False), 2,
            "opportunity_close_date", "VALIDATION_FAILED")
    refused(cli("lead", "convert", lead, "--opportunity-amount", "-5", ok=False), 2,
            "opportunity_amount", "VALIDATION_FAILED")
    refused(cli("lead", "convert", lead, "--opportunity-stage", "Closed Won", ok=False), 2,
            "opportunity_stage", "VALIDATION_FAILED")
    refused(cli("lead", "convert", lead, "--one-per-product", "--opportunity-name", "One", ok=False), 2,
            "opportunity_name", "VALIDATION_FAILED")
    refused(cli("lead", "convert", lead, "--opportunity", "none", "--opportunity-stage", "Needs Analysis",
                ok=False), 2, "opportunity_stage", "VALIDATION_FAILED")
    assert cli("lead", "show", lead, "--json").json()["status"] != "Converted"  # nothing written by a refusal

    result = cli("lead", "convert", lead, *fields, "--json").json()

    opportunity = cli("opportunity", "show", result["opportunity_id"], "--json").json()
    assert (opportunity["name"], opportunity["amount"], opportunity["close_date"], opportunity["stage"]) == (
        "Navy pilot", "18000.00", "2031-09-30", "Needs Analysis")


def test_convert_refuses_an_amount_beside_the_leads_priced_product_lines(ready_cli: Cli) -> None:
    lead = navy_lead(ready_cli)  # Widget: 3 at 1000

    refused(ready_cli("lead", "convert", lead, "--opportunity-amount", "5000", ok=False), 2,
            "opportunity_amount", "VALIDATION_FAILED")
    stage = ready_cli("lead", "convert", lead, "--opportunity-stage", "Needs Analysis", "--json").json()
    assert ready_cli("opportunity", "show", stage["opportunity_id"], "--json").json()["amount"] == "3000.00"
