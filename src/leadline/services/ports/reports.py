"""Ports of the funnel and sales reports: read-only aggregations over the recorded history.
Each takes a ``ReportScope`` (the readable owners, the filters, the creation range) and the
dimension column it is cut by (``domain.reports.DIMENSIONS``; None: not cut), and returns
counts and sums per group, never records. Faked nowhere: tested on both databases."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from leadline.domain.reports import ReportScope


class FunnelQueries(Protocol):
    def furthest_steps(self, scope: ReportScope, by: str | None,
                       readable_opportunities: Iterable[int] | None) -> list[tuple[Any, int, int]]: ...

    def conversion_days(self, scope: ReportScope, by: str | None) -> list[tuple[Any, int, int]]: ...

    def converted_within(self, scope: ReportScope, by: str | None, now: datetime,
                         windows: Iterable[int]) -> list[tuple[Any, int, int, int]]: ...


class DealQueries(Protocol):
    def stage_reach(self, scope: ReportScope) -> list[tuple[int, int | None, bool, int]]: ...

    def stage_stays(self, scope: ReportScope) -> list[tuple[int, int, int]]: ...

    def closed(self, scope: ReportScope, by: str | None, start: datetime,
               end: datetime) -> list[tuple[Any, str, str, Any, int, Any, int]]: ...

    def open_counts_at(self, scope: ReportScope, by: str | None, moment: datetime) -> list[tuple[Any, int]]: ...

    def open_at(self, scope: ReportScope, by: str | None, moment: datetime) -> list[tuple[Any, ...]]: ...

    def open_list_at(self, scope: ReportScope, moment: datetime, limit: int) -> list[tuple[Any, ...]]: ...

    def changes(self, scope: ReportScope, start: datetime, end: datetime) -> list[tuple[Any, ...]]: ...
