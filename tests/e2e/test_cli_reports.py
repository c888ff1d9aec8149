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
