"""``leadline report funnel|conversion-time|stages|velocity|pipeline``: the funnel and sales
reports as tables, ``--json``, ``--csv``, or a ``--png`` chart. Each holds only the records the
acting user may read; amounts are in the organisation's currency."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import cell, console, print_table
from leadline.domain.common import DAY_RULE
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.analytics import deals, funnel, pipeline_history, presentation, scope
    from leadline.cli.reports import charts
else:
    deals = lazy_module("leadline.analytics.deals")
    funnel = lazy_module("leadline.analytics.funnel")
    pipeline_history = lazy_module("leadline.analytics.pipeline_history")
    presentation = lazy_module("leadline.analytics.presentation")
    scope = lazy_module("leadline.analytics.scope")
    charts = lazy_module("leadline.cli.reports.charts")

report_app = typer.Typer(help="Funnel and sales reports from the recorded history.", no_args_is_help=True)

BY = typer.Option(None, "--by", help="Cut by source, owner, team (a manager's team), cohort (creation month), "
                                     "quarter (creation quarter) or campaign.")
SOURCE = typer.Option(None, "--source", help="Only this lead source (label or id).")
OWNER = typer.Option(None, "--owner", help="Only this owner's records (e-mail or id).")
TEAM = typer.Option(None, "--team", help="Only this manager's team: them and everyone below (e-mail or id).")
CAMPAIGN = typer.Option(None, "--campaign", help="Only records of this campaign (name or id): a lead's campaign "
                                                 "on capture, an opportunity's primary campaign.")
COHORT = typer.Option(None, "--cohort", help="Only records created in this month (2026-03) or quarter (2026-Q1).")
FROM = typer.Option(None, "--from", help=f"From this date ({DAY_RULE}), included.")
TO = typer.Option(None, "--to", help=f"To this date ({DAY_RULE}), included.")
CSV = typer.Option(False, "--csv", help="Print CSV (each table under its title) instead of tables.")
PNG = typer.Option(None, "--png", help="Also draw the report as a chart in this PNG file.")


def _filters(source: str | None, owner: str | None, team: str | None, cohort: str | None,
             campaign: str | None) -> dict[str, object]:
    return {"source": source, "owner": owner, "team": team, "cohort": cohort, "campaign": campaign}


def _dates(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    return scope.parse_day(first, "from"), scope.parse_day(last, "to")


def _show(report: Any, as_json: bool, as_csv: bool, png: Path | None) -> None:
    if as_json and as_csv:
        raise ValidationError("choose --json or --csv", field="csv")
    if png is not None:
        try:
            charts.draw(report, png)
        except OSError as error:
            raise ValidationError(f"cannot write {png}: {error.strerror or error}", field="png") from None
    if as_json:
        print(json.dumps(presentation.document(report), indent=2, ensure_ascii=False))
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for number, table in enumerate(presentation.tables_of(report)):
            writer.writerows(([], [table.title]) if number else ([table.title],))
            writer.writerows([table.headers, *([_figure(v, grouped=False) for v in row] for row in table.rows)])
    else:
        for table in presentation.tables_of(report):
            print_table(table.title, table.headers, [[_figure(v, grouped=True) for v in row] for row in table.rows])
        for currency, count in getattr(report, "unconverted", {}).items():
            console.print(f"left out: {count} in {currency}, which has no exchange rate", highlight=False)
    if png is not None:
        console.print(f"chart written to {png}", highlight=False)


def _figure(value: Any, *, grouped: bool) -> str:
    """A report's figure at the places the report computed it to (a rate 66.7, money 1200.00; the
    JSON's figures), thousands grouped in tables, never in CSV (a spreadsheet reads 1200.00 as a
    number, "1,200.00" as text)."""
    if isinstance(value, Decimal):
        return f"{value:,}" if grouped else str(value)
    return cell(value)


def _run(make: Callable[[Any, int], Any], acting_as: str | None, as_json: bool, as_csv: bool,
         png: Path | None) -> None:
    app = ready_application()
    _show(make(app.context, actor_id(acting_as)), as_json, as_csv, png)


@report_app.command("funnel")
@handle_errors
def funnel_command(by: str = BY, source: str = SOURCE, owner: str = OWNER, team: str = TEAM, cohort: str = COHORT,
                   campaign: str = CAMPAIGN,
                   first: str = FROM, last: str = TO, as_json: bool = JSON_OPTION, as_csv: bool = CSV,
                   png: Path = PNG, acting_as: str = AS_OPTION) -> None:
    """Leads -> working -> qualified -> converted -> opportunity -> won: counts and the rate of each
    step, of the leads created in --from/--to (default: all).

    Example: leadline report funnel --by source --cohort 2026-Q1 --png funnel.png
    """
    _run(lambda ctx, actor: funnel.funnel_report(ctx, actor, filters=_filters(source, owner, team, cohort, campaign),
                                                 by=by,
                                                 created=_dates(first, last)), acting_as, as_json, as_csv, png)


@report_app.command("conversion-time")
@handle_errors
def conversion_time_command(by: str = BY, source: str = SOURCE, owner: str = OWNER, team: str = TEAM,
                            cohort: str = COHORT,
                            campaign: str = CAMPAIGN, first: str = FROM, last: str = TO, as_json: bool = JSON_OPTION,
                            as_csv: bool = CSV, png: Path = PNG, acting_as: str = AS_OPTION) -> None:
    """Days from lead creation to conversion, and the share converted within 30, 90, 180 and 365
    days of the leads old enough to have had that long.

    Example: leadline report conversion-time --by owner --team mia@example.com
    """
    _run(lambda ctx, actor: funnel.conversion_time_report(
        ctx, actor, filters=_filters(source, owner, team, cohort, campaign), by=by, created=_dates(first, last)),
        acting_as, as_json, as_csv, png)


@report_app.command("stages")
@handle_errors
def stages_command(source: str = SOURCE, owner: str = OWNER, team: str = TEAM, cohort: str = COHORT,
                   campaign: str = CAMPAIGN,
                   first: str = FROM, last: str = TO, as_json: bool = JSON_OPTION, as_csv: bool = CSV,
                   png: Path = PNG, acting_as: str = AS_OPTION) -> None:
    """Per sales process: how many opportunities reached each stage, the share going on to the
    next, and the median and mean days in it over those that left it ("left (timed)"; one still
    in a stage has no duration yet), of those created in --from/--to (default: all).

    Example: leadline report stages --owner ann@example.com
    """
    _run(lambda ctx, actor: deals.stages_report(ctx, actor, filters=_filters(source, owner, team, cohort, campaign),
                                                created=_dates(first, last)), acting_as, as_json, as_csv, png)


@report_app.command("velocity")
@handle_errors
def velocity_command(by: str = BY, source: str = SOURCE, owner: str = OWNER, team: str = TEAM, cohort: str = COHORT,
                     campaign: str = CAMPAIGN,
                     first: str = FROM, last: str = TO, as_json: bool = JSON_OPTION, as_csv: bool = CSV,
                     png: Path = PNG, acting_as: str = AS_OPTION) -> None:
    """Win rate, average won deal, sales cycle (days from created to won) of the opportunities
    closed from --from to --to (default: the last 365 days), and pipeline velocity: the
    opportunities open at the end of --to (rebuilt from the history) x win rate x average deal /
    cycle, per day.

    Example: leadline report velocity --by owner --from 2026-01-01 --to 2026-06-30
    """
    _run(lambda ctx, actor: deals.velocity_report(ctx, actor, filters=_filters(source, owner, team, cohort, campaign),
                                                  by=by,
                                                  period=_dates(first, last)), acting_as, as_json, as_csv, png)


@report_app.command("pipeline")
@handle_errors
def pipeline_command(as_of: str = typer.Option(None, "--as-of", help="The pipeline at the end of this date "
                                                                      "(YYYY-MM-DD, today at the latest); "
                                                                      "default: today."),
                     by: str = BY, source: str = SOURCE, owner: str = OWNER, team: str = TEAM, cohort: str = COHORT,
                     campaign: str = CAMPAIGN,
                     first: str = FROM, last: str = TO, as_json: bool = JSON_OPTION, as_csv: bool = CSV,
                     png: Path = PNG, acting_as: str = AS_OPTION) -> None:
    """The open pipeline per stage as of a past date (today at the latest; a date to come is
    refused), rebuilt from the history; with --from and --to, what changed between the ends of
    those dates: new, moved, pushed, won, lost, handed in and out (with --owner or --team: the open
    deals handed between owners) (a --to after today: up to today).

    Example: leadline report pipeline --from 2026-03-31 --to 2026-06-30 --by owner
    """
    if as_of and last:
        raise ValidationError("give --as-of, or --from with --to", field="as_of")
    if first and not last:
        raise ValidationError("--from needs --to", field="to")
    _run(lambda ctx, actor: pipeline_history.pipeline_report(
        ctx, actor, as_of=scope.parse_day(as_of, "as_of"), to=scope.parse_day(last, "to"),
        since=scope.parse_day(first, "from"), filters=_filters(source, owner, team, cohort, campaign), by=by),
        acting_as, as_json, as_csv, png)
