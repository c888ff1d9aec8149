"""Money on the ``leadline`` command, on both databases: the close rule (a close is dated the day
it happens; only an admin back-dates it; never into the future), amounts that are the sum of their
line items, and a snapshot's accuracy. Dates are relative to today (the command's clock)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import Cli
from tests.e2e.test_cli_forecast import SAM, TODAY, deal, read, team
from tests.e2e.test_cli_workflow import init, refused


def test_a_close_on_the_command_line_is_never_dated_in_the_future(cli: Cli) -> None:
    init(cli)
    team(cli)
    won = deal(cli, SAM, "1000")
    tomorrow, last_week = (TODAY + timedelta(days=1)).isoformat(), (TODAY - timedelta(days=7)).isoformat()
    refused(cli("opportunity", "close", won, "won", "--close-date", tomorrow, ok=False), 2, "close_date",
            "CLOSE_DATE_IN_FUTURE")
    refused(cli("opportunity", "close", won, "won", "--close-date", last_week, "--as", SAM, ok=False), 5,
            "close_date", "PERMISSION_DENIED")
    closed = read(cli, "opportunity", "close", won, "won", "--close-date", last_week)  # the admin back-dates
    assert (closed["outcome"], closed["close_date"]) == ("won", last_week)
    refused(cli("opportunity", "update", won, "--close-date", tomorrow, "--as", SAM, ok=False), 2, "close_date",
            "CLOSE_DATE_IN_FUTURE")
    corrected = read(cli, "opportunity", "update", won, "--amount", "1200", "--as", SAM)
    assert (corrected["amount"], corrected["close_date"]) == ("1200.00", last_week)


def test_a_converted_lead_is_worth_its_lines_once_even_with_a_further_opportunity(cli: Cli) -> None:
    init(cli)
    for name in ("Platform", "Support Plan", "Consulting"):
        cli("product", "add", name)
    lines = ("Platform:1:24000", "Support Plan:1:3000", "Consulting:2:4000", "Training:1:5000")  # Training: unlisted
    lead = read(cli, "lead", "add", "--last-name", "Buyer", "--company", "Forty K", "--budget", "40000",
                "--decision-maker",
                "--timeframe", TODAY.isoformat(), *[arg for line in lines for arg in ("--product", line)])
    converted = read(cli, "lead", "convert", lead["id"])
    first = str(converted["opportunity_id"])
    assert (read(cli, "opportunity", "show", first)["amount"], converted["skipped"]) == ("40000.00", [])
    assert [i["product_name"] for i in read(cli, "opportunity", "products", first)][-1] == "Training"
    further = str(read(cli, "lead", "add-opportunity", lead["id"], "--product", "Support Plan")["opportunity_id"])
    assert read(cli, "opportunity", "show", further)["amount"] == "3000.00"  # its line, not the 40,000 budget
    pipeline = read(cli, "forecast")["forecast"]["categories"]["pipeline"]["total"]
    assert pipeline == "43000.00"  # 40,000 + 3,000: the lead never counts twice
