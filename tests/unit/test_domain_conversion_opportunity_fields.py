"""The new opportunity's own fields at conversion (``ConversionOptions.new_opportunity``): parsed
and checked before anything is read, and taking the place of what the planner works out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from leadline.domain.conversion.opportunity_fields import OpportunityFields
from leadline.domain.conversion.planner import plan_conversion
from leadline.domain.conversion.rules import ConversionOptions, OpportunityChoice
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import ProductInterest
from tests.unit.builders import make_lead, raises_error
from tests.unit.test_domain_conversion_plan import inputs

BUDGET_ONLY = make_lead(budget_amount=Decimal("900"), purchase_timeframe=date(2026, 6, 30))


def test_given_every_field_when_planned_then_the_opportunity_holds_them() -> None:
    fields = OpportunityFields.parse(name=" Engines pilot ", amount="1250.5", close_date="2026-09-30",
                                     stage="Needs Analysis")

    [deal] = plan_conversion(inputs(BUDGET_ONLY, ConversionOptions(new_opportunity=fields))).opportunities

    assert (deal.name, deal.amount, deal.close_date, deal.stage_id) == (
        "Engines pilot", Decimal("1250.5000"), date(2026, 9, 30), 3)
    assert deal.probability == 30  # the chosen stage's figures


def test_given_nothing_when_planned_then_the_opportunity_is_worked_out_from_the_lead() -> None:
    [deal] = plan_conversion(inputs(BUDGET_ONLY, ConversionOptions(new_opportunity=OpportunityFields()))).opportunities

    assert (deal.amount, deal.close_date, deal.stage_id) == (Decimal("900"), date(2026, 6, 30), 1)


def test_a_stage_is_chosen_by_its_id_too() -> None:
    fields = OpportunityFields.parse(stage="2")

    [deal] = plan_conversion(inputs(BUDGET_ONLY, ConversionOptions(new_opportunity=fields))).opportunities

    assert deal.stage_id == 2


@pytest.mark.parametrize("stage", ["Closed Won", "Nowhere", "7"])
def test_a_stage_that_is_not_an_open_one_of_the_default_process_is_refused(stage: str) -> None:
    options = ConversionOptions(new_opportunity=OpportunityFields.parse(stage=stage))

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="opportunity_stage") as caught:
        plan_conversion(inputs(BUDGET_ONLY, options))
    assert "Prospecting" in caught.value.message  # the stages it may be are listed


def test_an_amount_beside_priced_product_lines_is_refused() -> None:
    lead = make_lead(products=[ProductInterest("Widget", Decimal("2"))])  # priced from the price book
    options = ConversionOptions(new_opportunity=OpportunityFields.parse(amount="10"))

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="opportunity_amount"):
        plan_conversion(inputs(lead, options))


@pytest.mark.parametrize(("given", "field"), [
    ({"amount": "lots"}, "opportunity_amount"), ({"amount": "-5"}, "opportunity_amount"),
    ({"close_date": "30/09/2026"}, "opportunity_close_date"), ({"name": "   "}, "opportunity_name"),
    ({"name": "x" * 256}, "opportunity_name"),
])
def test_a_bad_value_is_refused_naming_its_field(given: dict[str, str], field: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        OpportunityFields.parse(**given)


@pytest.mark.parametrize(("options", "field"), [
    ({"opportunity": OpportunityChoice.NONE, "new_opportunity": OpportunityFields(name="Pilot")}, "opportunity_name"),
    ({"opportunity": OpportunityChoice.ATTACH, "opportunity_id": 5,
      "new_opportunity": OpportunityFields(stage="Qualification")}, "opportunity_stage"),
    ({"one_per_product": True, "new_opportunity": OpportunityFields(amount=Decimal(5))}, "opportunity_amount"),
])
def test_fields_that_contradict_the_choice_are_refused_before_anything_is_read(options: dict[str, object],
                                                                              field: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        ConversionOptions(**options).ensure_consistent()  # type: ignore[arg-type]


def test_one_per_product_takes_a_stage_and_a_close_date() -> None:
    fields = OpportunityFields(close_date=date(2026, 9, 30), stage="Qualification")

    ConversionOptions(one_per_product=True, new_opportunity=fields).ensure_consistent()
