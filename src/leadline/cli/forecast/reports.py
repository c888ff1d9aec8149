"""``leadline forecast [adjust|snapshot|snapshots|accuracy]``, ``leadline deals`` and
``leadline hygiene``: the sales forecast by category, its adjustments and snapshots, booked
revenue and pipeline hygiene. Each shows what the acting user may see."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    actor_id,
    handle_errors,
    parse_id,
    ready_application,
    whole_number,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.output import console, fields_of, print_json, print_table
from leadline.domain.common import counted
from leadline.domain.errors import ValidationError
from leadline.domain.forecast import CUMULATIVE, Forecast, Period, PeriodKind
from leadline.domain.opportunities.opportunity import ForecastCategory

if TYPE_CHECKING:
    from leadline.analytics import forecast as reports
    from leadline.services.forecast import adjustments as forecast_service
    from leadline.services.scoring import opportunity_reads
    from leadline.services.security import users as user_service
else:
    reports = lazy_module("leadline.analytics.forecast")
    forecast_service = lazy_module("leadline.services.forecast.adjustments")
    user_service = lazy_module("leadline.services.security.users")
    opportunity_reads = lazy_module("leadline.services.scoring.opportunity_reads")

forecast_app = typer.Typer()  # its help is the callback's: the forecast itself

PERIOD = typer.Option("this-quarter", "--period", help="2026 (fiscal year), 2026-Q4 (fiscal quarter), 2026-11 "
                                                      "(month), or this|last|next-month|quarter|year.")
BREAKDOWNS = ("team", "owner", "category")
HEADERS = ["user", "closed", "commit", "best case", "pipeline", "weighted", "quota", "attainment %"]


def register(app: typer.Typer) -> None:
    """Add ``deals`` and ``hygiene`` to the top-level command."""
    app.command("deals")(handle_errors(deals))
    app.command("hygiene")(handle_errors(hygiene))


def _names(context: Any, actor: int) -> dict[int | None, str]:
    names: dict[int | None, str] = {u.id: u.name for u in user_service.list_users(context, actor)}
    names[None] = "(no owner)"
    return names


def _dates(period: Period) -> str:
    return f"{period.start} to {period.end - timedelta(days=1)}"


def _figure(forecast: Forecast, category: Any) -> Any:
    """The figure that counts; an adjusted one shows the computed one beside it."""
    computed = forecast.totals[category]
    adjusted = forecast.adjusted.get(category)
    return computed if adjusted is None else f"{adjusted:,.2f} (computed {computed:,.2f})"


def forecast_json(forecast: Forecast, names: dict[int | None, str]) -> dict[str, Any]:
    return {"user_id": forecast.user_id, "user": names.get(forecast.user_id),
            "categories": {c.value: {"computed": forecast.totals[c], "adjusted": forecast.adjusted.get(c),
                                     "total": forecast.total(c)} for c in CUMULATIVE},
            "weighted": forecast.weighted, "open_count": forecast.open_count, "won_count": forecast.won_count,
            "quota": forecast.quota, "attainment": forecast.attainment}


def _row(forecast: Forecast, names: dict[int | None, str]) -> list[Any]:
    return [names.get(forecast.user_id, forecast.user_id), *(_figure(forecast, c) for c in CUMULATIVE),
            forecast.weighted, forecast.quota, forecast.attainment]


def _print_report(report: reports.ForecastReport, names: dict[int | None, str], by: str) -> None:
    main, whole = report.forecast, report.scope == "organisation"
    whose = "the organisation" if whole else names.get(main.user_id)
    console.print(f"Forecast {report.period.label} ({_dates(report.period)}) of {whose}, "
                  f"in {report.currency}", highlight=False)
    print_table(None, ["category", "computed", "adjusted", "counts"],
                [(c.value.replace("_", " "), main.totals[c], main.adjusted.get(c), main.total(c)) for c in CUMULATIVE])
    quota = f"{main.quota:,.2f}, attainment {main.attainment} %" if main.quota else "none"
    console.print(f"weighted pipeline {main.weighted:,.2f}; quota {quota}; {main.open_count} open, "
                  f"{main.won_count} won", highlight=False)
    if by == "team" and report.reports:
        print_table("Top of the hierarchy (each with their team)" if whole else "Direct reports (each with their team)",
                    HEADERS, [_row(f, names) for f in report.reports])
    if by == "owner":
        print_table("Owners (each their own opportunities)", HEADERS, [_row(f, names) for f in report.owners])
    for currency, count in report.unconverted:
        console.print(f"left out: {counted(count, 'opportunity', 'opportunities')} in {currency}, which has "
                      f"no exchange rate (`leadline rate set {currency} ...`)", highlight=False)


@forecast_app.callback(invoke_without_command=True)
@handle_errors
def forecast(
    context: typer.Context, period: str = PERIOD,
    user: str = typer.Option(None, help="Whose forecast (e-mail or id); default: yours (an admin's: the whole "
                                        "organisation's). A manager's is the team's."),
    by: str = typer.Option("team", help="team (direct reports, rolled up), owner (each owner's own) or category "
                                        "(the totals only)."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """The sales forecast of a period: closed, commit, best case, pipeline; quota and attainment.

    Categories are cumulative: closed (won) within commit within best case within pipeline; lost
    and omitted count nowhere. Beside them: the weighted pipeline, quota and attainment, and a
    manager's adjustments next to the computed figures. Amounts are in the organisation's currency
    at the rate valid on each close date. --json gives every breakdown. An admin sees the whole
    organisation by default, broken down by the top of the role hierarchy (those who report to nobody).

    Example: leadline forecast --period 2026-Q4 --user maria@example.com --by owner
    """
    if context.invoked_subcommand is not None:
        return
    if by not in BREAKDOWNS:
        raise ValidationError(f"{by!r} is not team, owner or category", field="by")
    app, actor = ready_application(), actor_id(acting_as)
    report, predicted = opportunity_reads.predicted_forecast(app.context, actor, period, user=user)
    names = _names(app.context, actor)
    if not as_json:
        _print_report(report, names, by)
        _print_predicted(predicted, report.forecast)
        return
    whole = report.scope == "organisation"
    print_json({"period": report.period, "currency": report.currency, "scope": report.scope,
                "forecast": forecast_json(report.forecast, {None: "(organisation)"} if whole else names),
                "reports": [forecast_json(f, names) for f in report.reports],
                "owners": [forecast_json(f, names) for f in report.owners],
                "unconverted": [{"currency": c, "count": n} for c, n in report.unconverted],
                "predicted": fields_of(predicted)})


def _print_predicted(predicted: Any, main: Forecast) -> None:
    """The model's figure beside the reps' commit (never replacing it)."""
    commit = main.total(ForecastCategory.COMMIT)
    console.print(f"predicted (won + open amounts x predicted chance of winning) {predicted.amount:,.2f} "
                  f"beside the reps' commit {commit:,.2f}; {predicted.scored} open scored"
                  + (f", {predicted.unscored} unscored (`leadline score train`)" if predicted.unscored else ""),
                  highlight=False)


@forecast_app.command("adjust")
@handle_errors
def adjust(
    user: str = typer.Argument(..., metavar="USER", help="Whose forecast: a report of yours (e-mail or id)."),
    period: str = typer.Argument(..., metavar="PERIOD", help="2026-Q4, 2026, 2026-11, this-quarter, ..."),
    category: str = typer.Argument(..., metavar="CATEGORY", help="commit, best_case or pipeline."),
    amount: str = typer.Argument(..., metavar="AMOUNT", help="The figure you forecast instead."),
    note: str = typer.Option(None, help="Why, kept with the adjustment."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Adjust a category total of a report's forecast (their managers and admins); the computed
    figure is kept beside it, and the latest adjustment counts. Closed is what was won: not adjustable.

    Example: leadline forecast adjust sam@example.com 2026-Q4 commit 250000 --note "Acme slips to Q1"
    """
    made = forecast_service.adjust_forecast(ready_application().context, actor_id(acting_as), user, period,
                                            category, amount, note=note)
    if as_json:
        print_json({**fields_of(made), "adjusted_by": str(made.adjusted_by)})
        return
    typer.echo(f"{made.category.value} of {user} for {made.period_label}: {made.amount:,.2f} "
               f"(computed {made.original:,.2f})")


@forecast_app.command("snapshot")
@handle_errors
def snapshot(period: str = PERIOD, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Store the forecast of every user you may see (each category, adjustments applied) to compare
    later with what closed. Schedule it (cron, a systemd timer) with a relative period.

    Example: leadline forecast snapshot --period this-quarter
    """
    taken = forecast_service.snapshot_forecast(ready_application().context, actor_id(acting_as), period)
    if as_json:
        print_json(taken)
        return
    typer.echo(f"snapshot {taken.snapshot_id} of {taken.period.label}: {counted(taken.figures, 'figure')}")


@forecast_app.command("snapshots")
@handle_errors
def snapshots(period: str = typer.Option(None, help="Only snapshots of this period."),
              as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List the forecast snapshots holding your figures or your team's, oldest first.

    Example: leadline forecast snapshots --period 2026-Q4
    """
    found = forecast_service.list_snapshots(ready_application().context, actor_id(acting_as), period)
    if as_json:
        print_json(found)
        return
    print_table("Forecast snapshots", ["id", "taken at", "period", "figures"],
                [(s["snapshot_id"], s["taken_at"], s["period_label"], s["figures"]) for s in found])


@forecast_app.command("accuracy")
@handle_errors
def accuracy(snapshot_id: str = typer.Argument(..., metavar="SNAPSHOT_ID"), as_json: bool = JSON_OPTION,
             acting_as: str = AS_OPTION) -> None:
    """Compare a snapshot with what each user's team actually won in its period, per category:
    100 % is exact, 0 % a miss by the whole actual amount or more. Closed, commit and best case
    compare their totals; the pipeline what it was expected to bring (basis "weighted": closed plus
    each open amount x probability), since the whole pipeline is never expected to close.

    Example: leadline forecast accuracy 1234567890
    """
    app, actor = ready_application(), actor_id(acting_as)
    period, lines = forecast_service.snapshot_accuracy(app.context, actor, parse_id(snapshot_id, "snapshot"))
    names = _names(app.context, actor)
    rows = [{"user_id": line.user_id, "user": names.get(line.user_id), "category": line.category,
             "basis": line.basis, "forecast": line.forecast, "actual": line.actual, "difference": line.difference,
             "accuracy": line.accuracy} for line in lines]
    if as_json:
        print_json({"snapshot_id": snapshot_id, "period": period, "lines": rows})
        return
    print_table(f"Snapshot {snapshot_id} of {period.label} against what was won",
                ["user", "category", "basis", "forecast", "actual", "difference", "accuracy %"],
                [(r["user"], r["category"], r["basis"], r["forecast"], r["actual"], r["difference"], r["accuracy"])
                 for r in rows])


def deals(
    period: str = PERIOD,
    by: str = typer.Option("owner", help="owner, account, source or product."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Booked revenue: the won opportunities closing in a period, summed by owner, account, source or
    product (line items), in the organisation's currency, largest first. A currency without an
    exchange rate is summed apart, unconverted, and says so.

    Example: leadline deals --period 2026-Q4 --by product
    """
    app = ready_application()
    chosen, lines = reports.deals(app.context, actor_id(acting_as), period, by=by)
    if as_json:
        print_json({"period": chosen, "currency": app.context.currency, "by": by, "lines": lines})
        return
    console.print(f"Deals won {chosen.label} ({_dates(chosen)}) by {by}, in {app.context.currency}",
                  highlight=False)
    print_table(None, [by, "deals", "amount"], [(line.key, line.count, line.amount) for line in lines])


def hygiene(
    stuck_days: int = typer.Option(30, "--stuck-days", parser=whole_number(),
                                   help="Stuck: in the same stage for more days (1 to 3650)."),
    period_kind: str = typer.Option("quarter", "--period-kind", help="Pushed: a close date moved to a later "
                                                                     "month, quarter or year."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Pipeline hygiene: open opportunities past their close date, those pushed to a later period
    (how often), and those stuck in a stage for more than --stuck-days days.

    Example: leadline hygiene --stuck-days 45 --period-kind month
    """
    if period_kind not in tuple(PeriodKind):
        raise ValidationError(f"{period_kind!r} is not month, quarter or year", field="period_kind")
    app, actor = ready_application(), actor_id(acting_as)
    found = reports.pipeline_hygiene(app.context, actor, stuck_days=stuck_days, period_kind=period_kind)
    if as_json:
        print_json(found)
        return
    names = _names(app.context, actor)
    print_table("Overdue: open past the close date", ["id", "name", "owner", "close date", "amount", "currency"],
                [(o["id"], o["name"], names.get(o["owner_id"]), o["close_date"], o["amount"], o["currency"])
                 for o in found.overdue])
    print_table(f"Pushed to a later {period_kind}", ["id", "name", "owner", "pushes"],
                [(p["id"], p["name"], names.get(p["owner_id"]), p["pushes"]) for p in found.pushed])
    print_table(f"Stuck: more than {stuck_days} days in a stage", ["id", "name", "owner", "stage", "days"],
                [(s["id"], s["name"], names.get(s["owner_id"]), s["stage"], s["days"]) for s in found.stuck])
