"""An opportunity's life: stage moves with and without a rep's overrides, winning, losing, reopening."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from leadline.domain.errors import (
    CloseDateInFutureError,
    OpportunityClosedError,
    PermissionDeniedError,
    ValidationError,
)
from leadline.domain.opportunities.opportunity import ForecastCategory, Opportunity, Outcome
from tests.unit.builders import NOW, make_default_stages, raises_error

STAGES = {s.label: s for s in make_default_stages()}


def deal(**overrides) -> Opportunity:
    values = dict(id=1, account_id=2, name="Deal", stage_id=1, probability=10,
                  forecast_category=ForecastCategory.PIPELINE, created_at=NOW, updated_at=NOW,
                  amount=Decimal("5000"), close_date=date(2025, 6, 30))
    values.update(overrides)
    return Opportunity(**values)


def test_a_stage_move_takes_probability_and_category_from_the_stage():
    opportunity = deal()
    opportunity.move_to_stage(STAGES["Negotiation"])
    assert (opportunity.probability, opportunity.forecast_category) == (75, ForecastCategory.COMMIT)


def test_a_reps_overrides_survive_stage_moves_until_cleared():
    opportunity = deal()
    opportunity.override_probability(35)
    opportunity.override_category(ForecastCategory.BEST_CASE)
    opportunity.move_to_stage(STAGES["Negotiation"])
    assert (opportunity.probability, opportunity.forecast_category) == (35, ForecastCategory.BEST_CASE)
    assert opportunity.probability_overridden and opportunity.category_overridden
    opportunity.clear_overrides(STAGES["Negotiation"])
    assert (opportunity.probability, opportunity.forecast_category) == (75, ForecastCategory.COMMIT)
    assert not opportunity.probability_overridden


@pytest.mark.parametrize("value", [-1, 101])
def test_a_probability_outside_0_to_100_is_refused(value):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="probability"):
        deal().override_probability(value)


def test_closed_is_not_a_category_a_rep_can_pick():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="forecast_category"):
        deal().override_category(ForecastCategory.CLOSED)


def test_a_plain_stage_move_cannot_close():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="stage"):
        deal().move_to_stage(STAGES["Closed Won"])


def test_winning_needs_a_positive_amount_and_dates_the_deal():
    for amount in (None, Decimal(0)):
        opportunity = deal(amount=amount)
        assert not opportunity.can_close_won()
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
            opportunity.close_won(STAGES["Closed Won"], NOW)
    opportunity = deal()
    opportunity.override_probability(60)
    opportunity.close_won(STAGES["Closed Won"], NOW)
    assert (opportunity.outcome, opportunity.close_date, opportunity.probability, opportunity.forecast_category) == (
        Outcome.WON, NOW.date(), 100, ForecastCategory.CLOSED)
    assert not opportunity.probability_overridden


def test_losing_keeps_the_reason_and_omits_the_deal():
    opportunity = deal()
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="stage"):
        opportunity.close_lost(STAGES["Closed Won"], 7, NOW)
    opportunity.close_lost(STAGES["Closed Lost"], 7, NOW, "went with a cheaper vendor")
    assert (opportunity.outcome, opportunity.loss_reason_id, opportunity.forecast_category) == (
        Outcome.LOST, 7, ForecastCategory.OMITTED)


def test_a_closed_deal_changes_stage_only_by_reopening():
    opportunity = deal()
    opportunity.close_lost(STAGES["Closed Lost"], 7, NOW)
    for action in (lambda: opportunity.move_to_stage(STAGES["Qualification"]),
                   lambda: opportunity.close_won(STAGES["Closed Won"], NOW),
                   lambda: opportunity.override_probability(50)):
        with raises_error(OpportunityClosedError, code="OPPORTUNITY_CLOSED", field="stage"):
            action()
    opportunity.reopen(STAGES["Qualification"])
    assert (opportunity.outcome, opportunity.closed_at, opportunity.loss_reason_id, opportunity.probability) == (
        Outcome.OPEN, None, None, 20)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="stage"):
        opportunity.reopen(STAGES["Qualification"])


def test_the_close_rule_dates_a_close_today_refuses_the_future_and_lets_only_an_admin_back_date():
    today, tomorrow, last_week = NOW.date(), NOW.date() + timedelta(days=1), NOW.date() - timedelta(days=7)
    with raises_error(CloseDateInFutureError, code="CLOSE_DATE_IN_FUTURE", field="close_date"):
        deal().close_won(STAGES["Closed Won"], NOW, close_date=tomorrow, may_back_date=True)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="close_date"):
        deal().close_lost(STAGES["Closed Lost"], 7, NOW, close_date=last_week)
    assert not deal().can_date_close(tomorrow, today, may_back_date=True)
    assert deal().can_date_close(last_week, today, may_back_date=True)
    opportunity = deal()
    opportunity.close_won(STAGES["Closed Won"], NOW, close_date=last_week, may_back_date=True)
    assert (opportunity.close_date, opportunity.closed_at) == (last_week, NOW)


def test_a_correction_never_moves_a_closed_deals_close_date_into_the_future():
    opportunity = deal()
    opportunity.close_won(STAGES["Closed Won"], NOW)
    opportunity.close_date = NOW.date() + timedelta(days=90)
    with raises_error(CloseDateInFutureError, code="CLOSE_DATE_IN_FUTURE", field="close_date"):
        opportunity.ensure_close_date_kept(NOW.date(), NOW.date(), may_back_date=True)
    legacy = deal(outcome=Outcome.WON, close_date=NOW.date() + timedelta(days=30))  # stored before the rule
    with raises_error(CloseDateInFutureError, code="CLOSE_DATE_IN_FUTURE", field="close_date"):
        legacy.ensure_close_date_kept(legacy.close_date, NOW.date(), may_back_date=False)
    deal().ensure_close_date_kept(date(2020, 1, 1), NOW.date(), may_back_date=False)  # open: any date
