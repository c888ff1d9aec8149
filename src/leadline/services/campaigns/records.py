"""Campaign use cases: create, change, read and list campaigns (one transaction each).

Every user of the organisation reads campaigns; admins and managers create and change them
(``domain/campaigns/campaign.py``, ``can_manage_campaigns``). A parent is checked against the
stored tree so that no campaign ends up its own ancestor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from leadline.domain.campaigns.campaign import (
    Campaign,
    CampaignStatus,
    CampaignType,
    clean_campaign_fields,
    ensure_can_manage_campaigns,
    ensure_complete,
    ensure_parent,
    parse_campaign_status,
    parse_campaign_type,
)
from leadline.domain.errors import NotFoundError, StaleRecordError, ValidationError
from leadline.domain.ids import new_id, parse_record_id
from leadline.services.context import ServiceContext
from leadline.services.security import idempotency
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_viewer
from leadline.services.security.idempotency import IdempotencyClaim

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def create_campaign(ctx: ServiceContext, actor_id: int, values: Mapping[str, object], *,
                    claim: IdempotencyClaim[Campaign] | None = None) -> Campaign:
    """A new campaign from ``values`` (``name`` and ``type`` required; ``status`` planned, the
    currency the organisation's unless given; ``parent`` a campaign id). ``VALIDATION_FAILED``
    names the first bad field; ``PERMISSION_DENIED`` for a rep."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        ensure_can_manage_campaigns(viewer.user)
        if values.get("type") in (None, ""):
            raise ValidationError("is required", field="type")
        cleaned = clean_campaign_fields(values)
        now = ctx.now()
        campaign = Campaign(id=new_id(), name="", type=CampaignType.OTHER, status=CampaignStatus.PLANNED,
                            currency=ctx.currency, created_at=now, updated_at=now, owner_id=viewer.id)
        for name, value in cleaned.items():
            setattr(campaign, name, value)
        ensure_complete(campaign)
        _set_parent(uow, campaign, values)
        uow.campaigns.add(campaign)
        audit_created(uow, "campaign", campaign.id, viewer.id, now, fields_of(campaign))
        return idempotency.commit(ctx, uow, claim, campaign)


def update_campaign(ctx: ServiceContext, actor_id: int, campaign_id: int, changes: Mapping[str, object], *,
                    expected_version: int | None = None) -> Campaign:
    """Change the fields in ``changes`` (``parent`` None or "" makes it a top campaign)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        ensure_can_manage_campaigns(viewer.user)
        campaign = load_campaign(uow, campaign_id, for_update=True)
        if expected_version is not None and expected_version != campaign.version:
            raise StaleRecordError("the campaign changed since you read it; reload and retry", field="version")
        before = fields_of(campaign)
        campaign.apply(clean_campaign_fields(changes))
        if "parent" in changes or "currency" in changes:
            _set_parent(uow, campaign, {"parent": changes.get("parent", campaign.parent_id)})
        campaign.updated_at = ctx.now()
        uow.campaigns.save(campaign)
        audit_changed(uow, "campaign", campaign.id, viewer.id, campaign.updated_at, before, fields_of(campaign))
        uow.commit()
        return campaign


def _set_parent(uow: UnitOfWork, campaign: Campaign, values: Mapping[str, object]) -> None:
    reference = values.get("parent")
    if reference in (None, ""):
        campaign.parent_id = None
        return
    parent = uow.campaigns.get(_campaign_id(reference, "parent"))
    if parent is None:
        raise ValidationError(f"there is no campaign {reference}", field="parent")
    ensure_parent(campaign, parent, uow.campaigns.parents())
    campaign.parent_id = parent.id


def _campaign_id(reference: object, field: str) -> int:
    return parse_record_id(reference, field=field)


def load_campaign(uow: UnitOfWork, campaign_id: int, *, for_update: bool = False) -> Campaign:
    campaign = uow.campaigns.get_for_update(campaign_id) if for_update else uow.campaigns.get(campaign_id)
    if campaign is None:
        raise NotFoundError(f"there is no campaign {campaign_id}", field="campaign")
    return campaign


def resolve_campaign(uow: UnitOfWork, reference: object, *, field: str = "campaign_id") -> Campaign | None:
    """The campaign a lead names (its id), None for none; ``VALIDATION_FAILED`` on ``field`` if unknown."""
    if reference in (None, ""):
        return None
    campaign = uow.campaigns.get(_campaign_id(reference, field))
    if campaign is None:
        raise ValidationError(f"there is no campaign {reference}", field=field)
    return campaign


def get_campaign(ctx: ServiceContext, actor_id: int, campaign_id: int) -> Campaign:
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        return load_campaign(uow, campaign_id)


def list_campaigns(ctx: ServiceContext, actor_id: int, *, statuses: Sequence[str] = (), types: Sequence[str] = (),
                   parent_id: int | None = None) -> list[Campaign]:
    """Campaigns by name, filtered by status, type and parent (any of each list)."""
    wanted_statuses = [parse_campaign_status(s) for s in statuses if s]
    wanted_types = [parse_campaign_type(t) for t in types if t]
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        return uow.campaigns.list(statuses=wanted_statuses, types=wanted_types, parent_id=parent_id)
