"""In-memory org settings, exchange rates, quotas, adjustments and snapshots. The forecast and
pipeline queries are SQL aggregations: they are tested on both databases, not faked here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NoReturn

from leadline.domain.forecast import Adjustment
from leadline.domain.opportunities.opportunity import ForecastCategory
from tests.fakes.tables import Tables, copied


class SettingsRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def get(self, key: str) -> str | None:
        return self.tables.settings.get(key)

    def all(self) -> dict[str, str]:
        return dict(self.tables.settings)

    def set(self, key: str, value: str) -> None:
        self.tables.settings[key] = value


class ExchangeRateRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def list(self) -> list[tuple[str, date, Decimal]]:
        return [(currency, since, rate) for (currency, since), rate in sorted(self.tables.exchange_rates.items())]

    def set(self, currency: str, valid_from: date, rate: Decimal) -> bool:
        replaced = (currency, valid_from) in self.tables.exchange_rates
        self.tables.exchange_rates[currency, valid_from] = rate
        return replaced

    def delete(self, currency: str, valid_from: date) -> bool:
        return self.tables.exchange_rates.pop((currency, valid_from), None) is not None


class QuotaRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def for_period(self, period_label: str) -> dict[int, Decimal]:
        return {user_id: amount for (user_id, label), amount in self.tables.quotas.items() if label == period_label}

    def set(self, user_id: int, period_label: str, amount: Decimal) -> Decimal | None:
        previous = self.tables.quotas.get((user_id, period_label))
        self.tables.quotas[user_id, period_label] = amount
        return previous


class AdjustmentRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, adjustment: Adjustment, at: datetime) -> None:
        self.tables.adjustments.append(copied(adjustment))

    def for_period(self, period_label: str, user_ids: Iterable[int] | None = None) -> list[Adjustment]:
        users = None if user_ids is None else set(user_ids)
        return [copied(a) for a in self.tables.adjustments
                if a.period_label == period_label and (users is None or a.user_id in users)]


Figure = tuple[int, ForecastCategory, Decimal, Decimal]


class SnapshotRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, snapshot_id: int, taken_at: datetime, taken_by: int | None, period: Any,
            figures: Iterable[Figure]) -> int:
        rows = list(figures)
        if rows:
            header = {"snapshot_id": snapshot_id, "taken_at": taken_at, "taken_by": taken_by,
                      "period_label": period.label, "period_start": period.start, "period_end": period.end}
            self.tables.snapshots[snapshot_id] = (header, rows)
        return len(rows)

    def figures(self, snapshot_id: int) -> list[Figure]:
        return list(self.tables.snapshots.get(snapshot_id, ({}, []))[1])

    def header(self, snapshot_id: int) -> dict[str, Any] | None:
        found = self.tables.snapshots.get(snapshot_id)
        return dict(found[0]) if found else None

    def list(self, period_label: str | None = None, user_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
        users = None if user_ids is None else set(user_ids)
        found = []
        for header, rows in sorted(self.tables.snapshots.values(), key=lambda s: s[0]["taken_at"]):
            counted = [r for r in rows if users is None or r[0] in users]
            if (not period_label or header["period_label"] == period_label) and counted:
                found.append({"snapshot_id": header["snapshot_id"], "taken_at": header["taken_at"],
                              "period_label": header["period_label"], "figures": len(counted)})
        return found


def _aggregation() -> NoReturn:
    raise NotImplementedError("an SQL aggregation: use the engine fixture (SQLite and PostgreSQL)")


class ForecastQueries:
    def category_sums(self, start: date, end: date, currency: str,
                      owner_ids: Iterable[int] | None = None) -> tuple[list[Any], dict[str, int]]:
        _aggregation()

    def deals(self, start: date, end: date, by: str, owner_ids: Iterable[int] | None = None) -> list[tuple[Any, ...]]:
        _aggregation()

    def names_and_owners(self, opportunity_ids: list[int]) -> list[tuple[int, str, int | None]]:
        _aggregation()

    def overdue(self, today: date, owner_ids: Iterable[int] | None = None,
                limit: int = 500) -> list[tuple[Any, ...]]:
        _aggregation()

    def close_date_moves(self, owner_ids: Iterable[int] | None = None) -> list[tuple[int, date, date]]:
        _aggregation()

    def stage_entered(self, before: datetime, owner_ids: Iterable[int] | None = None,
                      limit: int = 500) -> list[tuple[Any, ...]]:
        _aggregation()


class PipelineQueries:
    def leads_by_status(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int, int]:
        _aggregation()

    def opportunities_by_stage(
        self, visible_owner_ids: Iterable[int] | None = None,
    ) -> list[tuple[int, str, str, int, Decimal, Decimal]]:
        _aggregation()

    def leads_by_source(self, visible_owner_ids: Iterable[int] | None = None) -> dict[int | None, int]:
        _aggregation()

    def lead_funnel(self, qualified_status_ids: Iterable[int], visible_owner_ids: Iterable[int] | None = None,
                    opportunity_owner_ids: Iterable[int] | None = None) -> tuple[int, int, int, int, int]:
        _aggregation()

    def outcomes_by_month(self, since: date, visible_owner_ids: Iterable[int] | None = None,
                          ) -> list[tuple[int, int, str, int]]:
        _aggregation()

    def board_sums(self, open_stage_ids: Iterable[int], closed_stage_ids: Iterable[int], closed_since: date,
                   visible_owner_ids: Iterable[int] | None = None) -> list[tuple[int, str, int, Decimal, Decimal]]:
        _aggregation()

    def board_cards(self, open_stage_ids: Iterable[int], closed_stage_ids: Iterable[int], closed_since: date,
                    limits: tuple[int, int], visible_owner_ids: Iterable[int] | None = None) -> list[Any]:
        _aggregation()
