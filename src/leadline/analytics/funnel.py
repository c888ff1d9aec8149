"""The lead funnel and the time from lead to conversion: read-only reports computed in the
database from the recorded history (status changes, conversion records, the opportunities the
converted leads became), cut by a dimension and filtered by any (``analytics.scope``).

A lead counts at every step up to the furthest it reached: working (it left the open statuses),
qualified (a qualified status, or converted), converted (a conversion not undone), opportunity
(an opportunity it became), won (one of them won). Each viewer's report holds only the leads
(and opportunities) they may read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from leadline.analytics.scope import group_key, report_scope
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.reports import (
    CONVERSION_WINDOWS,
    ConvertedWithin,
    Distribution,
    FunnelStep,
    distribution,
    funnel_steps,
)
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer

Dates = tuple[date | None, date | None]


@dataclass(frozen=True)
class FunnelGroup:
    key: Any
    label: str
    steps: list[FunnelStep]


@dataclass(frozen=True)
class FunnelReport:
    by: str | None
    total: FunnelGroup
    groups: list[FunnelGroup]


def funnel_report(ctx: ServiceContext, actor_id: int, *, filters: Mapping[str, object] | None = None,
                  by: str | None = None, created: Dates = (None, None)) -> FunnelReport:
    """Leads -> working -> qualified -> converted -> opportunity -> won: counts, the rate of each
    step from the one before and from all leads; in total and per group of ``by``.

    Example: ``funnel_report(ctx, rep, filters={"source": "Web"}, by="cohort")``."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = report_scope(ctx, uow, viewer, RecordType.LEAD, filters or {}, by, created=created)
        rows = uow.funnel.furthest_steps(chosen.scope, chosen.column,
                                         viewer.readable_owner_ids(RecordType.OPPORTUNITY))
        config = ctx.config(uow)
    total: dict[int, int] = {}
    groups: dict[Any, dict[int, int]] = {}
    for key, furthest, count in rows:
        total[furthest] = total.get(furthest, 0) + count
        group = groups.setdefault(group_key(config, chosen.dimension, key), {})
        group[furthest] = group.get(furthest, 0) + count
    lines = [FunnelGroup(key, chosen.label(key), funnel_steps(reached)) for key, reached in groups.items()]
    return FunnelReport(chosen.dimension.name if chosen.dimension else None,
                        FunnelGroup(None, "all", funnel_steps(total)),
                        sorted(lines, key=lambda line: line.label) if chosen.dimension else [])


@dataclass(frozen=True)
class ConversionTimeGroup:
    key: Any
    label: str
    days: Distribution
    within: list[ConvertedWithin]


@dataclass(frozen=True)
class ConversionTimeReport:
    by: str | None
    total: ConversionTimeGroup
    groups: list[ConversionTimeGroup]


def conversion_time_report(ctx: ServiceContext, actor_id: int, *, filters: Mapping[str, object] | None = None,
                           by: str | None = None, created: Dates = (None, None)) -> ConversionTimeReport:
    """The days from lead creation to conversion (mean, median, range, buckets) of the converted
    leads, and the share converted within 30, 90, 180 and 365 days of the leads old enough to
    have had that long (created at least that many days before now)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        chosen = report_scope(ctx, uow, viewer, RecordType.LEAD, filters or {}, by, created=created)
        days = uow.funnel.conversion_days(chosen.scope, chosen.column)
        within = uow.funnel.converted_within(chosen.scope, chosen.column, ctx.now(), CONVERSION_WINDOWS)
        config = ctx.config(uow)
    per_days, per_window = _fold_days(config, chosen, days), _fold_windows(config, chosen, within)
    total = _time_group(None, "all", per_days.pop(_TOTAL, {}), per_window.pop(_TOTAL, {}))
    lines = [_time_group(key, chosen.label(key), per_days.get(key, {}), per_window.get(key, {}))
             for key in set(per_days) | set(per_window)]
    return ConversionTimeReport(chosen.dimension.name if chosen.dimension else None, total,
                                sorted(lines, key=lambda line: line.label))


_TOTAL = object()  # the key of the whole report among the groups' keys


def _fold_days(config: Any, chosen: Any, rows: list[tuple[Any, int, int]]) -> dict[Any, dict[int, int]]:
    folded: dict[Any, dict[int, int]] = {}
    for key, elapsed, count in rows:
        targets = [_TOTAL] + ([group_key(config, chosen.dimension, key)] if chosen.dimension else [])
        for target in targets:
            bucket = folded.setdefault(target, {})
            bucket[elapsed] = bucket.get(elapsed, 0) + count
    return folded


def _fold_windows(config: Any, chosen: Any, rows: list[tuple[Any, int, int, int]]
                  ) -> dict[Any, dict[int, list[int]]]:
    folded: dict[Any, dict[int, list[int]]] = {}
    for key, window, eligible, converted in rows:
        targets = [_TOTAL] + ([group_key(config, chosen.dimension, key)] if chosen.dimension else [])
        for target in targets:
            sums = folded.setdefault(target, {}).setdefault(window, [0, 0])
            sums[0] += eligible
            sums[1] += converted
    return folded


def _time_group(key: Any, label: str, days: dict[int, int], windows: dict[int, list[int]]) -> ConversionTimeGroup:
    within = [ConvertedWithin(window, *windows.get(window, [0, 0])) for window in CONVERSION_WINDOWS]
    return ConversionTimeGroup(key, label, distribution(days), within)
