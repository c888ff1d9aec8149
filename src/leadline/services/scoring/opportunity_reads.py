"""Reading opportunity scores, under the opportunity's own read guard, and the forecast's
"predicted" figure: what the period's opportunities are worth by their predicted chances."""

from __future__ import annotations

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.domain.scoring.opportunity import OpportunityScore
from leadline.domain.scoring.predicted import Predicted, predicted_figure
from leadline.domain.scoring.records import OPPORTUNITY, StoredModel
from leadline.services.context import ServiceContext
from leadline.services.forecast.figures import ForecastReport, forecast_in
from leadline.services.records import read_any
from leadline.services.security.access import load_viewer
from leadline.services.security.visibility import readable_ids


def get_opportunity_score(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> OpportunityScore | None:
    """The stored score of an opportunity the actor may read (``NOT_FOUND`` otherwise); None when
    unscored (no model yet, or closed)."""
    with ctx.reader() as uow:
        opportunity = read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        return uow.opportunity_scoring.scores([opportunity.id]).get(opportunity.id)


def opportunity_scores(ctx: ServiceContext, actor_id: int, opportunity_ids: list[int]) -> dict[int, OpportunityScore]:
    """The stored scores of those of ``opportunity_ids`` the actor may read (the others are left out)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        readable = readable_ids(uow, viewer, RecordType.OPPORTUNITY, set(opportunity_ids))
        return uow.opportunity_scoring.scores(sorted(readable))


def list_opportunity_models(ctx: ServiceContext) -> list[StoredModel]:
    """Every stored opportunity model, newest (the one in use) first."""
    with ctx.reader() as uow:
        return uow.scoring.models(OPPORTUNITY)


def predicted_forecast(ctx: ServiceContext, actor_id: int, period: str, *, user: str | int | None = None
                       ) -> tuple[ForecastReport, Predicted]:
    """The forecast of ``period`` (as ``analytics.forecast.forecast_for``: the same team, the same
    record-level security) with its "predicted" figure beside the reps' commit: what was won plus
    each open opportunity's amount times its predicted chance (``domain.scoring.predicted``)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        report = forecast_in(ctx, uow, viewer, period, user=user)
        visible = viewer.readable_owner_ids(RecordType.OPPORTUNITY)
        owners = None if report.scope == "organisation" and visible is None else \
            sorted({f.user_id for f in report.owners if f.user_id is not None})
        deals = uow.opportunity_scoring.open_in_period(report.period.start, report.period.end, owners)
        rates = uow.exchange_rates.list()
    won = report.forecast.totals[ForecastCategory.CLOSED]
    return report, predicted_figure(won, deals, rates, report.currency)
