"""The funnel and sales report queries are SQL aggregations: tested on both databases
(tests/integration/test_reports_*.py), not faked; the fakes honour the port and refuse."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, NoReturn

from leadline.domain.reports import ReportScope
from leadline.domain.salesforce.soql.request import SoqlPage, SoqlRequest
from leadline.domain.security.access import Viewer


def _aggregation() -> NoReturn:
    raise NotImplementedError("an SQL aggregation: use the engine fixture (SQLite and PostgreSQL)")


class FunnelQueries:
    def furthest_steps(self, scope: ReportScope, by: str | None,
                       readable_opportunities: Iterable[int] | None) -> list[tuple[Any, int, int]]:
        _aggregation()

    def conversion_days(self, scope: ReportScope, by: str | None) -> list[tuple[Any, int, int]]:
        _aggregation()

    def converted_within(self, scope: ReportScope, by: str | None, now: datetime,
                         windows: Iterable[int]) -> list[tuple[Any, int, int, int]]:
        _aggregation()


class DealQueries:
    def stage_reach(self, scope: ReportScope) -> list[tuple[int, int | None, bool, int]]:
        _aggregation()

    def stage_stays(self, scope: ReportScope) -> list[tuple[int, int, int]]:
        _aggregation()

    def closed(self, scope: ReportScope, by: str | None, start: datetime,
               end: datetime) -> list[tuple[Any, str, str, Any, int, Any, int]]:
        _aggregation()

    def open_counts_at(self, scope: ReportScope, by: str | None, moment: datetime) -> list[tuple[Any, int]]:
        _aggregation()

    def open_at(self, scope: ReportScope, by: str | None, moment: datetime) -> list[tuple[Any, ...]]:
        _aggregation()

    def open_list_at(self, scope: ReportScope, moment: datetime, limit: int) -> list[tuple[Any, ...]]:
        _aggregation()

    def changes(self, scope: ReportScope, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        _aggregation()


class SoqlQueries:
    """SOQL compiles to one SQL statement: tested on both databases (tests/integration/test_soql_*.py)."""

    def page(self, viewer: Viewer | None, request: SoqlRequest) -> SoqlPage:
        _aggregation()


class BulkJobs:
    """Bulk API 2.0 jobs are stored and run on both databases (tests/e2e/test_salesforce_bulk.py)."""

    def add(self, job: Any) -> None:
        _aggregation()

    def get(self, job_id: int) -> Any:
        _aggregation()

    def save(self, job: Any) -> None:
        _aggregation()

    def jobs(self, kind: str, actor_id: int | None, limit: int = 1000) -> list[Any]:
        _aggregation()

    def delete(self, job: Any) -> None:
        _aggregation()

    def add_outcomes(self, job_id: int, outcomes: Any) -> None:
        _aggregation()

    def outcomes(self, job_id: int, *, after_row: int = 0, blocks: int = 20) -> list[tuple[int, int, bool]]:
        _aggregation()

    def records_with_value(self, field_id: int, values: Iterable[str], *, number: bool, record_type: Any,
                           readable_owner_ids: Iterable[int] | None) -> dict[str, list[int]]:
        _aggregation()
