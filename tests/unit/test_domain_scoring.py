"""The smoothed-frequency model against hand-computed tables, its explanations, the features of a
lead, the training rule, and the evaluation measures against textbook values."""

from __future__ import annotations

import math
import random
import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.features import LeadFacts, decided_at, lead_features, outcome_of, training_moments
from leadline.domain.scoring.frequency import PRIOR_WEIGHT, FrequencyModel, band_label
from leadline.domain.scoring.interface import ModelVersion, probability_to_score
from leadline.domain.scoring.metrics import average_precision, brier, evaluate, roc_auc, top_decile_lift
from leadline.domain.scoring.reading import reading_age

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def small_history() -> tuple[list[dict[str, str | float | None]], list[bool]]:
    """Trade show: 3 of 4 converted; Web: 1 of 6."""
    rows: list[dict[str, str | float | None]] = [{"source": "Trade show"}] * 4 + [{"source": "Web"}] * 6
    outcomes = [True, True, True, False] + [True] + [False] * 5
    return rows, outcomes


def test_given_a_history_when_fitted_then_the_tables_hold_its_counts() -> None:
    rows, outcomes = small_history()
    model = FrequencyModel.fit(rows, outcomes)
    assert model.tables["source"].counts == {"Trade show": (3, 4), "Web": (1, 6)}
    assert (model.positives, model.outcomes) == (4, 10)


def test_each_values_evidence_is_its_smoothed_rate_against_the_overall_one() -> None:
    rows, outcomes = small_history()
    model = FrequencyModel.fit(rows, outcomes)
    p0 = 5 / 12  # (4 + 1) / (10 + 2)
    trade_show = (3 + 10 * p0) / (4 + 10)  # Beta prior worth ten outcomes: 7.1667 / 14 = 0.5119
    web = (1 + 10 * p0) / (6 + 10)  # 5.1667 / 16 = 0.3229
    assert PRIOR_WEIGHT == 10
    assert model.raw({"source": "Trade show"}) == pytest.approx(logit(trade_show) - logit(p0))
    assert model.raw({"source": "Web"}) == pytest.approx(logit(web) - logit(p0))
    assert model.raw({"source": "Never seen"}) == 0.0


def test_probabilities_are_calibrated_by_a_logistic_of_the_raw_score() -> None:
    rows, outcomes = small_history()
    model = FrequencyModel.fit(rows, outcomes)
    high, low = model.predict([{"source": "Trade show"}, {"source": "Web"}])
    assert high == pytest.approx(1 / (1 + math.exp(-(model.a + model.b * model.raw({"source": "Trade show"})))))
    assert high > low and model.b >= 0


def test_explanations_name_real_features_with_their_counts() -> None:
    rows = [{"source": "Trade show", "budget": "100k or more"}] * 50 + [{"source": "Web", "budget": None}] * 50
    outcomes = [i < 35 for i in range(50)] + [i < 5 for i in range(50)]
    model = FrequencyModel.fit(rows, outcomes)
    good = model.score({"source": "Trade show", "budget": "100k or more"})
    bad = model.score({"source": "Web", "budget": None})
    assert [r.text for r in good.up] == ["from Trade show: 35 of 50 converted",
                                         "budget 100k or more: 35 of 50 converted"]
    assert [r.text for r in bad.down] == ["from Web: 5 of 50 converted", "budget not given: 5 of 50 converted"]
    assert good.score > bad.score and not good.down and not bad.up
    assert good.confident is False  # 100 outcomes are thin


def test_numbers_are_cut_into_bands_and_missing_is_its_own_band() -> None:
    rows = [{"activities": float(i % 10)} for i in range(100)] + [{"activities": None}] * 10
    model = FrequencyModel.fit(rows, [i % 3 == 0 for i in range(110)])
    table = model.tables["activities"]
    assert table.edges == (2.0, 4.0, 6.0, 8.0)
    assert set(table.counts) == {"under 2", "2 to 4", "4 to 6", "6 to 8", "8 or more", "unknown"}
    assert band_label((3.0, 7.0), 7.0) == "7 or more"


def test_ids_and_single_values_are_left_out() -> None:
    rows = [{"email": f"p{i}@x.example", "kind": "same", "source": "A" if i % 2 else "B"} for i in range(60)]
    model = FrequencyModel.fit(rows, [i % 3 == 0 for i in range(60)])
    assert list(model.tables) == ["source"]


def test_a_stored_model_comes_back_identical() -> None:
    rows, outcomes = small_history()
    model = FrequencyModel.fit(rows, outcomes)
    again = FrequencyModel.from_payload(model.to_payload())
    assert again.predict(rows) == model.predict(rows)
    assert str(ModelVersion("frequency", 3)) == "frequency@3"


def test_confidence_needs_enough_outcomes_of_each_kind() -> None:
    rows = [{"source": "A" if i % 2 else "B"} for i in range(400)]
    outcomes = [i % 4 == 0 for i in range(400)]
    assert FrequencyModel.fit(rows, outcomes).score({"source": "A"}).confident is True
    assert FrequencyModel.fit(rows[:100], outcomes[:100]).score({"source": "A"}).confident is False


def lead(**values: object) -> Lead:
    base: dict[str, object] = {"id": 1, "last_name": "Doe", "company": "Acme", "status_id": 1,
                               "created_at": NOW - timedelta(days=10), "updated_at": NOW}
    base.update(values)
    return Lead(**base)  # type: ignore[arg-type]


def test_a_leads_features_are_read_in_words_and_numbers() -> None:
    facts = LeadFacts(lead(title="VP of Sales", number_of_employees=120, budget_amount=Decimal("30000"),
                           purchase_timeframe=(NOW - timedelta(days=10)).date() + timedelta(days=60),
                           email="ann@gmail.com", is_decision_maker=True),
                      source="Trade show", campaign="Spring", activities=3, last_activity_at=NOW - timedelta(days=4),
                      quiz={"team size": "11-50"}, custom={"region": "North", "seats": 12})
    row = lead_features(facts, NOW)
    assert row["source"] == "Trade show" and row["campaign"] == "Spring"
    assert row["title_seniority"] == "vp or director"
    assert row["company_size"] == "51-200" and row["budget"] == "25k-100k"
    assert row["timeframe"] == "within 3 months" and row["email_domain"] == "free mail"
    assert row["decision_maker"] == "yes" and row["activities"] == 3.0 and row["days_since_activity"] == 4.0
    assert row["quiz.team size"] == "11-50" and row["custom.region"] == "North" and row["custom.seats"] == 12.0
    assert "status" not in row and "converted_at" not in row  # nothing recorded after the outcome


def test_only_leads_that_had_their_chance_teach_the_model() -> None:
    young, old = lead(created_at=NOW - timedelta(days=30)), lead(created_at=NOW - timedelta(days=200))
    assert outcome_of(young, unqualified=False, now=NOW) is None
    assert outcome_of(old, unqualified=False, now=NOW) is False
    assert outcome_of(young, unqualified=True, now=NOW) is False
    converted = lead(converted_at=NOW, converted_opportunity_id=9)
    assert outcome_of(converted, unqualified=False, now=NOW) is True
    assert outcome_of(lead(converted_at=NOW), unqualified=False, now=NOW) is False  # no opportunity came of it
    assert date(2026, 1, 1) < NOW.date()


def test_measures_match_their_textbook_values() -> None:
    p, y = [0.1, 0.4, 0.35, 0.8], [False, False, True, True]
    assert roc_auc(p, y) == 0.75
    assert average_precision(p, y) == pytest.approx((1 / 1 + 2 / 3) / 2)
    assert brier(p, y) == pytest.approx((0.01 + 0.16 + 0.4225 + 0.04) / 4)
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5
    ten = [i / 10 for i in range(10)]
    assert top_decile_lift(ten, [i >= 8 for i in range(10)]) == 5.0
    result = evaluate(ten, [i >= 8 for i in range(10)])
    assert result.roc_auc == 1.0 and sum(b.rows for b in result.calibration) == 10
    assert probability_to_score(0.134) == 13


def test_a_model_giving_every_row_one_score_has_a_lift_of_one_whatever_the_order() -> None:
    # given 20 rows of which 2 positive, all scored alike: the top tenth is any 2 rows
    positives_first = [True, True] + [False] * 18
    # when the lift is measured, the rows' order (which put the positives on top) does not count
    assert top_decile_lift([0.3] * 20, positives_first) == 1.0
    assert top_decile_lift([0.3] * 20, positives_first[::-1]) == 1.0
    # and rows tied at the edge count by their share: one sure row above, three tied for one place
    assert top_decile_lift([0.9, 0.5, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] * 1 + [0.0] * 10,
                           [True, True, False, False] + [False] * 16) == pytest.approx(
        ((1 + 1 * 1 / 3) / 2) / (2 / 20))


def test_a_text_where_numbers_were_learned_reads_as_unknown() -> None:
    rows = [{"seats": float(i % 7)} for i in range(70)] + [{"seats": None}] * 10
    model = FrequencyModel.fit(rows, [i % 2 == 0 for i in range(80)])
    assert model.tables["seats"].value_of("lots") == "unknown"
    assert 0 < model.predict([{"seats": "lots"}])[0] < 1


def test_a_count_with_few_values_keeps_each_value_its_own_band() -> None:
    # given activities 0, 1 or 2, where two activities (and only two) mark the leads that convert
    rows = [{"activities": float(i % 5 // 2)} for i in range(100)]  # 0, 0, 1, 1, 2: two in five have none
    outcomes = [i % 5 == 4 for i in range(100)]
    # when fitted
    model = FrequencyModel.fit(rows, outcomes)
    # then 2 is not lumped with 1 (the quintiles of 0, 0, 1, 1, 2 cut only at 1)
    assert model.tables["activities"].counts == {"under 1": (0, 40), "1 to 2": (0, 40), "2 or more": (20, 20)}
    assert roc_auc(model.predict(rows), outcomes) == 1.0


def test_a_lead_that_taught_the_model_is_read_at_its_reading_moment_while_still_open() -> None:
    created = NOW - timedelta(days=700)
    converted = lead(id=1, created_at=created, converted_at=created + timedelta(days=40), converted_opportunity_id=9)
    unqualified = lead(id=2, created_at=created, updated_at=created + timedelta(days=20))
    matured = lead(id=3, created_at=created)
    assert decided_at(converted, unqualified=False, now=NOW) == created + timedelta(days=40)
    assert decided_at(unqualified, unqualified=True, now=NOW) == created + timedelta(days=20)
    assert decided_at(matured, unqualified=False, now=NOW) == created + timedelta(days=180)
    assert decided_at(lead(created_at=NOW - timedelta(days=3)), unqualified=False, now=NOW) == NOW  # never later
    # read each at the age drawn for its id, of mean half the median life (40 days): the one
    # disqualified on day 20 teaches only if read before then, each by the same rule
    leads = [(converted, False), (unqualified, True), (matured, False)]
    moments = training_moments(leads, now=NOW)
    for (one, _), life, moment in zip(leads, (40, 20, 180), moments, strict=True):
        age = reading_age("lead", one.id, timedelta(days=20))
        assert moment == (created + age if age < timedelta(days=life) else None)
    # then, read on day 21, the call of day 0 counts, the meeting the day before conversion not yet
    converted_at = created + timedelta(days=21, hours=3)
    facts = LeadFacts(converted, activity_times=(created, created + timedelta(days=39)))
    row = lead_features(facts, converted_at)
    assert (row["activities"], row["days_since_activity"]) == (1.0, 21.0)  # not 700 days since the meeting


def _trade_show_outcomes(seed: int) -> tuple[list[dict[str, object]], list[bool]]:
    """200 outcomes where a trade-show lead converts four times as often as another, with fifteen
    features of ten random values each."""
    rng = random.Random(seed)
    rows, ys = [], []
    for _ in range(200):
        show = rng.random() < 0.5
        row: dict[str, object] = {"source": "Trade show" if show else "Web"}
        row.update({f"noise{i}": f"v{rng.randrange(10)}" for i in range(15)})
        rows.append(row)
        ys.append(rng.random() < (0.4 if show else 0.1))
    return rows, ys


def test_a_real_effect_among_sparse_noisy_features_is_not_calibrated_away() -> None:
    """Given twenty samples of 200 outcomes where a trade-show lead converts four times as often
    as another among fifteen noise features, when each is fitted, the calibration keeps the effect
    on average: mean slope ``b`` above 0.22 and a median trade-show/web probability ratio above
    1.25. Scoring each training row without its own outcome (leave-one-out) ranked sparse values
    backwards: over seeds 0-199 its mean ``b`` per twenty seeds was 0.09-0.16 and its median ratio
    1.03-1.22; the out-of-fold scores give 0.29-0.36 and 1.34-1.56 (fixC). One seed alone is luck
    either way (a quarter of single seeds fall on the wrong side)."""
    slopes, ratios = [], []
    for seed in range(20):
        rows, ys = _trade_show_outcomes(seed)
        model = FrequencyModel.fit(rows, ys)  # type: ignore[arg-type]
        show_p, web_p = model.predict([{"source": "Trade show"}, {"source": "Web"}])
        slopes.append(model.b)
        ratios.append(show_p / web_p)
    assert statistics.mean(slopes) > 0.22
    assert statistics.median(ratios) > 1.25
