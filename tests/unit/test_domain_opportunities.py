"""Opportunities: valid stages, usable sales processes, and won/lost as an outcome, not a probability."""

from decimal import Decimal

import pytest

from leadline.domain.errors import ConfigurationError, ValidationError
from leadline.domain.money import Money
from leadline.domain.opportunities.opportunity import (
    ForecastCategory,
    Opportunity,
    Outcome,
    ensure_usable_process,
    first_open_stage,
    parse_forecast_category,
)
from tests.unit.builders import NOW, make_default_stages, make_lost_stage, make_stage, make_won_stage, raises_error


def make_opportunity(**overrides):
    values = {
        "id": 4001, "account_id": 2001, "name": "Analytical Engines - 40 seats", "stage_id": 1,
        "probability": 10, "forecast_category": ForecastCategory.PIPELINE, "created_at": NOW, "updated_at": NOW,
    }
    values.update(overrides)
    return Opportunity(**values)


def test_the_default_stages_are_valid_and_make_a_usable_process():
    stages = make_default_stages()

    ensure_usable_process(stages)

    assert [s.label for s in stages if s.is_closed] == ["Closed Won", "Closed Lost"]


@pytest.mark.parametrize("probability", [0, 100])
def test_a_probability_from_zero_to_a_hundred_is_accepted(probability):
    assert make_stage(probability=probability).probability == probability


@pytest.mark.parametrize("probability", [-1, 101])
def test_a_probability_outside_zero_to_a_hundred_is_refused(probability):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="probability"):
        make_stage(probability=probability)


def test_a_won_stage_must_also_be_closed():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="is_won"):
        make_stage(is_won=True, is_closed=False, forecast_category=ForecastCategory.COMMIT)


@pytest.mark.parametrize("category", [ForecastCategory.PIPELINE, ForecastCategory.BEST_CASE, ForecastCategory.COMMIT])
def test_a_closed_stage_forecasts_only_as_closed_or_omitted(category):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="forecast_category"):
        make_won_stage(forecast_category=category)


def test_a_closed_lost_stage_may_be_omitted_from_the_forecast():
    assert make_lost_stage(forecast_category=ForecastCategory.OMITTED).is_closed is True


def test_an_open_stage_cannot_forecast_as_closed():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="forecast_category"):
        make_stage(probability=100, forecast_category=ForecastCategory.CLOSED)


def test_a_process_without_an_open_stage_is_refused():
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="stages") as caught:
        ensure_usable_process([make_won_stage(), make_lost_stage()])

    assert "open stage" in caught.value.message


def test_a_process_without_a_won_stage_is_refused():
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="stages") as caught:
        ensure_usable_process([make_stage(), make_lost_stage()])

    assert "closed-won" in caught.value.message


def test_a_process_without_a_lost_stage_is_refused():
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="stages") as caught:
        ensure_usable_process([make_stage(), make_won_stage()])

    assert "closed-lost" in caught.value.message


def test_inactive_stages_do_not_make_a_process_usable():
    stages = [make_stage(), make_won_stage(), make_lost_stage(is_active=False)]

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="stages"):
        ensure_usable_process(stages)


def test_the_first_open_stage_is_the_active_open_stage_lowest_in_order():
    # given stages listed out of order, the lowest-ordered one inactive
    stages = [
        make_won_stage(order=1),
        make_stage(id=3, label="Needs Analysis", order=30),
        make_stage(id=9, label="Qualification", order=20),
        make_stage(id=1, label="Prospecting", order=10, is_active=False),
    ]

    # then a new opportunity starts in "Qualification"
    assert first_open_stage(stages).label == "Qualification"


def test_a_process_with_no_active_open_stage_has_no_first_stage():
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="stages"):
        first_open_stage([make_stage(is_active=False), make_won_stage(), make_lost_stage()])


def test_the_outcome_of_a_stage_is_open_won_or_lost():
    assert Opportunity.outcome_for(make_stage()) is Outcome.OPEN
    assert Opportunity.outcome_for(make_won_stage()) is Outcome.WON
    assert Opportunity.outcome_for(make_lost_stage()) is Outcome.LOST


def test_an_open_stage_at_a_hundred_percent_is_still_open():
    stage = make_stage(probability=100, forecast_category=ForecastCategory.COMMIT)

    assert Opportunity.outcome_for(stage) is Outcome.OPEN


def test_an_opportunity_is_closed_by_its_outcome_not_its_probability():
    assert make_opportunity(probability=100).is_closed() is False
    assert make_opportunity(probability=0, outcome=Outcome.LOST).is_closed() is True
    assert make_opportunity(outcome=Outcome.WON).is_closed() is True


def test_an_opportunity_amount_is_money_in_its_currency():
    assert make_opportunity(amount=Decimal("5000"), currency="EUR").money == Money(Decimal("5000"), "EUR")
    assert make_opportunity(amount=None).money is None


@pytest.mark.parametrize(
    ("given", "category"),
    [("pipeline", ForecastCategory.PIPELINE), ("Best Case", ForecastCategory.BEST_CASE),
     (" COMMIT ", ForecastCategory.COMMIT), ("best_case", ForecastCategory.BEST_CASE)],
)
def test_a_forecast_category_is_parsed_ignoring_case_and_spaces(given, category):
    assert parse_forecast_category(given) is category


def test_an_unknown_forecast_category_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="forecast_category"):
        parse_forecast_category("upside")
