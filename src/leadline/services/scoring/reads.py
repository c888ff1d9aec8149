"""Reading scores: a lead's score with its reasons, under the lead's own read guard."""

from __future__ import annotations

from leadline.domain.scoring.records import LEAD, LeadScore, StoredModel
from leadline.services.context import ServiceContext
from leadline.services.leads.records import load_lead
from leadline.services.scoring.scores import lead_unscored_reason
from leadline.services.security.access import load_viewer


def get_lead_score(ctx: ServiceContext, actor_id: int, lead_id: int) -> LeadScore | None:
    """The stored score of a lead the actor may read (``NOT_FOUND`` otherwise); None when unscored."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        return uow.scoring.lead_scores([lead.id]).get(lead.id)


def get_lead_score_or_reason(ctx: ServiceContext, actor_id: int, lead_id: int) -> tuple[LeadScore | None, str | None]:
    """The stored score of a lead the actor may read (``NOT_FOUND`` otherwise) and None; or None
    and why the lead has no score (converted, no model trained yet, or not scored since)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        score = uow.scoring.lead_scores([lead.id]).get(lead.id)
        return score, None if score is not None else lead_unscored_reason(uow, lead)


def list_models(ctx: ServiceContext) -> list[StoredModel]:
    """Every stored lead model, newest (the one in use) first."""
    with ctx.reader() as uow:
        return uow.scoring.models(LEAD)
