"""The reports page: the lead funnel, the time from lead to conversion, stage-to-stage conversion
and time in stage, win rate and velocity, and the pipeline as of a chosen date, as charts with
their numbers, filtered by period, source, campaign, owner or team and cut by a dimension.

Every figure is the report use cases' (``analytics/funnel.py``, ``analytics/deals.py``,
``analytics/pipeline_history.py``), counted as the user may read the records: a rep's page holds
the rep's records. The charts are drawn as the dashboard's are (ADR 0028): each ``<figure
data-chart>`` holds its table of numbers, which ``static/leadline-dashboard.js`` draws with the
vendored Chart.js. A filter the reports refuse (a date that is not one, an unknown source,
campaign or user, an end before its start) answers with the page, the message beside the
filters and no figures, in the refusal's status as the API's (``leadline/http_status.py``: 422 for
a filter that is not valid, 404 for an owner who does not exist, 403 for a colleague the user
may not report on).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Template

from leadline.analytics.deals import ProcessStages, VelocityReport, stages_report, velocity_report
from leadline.analytics.funnel import ConversionTimeReport, FunnelReport, conversion_time_report, funnel_report
from leadline.analytics.pipeline_history import PipelineReport, pipeline_report
from leadline.analytics.scope import parse_day, report_choices
from leadline.domain.common import counted
from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.reports import DIMENSIONS
from leadline.http_status import status_of
from leadline.services.campaigns.records import list_campaigns
from leadline.services.context import ServiceContext
from leadline.services.leads.list_filters import list_choices
from leadline.web.dashboard import CHART_JS, Chart
from leadline.web.values import money_text

Text = Annotated[str, Parameter(max_length=255)]
#: The dimensions the page cuts its group tables and the velocity chart by.
CUTS = tuple(d.name for d in DIMENSIONS)
STEP_LABELS = {"leads": "Leads", "working": "Working", "qualified": "Qualified", "converted": "Converted",
               "opportunity": "Opportunity", "won": "Won"}


@dataclass(frozen=True)
class Figures:
    funnel: FunnelReport
    conversion: ConversionTimeReport
    stages: list[ProcessStages]
    velocity: VelocityReport
    pipeline: PipelineReport


class ReportPages(Controller):
    path = "/reports"

    @get("/", sync_to_thread=False)
    def reports_page(self, ctx: ServiceContext, user: int, first: Annotated[str, Parameter(query="from",
                     max_length=10)] = "", last: Annotated[str, Parameter(query="to", max_length=10)] = "",
                     source: Text = "", campaign: Text = "", owner: Text = "", team: Text = "",
                     as_of: Annotated[str, Parameter(max_length=10)] = "", by: Text = "owner") -> Template:
        """``from``/``to``: leads (and opportunities) created then, opportunities closed then for
        velocity; ``as_of``: the day of the pipeline, today at the latest (default: ``to``, or
        today; a ``to`` to come: today)."""
        chosen = {"from": first, "to": last, "source": source, "campaign": campaign, "owner": owner, "team": team,
                  "as_of": as_of, "by": by or "owner"}
        choices, whom = list_choices(ctx, user), report_choices(ctx, user)
        context: dict[str, Any] = {
            "chosen": chosen, "cuts": CUTS, "sources": choices.sources, "owners": whom.owners, "teams": whom.teams,
            "campaigns": list_campaigns(ctx, user), "chart_js": f"/static/{CHART_JS}", "charts": [],
            "tables": {}, "error": None, "error_field": None}
        try:
            figures = report_figures(ctx, user, chosen)
        except (ValidationError, NotFoundError, PermissionDeniedError) as refused:
            context.update(error=f"{_FIELD_NAMES.get(refused.field or '', refused.field or 'filter')}: "
                                 f"{refused.message}", error_field=refused.field)
            return Template("reports/page.html", status_code=status_of(refused), context=context)
        context.update(charts=charts(figures), figures=figures, currency=figures.pipeline.currency)
        return Template("reports/page.html", context=context)


_FIELD_NAMES = {"from": "From", "to": "To", "as_of": "Pipeline as of", "source": "Source", "campaign": "Campaign",
                "owner": "Owner", "team": "Team", "by": "Cut by", "cohort": "Cohort"}


def report_figures(ctx: ServiceContext, user: int, chosen: dict[str, str]) -> Figures:
    """Every report of the page under the chosen filters (the parameters as typed)."""
    created = (parse_day(chosen["from"], "from"), parse_day(chosen["to"], "to"))
    filters = {name: chosen[name] for name in ("source", "campaign", "owner", "team")}
    by = chosen["by"]
    return Figures(
        funnel_report(ctx, user, filters=filters, by=by, created=created),
        conversion_time_report(ctx, user, filters=filters, created=created),
        stages_report(ctx, user, filters=filters, created=created),
        velocity_report(ctx, user, filters=filters, by=by, period=created),
        pipeline_report(ctx, user, as_of=parse_day(chosen["as_of"], "as_of"), to=created[1], filters=filters))


def _value(value: Any) -> int | Decimal | str:
    return "" if value is None else value


def _days(value: Any) -> str:
    """A number of days as a sentence says it: "1 day", "0 days", "2.5 days"."""
    return f"{value} {'day' if value == 1 else 'days'}"


def charts(figures: Figures) -> list[Chart]:
    """The page's charts, in its order: funnel, conversion time (shares and days), each sales
    process's stages, won and lost by the chosen cut, the pipeline as of the chosen date."""
    total = figures.funnel.total
    conversion = figures.conversion.total
    found = [
        Chart("funnel", "Lead funnel", "funnel", ("Step", "Leads", "From the step before (%)", "Of all leads (%)"),
              [(STEP_LABELS[s.name], [s.count, _value(s.step_rate), _value(s.overall_rate)]) for s in total.steps]
              if total.steps and total.steps[0].count else []),  # type: ignore[list-item]
        Chart("conversion-within", "Share of leads converted within", "bar",
              ("Within", "Converted (%)", "Leads old enough", "Converted"),
              [(counted(w.days, "day"), [_value(w.share), w.eligible, w.converted]) for w in conversion.within]
              if any(w.eligible for w in conversion.within) else [],  # type: ignore[list-item]
              note="Of the leads created at least that long ago."),
        Chart("conversion-days", "Days from lead to conversion", "bar", ("Days", "Converted leads"),
              [(label, [n]) for label, n in conversion.days.buckets] if conversion.days.count else [],
              note=None if not conversion.days.count else
              f"Median {_days(conversion.days.median)}, mean {_days(conversion.days.mean)}, "
              f"of {counted(conversion.days.count, 'converted lead')}."),
    ]
    for number, process in enumerate(figures.stages, start=1):
        found.append(Chart(
            f"stages-{number}", f"Stages: {process.process}", "bar",
            ("Stage", "Reached", "On to the next (%)", "Median days in stage"),
            [(s.stage, [s.reached, _value(s.to_next), _value(s.days.median)]) for s in process.steps],  # type: ignore[misc]
            note=f"{counted(process.opportunities, 'opportunity', 'opportunities')}, {process.won} won; "
                 "the last stage's next is won."))
    if not figures.stages:
        found.append(Chart("stages-1", "Stages", "bar", ("Stage", "Reached"), []))
    velocity = figures.velocity
    cut = velocity.by or "group"
    found.append(Chart(
        "velocity", f"Won and lost by {cut}, {velocity.start.isoformat()} to {velocity.end.isoformat()}", "trend",
        ("Group", "Won", "Lost", "Win rate (%)", f"Average won deal ({velocity.currency})", "Cycle (days)",
         f"Velocity per day ({velocity.currency})"),
        [(g.label, [g.velocity.won_count, g.velocity.lost_count, _value(g.velocity.win_rate),  # type: ignore[misc]
                    _value(g.velocity.average_deal), _value(g.velocity.cycle_days), _value(g.velocity.per_day)])
         for g in [*velocity.groups, velocity.total]] if _closed(velocity) else [],
        money_columns=(3, 5), currency=velocity.currency, note=_velocity_note(velocity)))
    pipeline = figures.pipeline
    found.append(Chart(
        "pipeline-as-of", f"Open pipeline as of {pipeline.as_of.isoformat()} ({pipeline.currency})", "bar",
        ("Stage", "Amount", "Opportunities"), [(line.stage, [line.amount, line.count]) for line in pipeline.lines],
        money_columns=(0,), currency=pipeline.currency,
        note=f"{pipeline.open_count} open, {money_text(pipeline.open_amount, pipeline.currency)} in all."
        + ("" if not pipeline.unconverted else " Left out for want of an exchange rate: "
           + ", ".join(f"{code}: {n}" for code, n in pipeline.unconverted.items()))))
    return found


def _closed(report: VelocityReport) -> int:
    return report.total.velocity.won_count + report.total.velocity.lost_count


def _velocity_note(report: VelocityReport) -> str:
    total = report.total.velocity
    per_day = "—" if total.per_day is None else money_text(total.per_day, report.currency)
    average = "—" if total.average_deal is None else money_text(total.average_deal, report.currency)
    return (f"All: win rate {_shown(total.win_rate, ' %')}, average won deal "
            f"{average}, cycle {_shown(total.cycle_days, ' days')}, "
            f"{total.open_count} open at the end of {report.open_as_of}: pipeline velocity {per_day} per day.")


def _shown(value: Decimal | None, unit: str) -> str:
    return "—" if value is None else f"{value}{unit}"
