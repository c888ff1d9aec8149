"""The forecast's figures as a use case reads them, in the caller's unit of work: the report of
one user's team (or the organisation) for a period, and the database's category sums behind it.
Both the read-only report (``analytics/forecast.py``) and an adjustment, which writes from the
figures in its own transaction (``services/forecast/adjustments.py``), read them here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import PermissionDeniedError
from leadline.domain.forecast import (
    Adjustment,
    CategorySums,
    Forecast,
    Period,
    apply_adjustments,
    by_owner,
    forecast_of,
    roll_up,
    roll_up_many,
    top_of_hierarchy,
)
from leadline.domain.security.access import Viewer, subordinates_of
from leadline.services.context import ServiceContext
from leadline.services.forecast.settings import period_named
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


@dataclass
class ForecastReport:
    period: Period
    currency: str
    forecast: Forecast
    #: each direct report's rolled-up forecast (a manager's view of the team)
    reports: list[Forecast] = field(default_factory=list)
    #: each owner's own forecast, no roll-up (``--by owner``)
    owners: list[Forecast] = field(default_factory=list)
    #: (currency, number of opportunities) left out for want of an exchange rate
    unconverted: list[tuple[str, int]] = field(default_factory=list)
    #: "user": ``forecast`` is one user's team; "organisation": every opportunity (``user_id`` None)
    #: and ``reports`` the top of the hierarchy
    scope: str = "user"


def forecast_in(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, period: str, *,
                user: str | int | None = None) -> ForecastReport:
    """``forecast_for`` read through the caller's unit of work (a use case that writes from the
    figures, such as an adjustment, reads them in its own transaction)."""
    chosen = period_named(ctx, uow, period)
    config = ctx.config(uow)
    whole = user in (None, "") and viewer.user.is_admin()
    root = resolve_user(uow, user, field="user").id if user not in (None, "") else viewer.id  # type: ignore[union-attr]
    mine = root == viewer.id or root in subordinates_of(viewer.id, config.hierarchy)
    if not mine and not viewer.user.is_admin():
        raise PermissionDeniedError("you see your own forecast and those of the people who report to you",
                                    field="user")
    team = set(config.users) if whole else subordinates_of(root, config.hierarchy) | {root}
    sums, unconverted = category_sums(ctx, uow, viewer, chosen, team, len(config.users))
    adjustments_of: dict[int, list[Adjustment]] = {}
    for adjustment in uow.adjustments.for_period(chosen.label):  # oldest first, kept so per user
        adjustments_of.setdefault(adjustment.user_id, []).append(adjustment)
    quotas = uow.quotas.for_period(chosen.label)

    def finish(forecast: Forecast) -> Forecast:
        """Quota and adjustments on a forecast just computed (a thousand owners: most have none)."""
        forecast.quota = quotas.get(forecast.user_id)  # type: ignore[arg-type]
        own = adjustments_of.get(forecast.user_id)  # type: ignore[arg-type]
        return apply_adjustments(forecast, own) if own else forecast

    heads = top_of_hierarchy(config.hierarchy, sums) if whole else \
        sorted(uid for uid, manager in config.hierarchy.items() if manager == root)
    return ForecastReport(
        chosen, ctx.currency, forecast_of(None, chosen, sums) if whole else
        finish(roll_up(root, chosen, sums, config.hierarchy)),
        [finish(f) for f in roll_up_many(heads, chosen, sums, config.hierarchy).values()],
        [finish(f) for f in sorted(by_owner(chosen, sums).values(), key=lambda f: str(f.user_id))],
        unconverted, "organisation" if whole else "user",
    )


def category_sums(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, period: Period, team: Iterable[int],
                  user_count: int) -> tuple[list[CategorySums], list[tuple[str, int]]]:
    """The database's sums for ``team`` as the viewer may see them, converted to the org currency."""
    members = frozenset(team)
    visible = viewer.readable_owner_ids(RecordType.OPPORTUNITY)
    owners = members if visible is None else members & visible
    # no owner filter when the team is everyone and everything is visible: the cheapest plan
    wanted = None if visible is None and len(owners) >= user_count else owners
    sums, unconverted = uow.forecast.category_sums(period.start, period.end, ctx.currency, wanted)
    return sums, sorted(unconverted.items())
