"""The forecast against a hand-computed case, on SQLite and PostgreSQL: cumulative categories,
weighted pipeline, currencies at dated rates, quotas, the hierarchy roll-up, adjustments,
snapshots and their accuracy, deals and pipeline hygiene. Leads never count."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from leadline.analytics.forecast import deals, forecast_for, pipeline_hygiene
from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.forecast import AccuracyBasis
from leadline.domain.opportunities.opportunity import ForecastCategory as C
from leadline.domain.queries import Page, RecordQuery
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.forecast.adjustments import adjust_forecast, list_snapshots, snapshot_accuracy, snapshot_forecast
from leadline.services.forecast.settings import list_exchange_rates, set_exchange_rate, set_fiscal_year_start, set_quota
from leadline.services.leads import records as leads
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.opportunities.parts import add_line_item, create_product
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing


@pytest.fixture
def team(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    """manager <- rep_a, rep_b; an outsider reporting to nobody."""
    manager = users.add_user(ctx, admin_id, name="Mia Manager", email="mia@example.com", role="manager").id
    return {
        "admin": admin_id, "manager": manager,
        "rep_a": users.add_user(ctx, admin_id, name="Ann", email="ann@example.com", role="rep", manager=manager).id,
        "rep_b": users.add_user(ctx, admin_id, name="Bob", email="bob@example.com", role="rep", manager=manager).id,
        "outsider": users.add_user(ctx, admin_id, name="Oz", email="oz@example.com", role="rep").id,
    }


def deal(ctx: ServiceContext, owner: int, amount: str, close: str, stage: str = "Prospecting",
         currency: str = "USD", **more: str) -> int:
    account = records.create_account(ctx, owner, {"name": f"Acct {amount}"}).id
    return records.create_opportunity(ctx, owner, {
        "account_id": account, "name": f"Deal {amount}", "amount": amount, "close_date": close, "stage": stage,
        "currency": currency, **more}).id


def close_on(ctx: ServiceContext, actor: int, opportunity_id: int, outcome: str, day: str, **more: str) -> None:
    """Close on ``day``: the clock is set there for the close and back after, since the close rule
    dates a close the day it happens (never later, never earlier unless an admin back-dates it)."""
    clock = ctx.clock
    now = clock.now  # type: ignore[attr-defined]
    clock.now = datetime.combine(date.fromisoformat(day), now.time(), UTC)  # type: ignore[attr-defined]
    try:
        opportunities.close_opportunity(ctx, actor, opportunity_id, outcome, **more)
    finally:
        clock.now = now  # type: ignore[attr-defined]


@pytest.fixture
def book(ctx: ServiceContext, team: dict[str, int]) -> dict[str, int]:
    """Q4 2026 by hand (fiscal year = calendar year):
    rep_a: won 1000 (Nov); commit 2000 (Negotiation 75 %); pipeline 4000 (Prospecting 10 %);
           lost 8000; a Q1 2027 commit 16000 (out of period)
    rep_b: best case 500 EUR (Proposal 50 %) at 1.20 from 2026-10-01 = 600 USD; won 100 GBP without a rate
    outsider: won 3000
    """
    a, b = team["rep_a"], team["rep_b"]
    won = deal(ctx, a, "1000", "2026-11-15", "Negotiation")
    close_on(ctx, a, won, "won", "2026-11-15")
    deal(ctx, a, "2000", "2026-12-01", "Negotiation")
    deal(ctx, a, "4000", "2026-10-20")
    lost = deal(ctx, a, "8000", "2026-12-20")
    close_on(ctx, a, lost, "lost", "2026-12-20", reason="Price")
    deal(ctx, a, "16000", "2027-01-10", "Negotiation")
    deal(ctx, b, "500", "2026-11-30", "Proposal/Quote", currency="EUR")
    gbp = deal(ctx, b, "100", "2026-10-05", "Negotiation", currency="GBP")
    close_on(ctx, b, gbp, "won", "2026-10-05")
    outsider = deal(ctx, team["outsider"], "3000", "2026-10-01", "Negotiation")
    close_on(ctx, team["outsider"], outsider, "won", "2026-10-01")
    set_exchange_rate(ctx, team["admin"], "EUR", "1.10", "2026-01-01")
    set_exchange_rate(ctx, team["admin"], "EUR", "1.20", "2026-10-01")
    leads.create_lead(ctx, a, {"last_name": "Never", "company": "Counted", "budget_amount": "99999"})
    return team


def totals(forecast) -> dict[C, Decimal]:
    return {c: forecast.total(c) for c in (C.CLOSED, C.COMMIT, C.BEST_CASE, C.PIPELINE)}


def test_a_reps_forecast_by_hand(ctx: ServiceContext, book: dict[str, int]) -> None:
    report = forecast_for(ctx, book["rep_a"], "2026-Q4")
    assert totals(report.forecast) == {C.CLOSED: 1000, C.COMMIT: 3000, C.BEST_CASE: 3000, C.PIPELINE: 7000}
    assert report.forecast.weighted == Decimal("1900")  # 2000 x 75 % + 4000 x 10 %
    assert report.unconverted == []


def test_a_managers_forecast_rolls_up_the_team_in_the_org_currency(ctx: ServiceContext, book: dict[str, int]) -> None:
    report = forecast_for(ctx, book["manager"], "2026-Q4")
    assert totals(report.forecast) == {C.CLOSED: 1000, C.COMMIT: 3000, C.BEST_CASE: 3600, C.PIPELINE: 7600}
    assert report.unconverted == [("GBP", 1)]
    assert [r.user_id for r in report.reports] == sorted([book["rep_a"], book["rep_b"]])
    admin_view = forecast_for(ctx, book["admin"], "2026-Q4", user="oz@example.com")
    assert admin_view.forecast.totals[C.CLOSED] == 3000


def test_a_rate_of_ten_places_changing_mid_period_converts_each_deal_at_its_close_dates_rate(
        ctx: ServiceContext, book: dict[str, int]) -> None:
    deal(ctx, book["rep_b"], "100", "2026-11-01", "Proposal/Quote", currency="EUR")  # before the change: 1.20
    set_exchange_rate(ctx, book["admin"], "EUR", "1.2345678901", "2026-11-15")  # the 500 EUR closes on 30 Nov
    report = forecast_for(ctx, book["manager"], "2026-Q4")
    # 3000 from rep A's commit, 100 x 1.20 and 500 x 1.2345678901 = 617.28394505 from rep B
    assert report.forecast.totals[C.BEST_CASE] == Decimal("3737.2839")
    assert [r.rate for r in list_exchange_rates(ctx) if r.valid_from == date(2026, 11, 15)] == [
        Decimal("1.2345678901")]


def test_a_quota_gives_attainment(ctx: ServiceContext, book: dict[str, int]) -> None:
    set_quota(ctx, book["manager"], "ann@example.com", "2026-Q4", "4000")
    with pytest.raises(PermissionDeniedError):
        set_quota(ctx, book["rep_a"], "bob@example.com", "2026-Q4", "1")
    forecast = forecast_for(ctx, book["rep_a"], "2026-Q4").forecast
    assert (forecast.quota, forecast.attainment) == (Decimal("4000.0000"), Decimal("25.0"))


def test_a_managers_adjustment_is_kept_beside_the_computed_figure(ctx: ServiceContext, book: dict[str, int]) -> None:
    with pytest.raises(PermissionDeniedError):
        adjust_forecast(ctx, book["rep_a"], "ann@example.com", "2026-Q4", "commit", "2500")
    with pytest.raises(ValidationError):
        adjust_forecast(ctx, book["manager"], "ann@example.com", "2026-Q4", "closed", "2500")
    adjustment = adjust_forecast(ctx, book["manager"], "ann@example.com", "2026-Q4", "commit", "2500",
                                 note="deal at risk")
    assert (adjustment.original, adjustment.amount) == (Decimal("3000.0000"), Decimal("2500.0000"))
    forecast = forecast_for(ctx, book["rep_a"], "2026-Q4").forecast
    assert (forecast.total(C.COMMIT), forecast.totals[C.COMMIT]) == (2500, 3000)


def test_a_rep_sees_only_what_they_may_read(ctx: ServiceContext, book: dict[str, int]) -> None:
    set_sharing(ctx, book["admin"], "opportunity", "private")
    set_quota(ctx, book["manager"], "ann@example.com", "2026-Q4", "4000")
    for sharing in ("private", "public_read_only"):  # a peer's quota and adjustments are never theirs to see
        set_sharing(ctx, book["admin"], "opportunity", sharing)
        with pytest.raises(PermissionDeniedError) as refused:
            forecast_for(ctx, book["rep_b"], "2026-Q4", user="ann@example.com")
        assert refused.value.field == "user"
    with pytest.raises(PermissionDeniedError):
        forecast_for(ctx, book["rep_a"], "2026-Q4", user="mia@example.com")  # nor their manager's
    team_view = forecast_for(ctx, book["manager"], "2026-Q4", user="ann@example.com").forecast
    assert (team_view.totals[C.CLOSED], team_view.quota) == (1000, Decimal("4000.0000"))
    with pytest.raises(NotFoundError) as unknown:
        forecast_for(ctx, book["manager"], "2026-Q4", user="99999999999999999999")
    assert unknown.value.field == "user"


def test_the_fiscal_year_moves_the_quarters(ctx: ServiceContext, book: dict[str, int]) -> None:
    set_fiscal_year_start(ctx, book["admin"], 11)
    report = forecast_for(ctx, book["rep_a"], "2026-Q1")  # Nov 2026 - Jan 2027
    assert (str(report.period.start), str(report.period.end)) == ("2026-11-01", "2027-02-01")
    assert totals(report.forecast) == {C.CLOSED: 1000, C.COMMIT: 19000, C.BEST_CASE: 19000, C.PIPELINE: 19000}


def test_a_snapshots_accuracy_against_what_closed(ctx: ServiceContext, book: dict[str, int], clock) -> None:
    snapshot = snapshot_forecast(ctx, book["admin"], "2026-Q4")
    assert snapshot.figures == 5 * 4  # five users (admin included), four categories
    commit = next(o for o in records.list_records(ctx, book["rep_a"], "opportunity", RecordQuery(), Page(limit=100))
                  if o.amount == 2000)
    close_on(ctx, book["rep_a"], commit.id, "won", "2026-12-01")
    period, lines = snapshot_accuracy(ctx, book["admin"], snapshot.snapshot_id)
    by_key = {(line.user_id, line.category): line for line in lines}
    ann_commit = by_key[(book["rep_a"], C.COMMIT)]
    assert (ann_commit.forecast, ann_commit.actual, ann_commit.accuracy) == (3000, 3000, Decimal("100.0"))
    ann_closed = by_key[(book["rep_a"], C.CLOSED)]
    assert (ann_closed.forecast, ann_closed.actual, ann_closed.accuracy) == (1000, 3000, Decimal("33.3"))
    ann_pipeline = by_key[(book["rep_a"], C.PIPELINE)]  # expected: won 1000 + weighted 1900 (not all of 7000)
    assert (ann_pipeline.basis, ann_pipeline.forecast, ann_pipeline.accuracy) == (
        AccuracyBasis.WEIGHTED, 2900, Decimal("96.7"))
    assert period.label == "2026-Q4"


def test_a_snapshot_is_listed_and_read_by_those_whose_figures_it_holds(ctx: ServiceContext,
                                                                       book: dict[str, int]) -> None:
    everyone = snapshot_forecast(ctx, book["admin"], "2026-Q4")
    team = snapshot_forecast(ctx, book["manager"], "2026-Q4")
    assert team.figures == 3 * 4  # Mia, Ann and Bob
    listed = {s["snapshot_id"]: s["figures"] for s in list_snapshots(ctx, book["admin"], "2026-Q4")}
    assert listed == {everyone.snapshot_id: 20, team.snapshot_id: 12}
    assert {s["snapshot_id"]: s["figures"] for s in list_snapshots(ctx, book["rep_b"])} == {
        everyone.snapshot_id: 4, team.snapshot_id: 4}  # only Bob's own figures count for Bob
    assert [s["snapshot_id"] for s in list_snapshots(ctx, book["outsider"])] == [everyone.snapshot_id]
    with pytest.raises(NotFoundError):
        snapshot_accuracy(ctx, book["outsider"], team.snapshot_id)
    _, lines = snapshot_accuracy(ctx, book["rep_b"], everyone.snapshot_id)
    assert {line.user_id for line in lines} == {book["rep_b"]}


def test_deals_are_booked_revenue_by_owner_and_source(ctx: ServiceContext, book: dict[str, int]) -> None:
    period, lines = deals(ctx, book["admin"], "2026-Q4", by="owner")
    assert [(line.key, line.count, line.amount) for line in lines] == [
        ("Oz", 1, Decimal("3000.00")), ("Ann", 1, Decimal("1000.00")), ("Bob (GBP, no rate)", 1, Decimal("100.00"))]
    with pytest.raises(ValidationError):
        deals(ctx, book["admin"], "2026-Q4", by="colour")


def test_hygiene_finds_overdue_pushed_and_stuck_deals(ctx: ServiceContext, book: dict[str, int], clock) -> None:
    late = deal(ctx, book["rep_a"], "700", "2026-02-01")
    records.update_record(ctx, book["rep_a"], "opportunity", late, {"close_date": "2026-06-30"})  # Q1 -> Q2
    records.update_record(ctx, book["rep_a"], "opportunity", late, {"close_date": "2026-06-15"})  # earlier
    records.update_record(ctx, book["rep_a"], "opportunity", late, {"close_date": "2026-07-15"})  # Q2 -> Q3
    clock.advance(days=200)
    report = pipeline_hygiene(ctx, book["admin"], stuck_days=30)
    assert {o["id"] for o in report.overdue} >= {late}
    assert {"id": late, "name": "Deal 700", "owner_id": book["rep_a"], "pushes": 2} in report.pushed
    assert late in {s["id"] for s in report.stuck} and all(s["days"] > 30 for s in report.stuck)
    for bad in ({"period_kind": "week"}, {"stuck_days": 0}, {"stuck_days": 10 ** 9}):
        with pytest.raises(ValidationError) as refused:
            pipeline_hygiene(ctx, book["admin"], **bad)  # type: ignore[arg-type]
        assert refused.value.field == next(iter(bad))


def test_deals_by_product_take_quantity_price_and_discount_and_by_account_keep_namesakes_apart(
        ctx: ServiceContext, book: dict[str, int]) -> None:
    widget = create_product(ctx, book["admin"], name="Widget").id
    first = deal(ctx, book["rep_a"], "1", "2026-11-10", "Negotiation")
    add_line_item(ctx, book["rep_a"], first, product_id=widget, quantity="3", unit_price="1000",
                  discount_percent="10")
    close_on(ctx, book["rep_a"], first, "won", "2026-11-10")
    twin = records.create_account(ctx, book["rep_a"], {"name": "Acct 1000"}).id  # as the account of the 1000 won
    second = records.create_opportunity(ctx, book["rep_a"], {
        "account_id": twin, "name": "Twin", "amount": "250", "close_date": "2026-11-20", "stage": "Negotiation"}).id
    close_on(ctx, book["rep_a"], second, "won", "2026-11-20")
    _, by_product = deals(ctx, book["admin"], "2026-Q4", by="product")
    assert [(line.key, line.count, line.amount) for line in by_product] == [("Widget", 1, Decimal("2700.00"))]
    _, by_account = deals(ctx, book["rep_a"], "2026-Q4", by="account")
    assert sorted((line.key, line.amount) for line in by_account) == [
        ("Acct 1", Decimal("2700.00")), ("Acct 1000", Decimal("250.00")), ("Acct 1000", Decimal("1000.00"))]
    assert len({line.key_id for line in by_account}) == 3


def test_an_adjustment_reads_its_figures_and_writes_in_one_transaction_and_a_failure_leaves_nothing(
        ctx: ServiceContext, book: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from leadline.persistence.security.repositories import AuditRepository

    opened: list[bool] = []

    def counted(read_only: bool = False) -> Any:
        opened.append(read_only)
        return ctx.uow_factory(read_only=read_only)

    counting = dataclasses.replace(ctx, uow_factory=counted)
    adjust_forecast(counting, book["manager"], "ann@example.com", "2026-Q4", "commit", "2500")
    assert opened == [False]  # one unit of work, the one that writes

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit cannot be written")

    monkeypatch.setattr(AuditRepository, "record", broken)
    with pytest.raises(RuntimeError):
        adjust_forecast(ctx, book["manager"], "ann@example.com", "2026-Q4", "commit", "1000")
    with ctx.reader() as uow:
        assert [a.amount for a in uow.adjustments.for_period("2026-Q4")] == [Decimal("2500.0000")]
