"""First- and last-touch attribution of an opportunity to campaigns (domain/campaigns/attribution.py)."""

from __future__ import annotations

from leadline.domain.campaigns.attribution import Attribution, attribute
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import NotFoundError
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer


def attribute_opportunity(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> Attribution:
    """The campaigns an opportunity the actor may read is owed to: the responses of its contacts
    (those with a role on it) and of the lead it was converted from, up to its creation."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        opportunity = uow.opportunities.get(opportunity_id)
        if opportunity is None:
            raise NotFoundError(f"there is no opportunity {opportunity_id}", field="opportunity")
        viewer.ensure_can_read(RecordType.OPPORTUNITY, opportunity.id, opportunity.owner_id)
        contacts = [contact_id for contact_id, _, _ in uow.products.contact_roles(opportunity.id)]
        leads = [opportunity.originating_lead_id] if opportunity.originating_lead_id else []
        return attribute(uow.campaigns.touches(lead_ids=leads, contact_ids=contacts), opportunity.created_at)
