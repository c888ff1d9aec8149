"""Bad data on both databases (issue 14, items 6 and 9): records stored with a currency from before
the ISO 4217 check still read, change and report; positions that overflowed a database's integer
are refused before any write; a phone extension is stored and duplicates still match on the number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, text

from leadline.analytics.forecast import forecast_for
from leadline.analytics.pipeline import pipeline_summary
from leadline.domain.errors import ValidationError
from leadline.services import records
from leadline.services.configuration import sales as sales_configuration
from leadline.services.configuration import statuses as configuration
from leadline.services.context import ServiceContext
from leadline.services.conversion.bulk import preview_conversion
from leadline.services.forecast import settings as forecast_settings
from leadline.services.leads import records as leads
from leadline.services.opportunities import parts as opportunity_parts
from tests.unit.builders import raises_error


def test_records_stored_with_a_currency_outside_iso_4217_still_read_change_and_report(
        ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Old", "company": "Legacy Ltd", "budget_amount": "10"})
    account = records.create_account(ctx, admin_id, {"name": "Legacy Ltd"})
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account.id, "name": "Legacy deal",
                                                      "amount": "500", "close_date": "2026-03-20"})
    with engine.begin() as connection:  # as a release before the ISO check stored them
        connection.execute(text("UPDATE leads SET currency = 'ZZZ' WHERE id = :id"), {"id": lead.lead.id})
        connection.execute(text("UPDATE opportunities SET currency = 'HRK' WHERE id = :id"), {"id": deal.id})
    forecast_settings.set_exchange_rate(ctx, admin_id, "EUR", "1.1", "2026-01-01")
    with engine.begin() as connection:
        connection.execute(text("UPDATE exchange_rates SET currency = 'HRK'"))

    assert leads.get_lead(ctx, admin_id, lead.lead.id).lead.currency == "ZZZ"
    changed = leads.update_lead(ctx, admin_id, lead.lead.id, {"title": "Buyer"}).lead
    assert (changed.title, changed.currency, changed.budget_amount) == ("Buyer", "ZZZ", Decimal("10"))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency"):
        leads.update_lead(ctx, admin_id, lead.lead.id, {"currency": "ZZZ"})
    assert records.update_record(ctx, admin_id, "opportunity", deal.id, {"name": "Renamed"}).currency == "HRK"
    assert "HRK" in pipeline_summary(ctx, admin_id).open_totals()
    report = forecast_for(ctx, admin_id, "2026-Q1")
    assert (report.currency, report.unconverted) == ("USD", [])  # the stored HRK rate converts the HRK deal
    assert [(r.currency, r.rate) for r in forecast_settings.list_exchange_rates(ctx)] == [("HRK", Decimal("1.1"))]
    forecast_settings.remove_exchange_rate(ctx, admin_id, "hrk", "2026-01-01")  # cleaned away by its code
    assert forecast_settings.list_exchange_rates(ctx) == []


@pytest.mark.parametrize("position", [-1, 10_001, 2**31, 2**63])
def test_a_position_that_would_overflow_or_is_negative_is_refused_before_any_write(
        ctx: ServiceContext, admin_id: int, position: int) -> None:
    statuses, stages = configuration.list_statuses(ctx), sales_configuration.list_stages(ctx)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="position"):
        configuration.add_status(ctx, admin_id, "Parked", "working", position=position)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="position"):
        sales_configuration.add_stage(ctx, admin_id, "Pilot", probability=40, forecast_category="pipeline",
                                      position=position)
    assert (configuration.list_statuses(ctx), sales_configuration.list_stages(ctx)) == (statuses, stages)
    assert configuration.add_status(ctx, admin_id, "Parked", "working", position=10_000).order == 10_000


def test_a_phone_extension_is_stored_and_a_contact_on_the_same_number_is_still_a_candidate(
        ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Switchboard Inc"}).id
    desk = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Desk",
                                                  "phone": "+1 415 555 0100 ext 40"})
    main_line = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Main",
                                                       "phone": "(415) 555-0100"})
    records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Other",
                                           "phone": "(415) 555-0101 ext 99"})
    assert records.get_record(ctx, admin_id, "contact", desk.id).phone == "+14155550100;ext=40"
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Caller", "company": "Elsewhere",
                                             "phone": "+1 (415) 555-0100 ext 99"}).lead
    assert leads.get_lead(ctx, admin_id, lead.id).lead.phone == "+14155550100;ext=99"
    candidates = {candidate.record_id for candidate, _ in preview_conversion(ctx, admin_id, lead.id).contacts}
    assert candidates == {desk.id, main_line.id}


def test_an_exchange_rate_or_list_price_outside_iso_4217_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency"):
        forecast_settings.set_exchange_rate(ctx, admin_id, "ZZZ", "1.1", date(2026, 1, 1))
    product = opportunity_parts.create_product(ctx, admin_id, name="Engine")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency"):
        opportunity_parts.set_list_price(ctx, admin_id, product_id=product.id, currency="ZZZ", unit_price="10")
    assert forecast_settings.list_exchange_rates(ctx) == []
