"""Reading opportunity scores, under the opportunity's own read guard, and the forecast's
"predicted" figure: what the period's opportunities are worth by their predicted chances."""

from __future__ import annotations

from dataclasses import dataclass

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.opportunities.opportunity import ForecastCategory, Opportunity
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.scoring.opportunity import OpportunityScore
from leadline.domain.scoring.predicted import Predicted, predicted_figure
from leadline.domain.scoring.records import MINIMUM_OUTCOMES, OPPORTUNITY, StoredModel
from leadline.domain.scoring.wording import unscored_reason
from leadline.services.context import ServiceContext
from leadline.services.forecast.figures import ForecastReport, forecast_in
from leadline.services.records import list_records_in, read_any
from leadline.services.security.access import load_viewer
from leadline.services.security.visibility import readable_ids


def get_opportunity_score(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> OpportunityScore | None:
    """The stored score of an opportunity the actor may read (``NOT_FOUND`` otherwise); None when
    unscored (no model yet, or closed)."""
    with ctx.reader() as uow:
        opportunity = read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        return uow.opportunity_scoring.scores([opportunity.id]).get(opportunity.id)


def get_opportunity_score_or_reason(ctx: ServiceContext, actor_id: int, opportunity_id: int
                                    ) -> tuple[OpportunityScore | None, str | None]:
    """The stored score of an opportunity the actor may read (``NOT_FOUND`` otherwise) and None;
    or None and why it has no score (closed, no model trained yet, or not scored since)."""
    with ctx.reader() as uow:
        opportunity = read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        score = uow.opportunity_scoring.scores([opportunity.id]).get(opportunity.id)
        if score is not None:
            return score, None
        has_model = uow.scoring.active_model(OPPORTUNITY, with_payload=False) is not None
        return None, unscored_reason(OPPORTUNITY, decided=opportunity.is_closed(), has_model=has_model,
                                     minimum=MINIMUM_OUTCOMES)


def opportunity_scores(ctx: ServiceContext, actor_id: int, opportunity_ids: list[int]) -> dict[int, OpportunityScore]:
    """The stored scores of those of ``opportunity_ids`` the actor may read (the others are left out)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        readable = readable_ids(uow, viewer, RecordType.OPPORTUNITY, set(opportunity_ids))
        return uow.opportunity_scoring.scores(sorted(readable))


@dataclass(frozen=True, slots=True)
class ScoredOpportunities:
    """A page of opportunities and the stored scores of those scored, read in one transaction (so
    the next page's cursor holds the score the last row was listed with)."""

    rows: list[Opportunity]
    scores: dict[int, OpportunityScore]

    def next_cursor(self, page: Page) -> str | None:
        """The cursor of the page after this one in ``page``'s order; None when this page is the last."""
        if len(self.rows) < page.limit:
            return None
        last = self.rows[-1]
        score = self.scores.get(last.id)
        return page.cursor_after(last, score=score.score if score else None)


def list_scored_opportunities(ctx: ServiceContext, actor_id: int, query: RecordQuery,
                              page: Page) -> ScoredOpportunities:
    """A page of the opportunities the actor may read that match ``query`` (as ``list_records``),
    each with its stored predicted-win score; sorted by ``score``, unscored ones last."""
    with ctx.reader() as uow:
        rows = list_records_in(ctx, uow, actor_id, "opportunity", query, page)
        return ScoredOpportunities(rows, uow.opportunity_scoring.scores([o.id for o in rows]))


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
