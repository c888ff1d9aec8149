"""The additive log-odds model (a candidate of ``choose_model``), and the fast column readers it and
the boosted model use, each against the plain per-value reading."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest

from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.interface import FeatureRow
from leadline.scoring.additive import AdditiveModel, _value_index
from leadline.scoring.boosted import BoostedModel
from leadline.scoring.encoding import Encoder, _number
from leadline.scoring.registry import choose_model, load_model


def additive_history(count: int = 4000, seed: int = 3) -> tuple[list[FeatureRow], list[bool]]:
    """log-odds = -1 + 0.4 x visits + (Referral +1, Web -0.5, Ad 0) + colour (no effect)."""
    rng = random.Random(seed)
    rows: list[FeatureRow] = []
    outcomes = []
    for _ in range(count):
        visits = float(rng.randint(0, 10))
        source = rng.choice(["Referral", "Web", "Ad"])
        z = -1 + 0.4 * visits + {"Referral": 1.0, "Web": -0.5, "Ad": 0.0}[source]
        rows.append({"visits": visits if rng.random() > 0.1 else None, "source": source,
                     "colour": rng.choice(["red", "blue"])})
        outcomes.append(rng.random() < 1 / (1 + math.exp(-z)))
    return rows, outcomes


def test_given_an_additive_history_the_model_learns_each_features_direction() -> None:
    rows, outcomes = additive_history()
    model = AdditiveModel.fit(rows, outcomes)
    low, high = model.predict([{"visits": 1.0, "source": "Ad"}, {"visits": 9.0, "source": "Ad"}])
    assert high > low + 0.4
    referral, web = model.predict([{"visits": 5.0, "source": "Referral"}, {"visits": 5.0, "source": "Web"}])
    assert referral > web
    red, blue = model.predict([{"visits": 5.0, "colour": "red"}, {"visits": 5.0, "colour": "blue"}])
    assert abs(red - blue) < 0.05


def test_the_pushes_of_a_row_add_up_to_its_log_odds_and_name_the_tables_counts() -> None:
    rows, outcomes = additive_history()
    model = AdditiveModel.fit(rows, outcomes)
    row = {"visits": 8.0, "source": "Referral", "colour": "red"}
    scored = model.score(row, top=3)
    reasons = scored.up + scored.down
    assert {r.feature for r in reasons} == {"visits", "source", "colour"}
    base = model.intercept + sum(t.mean for t in model.terms.values())
    assert math.isclose(base + sum(r.effect for r in reasons), math.log(scored.probability / (1 - scored.probability)),
                        abs_tol=1e-9)
    source = next(r for r in reasons if r.feature == "source")
    assert (source.converted, source.total) == model.tables.tables["source"].counts["Referral"]
    assert source.text.startswith("from Referral: ") and source.effect > 0


def test_a_value_never_seen_in_training_adds_nothing_and_gives_no_reason() -> None:
    rows, outcomes = additive_history()
    model = AdditiveModel.fit(rows, outcomes)
    scored = model.score({"visits": 5.0, "source": "Carrier pigeon", "colour": "red"})
    assert "source" not in {r.feature for r in scored.up + scored.down}
    assert model._terms([{"source": "Carrier pigeon"}])[0][list(model.terms).index("source")] == 0.0


def test_a_stored_additive_model_is_json_and_reads_back_to_the_same_scores() -> None:
    rows, outcomes = additive_history(1000)
    model = AdditiveModel.fit(rows, outcomes, outcome_word="won")
    payload = model.to_payload()
    assert json.loads(payload)["kind"] == "additive"  # no pickle: any scikit-learn reads it
    again = load_model("additive", payload)
    assert np.array_equal(np.asarray(again.predict(rows)), np.asarray(model.predict(rows)))
    assert again.score(rows[0]) == model.score(rows[0])
    assert "won" in (again.score(rows[0]).up + again.score(rows[0]).down)[0].text


def test_a_model_explained_by_frequency_tables_reuses_the_ones_given() -> None:
    rows, outcomes = additive_history(1000)
    tables = FrequencyModel.fit(rows, outcomes)
    assert AdditiveModel.fit(rows, outcomes, tables=tables).tables is tables
    assert BoostedModel.fit(rows, outcomes, tables=tables).tables is tables


def test_without_a_usable_feature_the_additive_model_is_refused_and_not_a_candidate() -> None:
    rows: list[FeatureRow] = [{"plan": "basic"} for _ in range(400)]
    outcomes = [i % 3 == 0 for i in range(400)]
    with pytest.raises(ValueError, match="at least one feature"):
        AdditiveModel.fit(rows, outcomes)
    choice = choose_model(rows, outcomes)
    assert "additive" in choice.skipped and choice.model.kind == "frequency"


def mixed_rows() -> list[FeatureRow]:
    rng = random.Random(5)
    picks: list[object] = [None, "", "7", "x", 0.0, 3.5, 12.0, 250.0, float("nan"), "Web", "Ad", "Referral", "Fax"]
    return [{"visits": rng.choice(picks), "source": rng.choice(picks)} for _ in range(400)]  # type: ignore[misc]


def test_the_column_reader_finds_each_value_where_the_table_reads_it() -> None:
    rows, outcomes = additive_history(500)
    tables = FrequencyModel.fit(rows, outcomes).tables
    for name, table in tables.items():
        values = [r.get(name) for r in mixed_rows()]
        positions = list(table.counts)
        plain = [positions.index(table.value_of(v)) if table.value_of(v) in table.counts else -1  # type: ignore[arg-type]
                 for v in values if not (isinstance(v, float) and math.isnan(v))]
        fast = _value_index(table, [v for v in values if not (isinstance(v, float) and math.isnan(v))])
        assert fast.tolist() == plain


def test_the_encoder_reads_columns_as_it_reads_single_values() -> None:
    rows, _ = additive_history(500)
    encoder = Encoder.fit(rows)
    mixed = mixed_rows()
    matrix = encoder.transform(mixed)
    for i, row in enumerate(mixed):
        for j, (name, numeric, codes) in enumerate(zip(encoder.names, encoder.numeric, encoder.codes, strict=True)):
            value = row.get(name)
            if value is None or value == "":
                expected = math.nan
            elif numeric:
                number = _number(value)
                expected = math.nan if number is None else number
            else:
                expected = float(codes.get(str(value), len(codes)))
            assert (math.isnan(expected) and math.isnan(matrix[i, j])) or matrix[i, j] == expected
