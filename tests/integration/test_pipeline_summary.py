"""The pipeline summary is computed in the database and counts only opportunities' money."""

from __future__ import annotations

from decimal import Decimal

from leadline.analytics.pipeline import pipeline_summary
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads


def test_open_pipeline_and_its_weighting_are_exact_per_currency(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"})
    for name, stage, amount, currency in [
        ("a", "Prospecting", "1000.10", "USD"),      # 10% -> 100.01
        ("b", "Negotiation", "2000.00", "USD"),      # 75% -> 1500
        ("c", "Negotiation", "333.33", "EUR"),       # 75% -> 249.9975 -> 250.00
        ("d", "Closed Won", "5000", "USD"),          # won: not open pipeline
        ("e", "Closed Lost", "7000", "USD"),         # lost: not open pipeline
        ("f", "Prospecting", "0.0001", "USD"),       # the smallest amount stays exact
    ]:
        records.create_opportunity(ctx, admin_id, {"account_id": account.id, "name": name, "stage": stage,
                                                   "amount": amount, "currency": currency,
                                                   "loss_reason": "Price" if stage == "Closed Lost" else None})
    leads.create_lead(ctx, admin_id, {"last_name": "Budget", "company": "Big", "budget_amount": "999999"})

    summary = pipeline_summary(ctx, admin_id)

    assert summary.open_totals() == {
        "USD": (Decimal("3000.1001"), Decimal("1600.01")),
        "EUR": (Decimal("333.3300"), Decimal("250.00")),
    }
    by_stage = {(line.stage, line.currency): line for line in summary.stages}
    assert by_stage[("Closed Won", "USD")].outcome == "won"
    assert by_stage[("Closed Won", "USD")].amount == Decimal("5000")
    assert by_stage[("Closed Lost", "USD")].weighted == Decimal("0")
    assert by_stage[("Prospecting", "USD")].count == 2
    assert summary.lead_total == 1
