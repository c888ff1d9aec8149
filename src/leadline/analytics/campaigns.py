"""The campaign report: members, leads, converted leads, opportunities, won revenue, cost per lead
and per won deal, return on spend; rolled up over the sub-campaigns unless asked not to.

Read-only. It counts only the leads, contacts and opportunities the reader may read (their
owners by the reader's access, as every list does); the campaign's budget and cost are the
campaign's own and every user of the organisation may read campaigns.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from leadline.domain.campaigns.campaign import descendants_of
from leadline.domain.campaigns.report import CampaignReport, campaign_report
from leadline.domain.configuration.custom_fields import RecordType
from leadline.services.campaigns.records import load_campaign
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer


def report_campaign(ctx: ServiceContext, actor_id: int, campaign_id: int, *, roll_up: bool = True) -> CampaignReport:
    """The report of one campaign (with ``roll_up``, of it and every campaign below it: their
    counts, budgets and costs added; sub-campaigns share their parent's currency)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        campaign = load_campaign(uow, campaign_id)
        ids = descendants_of(campaign.id, uow.campaigns.parents()) if roll_up else [campaign.id]
        counted = [c for c in (uow.campaigns.get(i) for i in ids) if c is not None]
        figures = uow.campaigns.figures(
            ids, campaign.currency, lead_owner_ids=viewer.readable_owner_ids(RecordType.LEAD),
            contact_owner_ids=viewer.readable_owner_ids(RecordType.CONTACT),
            opportunity_owner_ids=viewer.readable_owner_ids(RecordType.OPPORTUNITY))
        figures = replace(figures, budget=sum((c.budget_amount or Decimal(0) for c in counted), Decimal(0)),
                          actual_cost=sum((c.actual_cost_amount or Decimal(0) for c in counted), Decimal(0)))
        return campaign_report(campaign.id, campaign.currency, tuple(ids), figures)
