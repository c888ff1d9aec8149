"""Forecast use cases that write: a manager's adjustment of a category total, and snapshots of
the forecast (on demand, or on a schedule by running ``leadline forecast snapshot`` from cron or a
systemd timer), with the accuracy of a snapshot against what actually closed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from leadline.domain.common import clean_text
from leadline.domain.errors import NotFoundError, PermissionDeniedError
from leadline.domain.forecast import (
    CUMULATIVE,
    AccuracyLine,
    Adjustment,
    Period,
    accuracy,
    ensure_adjustable,
    ensure_figure_kept,
    parse_period,
    roll_up_many,
)
from leadline.domain.ids import new_id
from leadline.domain.money import parse_amount
from leadline.domain.opportunities.opportunity import ForecastCategory, parse_forecast_category
from leadline.domain.security.access import subordinates_of
from leadline.services.context import ServiceContext
from leadline.services.forecast.figures import category_sums, forecast_in
from leadline.services.forecast.settings import fiscal_year_start, period_named
from leadline.services.security import idempotency
from leadline.services.security.access import load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def adjust_forecast(ctx: ServiceContext, actor_id: int, user: str | int, period: str, category: str,
                    amount: object, *, note: str | None = None,
                    claim: IdempotencyClaim[Adjustment] | None = None) -> Adjustment:
    """A manager (or an admin) sets a figure for one category of a report's rolled-up forecast.
    The computed figure is kept beside it; the latest adjustment of a category applies."""
    chosen = parse_forecast_category(category)
    value = parse_amount(amount, field="amount")
    ensure_adjustable(chosen, value)
    with ctx.uow_factory() as uow:  # the figure kept beside the adjustment is read in the same transaction
        viewer = load_viewer(uow, actor_id, ctx)
        report = forecast_in(ctx, uow, viewer, period, user=user if user not in (None, "") else actor_id)
        target = report.forecast.user_id
        if not viewer.user.is_admin() and target not in subordinates_of(viewer.id, ctx.config(uow).hierarchy):
            raise PermissionDeniedError("only the user's managers or an admin adjust a forecast", field="user")
        adjustment = Adjustment(new_id(), target, report.period.label, chosen, value,  # type: ignore[arg-type]
                                report.forecast.totals[chosen], viewer.id,
                                clean_text(note, field="note", max_length=1000))
        uow.adjustments.add(adjustment, ctx.now())
        uow.audit.record("adjust", "forecast", target, viewer.id, ctx.now(),
                         {f"{report.period.label}.{chosen.value}": (str(adjustment.original), str(value))})
        return idempotency.commit(ctx, uow, claim, adjustment)


def list_adjustments(ctx: ServiceContext, actor_id: int, period: str,
                     user: str | int | None = None) -> list[Adjustment]:
    """The adjustments (with their notes) of ``user``'s forecast for ``period``, oldest first;
    without ``user``: those of the actor and everyone below them (an admin's: everyone's). Another's
    outside the actor's team is ``PERMISSION_DENIED``, as their forecast is."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = period_named(ctx, uow, period)
        team = None if viewer.user.is_admin() else _team(ctx, uow, viewer.id)
        if user in (None, ""):
            return uow.adjustments.for_period(chosen.label, team)
        target = resolve_user(uow, user, field="user")
        if target is None or (team is not None and target.id not in team):
            raise PermissionDeniedError("you see your own forecast and those of the people who report to you",
                                        field="user")
        return uow.adjustments.for_period(chosen.label, [target.id])


@dataclass(frozen=True)
class Snapshot:
    snapshot_id: int
    period: Period
    figures: int


def snapshot_forecast(ctx: ServiceContext, actor_id: int, period: str, *,
                      claim: IdempotencyClaim[Snapshot] | None = None) -> Snapshot:
    """Store every user's rolled-up forecast (each category, adjustments applied) for ``period`` as
    the actor sees it. Run it on a schedule to know later how good the forecast was."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = period_named(ctx, uow, period)
        config = ctx.config(uow)
        everyone = set(config.users)
        sums, _ = category_sums(ctx, uow, viewer, chosen, everyone, len(config.users))
        adjustments = uow.adjustments.for_period(chosen.label)
        members = everyone if viewer.user.is_admin() else subordinates_of(viewer.id, config.hierarchy) | {viewer.id}
        figures: list[tuple[int, ForecastCategory, Decimal, Decimal]] = []
        rolled = roll_up_many(sorted(members), chosen, sums, config.hierarchy)
        for uid, forecast in rolled.items():
            latest = {a.category: a.amount for a in adjustments if a.user_id == uid}
            for category in CUMULATIVE:
                ensure_figure_kept(forecast.totals[category], category)
            ensure_figure_kept(forecast.weighted, ForecastCategory.PIPELINE)
            figures.extend((uid, c, latest.get(c, forecast.totals[c]), forecast.weighted) for c in CUMULATIVE)
        snapshot_id = new_id()
        count = uow.snapshots.add(snapshot_id, ctx.now(), viewer.id, chosen, figures)
        return idempotency.commit(ctx, uow, claim, Snapshot(snapshot_id, chosen, count))


def list_snapshots(ctx: ServiceContext, actor_id: int, period: str | None = None) -> list[dict[str, Any]]:
    """The snapshots holding figures the actor may see (their own and their reports'; an admin's:
    all), oldest first, with how many of those figures each holds."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        label = period_named(ctx, uow, period).label if period else None
        members = None if viewer.user.is_admin() else _team(ctx, uow, viewer.id)
        snapshots: list[dict[str, Any]] = uow.snapshots.list(label, members)
        return snapshots


def _team(ctx: ServiceContext, uow: UnitOfWork, user_id: int) -> frozenset[int]:
    return subordinates_of(user_id, ctx.config(uow).hierarchy) | {user_id}


def snapshot_accuracy(ctx: ServiceContext, actor_id: int, snapshot_id: int) -> tuple[Period, list[AccuracyLine]]:
    """A snapshot beside what each of its users' teams actually won in its period, per category
    (the pipeline as its weighted expectation: ``domain.forecast.accuracy``)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        header = uow.snapshots.header(snapshot_id)
        if header is None:
            raise NotFoundError(f"there is no forecast snapshot {snapshot_id}", field="snapshot")
        period = parse_period(header["period_label"], fiscal_year_start(uow))
        period = Period(period.kind, header["period_start"], header["period_end"], header["period_label"])
        config = ctx.config(uow)
        sums, _ = category_sums(ctx, uow, viewer, period, set(config.users), len(config.users))
        figures = uow.snapshots.figures(snapshot_id)
        users = {uid for uid, _, _, _ in figures}
        if not viewer.user.is_admin():
            users &= _team(ctx, uow, viewer.id)
            if not users:  # a snapshot of others only does not exist for this viewer
                raise NotFoundError(f"there is no forecast snapshot {snapshot_id}", field="snapshot")
        won: dict[int | None, Decimal] = {uid: forecast.totals[ForecastCategory.CLOSED]
               for uid, forecast in roll_up_many(users, period, sums, config.hierarchy).items()}
        snapshot: dict[tuple[int | None, ForecastCategory], Decimal] = {
            (uid, category): amount for uid, category, amount, _ in figures if uid in users}
        weighted: dict[int | None, Decimal] = {uid: amount for uid, _, _, amount in figures if uid in users}
        return period, accuracy(snapshot, won, weighted)


