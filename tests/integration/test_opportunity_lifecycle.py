"""Opportunities through their life on SQLite and PostgreSQL: stage moves with and without
overrides, winning and losing by the rules, reopening, amounts from line items, history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadline.domain.errors import OpportunityClosedError, ReasonRequiredError, ValidationError
from leadline.domain.opportunities.opportunity import ForecastCategory, Outcome
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.opportunities.parts import add_line_item, create_product, remove_line_item, set_list_price


def deal(ctx: ServiceContext, actor: int, **values: object) -> int:
    account = records.create_account(ctx, actor, {"name": "Acme"}).id
    return records.create_opportunity(ctx, actor, {"account_id": account, "name": "Deal", "amount": "1000",
                                                   "close_date": "2026-05-31", **values}).id


def history(ctx: ServiceContext, opportunity_id: int) -> list[tuple]:
    with ctx.uow_factory(read_only=True) as uow:
        stages = {s.id: s.label for s in uow.stages.stages()}
        return [(stages.get(a), stages[b]) for a, b, _ in uow.stage_history.for_opportunity(opportunity_id)]


def test_stage_moves_follow_the_stage_unless_overridden_and_the_override_can_be_cleared(
        ctx: ServiceContext, admin_id: int, clock) -> None:
    opportunity_id = deal(ctx, admin_id)
    moved = opportunities.move_stage(ctx, admin_id, opportunity_id, "Negotiation")
    assert (moved.probability, moved.forecast_category) == (75, ForecastCategory.COMMIT)
    opportunities.override_forecast(ctx, admin_id, opportunity_id, probability="40", category="best_case")
    clock.advance(days=3)
    moved = opportunities.move_stage(ctx, admin_id, opportunity_id, "Order")
    assert (moved.probability, moved.forecast_category, moved.probability_overridden) == (
        40, ForecastCategory.BEST_CASE, True)
    cleared = opportunities.override_forecast(ctx, admin_id, opportunity_id, clear=True)
    assert (cleared.probability, cleared.forecast_category, cleared.category_overridden) == (
        90, ForecastCategory.COMMIT, False)
    assert history(ctx, opportunity_id)[:3] == [(None, "Prospecting"), ("Prospecting", "Negotiation"),
                                                ("Negotiation", "Negotiation")]
    assert history(ctx, opportunity_id)[-2:] == [("Negotiation", "Order"), ("Order", "Order")]


def test_a_patch_with_a_probability_is_an_override_too(ctx: ServiceContext, admin_id: int) -> None:
    opportunity_id = deal(ctx, admin_id)
    records.update_record(ctx, admin_id, "opportunity", opportunity_id, {"probability": "55%"})
    moved = opportunities.move_stage(ctx, admin_id, opportunity_id, "Qualification")
    assert (moved.probability, moved.forecast_category) == (55, ForecastCategory.PIPELINE)
    with pytest.raises(ValidationError):
        records.update_record(ctx, admin_id, "opportunity", opportunity_id, {"stage": "Closed Won"})


def test_winning_needs_a_positive_amount_and_sets_the_close_date(ctx: ServiceContext, admin_id: int, clock) -> None:
    opportunity_id = deal(ctx, admin_id, amount=None)
    with pytest.raises(ValidationError) as error:
        opportunities.close_opportunity(ctx, admin_id, opportunity_id, "won")
    assert error.value.field == "amount"
    records.update_record(ctx, admin_id, "opportunity", opportunity_id, {"amount": "2500"})
    won = opportunities.close_opportunity(ctx, admin_id, opportunity_id, "won")
    assert (won.outcome, won.close_date, won.probability, won.forecast_category) == (
        Outcome.WON, clock.now.date(), 100, ForecastCategory.CLOSED)
    with pytest.raises(OpportunityClosedError):
        opportunities.move_stage(ctx, admin_id, opportunity_id, "Qualification")


def test_losing_needs_a_configured_reason(ctx: ServiceContext, admin_id: int) -> None:
    opportunity_id = deal(ctx, admin_id)
    with pytest.raises(ReasonRequiredError):
        opportunities.close_opportunity(ctx, admin_id, opportunity_id, "lost")
    with pytest.raises(ValidationError):
        opportunities.close_opportunity(ctx, admin_id, opportunity_id, "lost", reason="Bad karma")
    lost = opportunities.close_opportunity(ctx, admin_id, opportunity_id, "lost", reason="price",
                                           comment="20% cheaper elsewhere")
    assert (lost.outcome, lost.forecast_category, lost.loss_reason) == (
        Outcome.LOST, ForecastCategory.OMITTED, "20% cheaper elsewhere")
    assert lost.loss_reason_id is not None


def test_a_reopened_deal_returns_to_its_last_open_stage_with_history(ctx: ServiceContext, admin_id: int) -> None:
    opportunity_id = deal(ctx, admin_id)
    opportunities.move_stage(ctx, admin_id, opportunity_id, "Proposal/Quote")
    opportunities.close_opportunity(ctx, admin_id, opportunity_id, "lost", reason="Timing")
    reopened = opportunities.reopen_opportunity(ctx, admin_id, opportunity_id)
    assert (reopened.outcome, reopened.closed_at, reopened.loss_reason_id, reopened.probability) == (
        Outcome.OPEN, None, None, 50)
    assert [b for _, b in history(ctx, opportunity_id)] == ["Prospecting", "Proposal/Quote", "Closed Lost",
                                                            "Proposal/Quote"]
    changes = {c.field for c in records.record_history(ctx, admin_id, "opportunity", opportunity_id)}
    assert {"outcome", "loss_reason_id", "stage_id"} <= changes


def test_line_items_make_the_amount_at_list_price_unless_overridden(ctx: ServiceContext, admin_id: int) -> None:
    widget = create_product(ctx, admin_id, name="Widget").id
    gadget = create_product(ctx, admin_id, name="Gadget").id
    set_list_price(ctx, admin_id, product_id=widget, currency="USD", unit_price="200")
    set_list_price(ctx, admin_id, product_id=widget, currency="USD", unit_price="250")  # price change
    opportunity_id = deal(ctx, admin_id)
    add_line_item(ctx, admin_id, opportunity_id, product_id=widget, quantity="4", discount_percent="10")
    with pytest.raises(ValidationError) as error:
        add_line_item(ctx, admin_id, opportunity_id, product_id=gadget, quantity="1")
    assert error.value.field == "unit_price"
    extra = add_line_item(ctx, admin_id, opportunity_id, product_id=gadget, quantity="2", unit_price="99.50")
    assert records.get_record(ctx, admin_id, "opportunity", opportunity_id).amount == Decimal("1099.0000")
    with pytest.raises(ValidationError):
        records.update_record(ctx, admin_id, "opportunity", opportunity_id, {"amount": "5"})
    remove_line_item(ctx, admin_id, opportunity_id, extra.id)
    assert records.get_record(ctx, admin_id, "opportunity", opportunity_id).amount == Decimal("900.0000")


def test_every_close_date_change_is_in_the_history(ctx: ServiceContext, admin_id: int) -> None:
    opportunity_id = deal(ctx, admin_id)
    records.update_record(ctx, admin_id, "opportunity", opportunity_id, {"close_date": "2026-08-31"})
    records.update_record(ctx, admin_id, "opportunity", opportunity_id, {"next_step": "call"})  # not tracked
    with ctx.uow_factory(read_only=True) as uow:
        moves = uow.forecast.close_date_moves()
    assert [(str(a), str(b)) for _, a, b in moves] == [("2026-05-31", "2026-08-31")]


def test_an_opportunity_made_closed_needs_what_closing_needs(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Imported"}).id
    with pytest.raises(ReasonRequiredError):
        records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Old loss", "stage": "Closed Lost"})
    with pytest.raises(ValidationError) as error:
        records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Old win", "stage": "Closed Won"})
    assert error.value.field == "amount"
    lost = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Old loss",
                                                      "stage": "Closed Lost", "loss_reason": "Timing"})
    assert lost.outcome is Outcome.LOST and lost.loss_reason_id is not None
