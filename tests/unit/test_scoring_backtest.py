"""The backtest on any table: column kinds detected, ids and leaks excluded and named, the three
models measured on one split, and ``leadline score backtest`` on a small CSV."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadline.cli.main import app
from leadline.scoring.backtest import run_backtest, split_rows
from leadline.scoring.registry import choose_model, load_model
from leadline.scoring.table import TableError, prepare
from leadline.synthetic.scoring_table import scoring_rows


def records(count: int = 200) -> tuple[list[str], list[dict[str, str]]]:
    rng = random.Random(3)
    out = []
    for i in range(count):
        won = rng.random() < 0.3
        out.append({
            "id": str(1000 + i), "created": f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
            "region": rng.choice(["North", "South"]), "employees": str(rng.randint(1, 500)),
            "email": f"person{i}@example.com", "signed_on": "2025-12-01" if won else "",
            "stage_reached": rng.choice(["a", "b"]), "customer_code": ("C" if won else "P") + str(i % 3),
            "flat": "same", "outcome_flag": "yes" if won else "no",
        })
    return list(out[0]), out


def test_ids_and_leaking_columns_are_excluded_and_named() -> None:
    columns, rows = records()
    table = prepare(columns, rows, "outcome_flag", time="created")
    assert table.kinds["region"] == "category" and table.kinds["employees"] == "number"
    assert table.excluded == {
        "id": "identifier: named like an id, almost every value distinct",
        "email": "identifier: named like an id, almost every value distinct",
        "signed_on": "leak: filled for (almost) only one outcome",
        "stage_reached": "leak: named like something recorded after the outcome",
        "customer_code": "leak: predicts the outcome almost perfectly on its own (ROC AUC >= 0.98)",
        "flat": "constant: one value only",
    }
    assert table.positive == "yes" and sum(table.outcomes) == sum(r["outcome_flag"] == "yes" for r in rows)


def test_the_outcome_needs_a_clear_positive_value() -> None:
    columns, rows = records()
    with pytest.raises(TableError, match="--positive"):
        prepare(columns, rows, "region")
    assert prepare(columns, rows, "region", positive="North").positive == "North"
    with pytest.raises(TableError, match="no column 'nope'"):
        prepare(columns, rows, "nope")


def test_with_times_the_latest_quarter_tests_and_without_the_split_is_stratified() -> None:
    columns, rows = records()
    timed = prepare(columns, rows, "outcome_flag", time="created")
    train, test, _ = split_rows(timed, 0)
    assert timed.times is not None and max(timed.times[i] for i in train) <= min(timed.times[i] for i in test)
    plain = prepare(columns, rows, "outcome_flag")
    train, test, how = split_rows(plain, 0)
    assert how.startswith("stratified") and len(test) == 50
    assert abs(sum(plain.outcomes[i] for i in test) / 50 - sum(plain.outcomes) / 200) < 0.02


def test_the_three_models_are_measured_on_the_same_rows() -> None:
    columns, rows = records(300)
    report = run_backtest(prepare(columns, rows, "outcome_flag", time="created"))
    assert list(report.results) == [f"Leadline ({report.chosen})", "naive Bayes (Odoo-style frequencies)",
                                    "logistic regression"]
    assert {e.rows for e in report.results.values()} == {75}


def test_the_boosted_model_is_chosen_only_by_the_backtest_and_stores_and_loads() -> None:
    rows = [dict(r) for r in scoring_rows(3000)]
    features = [{k: r[k] for k in ("source", "seniority", "activities", "budget") if r[k] != ""} for r in rows]
    outcomes = [r["converted"] == "yes" for r in rows]
    choice = choose_model(features, outcomes)
    assert set(choice.backtests) == {"frequency", "boosted"}
    winner = max(choice.backtests, key=lambda k: choice.backtests[k].roc_auc + (0.005 if k == "frequency" else 0))
    assert choice.model.kind == winner
    few = choose_model(features[:60], outcomes[:60])
    assert "boosted" in few.skipped and few.model.kind == "frequency"
    boosted = load_model("boosted", load_model("boosted", _boosted_payload(features, outcomes)).to_payload())
    assert 0 <= boosted.predict(features[:1])[0] <= 1
    assert boosted.score(features[0]).up or boosted.score(features[0]).down


def _boosted_payload(features: list, outcomes: list[bool]) -> bytes:  # type: ignore[type-arg]
    from leadline.scoring.boosted import BoostedModel

    return BoostedModel.fit(features, outcomes).to_payload()


def test_score_backtest_reads_a_csv_and_names_what_it_left_out(tmp_path: Path) -> None:
    path = tmp_path / "old-crm.csv"
    rows = list(scoring_rows(400))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[k for k in rows[0] if k != "true_probability"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    result = CliRunner().invoke(app, ["score", "backtest", str(path), "--target", "converted", "--time", "created_at",
                                      "--positive", "yes", "--json", "--png", str(tmp_path / "plots")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[:result.output.rindex("}") + 1])
    assert set(report["excluded"]) == {"lead_id", "converted_at", "opportunity_id"}
    assert len(report["models"]) == 3 and report["split"].startswith("time-ordered")
    assert all(0.5 < m["roc_auc"] <= 1 for m in report["models"].values())
    assert sorted(p.name for p in (tmp_path / "plots").iterdir()) == ["old-crm-calibration.png", "old-crm-roc.png"]
    refused = CliRunner().invoke(app, ["score", "backtest", str(path), "--target", "nope"])
    assert refused.exit_code != 0 and "no column 'nope'" in refused.output
