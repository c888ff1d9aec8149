"""The shapes of the forecast, deals, pipeline hygiene and the forecast's configuration
(fiscal year, exchange rates, quotas)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec

from leadline.api.schemas import DecimalIn, Note

PeriodText = Annotated[str, msgspec.Meta(
    max_length=40, description="2026 (fiscal year), 2026-Q4 (fiscal quarter), 2026-11 (month), or "
                               "this|last|next-month|quarter|year.")]


UserRef = Annotated[str, msgspec.Meta(max_length=254, pattern=r"\S", description="A user's id or e-mail address.")]


Category = Annotated[str, msgspec.Meta(max_length=40, description="pipeline, best_case, commit or omitted.")]


Amount = DecimalIn


class PeriodPublic(msgspec.Struct, kw_only=True):
    """``end`` is the first day after the period."""

    label: str
    kind: str
    start: date
    end: date


class CategoryPublic(msgspec.Struct, kw_only=True):
    """``total`` is what counts: a manager's ``adjusted`` figure when there is one, else ``computed``."""

    computed: Decimal
    adjusted: Decimal | None
    total: Decimal


class CategoriesPublic(msgspec.Struct, kw_only=True):
    """Cumulative: closed (won) within commit within best case within pipeline."""

    closed: CategoryPublic
    commit: CategoryPublic
    best_case: CategoryPublic
    pipeline: CategoryPublic


class UserForecastPublic(msgspec.Struct, kw_only=True):
    """One user's forecast; ``attainment`` is closed as a percentage of ``quota``."""

    user_id: str | None
    categories: CategoriesPublic
    weighted: Decimal
    open_count: int
    won_count: int
    quota: Decimal | None
    attainment: Decimal | None


class UnconvertedPublic(msgspec.Struct, kw_only=True):
    """Opportunities left out for want of an exchange rate of their currency."""

    currency: str
    count: int


class PredictedPublic(msgspec.Struct, kw_only=True):
    """The opportunity model's figure beside the reps' commit (never replacing it): ``won`` plus
    ``open_expected`` (each open opportunity's amount x its predicted chance of winning, in the
    organisation's currency); ``unscored`` open ones count at nothing, ``unconverted`` ones (no
    exchange rate) are left out."""

    amount: Decimal
    won: Decimal
    open_expected: Decimal
    scored: int
    unscored: int
    unconverted: int


class ForecastPublic(msgspec.Struct, kw_only=True):
    """``forecast`` is the user's team roll-up; ``reports`` each direct report's roll-up;
    ``owners`` each owner's own figures (no roll-up). Only what the caller may read counts. An admin
    who names no user gets ``scope`` "organisation": ``forecast`` is every opportunity (``user_id``
    null) and ``reports`` the top of the hierarchy (the users who report to nobody), each rolled up."""

    period: PeriodPublic
    currency: str
    scope: Annotated[str, msgspec.Meta(description='"user" (one user\'s team) or "organisation".')] = "user"
    forecast: UserForecastPublic
    reports: list[UserForecastPublic]
    owners: list[UserForecastPublic]
    unconverted: list[UnconvertedPublic]
    #: ``GET /forecast`` only: the predicted figure (docs/scoring.md)
    predicted: PredictedPublic | None = None


class AdjustmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manager's figure for one category (commit, best_case or pipeline) of a report's forecast."""

    user: UserRef
    period: PeriodText
    category: Category
    amount: Amount
    note: Note | None = None


class AdjustmentPublic(msgspec.Struct, kw_only=True):
    """``original`` is the computed figure the adjustment replaces, kept beside it."""

    id: str
    user_id: str | None
    period: str
    category: str
    amount: Decimal
    original: Decimal
    adjusted_by: str
    note: str | None


class SnapshotIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    period: PeriodText


class SnapshotPublic(msgspec.Struct, kw_only=True):
    """``figures``: one per user and category stored."""

    id: str
    period: PeriodPublic
    figures: int


class SnapshotSummaryPublic(msgspec.Struct, kw_only=True):
    id: str
    period: str
    taken_at: datetime
    figures: int


class AccuracyLinePublic(msgspec.Struct, kw_only=True):
    """``accuracy`` is 100 - |actual - forecast| / actual x 100 (floored at 0), in percent;
    null when nothing was forecast and nothing won. ``forecast`` is the category's total in the
    snapshot (``basis`` total), for the pipeline what it was expected to bring: closed plus the
    weighted open pipeline (``basis`` weighted)."""

    user_id: str | None
    category: str
    basis: str
    forecast: Decimal
    actual: Decimal
    difference: Decimal
    accuracy: Decimal | None


class AccuracyPublic(msgspec.Struct, kw_only=True):
    snapshot_id: str
    period: PeriodPublic
    lines: list[AccuracyLinePublic]


class DealLinePublic(msgspec.Struct, kw_only=True):
    """``key`` names the owner, account, source or product (with the currency when it has no rate)."""

    key: str
    count: int
    amount: Decimal


class DealsPublic(msgspec.Struct, kw_only=True):
    period: PeriodPublic
    currency: str
    by: str
    lines: list[DealLinePublic]


class OverduePublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    owner_id: str | None
    close_date: date | None
    amount: Decimal | None
    currency: str


class PushedPublic(msgspec.Struct, kw_only=True):
    """``pushes``: how often the close date moved to a later period."""

    id: str
    name: str
    owner_id: str | None
    pushes: int


class StuckPublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    owner_id: str | None
    stage: str
    days: int


class HygienePublic(msgspec.Struct, kw_only=True):
    overdue: list[OverduePublic]
    pushed: list[PushedPublic]
    stuck: list[StuckPublic]


class FiscalYearIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The month (1-12) the fiscal year starts in; a fiscal year is named by the year it starts in."""

    start_month: Annotated[int, msgspec.Meta(ge=1, le=12)]


class FiscalYearPublic(msgspec.Struct, kw_only=True):
    start_month: int


class ExchangeRateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What one unit of the currency is worth in the organisation's currency."""

    rate: Amount


class ExchangeRatePublic(msgspec.Struct, kw_only=True):
    currency: str
    valid_from: date
    rate: Decimal


class QuotaIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: Amount


class QuotaPublic(msgspec.Struct, kw_only=True):
    user_id: str
    amount: Decimal


class QuotasPublic(msgspec.Struct, kw_only=True):
    """The period's quotas the caller may see (an admin all, others their own and their reports')."""

    period: PeriodPublic
    currency: str
    quotas: list[QuotaPublic]
