"""Opportunities, deals and the forecast on the ``leadline`` command (run in-process, as
tests/e2e/conftest.py says): stage moves, overrides, closing and reopening, products, the
forecast rolled up a team with quota, adjustment, snapshot and accuracy, exchange rates, deals
and pipeline hygiene.

Every close date is today (UTC, the command's clock) or relative to it, so each figure falls in
``this-quarter`` whenever the tests run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Cli, misreported, pin_command_day
from tests.e2e.test_cli_workflow import init, refused

TODAY = datetime.now(UTC).date()


@pytest.fixture(autouse=True)
def _command_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's dates are ``TODAY``'s however long the run takes (see ``pin_command_day``)."""
    pin_command_day(monkeypatch, TODAY)


MIA, SAM, OZ = "mia@example.com", "sam@example.com", "oz@example.com"


def team(cli: Cli) -> None:
    """Mia manages Sam; Oz reports to nobody."""
    cli("user", "add", "--email", MIA, "--name", "Mia", "--role", "manager")
    cli("user", "add", "--email", SAM, "--name", "Sam", "--manager", MIA)
    cli("user", "add", "--email", OZ, "--name", "Oz")


def read(cli: Cli, *args: str) -> Any:
    """What a command prints with --json."""
    return cli(*args, "--json").json()


def deal(cli: Cli, owner: str, amount: str, *more: str) -> str:
    """An opportunity of ``amount`` owned by ``owner``, closing today, from a converted lead."""
    lead = read(cli, "lead", "add", "--last-name", f"Buyer {amount}", "--company", f"Company {amount}",
                "--owner", owner, "--budget", amount, "--timeframe", TODAY.isoformat(), "--product", "Widget", *more)
    return str(read(cli, "lead", "convert", lead["id"], "--qualification-override-reason", "a forecast test")[
        "opportunity_id"])


def figures(forecast: dict[str, Any]) -> dict[str, str]:
    """The figure that counts per category (the adjusted one where a manager adjusted it)."""
    return {category: values["total"] for category, values in forecast["categories"].items()}


def test_a_teams_forecast_by_hand_with_quota_adjustment_snapshot_and_accuracy(cli: Cli) -> None:
    init(cli)
    team(cli)
    commit, won = deal(cli, SAM, "2000"), deal(cli, SAM, "1000")
    deal(cli, OZ, "4000")  # Prospecting: 10 %, pipeline

    moved = read(cli, "opportunity", "stage", commit, "Negotiation", "--as", SAM)
    assert (moved["stage"], moved["probability"], moved["forecast_category"]) == ("Negotiation", 75, "commit")
    refused(cli("opportunity", "close", won, "lost", "--as", SAM, ok=False), 2, "reason", "REASON_REQUIRED")
    closed = read(cli, "opportunity", "close", won, "won", "--as", SAM)
    assert (closed["outcome"], closed["close_date"]) == ("won", TODAY.isoformat())

    # Mia's forecast is her team's: Sam's won 1000 and commit 2000 (75 % weighted); Oz is not in it
    mine = read(cli, "forecast", "--as", MIA)
    assert figures(mine["forecast"]) == {"closed": "1000.00", "commit": "3000.00", "best_case": "3000.00",
                                         "pipeline": "3000.00"}
    assert mine["forecast"]["weighted"] == "1500.00" and mine["period"]["start"] <= TODAY.isoformat()
    assert [(r["user"], r["categories"]["commit"]["total"]) for r in mine["reports"]] == [("Sam", "3000.00")]

    refused(cli("quota", "set", SAM, "this-quarter", "1", "--as", SAM, ok=False), 5, "user", "PERMISSION_DENIED")
    cli("quota", "set", SAM, "this-quarter", "4000", "--as", MIA)
    refused(cli("forecast", "adjust", SAM, "this-quarter", "commit", "1", "--as", SAM, ok=False), 5, "user",
            "PERMISSION_DENIED")
    adjusted = read(cli, "forecast", "adjust", SAM, "this-quarter", "commit", "2500", "--note", "slipping", "--as", MIA)
    assert (adjusted["original"], adjusted["amount"], adjusted["note"]) == ("3000.00", "2500.00", "slipping")

    own = read(cli, "forecast", "--as", SAM)
    assert (own["forecast"]["categories"]["commit"], own["forecast"]["categories"]["pipeline"]["total"]) == (
        {"computed": "3000.00", "adjusted": "2500.00", "total": "2500.00"}, "3000.00")  # Oz's 4000 is not Sam's to see
    assert (own["forecast"]["quota"], own["forecast"]["attainment"]) == ("4000.00", "25")
    refused(cli("forecast", "--user", OZ, "--as", SAM, ok=False), 5, "user", "PERMISSION_DENIED")  # not Sam's
    assert figures(read(cli, "forecast", "--user", SAM, "--as", MIA)["forecast"])["commit"] == "2500.00"  # a report's
    table = cli("forecast", "--user", OZ, "--by", "owner").out  # the admin sees Oz's own pipeline
    assert "Oz" in table and "4,000.00" in table and "400.00" in table

    taken = read(cli, "forecast", "snapshot", "--period", "this-quarter")
    assert taken["figures"] == 4 * 4  # four users (the admin too), four categories
    cli("opportunity", "close", commit, "won", "--as", SAM)
    accuracy = read(cli, "forecast", "accuracy", taken["snapshot_id"], "--as", MIA)
    sam = {line["category"]: line for line in accuracy["lines"] if line["user"] == "Sam"}
    assert (sam["commit"]["forecast"], sam["commit"]["actual"], sam["commit"]["accuracy"]) == (
        "2500.00", "3000.00", "83.3")
    assert (sam["closed"]["forecast"], sam["closed"]["accuracy"]) == ("1000.00", "33.3")
    # the pipeline as expected: closed 1000 + 2000 x 75 % = 2500 against 3000 won
    assert (sam["pipeline"]["basis"], sam["pipeline"]["forecast"], sam["pipeline"]["accuracy"]) == (
        "weighted", "2500.00", "83.3")
    assert {line["user"] for line in accuracy["lines"]} == {"Mia", "Sam"}  # Mia's team, not Oz
    assert [s["snapshot_id"] for s in read(cli, "forecast", "snapshots", "--period", "this-quarter")] == [
        taken["snapshot_id"]]
    team_only = read(cli, "forecast", "snapshot", "--as", MIA)  # Mia's and Sam's figures, none of Oz's
    assert [s["snapshot_id"] for s in read(cli, "forecast", "snapshots", "--as", OZ)] == [taken["snapshot_id"]]
    refused(cli("forecast", "accuracy", team_only["snapshot_id"], "--as", OZ, ok=False), 3, "snapshot", "NOT_FOUND")


def test_a_foreign_currency_counts_at_the_dated_rate_and_is_reported_without_one(cli: Cli) -> None:
    init(cli)
    euros = deal(cli, "ada@example.com", "1000", "--currency", "EUR")
    cli("opportunity", "close", euros, "won")

    before = read(cli, "forecast")
    assert before["unconverted"] == [{"currency": "EUR", "count": 1}] and before["forecast"]["won_count"] == 0
    cli("rate", "set", "EUR", "1.10", "--from", f"{TODAY.year - 1}-01-01")
    rates = read(cli, "rate", "set", "EUR", "1.20", "--from", TODAY.replace(day=1).isoformat())
    assert [r["rate"] for r in rates] == ["1.1", "1.2"]

    after = read(cli, "forecast")
    assert after["unconverted"] == [] and after["forecast"]["categories"]["closed"]["total"] == "1200.00"
    booked = read(cli, "deals", "--by", "owner")
    assert [(line["key"], line["count"], line["amount"]) for line in booked["lines"]] == [("Ada Admin", 1, "1200.00")]


def test_an_opportunity_keeps_overrides_through_moves_reopens_and_sums_its_products(ready_cli: Cli) -> None:
    cli = ready_cli
    opportunity = deal(cli, "ada@example.com", "5000")
    cli("opportunity", "override", opportunity, "--probability", "60", "--category", "best_case")
    kept = read(cli, "opportunity", "stage", opportunity, "Negotiation")
    assert (kept["probability"], kept["forecast_category"], kept["probability_overridden"]) == (60, "best_case", True)
    assert "75 % commit" in cli("opportunity", "override", opportunity, "--clear").out

    cli("opportunity", "close", opportunity, "lost", "--reason", "price", "--comment", "cheaper elsewhere")
    refused(cli("opportunity", "stage", opportunity, "Order", ok=False), 4, "stage", "OPPORTUNITY_CLOSED")
    reopened = read(cli, "opportunity", "reopen", opportunity)
    assert (reopened["outcome"], reopened["stage"], reopened["loss_reason_id"]) == ("open", "Negotiation", None)

    cli("product", "add", "Widget", "--code", "W-1")
    cli("product", "price", "w-1", "1000")
    item = read(cli, "opportunity", "add-product", opportunity, "Widget", "--quantity", "3", "--discount", "10")
    assert item["total"] == "2700.00"
    cli("opportunity", "add-product", opportunity, "widget", "--unit-price", "50")
    assert read(cli, "opportunity", "show", opportunity)["amount"] == "2750.00"
    refused(cli("opportunity", "update", opportunity, "--amount", "9", ok=False), 2, "amount", "VALIDATION_FAILED")
    cli("opportunity", "remove-product", opportunity, item["id"])
    assert [i["total"] for i in read(cli, "opportunity", "products", opportunity)] == ["50.00"]


def test_hygiene_lists_pushed_and_overdue_deals(ready_cli: Cli) -> None:
    """Stuck deals need days to pass (the command's clock runs in real time): the API tests, on a
    pinned clock, list them."""
    cli = ready_cli
    opportunity = deal(cli, "ada@example.com", "700")
    cli("opportunity", "update", opportunity, "--close-date", (TODAY + timedelta(days=100)).isoformat())  # a push
    cli("opportunity", "update", opportunity, "--close-date", (TODAY - timedelta(days=1)).isoformat())  # overdue

    report = read(cli, "hygiene", "--stuck-days", "1")
    assert [o["id"] for o in report["overdue"]] == [opportunity]
    assert [(p["id"], p["name"], p["pushes"]) for p in report["pushed"]] == [(opportunity, "Company 700 - Widget", 1)]
    assert report["stuck"] == []  # in Prospecting since today


def test_closing_won_may_set_the_final_amount_in_the_same_command(ready_cli: Cli) -> None:
    cli = ready_cli
    lead = read(cli, "lead", "add", "--last-name", "Verbal", "--company", "Handshake Ltd")
    opportunity = str(read(cli, "lead", "convert", lead["id"], "--override-reason", "agreed by phone",
                           "--qualification-override-reason", "agreed by phone")["opportunity_id"])
    assert read(cli, "opportunity", "show", opportunity)["amount"] is None
    refused(cli("opportunity", "close", opportunity, "won", ok=False), 2, "amount", "VALIDATION_FAILED")
    refused(cli("opportunity", "close", opportunity, "lost", "--reason", "Price", "--amount", "5", ok=False), 2,
            "amount", "VALIDATION_FAILED")
    won = read(cli, "opportunity", "close", opportunity, "won", "--amount", "18000")
    assert (won["outcome"], won["amount"], won["close_date"]) == ("won", "18000.00", TODAY.isoformat())


def test_the_fiscal_year_start_moves_quarters_and_years(ready_cli: Cli) -> None:
    assert "January (month 1)" in ready_cli("fiscal-year").out
    ready_cli("fiscal-year", "11")
    period = read(ready_cli, "forecast", "--period", "2026-Q1")["period"]
    assert (period["start"], period["end"]) == ("2026-11-01", "2027-02-01")
    ready_cli("user", "add", "--email", SAM, "--name", "Sam")
    refused(ready_cli("fiscal-year", "1", "--as", SAM, ok=False), 5, "actor", "PERMISSION_DENIED")


def test_bad_input_to_the_forecast_commands_gives_one_line_naming_the_field(ready_cli: Cli) -> None:
    cases = [
        (["forecast", "--period", "2026-Q5"], 2, "period"),
        (["forecast", "--by", "colour"], 2, "by"),
        (["forecast", "adjust", "ada@example.com", "2026-Q4", "closed", "1"], 2, "category"),
        (["forecast", "accuracy", "123456"], 3, "snapshot"),
        (["hygiene", "--period-kind", "week"], 2, "period_kind"),
        (["hygiene", "--stuck-days", "0"], 2, "stuck_days"),
        (["rate", "set", "USD", "1", "--from", "2026-01-01"], 2, "currency"),
        (["fiscal-year", "13"], 2, "fiscal_year_start"),
        (["opportunity", "stage", "123456", "Negotiation"], 3, "opportunity"),
        (["opportunity", "update", "123456"], 2, "opportunity"),
        (["opportunity", "add-product", "123456", "Nothing"], 3, "product"),
    ]
    assert misreported(ready_cli, cases) == []
