"""Reading scores: a lead's score with its reasons, under the lead's own read guard."""

from __future__ import annotations

from leadline.domain.scoring.records import LEAD, LeadScore, StoredModel
from leadline.services.context import ServiceContext
from leadline.services.leads.records import load_lead
from leadline.services.security.access import load_viewer


def get_lead_score(ctx: ServiceContext, actor_id: int, lead_id: int) -> LeadScore | None:
    """The stored score of a lead the actor may read (``NOT_FOUND`` otherwise); None when unscored."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        return uow.scoring.lead_scores([lead.id]).get(lead.id)


def list_models(ctx: ServiceContext) -> list[StoredModel]:
    """Every stored lead model, newest (the one in use) first."""
    with ctx.reader() as uow:
        return uow.scoring.models(LEAD)
