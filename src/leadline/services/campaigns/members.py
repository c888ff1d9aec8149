"""Campaign members: add a lead or a contact, change a member's status, list them; and the
membership a lead gets when its source campaign is set (``join_source_campaign``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from leadline.domain.campaigns.campaign import (
    Campaign,
    CampaignMember,
    MemberStatus,
    ensure_can_manage_campaigns,
    parse_member_status,
)
from leadline.domain.common import ensure_aware_utc
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConflictError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.security.access import Viewer
from leadline.services.campaigns.records import load_campaign
from leadline.services.context import ServiceContext
from leadline.services.security import idempotency
from leadline.services.security.access import load_viewer
from leadline.services.security.idempotency import IdempotencyClaim

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def add_member(ctx: ServiceContext, actor_id: int, campaign_id: int, *, lead_id: int | None = None,
               contact_id: int | None = None, status: str = "sent", responded_at: datetime | None = None,
               claim: IdempotencyClaim[CampaignMember] | None = None) -> CampaignMember:
    """Add a lead or a contact (one of them, one the actor may read) to a campaign in ``status``
    (one the campaign's type uses). A response status dates the first response now (or
    ``responded_at``). ``CONFLICT`` if it is a member already."""
    if (lead_id is None) == (contact_id is None):
        raise ValidationError("name a lead or a contact (one of them)", field="lead_id")
    if responded_at is not None:
        responded_at = ensure_aware_utc(responded_at, field="responded_at")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        ensure_can_manage_campaigns(viewer.user)
        campaign = load_campaign(uow, campaign_id)
        chosen = parse_member_status(status, campaign.type)
        _ensure_readable(uow, viewer, lead_id, contact_id)
        if uow.campaigns.member(campaign.id, lead_id=lead_id, contact_id=contact_id) is not None:
            raise ConflictError("already a member of this campaign", field="lead_id" if lead_id else "contact_id")
        member = _new_member(ctx.now(), campaign, lead_id, contact_id)
        member.set_status(chosen, responded_at or ctx.now())
        member.updated_at = ctx.now()
        uow.campaigns.add_member(member)
        return idempotency.commit(ctx, uow, claim, member)


def set_member_status(ctx: ServiceContext, actor_id: int, campaign_id: int, *, lead_id: int | None = None,
                      contact_id: int | None = None, status: str) -> CampaignMember:
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        ensure_can_manage_campaigns(viewer.user)
        campaign = load_campaign(uow, campaign_id)
        member = uow.campaigns.member(campaign.id, lead_id=lead_id, contact_id=contact_id)
        if member is None:
            raise ValidationError("is not a member of this campaign", field="lead_id" if lead_id else "contact_id")
        member.set_status(parse_member_status(status, campaign.type), ctx.now())
        uow.campaigns.save_member(member)
        uow.commit()
        return member


def list_members(ctx: ServiceContext, actor_id: int, campaign_id: int, limit: int = 500) -> list[CampaignMember]:
    """The members whose lead or contact the actor may read."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        load_campaign(uow, campaign_id)
        members = uow.campaigns.members(campaign_id, limit)
        lead_owners = uow.leads.owners_of(m.lead_id for m in members if m.lead_id)
        contact_owners = uow.contacts.owners_of(m.contact_id for m in members if m.contact_id)
        return [m for m in members
                if (m.lead_id and m.lead_id in lead_owners
                    and viewer.can_read(RecordType.LEAD, lead_owners[m.lead_id]))
                or (m.contact_id and m.contact_id in contact_owners
                    and viewer.can_read(RecordType.CONTACT, contact_owners[m.contact_id]))]


def join_source_campaign(uow: UnitOfWork, campaign: Campaign, lead_id: int, responded_at: datetime) -> None:
    """A lead whose source campaign is set becomes its member, as having responded at
    ``responded_at`` (when it was captured), unless it is a member already. In the caller's transaction."""
    if uow.campaigns.member(campaign.id, lead_id=lead_id) is None:
        uow.campaigns.add_member(responded_member(campaign.id, lead_id, responded_at))


def responded_member(campaign_id: int, lead_id: int, responded_at: datetime) -> CampaignMember:
    """A new lead's membership of its source campaign, as having responded at ``responded_at``
    (an import writes a block's at once: its new leads are members of nothing yet)."""
    member = CampaignMember(id=new_id(), campaign_id=campaign_id, status=MemberStatus.SENT, added_at=responded_at,
                            updated_at=responded_at, lead_id=lead_id, contact_id=None)
    member.set_status(MemberStatus.RESPONDED, responded_at)
    return member


def _new_member(at: datetime, campaign: Campaign, lead_id: int | None, contact_id: int | None) -> CampaignMember:
    return CampaignMember(id=new_id(), campaign_id=campaign.id, status=MemberStatus.SENT, added_at=at,
                          updated_at=at, lead_id=lead_id, contact_id=contact_id)


def _ensure_readable(uow: UnitOfWork, viewer: Viewer, lead_id: int | None, contact_id: int | None) -> None:
    record_type, record_id = (RecordType.LEAD, lead_id) if lead_id else (RecordType.CONTACT, contact_id)
    assert record_id is not None
    repository = uow.leads if record_type is RecordType.LEAD else uow.contacts
    owners = repository.owners_of([record_id])
    if record_id not in owners:
        raise ValidationError(f"there is no {record_type.value} {record_id}", field=f"{record_type.value}_id")
    viewer.ensure_can_read(record_type, record_id, owners[record_id])
