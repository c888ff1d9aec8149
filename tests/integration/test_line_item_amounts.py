"""An opportunity with line items has their sum as its amount, on every path, on SQLite and
PostgreSQL; the lead's budget is its amount only when it has no lines. A lead's product line
outside the catalogue keeps its money as a line of its own name, and one lead never counts twice
in the pipeline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadline.analytics.forecast import deals, forecast_for
from leadline.analytics.pipeline import pipeline_summary
from leadline.domain.opportunities.opportunity import ForecastCategory as C
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.undo import add_lead_opportunity
from leadline.services.leads import records as leads
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.opportunities.parts import add_line_item, create_product, list_line_items, remove_line_item

#: the trial's lead: three product lines summing to 35,000 and a budget of 40,000
LINES = [{"product": "Platform", "quantity": "1", "estimated_unit_price": "24000"},
         {"product": "Support Plan", "quantity": "1", "estimated_unit_price": "3000"},
         {"product": "Consulting", "quantity": "2", "estimated_unit_price": "4000"}]


@pytest.fixture
def products(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    return {name: create_product(ctx, admin_id, name=name).id for name in ("Platform", "Support Plan", "Consulting")}


def lead(ctx: ServiceContext, actor: int, lines: list[dict[str, str]], budget: str | None = "40000") -> int:
    values = {"last_name": "Buyer", "company": "Forty K Ltd", "purchase_timeframe": "2026-06-30",
              "is_decision_maker": True}
    if budget:
        values["budget_amount"] = budget
    return leads.create_lead(ctx, actor, values, products=lines).lead.id


def amount_and_lines(ctx: ServiceContext, actor: int, opportunity_id: int) -> tuple[Decimal, Decimal]:
    items = list_line_items(ctx, actor, opportunity_id)
    return (records.get_record(ctx, actor, "opportunity", opportunity_id).amount,
            sum((i.total for i in items), Decimal(0)))


def test_a_converted_opportunity_is_worth_its_lines_not_the_budget_and_a_further_one_its_own(
        ctx: ServiceContext, admin_id: int, products: dict[str, int]) -> None:
    lead_id = lead(ctx, admin_id, LINES)
    converted = conversion.convert_lead(ctx, admin_id, lead_id)
    assert amount_and_lines(ctx, admin_id, converted.opportunity_id) == (35000, 35000)
    further = add_lead_opportunity(ctx, admin_id, lead_id, products=["Support Plan"])
    assert amount_and_lines(ctx, admin_id, further.opportunity_id) == (3000, 3000)
    # the pipeline holds the two deals at what their lines are worth: 38,000, never 40,000 twice
    assert pipeline_summary(ctx, admin_id).open_totals() == {"USD": (Decimal(38000), Decimal("3800.0000"))}
    assert forecast_for(ctx, admin_id, "2026-Q2").forecast.totals[C.PIPELINE] == 38000


def test_one_opportunity_per_product_line_splits_the_lines_and_never_the_budget(
        ctx: ServiceContext, admin_id: int, products: dict[str, int]) -> None:
    result = conversion.convert_lead(ctx, admin_id, lead(ctx, admin_id, LINES), one_per_product=True)
    assert [amount_and_lines(ctx, admin_id, i)[0] for i in result.opportunity_ids] == [24000, 3000, 8000]
    assert pipeline_summary(ctx, admin_id).open_totals()["USD"][0] == 35000


def test_a_line_outside_the_catalogue_keeps_its_money_under_its_own_name(
        ctx: ServiceContext, admin_id: int, products: dict[str, int]) -> None:
    training = {"product": "Training", "quantity": "1", "estimated_unit_price": "5000"}
    unpriced = {"product": "Goodwill"}  # no price anywhere: no money to keep, reported
    result = conversion.convert_lead(ctx, admin_id, lead(ctx, admin_id, [*LINES, training, unpriced]))
    items = list_line_items(ctx, admin_id, result.opportunity_id)
    assert [(i.product_id, i.product_name, i.total) for i in items][-1] == (None, "Training", 5000)
    assert amount_and_lines(ctx, admin_id, result.opportunity_id) == (40000, 40000)
    assert result.skipped == ["product line 'Goodwill': not in the product catalogue and no estimated price"]
    opportunities.close_opportunity(ctx, admin_id, result.opportunity_id, "won")
    _, by_product = deals(ctx, admin_id, "2026-Q1", by="product")
    assert sorted((line.key, line.amount) for line in by_product) == [
        ("Consulting", 8000), ("Platform", 24000), ("Support Plan", 3000), ("Training", 5000)]


def test_adding_and_removing_lines_keeps_the_amount_their_sum_and_no_lines_keeps_the_budget(
        ctx: ServiceContext, admin_id: int, products: dict[str, int]) -> None:
    bare = conversion.convert_lead(ctx, admin_id, lead(ctx, admin_id, [], budget="12000"),
                                   override_reason="products told on a call",
                                   qualification_override_reason="products told on a call").opportunity_id
    assert records.get_record(ctx, admin_id, "opportunity", bare).amount == 12000  # no lines: the budget
    first = add_line_item(ctx, admin_id, bare, product_id=products["Platform"], quantity="1", unit_price="24000")
    assert amount_and_lines(ctx, admin_id, bare) == (24000, 24000)
    add_line_item(ctx, admin_id, bare, product_id=products["Consulting"], quantity="2", unit_price="4000",
                  discount_percent="50")
    assert amount_and_lines(ctx, admin_id, bare) == (28000, 28000)
    remove_line_item(ctx, admin_id, bare, first.id)
    assert amount_and_lines(ctx, admin_id, bare) == (4000, 4000)
    assert [i.product_name for i in list_line_items(ctx, admin_id, bare)] == ["Consulting"]
