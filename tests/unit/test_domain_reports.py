"""The report maths alone: cumulative funnel steps and their rates, distributions of days, cohorts,
velocity, and the dimension list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from leadline.domain.errors import ValidationError
from leadline.domain.reports import (
    DIMENSIONS,
    ConvertedWithin,
    Velocity,
    cohort_bounds,
    dimension_named,
    distribution,
    funnel_steps,
    quarter_of,
)
from tests.unit.builders import raises_error


def test_a_lead_counts_at_every_step_up_to_the_furthest_it_reached() -> None:
    steps = funnel_steps({0: 2, 1: 2, 2: 1, 3: 1, 4: 1, 5: 1})
    assert [s.count for s in steps] == [8, 6, 4, 3, 2, 1]
    assert [s.step_rate for s in steps] == [None, Decimal("75.0"), Decimal("66.7"), Decimal("75.0"),
                                            Decimal("66.7"), Decimal("50.0")]
    assert steps[-1].overall_rate == Decimal("12.5")


def test_an_empty_funnel_has_no_rates_rather_than_a_division_by_zero() -> None:
    assert [(s.count, s.step_rate, s.overall_rate) for s in funnel_steps({})][1] == (0, None, None)


def test_a_distribution_of_days_has_its_mean_median_range_and_buckets() -> None:
    days = distribution({10: 2, 30: 1, 400: 1})
    assert (days.count, days.mean, days.median, days.minimum, days.maximum) == (
        4, Decimal("112.5"), Decimal("20.0"), 10, 400)
    assert dict(days.buckets) == {"0-7": 0, "8-30": 3, "31-90": 0, "91-180": 0, "181-365": 0, "366+": 1}
    assert distribution({}).median is None


def test_cohorts_are_months_or_quarters() -> None:
    assert cohort_bounds("2026-03") == (date(2026, 3, 1), date(2026, 4, 1))
    assert cohort_bounds("2026-q4") == (date(2026, 10, 1), date(2027, 1, 1))
    assert quarter_of("2026-05") == "2026-Q2"
    for wrong in ("2026-Q5", "2026-13", "March"):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="cohort"):
            cohort_bounds(wrong)


def test_velocity_is_open_times_win_rate_times_average_deal_over_the_cycle() -> None:
    v = Velocity(open_count=10, won_count=3, lost_count=1, won_amount=Decimal("3000"), cycle_days=Decimal("30"))
    assert (v.win_rate, v.average_deal, v.per_day) == (Decimal("75.0"), Decimal("1000.00"), Decimal("250.00"))
    assert Velocity(5, 0, 0, Decimal(0), None).per_day is None
    assert ConvertedWithin(30, 0, 0).share is None


def test_the_dimensions_are_data_and_an_unknown_one_is_refused_naming_by() -> None:
    assert [d.name for d in DIMENSIONS] == ["source", "owner", "team", "cohort", "quarter", "campaign"]
    assert dimension_named("Team") is not None and dimension_named(None) is None
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="by"):
        dimension_named("colour")
