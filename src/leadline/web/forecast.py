"""The forecast page: a period's cumulative categories (computed, adjusted, the figure that counts),
the weighted pipeline, quota and attainment of a user's team (an admin's default: the whole
organisation), the roll-up by direct report (each a drill-down to that report's team) and by
owner (each a drill-down to the owner's opportunities of the period), the adjustments with their
notes and a form to add one, and the snapshots with a button to take one.

Every figure is the forecast use cases' (``analytics/forecast.py``, ``services/forecast/``), under
the same rules as the API: a user sees their own team's forecast, managers adjust their reports'.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Response, Template

from leadline.analytics.forecast import forecast_for
from leadline.domain.errors import LeadlineError, PermissionDeniedError, ValidationError
from leadline.domain.forecast import CUMULATIVE
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.security.access import subordinates_of
from leadline.http_status import status_of
from leadline.services.context import ServiceContext
from leadline.services.forecast import adjustments as forecasting
from leadline.services.opportunities.queries import stage_names
from leadline.services.records import list_records
from leadline.services.scoring.opportunity_reads import predicted_forecast
from leadline.services.security.users import user_choices
from leadline.web.values import money_text

#: The periods the picker proposes; any other the use cases accept may be typed.
PERIODS = ("this-quarter", "last-quarter", "next-quarter", "this-month", "last-month", "next-month",
           "this-year", "last-year", "next-year")
CATEGORY_LABELS = {ForecastCategory.CLOSED: "Closed", ForecastCategory.COMMIT: "Commit",
                   ForecastCategory.BEST_CASE: "Best case", ForecastCategory.PIPELINE: "Pipeline"}
ADJUSTABLE = (ForecastCategory.COMMIT, ForecastCategory.BEST_CASE, ForecastCategory.PIPELINE)
DRILL_PAGE = 100
#: Owners listed before "show all": the largest pipelines first.
OWNERS_SHOWN = 50
Text = Annotated[str, Parameter(max_length=254)]


class AdjustmentForm(msgspec.Struct, kw_only=True):
    user: str = ""
    period: str = ""
    category: str = ""
    amount: str = ""
    note: str = ""


class SnapshotForm(msgspec.Struct, kw_only=True):
    period: str = ""
    user: str = ""


class ForecastPages(Controller):
    path = "/forecast"

    @get("/", sync_to_thread=False)
    def forecast(self, ctx: ServiceContext, user: int, period: Text = "this-quarter", who: Text = "",
                 taken: Text = "", owners: Text = "") -> Template:
        """``who``: whose team (a user id; default: you, or the organisation for an admin);
        ``owners=all``: every owner, not only the largest pipelines."""
        return forecast_page(ctx, user, period or "this-quarter", who, notice=_taken(taken),
                             all_owners=owners == "all")

    @post("/adjustments", sync_to_thread=False)
    def adjust(self, ctx: ServiceContext, user: int,
               data: Annotated[AdjustmentForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
        try:
            forecasting.adjust_forecast(ctx, user, data.user, data.period, data.category, data.amount,
                                        note=data.note or None)
        except (ValidationError, PermissionDeniedError) as error:
            return forecast_page(ctx, user, data.period, data.user, form=data, error=error)
        return Redirect("/forecast?" + urlencode({"period": data.period, "who": data.user}), status_code=303)

    @post("/snapshots", sync_to_thread=False)
    def snapshot(self, ctx: ServiceContext, user: int,
                 data: Annotated[SnapshotForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
        try:
            taken = forecasting.snapshot_forecast(ctx, user, data.period)
        except ValidationError as error:
            return forecast_page(ctx, user, data.period, data.user, error=error)
        return Redirect("/forecast?" + urlencode({"period": data.period, "who": data.user,
                                                  "taken": taken.figures}), status_code=303)

    @get("/opportunities", sync_to_thread=False)
    def opportunities(self, ctx: ServiceContext, user: int, owner: Annotated[int, Parameter(ge=1)],
                      period: Text = "this-quarter",
                      cursor: Annotated[str, Parameter(max_length=500)] = "") -> Template:
        """The drill-down to one owner: their open and won opportunities closing in the period,
        as the user may read them (the owner's forecast first, refused outside the user's team)."""
        report = forecast_for(ctx, user, period, user=owner)
        own = next((f for f in report.owners if f.user_id == owner), None)
        query = RecordQuery(owner_ids=(owner,), outcomes=("open", "won"), close_from=report.period.start,
                            close_to=report.period.end - timedelta(days=1))
        page = Page.parse(DRILL_PAGE, "close_date", cursor or None, allowed=("close_date",))
        rows = list_records(ctx, user, "opportunity", query, page)
        names = {u.id: u.name for u in user_choices(ctx, user)}
        following = page.cursor_after(rows[-1]) if len(rows) == DRILL_PAGE else None
        return Template("forecast/opportunities.html", context={
            **_helpers(report.currency), "report": report, "own": own, "owner": owner,
            "closed": ForecastCategory.CLOSED, "pipeline": ForecastCategory.PIPELINE,
            "owner_name": names.get(owner, str(owner)), "rows": rows, "stages": stage_names(ctx),
            "next_url": "/forecast/opportunities?" + urlencode({"owner": owner, "period": period,
                                                                "cursor": following}) if following else None})


def forecast_page(ctx: ServiceContext, user: int, period: str, who: str, *, form: AdjustmentForm | None = None,
                  error: LeadlineError | None = None, notice: str | None = None,
                  all_owners: bool = False) -> Template:
    """The page; a refused period or user is shown next to its field, the page without figures."""
    context = _pickers(ctx, user, period, who) | {
        "form": form or AdjustmentForm(user=who, period=period), "notice": notice, "adjustable": ADJUSTABLE,
        "errors": {} if error is None else {error.field or "form": error.message}}
    try:
        report, predicted = predicted_forecast(ctx, user, period, user=who or None)
        adjustments = forecasting.list_adjustments(ctx, user, period, report.forecast.user_id or user)
        snapshots = forecasting.list_snapshots(ctx, user, period)
    except (ValidationError, PermissionDeniedError) as refused:
        context["errors"] = {refused.field or "form": refused.message}
        return Template("forecast/page.html", status_code=status_of(refused), context={**context, "report": None})
    mine = report.scope == "user"
    owners = sorted(report.owners, key=lambda f: (-f.totals[ForecastCategory.PIPELINE], str(f.user_id)))
    shown = owners if all_owners else owners[:OWNERS_SHOWN]
    return Template("forecast/page.html", status_code=200 if error is None else status_of(error), context={
        **context, "report": report, "predicted": predicted, "owners": shown, "more_owners": len(owners) - len(shown),
        "adjustments": adjustments if mine else [], "snapshots": snapshots, "categories": CUMULATIVE,
        # a manager adjusts a report's forecast (an admin anyone's); the use case decides, this hides the form
        "may_adjust": mine and (context["is_admin"] or report.forecast.user_id != user)})


def _pickers(ctx: ServiceContext, user: int, period: str, who: str) -> dict[str, Any]:
    """The period and whose-forecast pickers: the user and the people below them (an admin: all)."""
    people = user_choices(ctx, user)
    me = next(u for u in people if u.id == user)
    team = subordinates_of(user, {u.id: u.manager_id for u in people}) | {user}
    return {**_helpers(ctx.currency), "period": period, "who": who, "periods": PERIODS, "me": user,
            "people": [u for u in people if me.is_admin() or u.id in team], "is_admin": me.is_admin(),
            "names": {u.id: u.name for u in people}}


def _helpers(currency: str) -> dict[str, Any]:
    return {"money": lambda amount: "—" if amount is None else money_text(amount, currency),
            "amount": money_text,
            "category_labels": CATEGORY_LABELS,
            "link": lambda path, **values: path + "?" + urlencode({k: v for k, v in values.items() if v is not None})}


def _taken(taken: str) -> str | None:
    return f"Snapshot taken: {taken} figures stored." if taken.isdigit() else None
