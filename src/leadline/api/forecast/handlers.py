"""/api/v1/forecast, /deals, /pipeline/hygiene and the forecast's configuration: the sales
forecast rolled up through the role hierarchy, managers' adjustments, snapshots and their
accuracy, quotas, booked deals, pipeline hygiene, the fiscal year and dated exchange rates.

Each handler parses, calls the use case and renders. Record-level security is the use cases':
a forecast counts only the opportunities the caller may read, so a rep's forecast shows what
the rep may see and a manager's is the team's. Configuration is for admins; quotas for admins
and the user's managers; adjustments for the user's managers.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.params import Parameter

from leadline.analytics import forecast as analytics
from leadline.api.forecast.schemas import (
    AccuracyLinePublic,
    AccuracyPublic,
    AdjustmentIn,
    AdjustmentPublic,
    CategoriesPublic,
    CategoryPublic,
    DealLinePublic,
    DealsPublic,
    ExchangeRateIn,
    ExchangeRatePublic,
    FiscalYearIn,
    FiscalYearPublic,
    ForecastPublic,
    HygienePublic,
    OverduePublic,
    PeriodPublic,
    PredictedPublic,
    PushedPublic,
    QuotaIn,
    QuotaPublic,
    QuotasPublic,
    SnapshotIn,
    SnapshotPublic,
    SnapshotSummaryPublic,
    StuckPublic,
    UnconvertedPublic,
    UserForecastPublic,
)
from leadline.api.idempotency import idempotent
from leadline.api.routes import RecordId, api_delete, api_get, api_post, api_put
from leadline.domain.forecast import Adjustment, Forecast, Period
from leadline.domain.ids import parse_record_id
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.services.context import ServiceContext
from leadline.services.forecast import adjustments as forecasting
from leadline.services.forecast import settings
from leadline.services.scoring.opportunity_reads import predicted_forecast
from leadline.services.security.access import fields_of

AnyRequest = Request[Any, Any, Any]
PeriodParam = Annotated[str, Parameter(max_length=40, description=(
    "2026 (fiscal year), 2026-Q4 (fiscal quarter), 2026-11 (month), or this|last|next-month|quarter|year."))]
UserParam = Annotated[str | None, Parameter(max_length=254, description="A user's id or e-mail; default: you.")]
UserPath = Annotated[str, Parameter(max_length=254, description="A user's id or e-mail.")]
ByParam = Annotated[str, Parameter(pattern="^(owner|account|source|product)$",
                                   description="owner, account, source or product")]
KindParam = Annotated[str, Parameter(pattern="^(month|quarter|year)$",
                                     description="The period a pushed deal moves out of: month, quarter or year.")]
StuckDays = Annotated[int, Parameter(ge=1, le=3650, description="Stuck: in its stage longer than this.")]
Currency = Annotated[str, Parameter(max_length=3, description="An ISO 4217 currency code.")]
ValidFrom = Annotated[str, Parameter(max_length=10, description="The first day the rate applies (YYYY-MM-DD).")]


def user_ref(value: str | None) -> str | int | None:
    """A user named by id or e-mail; an id out of range is refused before any lookup."""
    text = (value or "").strip()
    if not text:
        return None
    return parse_record_id(text, field="user") if text.isdigit() else text


def _ref(value: int | None) -> str | None:
    return None if value is None else str(value)


def period_public(period: Period) -> PeriodPublic:
    return PeriodPublic(label=period.label, kind=period.kind.value, start=period.start, end=period.end)


def _category(forecast: Forecast, category: ForecastCategory) -> CategoryPublic:
    return CategoryPublic(computed=forecast.totals[category], adjusted=forecast.adjusted.get(category),
                          total=forecast.total(category))


def user_forecast_public(forecast: Forecast) -> UserForecastPublic:
    categories = CategoriesPublic(
        closed=_category(forecast, ForecastCategory.CLOSED), commit=_category(forecast, ForecastCategory.COMMIT),
        best_case=_category(forecast, ForecastCategory.BEST_CASE),
        pipeline=_category(forecast, ForecastCategory.PIPELINE))
    return UserForecastPublic(user_id=_ref(forecast.user_id), categories=categories, weighted=forecast.weighted,
                              open_count=forecast.open_count, won_count=forecast.won_count, quota=forecast.quota,
                              attainment=forecast.attainment)


def forecast_public(report: analytics.ForecastReport) -> ForecastPublic:
    return ForecastPublic(
        period=period_public(report.period), currency=report.currency,
        forecast=user_forecast_public(report.forecast),
        reports=[user_forecast_public(f) for f in report.reports],
        owners=[user_forecast_public(f) for f in report.owners],
        unconverted=[UnconvertedPublic(currency=c, count=n) for c, n in report.unconverted], scope=report.scope)


def _adjustment(adjustment: Adjustment) -> AdjustmentPublic:
    return AdjustmentPublic(
        id=str(adjustment.id), user_id=_ref(adjustment.user_id), period=adjustment.period_label,
        category=adjustment.category.value, amount=adjustment.amount, original=adjustment.original,
        adjusted_by=str(adjustment.adjusted_by), note=adjustment.note)


def _quotas(ctx: ServiceContext, actor: int, period: str) -> QuotasPublic:
    chosen, quotas = settings.list_quotas(ctx, actor, period)
    return QuotasPublic(period=period_public(chosen), currency=ctx.currency,
                        quotas=[QuotaPublic(user_id=str(u), amount=a) for u, a in sorted(quotas.items())])


class ForecastController(Controller):
    path = "/forecast"
    tags = ["forecast"]

    @api_get("/", summary="The forecast of a period")
    def forecast(self, ctx: ServiceContext, actor: int, period: PeriodParam = "this-quarter",
                 user: UserParam = None) -> ForecastPublic:
        """The forecast of ``user`` (default: you; an admin's default is the whole organisation,
        ``scope`` "organisation", broken down by the top of the hierarchy), rolled up through the role hierarchy: the
        cumulative categories with computed and adjusted figures, weighted pipeline, quota and
        attainment, the direct reports' and each owner's figures. Only the opportunities you may
        read count; leads never do; amounts without an exchange rate are listed in ``unconverted``."""
        report, predicted = predicted_forecast(ctx, actor, period, user=user_ref(user))
        return msgspec.structs.replace(forecast_public(report), predicted=PredictedPublic(**fields_of(predicted)))

    @api_post("/adjustments", summary="Adjust a category of a report's forecast", status_code=201)
    def adjust(self, request: AnyRequest, ctx: ServiceContext, actor: int, data: AdjustmentIn,
               body: bytes) -> Response[AdjustmentPublic]:
        """A manager (or an admin) sets commit, best case or pipeline of a report's rolled-up
        forecast; the computed figure is kept beside it as ``original`` and the latest adjustment
        of a category applies. Others get PERMISSION_DENIED."""
        return idempotent(request, body, ctx, actor, lambda claim: forecasting.adjust_forecast(
            ctx, actor, user_ref(data.user) or "", data.period, data.category, data.amount, note=data.note,
            claim=claim), lambda adjustment: Response(_adjustment(adjustment)))

    @api_post("/snapshots", summary="Snapshot the forecast of a period", status_code=201)
    def snapshot(self, request: AnyRequest, ctx: ServiceContext, actor: int, data: SnapshotIn,
                 body: bytes) -> Response[SnapshotPublic]:
        """Store every user's rolled-up forecast (each category, adjustments applied) as you see it:
        an admin's covers everyone, a manager's the team. Compare it later with what closed."""
        def render(taken: forecasting.Snapshot) -> Response[SnapshotPublic]:
            return Response(SnapshotPublic(id=str(taken.snapshot_id), period=period_public(taken.period),
                                           figures=taken.figures))

        return idempotent(request, body, ctx, actor, lambda claim: forecasting.snapshot_forecast(
            ctx, actor, data.period, claim=claim), render)

    @api_get("/snapshots", summary="List forecast snapshots")
    def snapshots(self, ctx: ServiceContext, actor: int,
                  period: Annotated[str | None, Parameter(max_length=40, description="Only this period's.")] = None,
                  ) -> list[SnapshotSummaryPublic]:
        """Oldest first."""
        return [SnapshotSummaryPublic(id=str(s["snapshot_id"]), period=s["period_label"], taken_at=s["taken_at"],
                                      figures=s["figures"]) for s in forecasting.list_snapshots(ctx, actor, period)]

    @api_get("/snapshots/{snapshot_id:int}/accuracy", summary="A snapshot beside what actually closed")
    def accuracy(self, ctx: ServiceContext, actor: int, snapshot_id: RecordId) -> AccuracyPublic:
        """Per user (you and your team; everyone for an admin) and category: the snapshot's figure
        (for the pipeline: closed plus the weighted pipeline, ``basis`` weighted), what the user's
        team actually won in the period, the difference and the accuracy."""
        period, lines = forecasting.snapshot_accuracy(ctx, actor, snapshot_id)
        return AccuracyPublic(snapshot_id=str(snapshot_id), period=period_public(period), lines=[
            AccuracyLinePublic(user_id=_ref(line.user_id), category=line.category.value, basis=line.basis.value,
                               forecast=line.forecast, actual=line.actual, difference=line.difference,
                               accuracy=line.accuracy)
            for line in lines])

    @api_get("/quotas", summary="Quotas of a period")
    def quotas(self, ctx: ServiceContext, actor: int, period: PeriodParam = "this-quarter") -> QuotasPublic:
        return _quotas(ctx, actor, period)

    @api_put("/quotas/{user:str}/{period:str}", summary="Set a user's quota for a period")
    def set_quota(self, ctx: ServiceContext, actor: int, user: UserPath, period: PeriodParam,
                  data: QuotaIn) -> QuotasPublic:
        """In the organisation's currency; for admins and the user's managers. Answers the period's
        quotas as you see them."""
        settings.set_quota(ctx, actor, user_ref(user) or "", period, data.amount)
        return _quotas(ctx, actor, period)


class SalesReportController(Controller):
    path = "/"
    tags = ["forecast"]

    @api_get("/deals", summary="Booked revenue of a period")
    def deals(self, ctx: ServiceContext, actor: int, period: PeriodParam = "this-quarter",
              by: ByParam = "owner") -> DealsPublic:
        """Won opportunities closing in the period, by owner, account, source or product, in the
        organisation's currency, largest first; a currency without a rate is named in its line."""
        chosen, lines = analytics.deals(ctx, actor, period, by=by)
        return DealsPublic(period=period_public(chosen), currency=ctx.currency, by=by,
                           lines=[DealLinePublic(key=d.key, count=d.count, amount=d.amount) for d in lines])

    @api_get("/pipeline/hygiene", summary="Overdue, pushed and stuck opportunities")
    def hygiene(self, ctx: ServiceContext, actor: int, stuck_days: StuckDays = 30,
                period_kind: KindParam = "quarter") -> HygienePublic:
        """Open opportunities past their close date; those whose close date moved to a later
        period (how often); those in their stage longer than ``stuck_days``."""
        found = analytics.pipeline_hygiene(ctx, actor, stuck_days=stuck_days, period_kind=period_kind)
        return HygienePublic(
            overdue=[OverduePublic(id=str(o["id"]), name=o["name"], owner_id=_ref(o["owner_id"]),
                                   close_date=o["close_date"], amount=o["amount"], currency=o["currency"])
                     for o in found.overdue],
            pushed=[PushedPublic(id=str(p["id"]), name=p["name"], owner_id=_ref(p["owner_id"]), pushes=p["pushes"])
                    for p in found.pushed],
            stuck=[StuckPublic(id=str(s["id"]), name=s["name"], owner_id=_ref(s["owner_id"]), stage=s["stage"],
                               days=s["days"]) for s in found.stuck])


class ForecastConfigurationController(Controller):
    path = "/config"
    tags = ["configuration"]

    @api_get("/fiscal-year", summary="The month the fiscal year starts in")
    def fiscal_year(self, ctx: ServiceContext, actor: int) -> FiscalYearPublic:
        return FiscalYearPublic(start_month=settings.get_fiscal_year_start(ctx))

    @api_put("/fiscal-year", summary="Set the month the fiscal year starts in (admin)")
    def set_fiscal_year(self, ctx: ServiceContext, actor: int, data: FiscalYearIn) -> FiscalYearPublic:
        """Fiscal quarters and years follow it; a fiscal year is named by the year it starts in."""
        return FiscalYearPublic(start_month=settings.set_fiscal_year_start(ctx, actor, data.start_month))

    @api_get("/exchange-rates", summary="List the dated exchange rates")
    def exchange_rates(self, ctx: ServiceContext, actor: int) -> list[ExchangeRatePublic]:
        """By currency, then date. Reports convert an amount at the rate valid on its close date."""
        return [ExchangeRatePublic(currency=r.currency, valid_from=r.valid_from, rate=r.rate)
                for r in settings.list_exchange_rates(ctx)]

    @api_put("/exchange-rates/{currency:str}/{valid_from:str}", summary="Set an exchange rate (admin)")
    def set_exchange_rate(self, ctx: ServiceContext, actor: int, currency: Currency, valid_from: ValidFrom,
                          data: ExchangeRateIn) -> ExchangeRatePublic:
        """From ``valid_from`` on (until the currency's next rate), one unit of ``currency`` is worth
        ``rate`` of the organisation's currency; a rate of the same day is replaced."""
        rate = settings.set_exchange_rate(ctx, actor, currency, data.rate, valid_from)
        return ExchangeRatePublic(currency=rate.currency, valid_from=rate.valid_from, rate=rate.rate)

    @api_delete("/exchange-rates/{currency:str}/{valid_from:str}", summary="Remove an exchange rate (admin)",
                status_code=204)
    def remove_exchange_rate(self, ctx: ServiceContext, actor: int, currency: Currency,
                             valid_from: ValidFrom) -> None:
        settings.remove_exchange_rate(ctx, actor, currency, valid_from)
