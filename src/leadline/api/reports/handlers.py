"""/api/v1/reports/{funnel,conversion-time,stages,velocity,pipeline}: the funnel and sales
reports, with the CLI's parameters and the same figures (``analytics.presentation.document``).

Each handler parses, calls the report and renders. Record-level security is the reports': each
holds only the records the caller may read. A malformed parameter is 422 ``VALIDATION_FAILED``
naming it (``by``, ``cohort``, ``from``, ``to``, ``as_of``, ``source``, ``campaign``), as everywhere in the API;
an unknown owner or team is 404 ``NOT_FOUND`` naming it.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller
from litestar.params import Parameter

from leadline.analytics import deals, funnel, pipeline_history
from leadline.analytics.presentation import document
from leadline.analytics.scope import parse_day
from leadline.api.routes import api_get
from leadline.domain.common import DAY_PATTERN, DAY_RULE
from leadline.domain.reports import COHORT_PATTERN
from leadline.services.context import ServiceContext

By = Annotated[str | None, Parameter(pattern="^(source|owner|team|cohort|quarter|campaign)$", description=(
    "Cut by source, owner, team (a manager's team), cohort (creation month), quarter (creation quarter) or "
    "campaign (a lead's campaign on capture, an opportunity's primary campaign)."))]
Campaign = Annotated[str | None, Parameter(max_length=255, description="Only this campaign's records (name or id).")]
Source = Annotated[str | None, Parameter(max_length=80, description="Only this lead source (label or id).")]
Owner = Annotated[str | None, Parameter(max_length=254, description="Only this owner's records (e-mail or id).")]
Team = Annotated[str | None, Parameter(max_length=254, description="Only this manager's team (e-mail or id).")]
# the patterns and the years are the domain's rules (``domain.reports``), stated, not copied. No
# pattern on ``from``/``to``: Litestar would name the Python argument (``first``) in its refusal;
# the domain refuses them naming ``from``/``to``
DAY = f"^{DAY_PATTERN}$"
Cohort = Annotated[str | None, Parameter(max_length=7, pattern=f"^{COHORT_PATTERN}$",
                                         description="Created in this month (2026-03) or quarter (2026-Q1).")]
From = Annotated[str | None, Parameter(query="from", max_length=10,
                                       description=f"From this date ({DAY_RULE}), included.")]
To = Annotated[str | None, Parameter(query="to", max_length=10,
                                     description=f"To this date ({DAY_RULE}), included.")]
AsOf = Annotated[str | None, Parameter(max_length=10, pattern=DAY, description=(
    f"The pipeline at the end of this date ({DAY_RULE}; today at the latest); default: today."))]


def _filters(source: str | None, owner: str | None, team: str | None, cohort: str | None,
             campaign: str | None) -> dict[str, object]:
    return {"source": source, "owner": owner, "team": team, "cohort": cohort, "campaign": campaign}


class ReportController(Controller):
    path = "/reports"
    tags = ["reports"]

    @api_get("/funnel", summary="The lead funnel")
    def funnel(self, ctx: ServiceContext, actor: int, by: By = None, source: Source = None, owner: Owner = None,
               team: Team = None, cohort: Cohort = None,
               campaign: Campaign = None, first: From = None, last: To = None) -> dict[str, Any]:
        """Leads -> working -> qualified -> converted -> opportunity -> won of the leads created
        from ``from`` to ``to``: counts, the rate of each step from the one before and from all
        leads (``step_rate``, ``overall_rate``, percent), in ``total`` and per group of ``by``."""
        return document(funnel.funnel_report(ctx, actor, filters=_filters(source, owner, team, cohort, campaign), by=by,
                                             created=(parse_day(first, "from"), parse_day(last, "to"))))

    @api_get("/conversion-time", summary="Time from lead to conversion")
    def conversion_time(self, ctx: ServiceContext, actor: int, by: By = None, source: Source = None,
                        owner: Owner = None, team: Team = None, cohort: Cohort = None,
                        campaign: Campaign = None, first: From = None,
                        last: To = None) -> dict[str, Any]:
        """Days from creation to conversion (mean, median, range, buckets) and the share converted
        within 30, 90, 180 and 365 days of the leads old enough to have had that long."""
        return document(funnel.conversion_time_report(
            ctx, actor, filters=_filters(source, owner, team, cohort, campaign), by=by,
            created=(parse_day(first, "from"), parse_day(last, "to"))))

    @api_get("/stages", summary="Stage-to-stage conversion and time in stage")
    def stages(self, ctx: ServiceContext, actor: int, source: Source = None, owner: Owner = None, team: Team = None,
               cohort: Cohort = None, campaign: Campaign = None, first: From = None, last: To = None) -> dict[str, Any]:
        """Per sales process, each open stage: opportunities reaching it, the share going on to the
        next (``to_next``), and the days in it (stays that ended)."""
        return {"processes": document(deals.stages_report(
            ctx, actor, filters=_filters(source, owner, team, cohort, campaign),
            created=(parse_day(first, "from"), parse_day(last, "to"))))}

    @api_get("/velocity", summary="Win rate, deal size, sales cycle and pipeline velocity")
    def velocity(self, ctx: ServiceContext, actor: int, by: By = None, source: Source = None, owner: Owner = None,
                 team: Team = None, cohort: Cohort = None,
                 campaign: Campaign = None, first: From = None, last: To = None) -> dict[str, Any]:
        """Of the opportunities closed from ``from`` to ``to`` (default: the last 365 days): win
        rate, average won deal, cycle days, and velocity per day with the opportunities open at the
        end of ``to`` (rebuilt from the history; ``open_as_of`` names that day)."""
        return document(deals.velocity_report(ctx, actor, filters=_filters(source, owner, team, cohort, campaign),
                                              by=by,
                                              period=(parse_day(first, "from"), parse_day(last, "to"))))

    @api_get("/pipeline", summary="The pipeline as of a date, and its changes")
    def pipeline(self, ctx: ServiceContext, actor: int, as_of: AsOf = None, by: By = None, source: Source = None,
                 owner: Owner = None, team: Team = None, cohort: Cohort = None,
                 campaign: Campaign = None, first: From = None,
                 last: To = None) -> dict[str, Any]:
        """The open pipeline per stage at the end of ``as_of`` (or ``to``; default today), rebuilt
        from the history; with ``from``, its changes since the end of that date: new, moved,
        pushed, won, lost, handed in and out (between owners, with an owner or team filter). An
        ``as_of`` after today is 422 ``VALIDATION_FAILED`` naming it; a ``to`` after today (a
        period that ends later) is read as today, as the web page does."""
        return document(pipeline_history.pipeline_report(
            ctx, actor, as_of=parse_day(as_of, "as_of"), to=parse_day(last, "to"), since=parse_day(first, "from"),
            filters=_filters(source, owner, team, cohort, campaign),
            by=by))
