"""The backtest on any table: column kinds detected, ids and leaks excluded and named, the three
models measured on one split, and ``leadline score backtest`` on a small CSV."""

from __future__ import annotations

import csv
import json
import random
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadline.cli.main import app
from leadline.scoring.backtest import run_backtest, split_rows
from leadline.scoring.baselines import LogisticBaseline
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
    assert set(choice.backtests) == {"frequency", "boosted", "additive"}
    winner = max(choice.backtests, key=lambda k: choice.backtests[k].roc_auc + (0.005 if k == "frequency" else 0))
    assert choice.model.kind == winner
    few = choose_model(features[:60], outcomes[:60])
    assert {"boosted", "additive"} <= set(few.skipped) and few.model.kind == "frequency"
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
    assert refused.exit_code == 2 and "error: target: there is no column 'nope'" in refused.output
    # each refusal names the option to change
    for options, field in [(["--target", "converted", "--time", "nope"], "time"),
                           (["--target", "converted", "--positive", "maybe"], "positive"),
                           (["--target", "converted", "--time", "converted"], "time")]:
        refused = CliRunner().invoke(app, ["score", "backtest", str(path), *options])
        assert refused.exit_code == 2 and f"error: {field}: " in refused.output, (options, refused.output)


def test_the_logistic_baseline_fits_a_category_never_given_without_a_warning() -> None:
    # given rows whose "campaign" is never given (a new organisation's opportunities)
    rows = [{"stage": "Negotiation" if i % 3 else "Prospecting", "campaign": None, "amount": float(i)}
            for i in range(40)]
    outcomes = [i % 3 != 0 for i in range(40)]
    # when the baseline fits and predicts with every warning an error (it printed sklearn's
    # "Skipping features without any observed values" under `leadline score evaluate`)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        baseline = LogisticBaseline(rows, outcomes)
        predicted = baseline.predict(rows[:3])
    # then it predicts, the empty column kept
    assert len(predicted) == 3 and all(0.0 <= p <= 1.0 for p in predicted)


def crm_export(count: int = 120) -> tuple[list[str], list[dict[str, str]]]:
    """An export as a CRM writes one: names and contact points beside the fields worth learning."""
    rng = random.Random(5)
    first, last = [f"First{i}" for i in range(30)], [f"Last{i}" for i in range(40)]
    out = []
    for i in range(count):
        converted = rng.random() < 0.3
        out.append({
            "first_name": rng.choice(first), "last_name": rng.choice(last), "company": f"Firm {i % 30}",
            "phone": f"+1555{i:06d}", "website": f"https://firm{i % 30}.example", "city": rng.choice(["Oslo", "Rome"]),
            "source": rng.choice(["Web", "Event"]), "created_at": f"2025-{1 + i // 12:02d}-{1 + i % 12 * 2:02d}",
            "outcome": "won" if converted else "lost",
        })
    return list(out[0]), out


def test_names_and_contact_points_are_excluded_as_identifiers_and_named() -> None:
    columns, rows = crm_export()
    table = prepare(columns, rows, "outcome", positive="won")
    names = {"first_name", "last_name", "company", "phone", "website"}
    assert names <= set(table.excluded) and all(table.excluded[n].startswith("identifier") for n in names)
    assert table.kinds["city"] == "category" and table.kinds["source"] == "category"  # a few values each: kept
    assert all("first_name" not in row and "company" not in row for row in table.rows)


def test_rows_too_recent_to_have_had_their_chance_are_named_or_left_out() -> None:
    columns, rows = crm_export()  # created 2025-01 to 2025-10; the latest 2025-10-23
    named = prepare(columns, rows, "outcome", time="created_at", positive="won")
    young = sum(r["outcome"] == "lost" and r["created_at"] > "2025-04-26" for r in rows)
    assert len(named.rows) == 120 and young > 0
    assert any(n.startswith(f"{young} rows without the positive outcome are younger than 180 days")
               for n in named.notes)
    left = prepare(columns, rows, "outcome", time="created_at", positive="won", min_age_days=180)
    assert len(left.rows) == sum(r["created_at"] <= "2025-04-26" for r in rows)
    assert left.notes == [f"left out {120 - len(left.rows)} rows with created_at within 180 days of the latest "
                          f"(2025-10-23): too recent to have had their chance"]
    with pytest.raises(TableError) as error:
        prepare(columns, rows, "outcome", positive="won", min_age_days=180)
    assert error.value.field == "min_age"


def test_a_leadline_model_giving_every_row_one_probability_says_so() -> None:
    # given a table whose only feature has the same outcome rate (one in three) in each of its values
    columns = ["colour", "created", "outcome"]
    rows = [{"colour": "red" if i % 6 < 3 else "blue", "created": f"2025-01-{1 + i // 5:02d}T{i % 5:02d}:00",
             "outcome": "yes" if i % 3 == 0 else "no"} for i in range(120)]
    report = run_backtest(prepare(columns, rows, "outcome", time="created"))
    leadline = next(p for name, p in report.probabilities.items() if name.startswith("Leadline"))
    assert len(set(leadline)) == 1
    assert any(n.startswith("Leadline's model found no feature") for n in report.notes)
