"""The report maths alone: cumulative funnel steps and their rates, distributions of days, cohorts,
velocity, and the dimension list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from leadline.domain.common import DAY_RULE
from leadline.domain.errors import ValidationError
from leadline.domain.reports import (
    DIMENSIONS,
    ConvertedWithin,
    Velocity,
    cohort_bounds,
    dimension_named,
    distribution,
    ensure_known_day,
    funnel_steps,
    pipeline_day,
    quarter_of,
    report_day,
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
    assert cohort_bounds("2999-Q4") == (date(2999, 10, 1), date(3000, 1, 1))
    for wrong in ("2026-Q5", "2026-13", "March", "2026-3", "202603", "2026-003", "2026-Q01", "3000-01", "1899-Q4"):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="cohort"):
            cohort_bounds(wrong)


def test_report_dates_are_said_with_the_business_years_they_accept() -> None:
    assert DAY_RULE == "YYYY-MM-DD, 1900 to 2999"
    assert report_day("2999-12-31", "to") == date(2999, 12, 31)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="to"):
        report_day("3000-01-01", "to")


def test_velocity_is_open_times_win_rate_times_average_deal_over_the_cycle() -> None:
    v = Velocity(open_count=10, won_count=3, lost_count=1, won_amount=Decimal("3000"), cycle_days=Decimal("30"))
    assert (v.win_rate, v.average_deal, v.per_day) == (Decimal("75.0"), Decimal("1000.00"), Decimal("250.00"))
    assert Velocity(5, 0, 0, Decimal(0), None).per_day is None


def test_velocity_per_day_comes_from_the_exact_win_rate_not_the_rounded_one() -> None:
    # given 11 won of 37 closed (29.7297... %, shown as 29.7), 432,952 won, a 130.8-day cycle, 22 open
    v = Velocity(open_count=22, won_count=11, lost_count=26, won_amount=Decimal("432952"), cycle_days=Decimal("130.8"))
    # then velocity is 22 x 11/37 x 432952/11 / 130.8 = 1968.13 by hand (1966.16 from the rounded 29.7 %)
    assert v.win_rate == Decimal("29.7") and v.per_day == Decimal("1968.13")
    assert ConvertedWithin(30, 0, 0).share is None


def test_the_dimensions_are_data_and_an_unknown_one_is_refused_naming_by() -> None:
    assert [d.name for d in DIMENSIONS] == ["source", "owner", "team", "cohort", "quarter", "campaign"]
    assert dimension_named("Team") is not None and dimension_named(None) is None
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="by"):
        dimension_named("colour")


def test_a_report_date_is_written_yyyy_mm_dd_and_nothing_else() -> None:
    assert report_day("2026-03-01", "from") == date(2026, 3, 1)
    assert report_day(" 2026-03-01 ", "from") == date(2026, 3, 1)
    assert report_day("", "from") is None and report_day(None, "from") is None
    # the ISO basic and week forms date.fromisoformat accepts, and other spellings, are refused naming the field
    for text in ("20260301", "2026-W09-7", "2026-3-1", "01/03/2026", "2026-03-01T00:00", "２０２６-03-01"):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="to") as refused:
            report_day(text, "to")
        assert "is not a date (YYYY-MM-DD" in refused.value.message, text
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="as_of"):
        report_day("2026-02-30", "as_of")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="as_of"):
        report_day("9999-12-31", "as_of")


def test_the_pipeline_is_read_at_a_chosen_past_day_or_at_its_periods_end_today_at_the_latest() -> None:
    today = date(2026, 3, 2)
    # a period's end to come (this quarter) is the pipeline so far; a past one is its own
    assert pipeline_day(None, date(2026, 3, 31), today) == today
    assert pipeline_day(None, date(2026, 2, 28), today) == date(2026, 2, 28)
    assert pipeline_day(None, None, today) == today
    # a pipeline date chosen is that day, before the period's end, and refused when to come
    assert pipeline_day(date(2026, 1, 31), date(2026, 3, 31), today) == date(2026, 1, 31)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="as_of"):
        pipeline_day(date(2026, 3, 3), None, today)


def test_a_day_after_today_is_not_known_yet() -> None:
    today = date(2026, 3, 2)
    assert ensure_known_day(today, today, "as_of") == today
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="to") as refused:
        ensure_known_day(date(2026, 3, 3), today, "to")
    assert refused.value.message.startswith("2026-03-03 is after today (2026-03-02)")
