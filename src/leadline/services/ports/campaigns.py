"""Ports of campaigns: campaigns, their members, the touches attribution reads and the counts the
campaign report reads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from leadline.domain.campaigns.attribution import Touch
from leadline.domain.campaigns.campaign import Campaign, CampaignMember, CampaignStatus, CampaignType
from leadline.domain.campaigns.report import CampaignFigures
from leadline.domain.history import NamedRecord


class CampaignRepository(Protocol):
    def add(self, campaign: Campaign) -> None: ...

    def get(self, campaign_id: int) -> Campaign | None: ...

    def get_for_update(self, campaign_id: int) -> Campaign | None: ...

    def save(self, campaign: Campaign) -> None:
        """Write back if still at the version read (``STALE_RECORD`` otherwise); bumps the version."""
        ...

    def names_of(self, campaign_ids: Iterable[int]) -> dict[int, NamedRecord]:
        """Name and owner by campaign id, for those of ``campaign_ids`` that exist, in one read."""
        ...

    def parents(self) -> dict[int, int | None]:
        """Every campaign's parent (None for a top one): the tree cycles and roll-ups are checked on."""
        ...

    def add_members(self, members: Sequence[CampaignMember]) -> None:
        """Add new memberships at once (one statement)."""
        ...

    def add_member(self, member: CampaignMember) -> None:
        """``CONFLICT`` if the lead or contact is a member already."""
        ...

    def member(self, campaign_id: int, *, lead_id: int | None = None,
               contact_id: int | None = None) -> CampaignMember | None: ...

    def save_member(self, member: CampaignMember) -> None: ...

    def members(self, campaign_id: int, limit: int = 500) -> list[CampaignMember]:
        """The campaign's members, first added first."""
        ...

    def touches(self, *, lead_ids: Iterable[int] = (), contact_ids: Iterable[int] = ()) -> list[Touch]:
        """The responses (campaign, first response) of these leads' and contacts' memberships."""
        ...

    def figures(self, campaign_ids: Sequence[int], currency: str, *, lead_owner_ids: Iterable[int] | None,
                contact_owner_ids: Iterable[int] | None,
                opportunity_owner_ids: Iterable[int] | None) -> CampaignFigures:
        """The counts of ``campaign_report`` over ``campaign_ids``: members (leads and contacts),
        leads whose source campaign it is and of those the converted, opportunities whose primary
        campaign it is, the won ones and their revenue in ``currency`` (other currencies apart).
        Each owner set (None: everyone's) limits what is counted to the records the reader may
        read. Budget and cost are the caller's to add."""
        ...

    def list(self, *, statuses: Sequence[CampaignStatus] = (), types: Sequence[CampaignType] = (),
             parent_id: int | None = None) -> list[Campaign]:
        """Campaigns by name, then id."""
        ...
