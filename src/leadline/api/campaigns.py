"""/api/v1/campaigns: campaigns, their members and report; /api/v1/opportunities/{id}/attribution.

Every user reads campaigns; admins and managers create and change them (403 otherwise). The
report counts only the records the caller may read.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.params import Parameter

from leadline.analytics.campaigns import report_campaign
from leadline.api.deps import etag, expected_version
from leadline.api.idempotency import idempotent
from leadline.api.routes import RecordId, api_get, api_patch, api_post
from leadline.api.schemas import DecimalIn, Id, Text, given
from leadline.domain.campaigns.campaign import Campaign, CampaignMember
from leadline.domain.campaigns.report import CampaignReport
from leadline.services.campaigns import members as member_service
from leadline.services.campaigns import records as campaign_service
from leadline.services.campaigns.attribution import attribute_opportunity
from leadline.services.context import ServiceContext


class CampaignFields(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``type``: ad, trade_show, webinar, email, referral_programme, social, other; ``status``:
    planned, active, completed, aborted; ``parent``: a campaign id (no cycles, same currency)."""

    name: Text | None | msgspec.UnsetType = msgspec.UNSET
    type: Text | None | msgspec.UnsetType = msgspec.UNSET
    status: Text | None | msgspec.UnsetType = msgspec.UNSET
    currency: Text | None | msgspec.UnsetType = msgspec.UNSET
    start_date: date | None | msgspec.UnsetType = msgspec.UNSET
    end_date: date | None | msgspec.UnsetType = msgspec.UNSET
    budget_amount: DecimalIn | None | msgspec.UnsetType = msgspec.UNSET
    actual_cost_amount: DecimalIn | None | msgspec.UnsetType = msgspec.UNSET
    parent: Id | None | msgspec.UnsetType = msgspec.UNSET
    description: Text | None | msgspec.UnsetType = msgspec.UNSET


class CampaignPublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    type: str
    status: str
    currency: str
    start_date: date | None
    end_date: date | None
    budget_amount: Decimal | None
    actual_cost_amount: Decimal | None
    parent_id: str | None
    description: str | None
    owner_id: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A lead or a contact (one of them) and its status (one the campaign's type uses)."""

    lead_id: Id | None = None
    contact_id: Id | None = None
    status: Text = "sent"
    responded_at: datetime | None = None


class MemberPublic(msgspec.Struct, kw_only=True):
    id: str
    campaign_id: str
    lead_id: str | None
    contact_id: str | None
    status: str
    first_responded_at: datetime | None
    added_at: datetime


class ReportPublic(msgspec.Struct, kw_only=True):
    """Figures of the records the caller may read; revenue of won deals in the campaign's currency
    (``other_revenue``: won revenue in other currencies, left out of the ratios)."""

    campaign_id: str
    currency: str
    campaign_ids: list[str]
    members: int
    leads: int
    converted_leads: int
    opportunities: int
    won_opportunities: int
    won_revenue: Decimal
    other_revenue: dict[str, Decimal]
    budget: Decimal
    actual_cost: Decimal
    cost_per_lead: Decimal | None
    cost_per_won_deal: Decimal | None
    return_on_spend: Decimal | None


class AttributionPublic(msgspec.Struct, kw_only=True):
    first_touch_campaign_id: str | None
    last_touch_campaign_id: str | None


def _ref(value: int | None) -> str | None:
    return None if value is None else str(value)


def campaign_public(c: Campaign) -> CampaignPublic:
    return CampaignPublic(id=str(c.id), name=c.name, type=c.type.value, status=c.status.value, currency=c.currency,
                          start_date=c.start_date, end_date=c.end_date, budget_amount=c.budget_amount,
                          actual_cost_amount=c.actual_cost_amount, parent_id=_ref(c.parent_id),
                          description=c.description, owner_id=_ref(c.owner_id), created_at=c.created_at,
                          updated_at=c.updated_at, version=c.version)


def member_public(m: CampaignMember) -> MemberPublic:
    return MemberPublic(id=str(m.id), campaign_id=str(m.campaign_id), lead_id=_ref(m.lead_id),
                        contact_id=_ref(m.contact_id), status=m.status.value,
                        first_responded_at=m.first_responded_at, added_at=m.added_at)


def report_public(r: CampaignReport) -> ReportPublic:
    f = r.figures
    return ReportPublic(campaign_id=str(r.campaign_id), currency=r.currency,
                        campaign_ids=[str(i) for i in r.campaign_ids],
                        members=f.members, leads=f.leads, converted_leads=f.converted_leads,
                        opportunities=f.opportunities, won_opportunities=f.won_opportunities,
                        won_revenue=f.won_revenue, other_revenue=dict(f.other_revenue), budget=f.budget,
                        actual_cost=f.actual_cost, cost_per_lead=r.cost_per_lead,
                        cost_per_won_deal=r.cost_per_won_deal,
                        return_on_spend=r.return_on_spend)


def _response(campaign: Campaign, status_code: int = 200) -> Response[CampaignPublic]:
    headers = {"ETag": etag(campaign.version)}
    if status_code == 201:
        headers["Location"] = f"/api/v1/campaigns/{campaign.id}"
    return Response(campaign_public(campaign), status_code=status_code, headers=headers)


class CampaignController(Controller):
    path = "/campaigns"
    tags = ["campaigns"]

    @api_get("/", summary="List campaigns")
    def list_campaigns(self, ctx: ServiceContext, actor: int,
                       status: Annotated[list[str] | None, Parameter(description="Status; repeatable.")] = None,
                       type: Annotated[list[str] | None, Parameter(description="Type; repeatable.")] = None,
                       parent: Annotated[int | None, Parameter(ge=1, description="Only its sub-campaigns.")] = None,
                       ) -> list[CampaignPublic]:
        return [campaign_public(c) for c in campaign_service.list_campaigns(
            ctx, actor, statuses=status or [], types=type or [], parent_id=parent)]

    @api_post("/", summary="Create a campaign", status_code=201)
    def create_campaign(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: CampaignFields,
                        body: bytes) -> Response[CampaignPublic]:
        """Admins and managers. Send ``Idempotency-Key`` to make retries safe."""
        values = given(data)
        return idempotent(request, body, ctx, actor,
                          lambda claim: campaign_service.create_campaign(ctx, actor, values, claim=claim),
                          lambda campaign: _response(campaign, 201))

    @api_get("/{campaign_id:int}", summary="Read a campaign")
    def get_campaign(self, ctx: ServiceContext, actor: int, campaign_id: RecordId) -> Response[CampaignPublic]:
        return _response(campaign_service.get_campaign(ctx, actor, campaign_id))

    @api_patch("/{campaign_id:int}", summary="Change a campaign")
    def update_campaign(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int,
                        campaign_id: RecordId, data: CampaignFields) -> Response[CampaignPublic]:
        return _response(campaign_service.update_campaign(ctx, actor, campaign_id, given(data),
                                                          expected_version=expected_version(request)))

    @api_get("/{campaign_id:int}/members", summary="List a campaign's members")
    def list_members(self, ctx: ServiceContext, actor: int, campaign_id: RecordId,
                     limit: Annotated[int, Parameter(ge=1, le=500)] = 500) -> list[MemberPublic]:
        """The members whose lead or contact the caller may read."""
        return [member_public(m) for m in member_service.list_members(ctx, actor, campaign_id, limit)]

    @api_post("/{campaign_id:int}/members", summary="Add a member to a campaign", status_code=201)
    def add_member(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, campaign_id: RecordId,
                   data: MemberIn, body: bytes) -> Response[MemberPublic]:
        return idempotent(request, body, ctx, actor, lambda claim: member_service.add_member(
            ctx, actor, campaign_id, lead_id=int(data.lead_id) if data.lead_id else None,
            contact_id=int(data.contact_id) if data.contact_id else None, status=data.status,
            responded_at=data.responded_at, claim=claim),
            lambda member: Response(member_public(member), status_code=201))

    @api_get("/{campaign_id:int}/report", summary="A campaign's report")
    def report(self, ctx: ServiceContext, actor: int, campaign_id: RecordId,
               roll_up: Annotated[bool, Parameter(description="Add the sub-campaigns (default).")] = True,
               ) -> ReportPublic:
        return report_public(report_campaign(ctx, actor, campaign_id, roll_up=roll_up))


class AttributionController(Controller):
    path = "/opportunities/{opportunity_id:int}/attribution"
    tags = ["campaigns"]

    @api_get("/", summary="First- and last-touch campaigns of an opportunity")
    def attribution(self, ctx: ServiceContext, actor: int, opportunity_id: RecordId) -> AttributionPublic:
        found = attribute_opportunity(ctx, actor, opportunity_id)
        return AttributionPublic(first_touch_campaign_id=_ref(found.first_touch_campaign_id),
                                 last_touch_campaign_id=_ref(found.last_touch_campaign_id))
