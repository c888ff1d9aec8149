"""``leadline report ...`` on the command line (in-process, SQLite): the same figures as JSON, CSV
and tables, a PNG chart, each user's report holding what they may read, malformed options refused."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Cli
from tests.e2e.test_cli_workflow import refused

SAM = "sam@example.com"


def counts(line: dict[str, Any]) -> list[int]:
    return [step["count"] for step in line["steps"]]


def leads(cli: Cli) -> None:
    """Two leads today: Ada's, contacted; Sam's, open."""
    cli("user", "add", "--email", SAM, "--name", "Sam")
    worked = cli("lead", "add", "--last-name", "One", "--company", "One Co", "--json").json()
    cli("lead", "status", worked["id"], "Contacted")  # type: ignore[index]
    cli("lead", "add", "--last-name", "Two", "--company", "Two Co", "--owner", SAM)


def test_the_funnel_as_json_csv_and_a_table_each_users_own(ready_cli: Cli) -> None:
    cli = ready_cli
    leads(cli)

    report: Any = cli("report", "funnel", "--by", "owner", "--json").json()
    assert counts(report["total"]) == [2, 1, 0, 0, 0, 0]
    assert {g["label"]: counts(g) for g in report["groups"]} == {"Ada Admin": [1, 1, 0, 0, 0, 0],
                                                                 "Sam": [1, 0, 0, 0, 0, 0]}
    assert counts(cli("report", "funnel", "--json", "--as", SAM).json()["total"]) == [1, 0, 0, 0, 0, 0]  # type: ignore[index]
    lines = refused(cli("report", "funnel", "--owner", "ada@example.com", "--as", SAM, ok=False), 5, "owner",
                    "PERMISSION_DENIED")
    assert "you may not read ada@example.com's records" in lines[0]

    rows = list(csv.reader(io.StringIO(cli("report", "funnel", "--csv").out)))
    assert rows[0] == ["Lead funnel (counts; % of the step before)"]
    assert rows[1][:7] == ["group", "leads", "working", "qualified", "converted", "opportunity", "won"]
    assert rows[2][:3] == ["all", "2", "1"]
    assert "Lead funnel" in cli("report", "funnel").out


def test_every_report_draws_a_png_chart(ready_cli: Cli, tmp_path: Path) -> None:
    cli = ready_cli
    leads(cli)
    for name in ("funnel", "conversion-time", "stages", "velocity", "pipeline"):
        chart = tmp_path / f"{name}.png"
        cli("report", name, "--png", str(chart))
        assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_malformed_options_are_refused_naming_them(ready_cli: Cli) -> None:
    cli = ready_cli
    refused(cli("report", "funnel", "--by", "colour", ok=False), 2, "by", "VALIDATION_FAILED")
    refused(cli("report", "velocity", "--from", "soon", ok=False), 2, "from", "VALIDATION_FAILED")
    refused(cli("report", "pipeline", "--as-of", "2026-13-01", ok=False), 2, "as_of", "VALIDATION_FAILED")
    refused(cli("report", "funnel", "--cohort", "2026-Q0", ok=False), 2, "cohort", "VALIDATION_FAILED")


def test_a_day_outside_the_years_1900_to_2999_is_refused_not_a_crash(ready_cli: Cli) -> None:
    cli = ready_cli
    lines = refused(cli("report", "funnel", "--to", "9999-12-31", ok=False), 2, "to", "VALIDATION_FAILED")
    assert "1900 to 2999" in lines[0]
    refused(cli("report", "pipeline", "--as-of", "9999-12-31", ok=False), 2, "as_of", "VALIDATION_FAILED")
    refused(cli("report", "conversion-time", "--from", "0202-03-01", ok=False), 2, "from", "VALIDATION_FAILED")


def test_only_yyyy_mm_dd_dates_and_no_pipeline_as_of_a_day_to_come(ready_cli: Cli) -> None:
    cli = ready_cli
    lines = refused(cli("report", "funnel", "--from", "20260301", ok=False), 2, "from", "VALIDATION_FAILED")
    assert "'20260301' is not a date (YYYY-MM-DD" in lines[0]
    refused(cli("report", "velocity", "--to", "2026-W09-7", ok=False), 2, "to", "VALIDATION_FAILED")
    refused(cli("report", "pipeline", "--as-of", "20260301", ok=False), 2, "as_of", "VALIDATION_FAILED")
    lines = refused(cli("report", "pipeline", "--as-of", "2998-01-01", ok=False), 2, "as_of", "VALIDATION_FAILED")
    assert "2998-01-01 is after today" in lines[0]
    # a period ending later is read today, on the pipeline as on the API and the web page (ADR 0065)
    assert "Changes from 2026-01-01 to" in cli("report", "pipeline", "--from", "2026-01-01", "--to", "2998-01-01").out
    # a period ending later is fine for velocity: its open deals are today's, said so
    assert "open at the end of" in cli("report", "velocity", "--to", "2998-01-01").out


def test_a_chart_that_cannot_be_written_is_refused_naming_png(ready_cli: Cli, tmp_path: Path) -> None:
    lines = refused(ready_cli("report", "funnel", "--png", str(tmp_path / "missing" / "funnel.png"), ok=False),
                    2, "png", "VALIDATION_FAILED")
    assert "cannot write" in lines[0] and "No such file or directory" in lines[0]


def test_the_funnel_by_and_for_a_campaign(ready_cli: Cli) -> None:
    cli = ready_cli
    expo: Any = cli("campaign", "add", "--name", "Expo", "--type", "trade_show", "--json").json()
    cli("lead", "add", "--last-name", "Three", "--company", "Three Co", "--campaign", str(expo["id"]))
    leads(cli)

    report: Any = cli("report", "funnel", "--by", "campaign", "--json").json()
    assert {g["label"]: counts(g) for g in report["groups"]} == {"(no campaign)": [2, 1, 0, 0, 0, 0],
                                                                 "Expo": [1, 0, 0, 0, 0, 0]}
    assert counts(cli("report", "funnel", "--campaign", "expo", "--json").json()["total"]) == [  # type: ignore[index]
        1, 0, 0, 0, 0, 0]
    refused(cli("report", "stages", "--campaign", "Nowhere", ok=False), 2, "campaign", "VALIDATION_FAILED")


def test_csv_figures_are_plain_numbers_and_tables_show_the_places_computed(ready_cli: Cli) -> None:
    # given one deal won for 12,500 USD
    cli = ready_cli
    account: Any = cli("account", "add", "--name", "Acme", "--json").json()
    deal: Any = cli("opportunity", "add", "--account", str(account["id"]), "--name", "Big", "--amount", "12500",
                    "--json").json()
    cli("opportunity", "close", str(deal["id"]), "won")
    # when velocity is printed as CSV, the amount is a number a spreadsheet reads (no "12,500.00")
    rows = list(csv.reader(io.StringIO(cli("report", "velocity", "--csv").out)))
    assert rows[2][:6] == ["all", "0", "1", "0", "100.0", "12500.00"]
    # and the table shows the win rate at the one place it was computed to, money grouped
    table = cli("report", "velocity").out
    assert "100.0 " in table and "100.00" not in table and "12,500.00" in table
    # the stages' count of timed stays says what it counts
    stages = list(csv.reader(io.StringIO(cli("report", "stages", "--csv").out)))
    assert stages[1] == ["stage", "reached", "to next %", "left (timed)", "median days", "mean days"]
