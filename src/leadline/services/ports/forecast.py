"""Ports of the forecast and the pipeline: org settings, exchange rates, quotas, adjustments,
snapshots, and the read-only queries the forecast and pipeline views run."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from leadline.domain.forecast import Adjustment, CategorySums
from leadline.domain.opportunities.opportunity import ForecastCategory


class SettingsRepository(Protocol):
    """The organisation's settings, key -> text."""

    def get(self, key: str) -> str | None: ...

    def all(self) -> dict[str, str]: ...

    def set(self, key: str, value: str) -> None: ...


class ExchangeRateRepository(Protocol):
    def list(self) -> list[tuple[str, date, Decimal]]: ...

    def set(self, currency: str, valid_from: date, rate: Decimal) -> bool: ...

    def delete(self, currency: str, valid_from: date) -> bool: ...


class QuotaRepository(Protocol):
    def for_period(self, period_label: str) -> dict[int, Decimal]: ...

    def set(self, user_id: int, period_label: str, amount: Decimal) -> Decimal | None:
        """Set the quota; returns the one it replaced."""
        ...


class AdjustmentRepository(Protocol):
    def add(self, adjustment: Adjustment, at: datetime) -> None: ...

    def for_period(self, period_label: str, user_ids: Iterable[int] | None = None) -> list[Adjustment]: ...


Figure = tuple[int, ForecastCategory, Decimal, Decimal]
#: (id, stage id, name, account id, account name, account owner id, amount, currency, close date,
#: owner id, version) of an opportunity shown on the pipeline board
BoardCardRow = tuple[int, int, str, int, str, int | None, Decimal | None, str, date | None, int | None, int]


class SnapshotRepository(Protocol):
    def add(self, snapshot_id: int, taken_at: datetime, taken_by: int | None, period: Any,
            figures: Iterable[Figure]) -> int: ...

    def figures(self, snapshot_id: int) -> list[Figure]: ...

    def header(self, snapshot_id: int) -> dict[str, Any] | None: ...

    def list(self, period_label: str | None = None, user_ids: Iterable[int] | None = None) -> list[dict[str, Any]]: ...


class ForecastQueries(Protocol):
    def category_sums(self, start: date, end: date, currency: str,
                      owner_ids: Iterable[int] | None = None) -> tuple[list[CategorySums], dict[str, int]]: ...

    def deals(self, start: date, end: date, by: str,
              owner_ids: Iterable[int] | None = None) -> list[tuple[Any, ...]]: ...

    def names_and_owners(self, opportunity_ids: list[int]) -> list[tuple[int, str, int | None]]: ...

    def overdue(self, today: date, owner_ids: Iterable[int] | None = None,
                limit: int = 500) -> list[tuple[Any, ...]]: ...

    def close_date_moves(self, owner_ids: Iterable[int] | None = None) -> list[tuple[int, date, date]]: ...

    def stage_entered(self, before: datetime, owner_ids: Iterable[int] | None = None,
                      limit: int = 500) -> list[tuple[Any, ...]]: ...


class PipelineQueries(Protocol):
    def leads_by_status(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int, int]: ...

    def opportunities_by_stage(
        self, visible_owner_ids: Iterable[int] | None = None,
    ) -> list[tuple[int, str, str, int, Decimal, Decimal]]: ...

    def leads_by_source(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int | None, int]: ...

    def lead_funnel(self, qualified_status_ids: Iterable[int], visible_owner_ids: Iterable[int] | None = None,
                    opportunity_owner_ids: Iterable[int] | None = None) -> tuple[int, int, int, int, int]: ...

    def outcomes_by_month(self, since: date, visible_owner_ids: Iterable[int] | None = None,
                          ) -> list[tuple[int, int, str, int]]: ...

    def board_sums(self, open_stage_ids: Iterable[int], closed_stage_ids: Iterable[int], closed_since: date,
                   visible_owner_ids: Iterable[int] | None = None) -> list[tuple[int, str, int, Decimal, Decimal]]:
        """(stage id, currency, count, amount, weighted amount) of a board's columns: every
        opportunity in the open stages, and those in the closed stages with a close date on or
        after ``closed_since``."""
        ...

    def board_cards(self, open_stage_ids: Iterable[int], closed_stage_ids: Iterable[int], closed_since: date,
                    limits: tuple[int, int], visible_owner_ids: Iterable[int] | None = None) -> list[BoardCardRow]:
        """Up to ``limits`` (open, closed) cards per stage, in one statement: an open stage's closest
        close dates first, a closed stage's latest closes (on or after ``closed_since``) first."""
        ...
