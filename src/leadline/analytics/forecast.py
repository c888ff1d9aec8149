"""The sales forecast, booked deals and pipeline hygiene: read-only reports computed in the
database (sums per owner, outcome and category), folded by the domain's forecast maths.

Only opportunities count, never leads. Amounts are converted to the organisation's currency at
the dated rate valid on each opportunity's close date; opportunities in a currency without any
rate are reported as unconverted rather than guessed. Each viewer sees only what they may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.forecast import (
    Period,
    PeriodKind,
    period_containing,
)
from leadline.services.context import ServiceContext
from leadline.services.forecast.figures import ForecastReport, forecast_in
from leadline.services.forecast.settings import fiscal_year_start, period_named
from leadline.services.security.access import load_viewer


def forecast_for(ctx: ServiceContext, actor_id: int, period: str, *, user: str | int | None = None) -> ForecastReport:
    """The forecast of ``user`` (default: the actor) for ``period``, rolled up through the role
    hierarchy, with quota, attainment and any manager adjustments; the direct reports' and the
    owners' forecasts beside it. A user sees their own forecast and those of the people below
    them (admins everyone's): quotas and adjustments are the management's, whatever the sharing
    of opportunities; another's is ``PERMISSION_DENIED``. An admin who names nobody gets the
    organisation's forecast (``scope`` "organisation"): every opportunity, broken down by the
    top of the hierarchy (the users who report to nobody), each with their team."""
    with ctx.reader() as uow:
        return forecast_in(ctx, uow, load_viewer(uow, actor_id, ctx), period, user=user)


@dataclass(frozen=True)
class DealLine:
    key: str
    count: int
    amount: Decimal
    #: the owner's, account's or source's id (None for a product, or none at all)
    key_id: int | None = None


def deals(ctx: ServiceContext, actor_id: int, period: str, *, by: str = "owner") -> tuple[Period, list[DealLine]]:
    """Booked revenue (won opportunities) in ``period`` by owner, account, source or product, in the
    organisation's currency, largest first. Amounts in a currency without a rate stay apart, named."""
    if by not in ("owner", "account", "source", "product"):
        raise ValidationError(f"{by!r} is not owner, account, source or product", field="by")
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = period_named(ctx, uow, period)
        config = ctx.config(uow)
        rates = {(c, d): r for c, d, r in uow.exchange_rates.list()}
        names = _key_names(config, by)
        totals: dict[tuple[Any, str], list[Any]] = {}
        for key, currency, rate_from, count, amount in uow.forecast.deals(
                chosen.start, chosen.end, by, viewer.readable_owner_ids(RecordType.OPPORTUNITY)):
            key, label = key if isinstance(key, tuple) else (key, names.get(key, str(key)))
            rate = Decimal(1) if currency == ctx.currency else rates.get((currency, rate_from))
            label = label if key is not None else "(none)"
            entry = totals.setdefault((key, label if rate is not None else f"{label} ({currency}, no rate)"),
                                      [0, Decimal(0)])
            entry[0] += count
            entry[1] += amount * (rate if rate is not None else 1)
        lines = [DealLine(label, c, a.quantize(Decimal("0.01")), key if by != "product" else None)
                 for (key, label), (c, a) in totals.items()]
        return chosen, sorted(lines, key=lambda line: (-line.amount, line.key))


def _key_names(config: Any, by: str) -> dict[Any, str]:
    if by == "owner":
        return {uid: u.name for uid, u in config.users.items()}
    if by == "source":
        return {s.id: s.label for s in config.sources}
    return {}


#: Ten years: longer is no longer "stuck", and a larger number would overflow a date.
MAX_STUCK_DAYS = 3650


@dataclass
class Hygiene:
    overdue: list[dict[str, Any]]
    pushed: list[dict[str, Any]]
    stuck: list[dict[str, Any]]


def pipeline_hygiene(ctx: ServiceContext, actor_id: int, *, stuck_days: int = 30,
                     period_kind: str = "quarter") -> Hygiene:
    """Open opportunities whose close date has passed; those pushed to a later period (how many
    times); those in their stage for more than ``stuck_days`` days."""
    kinds = {k.value: k for k in PeriodKind}
    if str(period_kind).lower() not in kinds:
        raise ValidationError(f"{period_kind!r} is not month, quarter or year", field="period_kind")
    kind = kinds[str(period_kind).lower()]
    if isinstance(stuck_days, bool) or not isinstance(stuck_days, int) or not 1 <= stuck_days <= MAX_STUCK_DAYS:
        raise ValidationError(f"must be a whole number of days from 1 to {MAX_STUCK_DAYS}", field="stuck_days")
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        owners = viewer.readable_owner_ids(RecordType.OPPORTUNITY)
        fiscal = fiscal_year_start(uow)
        now = ctx.now()
        stages = {s.id: s.label for s in ctx.config(uow).stages}
        overdue = [{"id": i, "name": n, "owner_id": o, "close_date": d, "amount": a, "currency": c}
                   for i, n, o, d, a, c in uow.forecast.overdue(now.date(), owners)]
        pushes: dict[int, int] = {}
        for opportunity_id, before, after in uow.forecast.close_date_moves(owners):
            if period_containing(after, kind, fiscal).start > period_containing(before, kind, fiscal).start:
                pushes[opportunity_id] = pushes.get(opportunity_id, 0) + 1
        stuck = [{"id": i, "name": n, "owner_id": o, "stage": stages.get(s, str(s)), "days": (now - at).days}
                 for i, n, o, s, at in uow.forecast.stage_entered(now - timedelta(days=stuck_days), owners)]
        named = {i: (n, o) for i, n, o in uow.forecast.names_and_owners(list(pushes))}
        pushed = [{"id": i, "name": named.get(i, ("", None))[0], "owner_id": named.get(i, ("", None))[1], "pushes": p}
                  for i, p in sorted(pushes.items(), key=lambda kv: (-kv[1], kv[0]))]
        return Hygiene(overdue, pushed, stuck)
