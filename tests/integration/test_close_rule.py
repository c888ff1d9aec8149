"""The close rule on SQLite and PostgreSQL, through every use case that makes an opportunity won or
lost: created in a closed stage, closed, corrected later. A close is dated the day it happens;
only an admin back-dates it, never into the future, so no revenue is booked in a period to come.
The clock is pinned at 2026-03-02."""

from __future__ import annotations

from datetime import date

import pytest

from leadline.analytics.forecast import deals, forecast_for
from leadline.domain.errors import CloseDateInFutureError, PermissionDeniedError, ValidationError
from leadline.domain.opportunities.opportunity import ForecastCategory as C
from leadline.domain.opportunities.opportunity import Outcome
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.security import users

TODAY, FUTURE, PAST = date(2026, 3, 2), "2027-09-30", "2026-02-10"


@pytest.fixture
def rep(ctx: ServiceContext, admin_id: int) -> int:
    return users.add_user(ctx, admin_id, name="Ann", email="ann@example.com", role="rep").id


def create(ctx: ServiceContext, actor: int, stage: str, close_date: str | None, **more: str) -> int:
    account = records.create_account(ctx, actor, {"name": "Acme"}).id
    values = {"account_id": account, "name": "Deal", "amount": "5000", "stage": stage, **more}
    if close_date:
        values["close_date"] = close_date
    return records.create_opportunity(ctx, actor, values).id


def refused_as(error: type, call, *args, **kwargs) -> None:  # noqa: ANN001
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert type(caught.value) is error and caught.value.field == "close_date"


@pytest.mark.parametrize("stage", ["Closed Won", "Closed Lost"])
def test_an_opportunity_created_closed_with_a_future_close_date_is_refused(
        ctx: ServiceContext, admin_id: int, rep: int, stage: str) -> None:
    for actor in (admin_id, rep):
        refused_as(CloseDateInFutureError, create, ctx, actor, stage, FUTURE, loss_reason="Price")
    assert forecast_for(ctx, admin_id, "2027-Q3").forecast.totals[C.CLOSED] == 0
    assert deals(ctx, admin_id, "2027-Q3")[1] == []


def test_created_closed_it_closes_today_unless_an_admin_back_dates_it(
        ctx: ServiceContext, admin_id: int, rep: int) -> None:
    undated = records.get_record(ctx, rep, "opportunity", create(ctx, rep, "Closed Won", None))
    today = records.get_record(ctx, rep, "opportunity", create(ctx, rep, "Closed Won", TODAY.isoformat()))
    assert (undated.outcome, undated.close_date, today.close_date) == (Outcome.WON, TODAY, TODAY)
    refused_as(PermissionDeniedError, create, ctx, rep, "Closed Won", PAST)
    back_dated = create(ctx, admin_id, "Closed Won", PAST)
    assert records.get_record(ctx, admin_id, "opportunity", back_dated).close_date == date(2026, 2, 10)
    assert ("close_date", None, PAST) in [(h.field, h.old_value, h.new_value)
                                          for h in records.record_history(ctx, admin_id, "opportunity", back_dated)]


def test_closing_is_dated_today_and_only_an_admin_back_dates_never_into_the_future(
        ctx: ServiceContext, admin_id: int, rep: int) -> None:
    won, lost = create(ctx, rep, "Negotiation", FUTURE), create(ctx, rep, "Negotiation", FUTURE)
    refused_as(CloseDateInFutureError, opportunities.close_opportunity, ctx, admin_id, won, "won",
               close_date=FUTURE)
    refused_as(PermissionDeniedError, opportunities.close_opportunity, ctx, rep, won, "won", close_date=PAST)
    assert opportunities.close_opportunity(ctx, rep, won, "won").close_date == TODAY  # not 2027-09-30
    closed = opportunities.close_opportunity(ctx, admin_id, lost, "lost", reason="Price", close_date=PAST)
    assert (closed.outcome, closed.close_date) == (Outcome.LOST, date(2026, 2, 10))
    history = [(h.field, h.new_value, h.actor_id) for h in records.record_history(ctx, admin_id, "opportunity", lost)]
    assert ("close_date", PAST, admin_id) in history


def test_a_correction_of_a_closed_opportunity_never_moves_its_close_date_into_the_future(
        ctx: ServiceContext, admin_id: int, rep: int) -> None:
    won = create(ctx, rep, "Negotiation", "2026-03-31")
    opportunities.close_opportunity(ctx, rep, won, "won")
    for actor in (rep, admin_id):
        refused_as(CloseDateInFutureError, records.update_record, ctx, actor, "opportunity", won,
                   {"close_date": FUTURE})
        refused_as(CloseDateInFutureError, records.update_record, ctx, actor, "opportunity", won,
                   {"amount": "6000", "close_date": "2026-03-03"})
    refused_as(PermissionDeniedError, records.update_record, ctx, rep, "opportunity", won, {"close_date": PAST})
    corrected = records.update_record(ctx, rep, "opportunity", won, {"amount": "6000"})
    assert (corrected.amount, corrected.close_date) == (6000, TODAY)
    back_dated = records.update_record(ctx, admin_id, "opportunity", won, {"close_date": PAST})
    assert back_dated.close_date == date(2026, 2, 10)
    with pytest.raises(ValidationError):  # a stage move never closes: closing is the close use case
        records.update_record(ctx, rep, "opportunity", create(ctx, rep, "Negotiation", FUTURE),
                              {"stage": "Closed Won"})
