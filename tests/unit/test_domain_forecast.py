"""Forecast maths by hand: fiscal periods, cumulative categories, roll-up, adjustments, accuracy."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadline.domain.errors import ValidationError
from leadline.domain.forecast import (
    AccuracyBasis,
    Adjustment,
    CategorySums,
    PeriodKind,
    accuracy,
    apply_adjustments,
    by_owner,
    ensure_adjustable,
    forecast_of,
    parse_period,
    period_containing,
    roll_up,
    roll_up_many,
)
from leadline.domain.opportunities.opportunity import ForecastCategory as C
from leadline.domain.opportunities.opportunity import Outcome
from tests.unit.builders import raises_error

Q4 = parse_period("2026-Q4")


def row(owner, outcome, category, amount, probability=0, count=1):
    amount = Decimal(amount)
    return CategorySums(owner, outcome, category, amount, amount * probability / 100, count)


@pytest.mark.parametrize(("text", "fiscal", "start", "end"), [
    ("2026", 1, date(2026, 1, 1), date(2027, 1, 1)),
    ("2026-Q4", 1, date(2026, 10, 1), date(2027, 1, 1)),
    ("2026-Q1", 4, date(2026, 4, 1), date(2026, 7, 1)),
    ("2026-Q4", 4, date(2027, 1, 1), date(2027, 4, 1)),
    ("2026", 7, date(2026, 7, 1), date(2027, 7, 1)),
    ("2026-11", 4, date(2026, 11, 1), date(2026, 12, 1)),
    ("2026-12", 1, date(2026, 12, 1), date(2027, 1, 1)),
])
def test_periods_follow_the_fiscal_year_start(text, fiscal, start, end):
    period = parse_period(text, fiscal)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["26-Q1", "2026-Q5", "2026-13", "next quarter", ""])
def test_a_period_that_is_not_one_is_refused(text):
    with pytest.raises(ValidationError):
        parse_period(text)


def test_the_period_holding_a_day():
    assert period_containing(date(2027, 2, 14), PeriodKind.QUARTER, 4).label == "2026-Q4"
    assert period_containing(date(2027, 2, 14), PeriodKind.YEAR, 4).label == "2026"
    assert period_containing(date(2027, 2, 14), PeriodKind.MONTH, 4).label == "2027-02"


def test_categories_are_cumulative_and_lost_or_omitted_count_nowhere():
    sums = [
        row(1, Outcome.WON, C.CLOSED, "100"),
        row(1, Outcome.OPEN, C.COMMIT, "200", 80),
        row(1, Outcome.OPEN, C.BEST_CASE, "400", 50),
        row(1, Outcome.OPEN, C.PIPELINE, "800", 10),
        row(1, Outcome.OPEN, C.OMITTED, "1600", 5),
        row(1, Outcome.LOST, C.OMITTED, "3200"),
    ]
    forecast = forecast_of(1, Q4, sums)
    assert forecast.totals == {C.CLOSED: 100, C.COMMIT: 300, C.BEST_CASE: 700, C.PIPELINE: 1500}
    assert forecast.weighted == Decimal("160") + 200 + 80  # open, not omitted: 200x.8 + 400x.5 + 800x.1
    assert (forecast.open_count, forecast.won_count) == (3, 1)


def test_a_managers_forecast_is_the_teams_and_visibility_narrows_it():
    manager_of = {1: None, 2: 1, 3: 2, 4: None}
    sums = [row(1, Outcome.WON, C.CLOSED, "10"), row(2, Outcome.WON, C.CLOSED, "20"),
            row(3, Outcome.OPEN, C.COMMIT, "40"), row(4, Outcome.WON, C.CLOSED, "80")]
    assert roll_up(1, Q4, sums, manager_of).totals[C.COMMIT] == 70
    assert roll_up(2, Q4, sums, manager_of).totals[C.COMMIT] == 60
    assert roll_up(3, Q4, sums, manager_of).totals[C.CLOSED] == 0
    assert roll_up(1, Q4, sums, manager_of, visible_owner_ids=frozenset({1, 3})).totals[C.COMMIT] == 50
    assert {owner: f.totals[C.CLOSED] for owner, f in by_owner(Q4, sums).items()} == {1: 10, 2: 20, 3: 0, 4: 80}


def test_attainment_is_won_over_quota():
    forecast = forecast_of(1, Q4, [row(1, Outcome.WON, C.CLOSED, "750")])
    assert forecast.attainment is None
    forecast.quota = Decimal("1000")
    assert forecast.attainment == Decimal("75.0")


def test_the_latest_adjustment_replaces_a_category_and_the_original_stays():
    forecast = forecast_of(1, Q4, [row(1, Outcome.OPEN, C.COMMIT, "300")])
    adjusted = apply_adjustments(forecast, [
        Adjustment(1, 1, "2026-Q4", C.COMMIT, Decimal("250"), Decimal("300"), 9),
        Adjustment(2, 1, "2026-Q4", C.COMMIT, Decimal("280"), Decimal("300"), 9),
        Adjustment(3, 1, "2026-Q3", C.COMMIT, Decimal("1"), Decimal("300"), 9),
        Adjustment(4, 2, "2026-Q4", C.COMMIT, Decimal("2"), Decimal("300"), 9),
    ])
    assert (adjusted.total(C.COMMIT), adjusted.totals[C.COMMIT], adjusted.total(C.PIPELINE)) == (280, 300, 300)


def test_closed_and_negative_figures_cannot_be_adjusted():
    with pytest.raises(ValidationError):
        ensure_adjustable(C.CLOSED, Decimal(1))
    with pytest.raises(ValidationError):
        ensure_adjustable(C.COMMIT, Decimal(-1))


def test_accuracy_compares_a_snapshot_with_what_was_won():
    lines = accuracy({(1, C.COMMIT): Decimal("800"), (1, C.PIPELINE): Decimal("2000"), (2, C.COMMIT): Decimal("0")},
                     {1: Decimal("1000")})
    assert [(line.user_id, line.category, line.difference, line.accuracy) for line in lines] == [
        (1, C.COMMIT, 200, Decimal("80.0")), (1, C.PIPELINE, -1000, Decimal("0.0")), (2, C.COMMIT, 0, None)]


def test_the_pipelines_accuracy_is_its_weighted_expectation_against_what_was_won_by_hand():
    """At the snapshot the rep had won 1,000 and had open 2,000 in commit at 75 %, 3,000 in best
    case at 50 % and 4,000 in pipeline at 10 %: closed 1,000, commit 3,000, best case 6,000,
    pipeline 10,000, weighted 1,500 + 1,500 + 400 = 3,400. The commit deal was won: actual 3,000.
    The pipeline was expected to bring 1,000 + 3,400 = 4,400: a miss of 1,400 / 3,000 = 46.7 %,
    so 53.3 % (against the whole 10,000 it was 0 % whatever happened)."""
    snapshot = {(1, C.CLOSED): Decimal(1000), (1, C.COMMIT): Decimal(3000), (1, C.BEST_CASE): Decimal(6000),
                (1, C.PIPELINE): Decimal(10000)}
    lines = {line.category: line for line in accuracy(snapshot, {1: Decimal(3000)}, {1: Decimal(3400)})}
    assert {c: (line.basis, line.forecast, line.difference, line.accuracy) for c, line in lines.items()} == {
        C.CLOSED: (AccuracyBasis.TOTAL, 1000, 2000, Decimal("33.3")),
        C.COMMIT: (AccuracyBasis.TOTAL, 3000, 0, Decimal("100.0")),
        C.BEST_CASE: (AccuracyBasis.TOTAL, 6000, -3000, Decimal("0.0")),
        C.PIPELINE: (AccuracyBasis.WEIGHTED, 4400, -1400, Decimal("53.3")),
    }


@pytest.mark.parametrize(("text", "label"), [
    ("this-quarter", "2026-Q2"), ("last-quarter", "2026-Q1"), ("next-quarter", "2026-Q3"),
    ("this-month", "2026-11"), ("Last-Month", "2026-10"), ("next-month", "2026-12"),
    ("this-year", "2026"), ("last-year", "2025"), ("next-year", "2027"),
])
def test_relative_periods_follow_today_and_the_fiscal_year(text: str, label: str) -> None:
    # fiscal year from July: 27 November 2026 is in fiscal 2026's second quarter (Oct-Dec)
    assert parse_period(text, 7, date(2026, 11, 27)).label == label


def test_last_quarter_crosses_into_the_previous_fiscal_year() -> None:
    period = parse_period("last-quarter", 7, date(2026, 8, 1))
    assert (period.label, period.start, period.end) == ("2025-Q4", date(2026, 4, 1), date(2026, 7, 1))


def test_relative_periods_need_a_today() -> None:
    with pytest.raises(ValidationError):
        parse_period("this-quarter", 1)


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=40),
       st.lists(st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from([C.COMMIT, C.PIPELINE]),
                          st.integers(min_value=1, max_value=999)), max_size=60))
def test_rolling_up_many_users_at_once_gives_each_the_forecast_of_rolling_up_alone(parents, opportunities):
    # user i+1 reports to an earlier user (or to nobody): any tree, any depth
    manager_of = {i + 1: (p % (i + 1)) or None for i, p in enumerate(parents)}
    sums = [row(owner, Outcome.OPEN, category, str(amount)) for owner, category, amount in opportunities]
    together = roll_up_many(list(manager_of), Q4, sums, manager_of)
    assert set(together) == set(manager_of)
    for uid, forecast in together.items():
        alone = roll_up(uid, Q4, sums, manager_of)
        assert (forecast.totals, forecast.open_count, forecast.weighted) == (
            alone.totals, alone.open_count, alone.weighted)


@pytest.mark.parametrize("text", ["9999-Q4", "0000", "9999", "1899-12", "3000-Q1"])
def test_a_period_outside_the_business_years_is_refused_naming_the_period(text: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="period"):
        parse_period(text)


@pytest.mark.parametrize("kind", list(PeriodKind))
@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1)])
def test_the_period_of_a_stored_day_at_the_calendars_ends_still_has_bounds(kind: PeriodKind, day: date) -> None:
    """A record stored before the date rule (9999-12-31) must not break a report that places it."""
    for fiscal in (1, 4, 12):
        period = period_containing(day, kind, fiscal)
        assert period.start <= day and period.start < period.end


def test_a_forecast_figure_beyond_an_amount_cannot_be_kept_beside_an_adjustment() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="category"):
        Adjustment(1, 2, "2026-Q2", C.PIPELINE, Decimal(1), Decimal("180000000000000"), 3)
