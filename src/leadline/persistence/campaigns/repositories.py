"""The campaign repository: campaigns, members, touches and the report's counts. It never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, update

from leadline.domain.campaigns.attribution import Touch
from leadline.domain.campaigns.campaign import Campaign, CampaignMember, CampaignStatus, CampaignType
from leadline.domain.campaigns.report import CampaignFigures
from leadline.domain.opportunities.opportunity import Outcome
from leadline.persistence.accounts.rows import ContactRow
from leadline.persistence.campaigns.rows import CampaignMemberRow, CampaignRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.mapping import row_values, to_domain, to_domain_many
from leadline.persistence.opportunities.rows import OpportunityRow
from leadline.persistence.record_repository import RecordRepository

_MEMBER = CampaignMemberRow.__table__


def _visible(statement: Select[Any], column: Any, owner_ids: Iterable[int] | None) -> Select[Any]:
    return statement if owner_ids is None else statement.where(column.in_(list(owner_ids)))


class CampaignRepository(RecordRepository[Campaign]):
    row_class = CampaignRow
    domain_class = Campaign

    def parents(self) -> dict[int, int | None]:
        return {campaign_id: parent_id for campaign_id, parent_id in
                self.session.execute(select(CampaignRow.id, CampaignRow.parent_id))}

    def add_member(self, member: CampaignMember) -> None:
        self.session.connection().execute(insert(_MEMBER), [row_values(CampaignMemberRow, member)])

    def add_members(self, members: Sequence[CampaignMember]) -> None:
        if members:
            self.session.connection().execute(insert(_MEMBER), [row_values(CampaignMemberRow, m) for m in members])

    def member(self, campaign_id: int, *, lead_id: int | None = None,
               contact_id: int | None = None) -> CampaignMember | None:
        key = _MEMBER.c.lead_id == lead_id if lead_id is not None else _MEMBER.c.contact_id == contact_id
        row = self.session.execute(select(_MEMBER).where(_MEMBER.c.campaign_id == campaign_id, key)).first()
        return to_domain(CampaignMember, row) if row else None

    def save_member(self, member: CampaignMember) -> None:
        values = row_values(CampaignMemberRow, member)
        self.session.execute(update(_MEMBER).where(_MEMBER.c.id == member.id).values(**values))

    def members(self, campaign_id: int, limit: int = 500) -> list[CampaignMember]:
        """The campaign's members, leaving out those of merged records (the tombstone keeps a
        membership its survivor has too; docs/adr/0063-merge-moves-campaign-memberships.md)."""
        lead, contact = LeadRow.__table__, ContactRow.__table__
        statement = (select(_MEMBER)
                     .outerjoin(lead, lead.c.id == _MEMBER.c.lead_id)
                     .outerjoin(contact, contact.c.id == _MEMBER.c.contact_id)
                     .where(_MEMBER.c.campaign_id == campaign_id, lead.c.merged_into_id.is_(None),
                            contact.c.merged_into_id.is_(None))
                     .order_by(_MEMBER.c.added_at, _MEMBER.c.id).limit(limit))
        return to_domain_many(CampaignMember, self.session.execute(statement))

    def touches(self, *, lead_ids: Iterable[int] = (), contact_ids: Iterable[int] = ()) -> list[Touch]:
        leads, contacts = list(lead_ids), list(contact_ids)
        if not leads and not contacts:
            return []
        statement = select(_MEMBER.c.campaign_id, _MEMBER.c.first_responded_at).where(
            _MEMBER.c.first_responded_at.is_not(None),
            or_(_MEMBER.c.lead_id.in_(leads), _MEMBER.c.contact_id.in_(contacts)))
        return [Touch(campaign_id, at) for campaign_id, at in self.session.execute(statement)]

    def figures(self, campaign_ids: Sequence[int], currency: str, *, lead_owner_ids: Iterable[int] | None,
                contact_owner_ids: Iterable[int] | None,
                opportunity_owner_ids: Iterable[int] | None) -> CampaignFigures:
        ids = list(campaign_ids)
        lead, contact, opportunity = LeadRow.__table__, ContactRow.__table__, OpportunityRow.__table__
        members = 0
        for table, column in ((lead, _MEMBER.c.lead_id), (contact, _MEMBER.c.contact_id)):
            counted = (select(func.count()).select_from(_MEMBER.join(table, table.c.id == column))
                       .where(_MEMBER.c.campaign_id.in_(ids), table.c.merged_into_id.is_(None)))
            owners = lead_owner_ids if table is lead else contact_owner_ids
            members += self.session.scalar(_visible(counted, table.c.owner_id, owners)) or 0
        leads = _visible(select(func.count(), func.count(lead.c.converted_at))
                         .where(lead.c.campaign_id.in_(ids), lead.c.merged_into_id.is_(None)),
                         lead.c.owner_id, lead_owner_ids)  # a merged lead is counted in its survivor
        lead_count, converted = self.session.execute(leads).one()
        won = opportunity.c.outcome == Outcome.WON
        opportunities = _visible(
            select(func.count(), func.count().filter(won)).where(opportunity.c.campaign_id.in_(ids)),
            opportunity.c.owner_id, opportunity_owner_ids)
        opportunity_count, won_count = self.session.execute(opportunities).one()
        revenue = _visible(
            select(opportunity.c.currency, func.sum(opportunity.c.amount))
            .where(opportunity.c.campaign_id.in_(ids), won, opportunity.c.amount.is_not(None))
            .group_by(opportunity.c.currency), opportunity.c.owner_id, opportunity_owner_ids)
        by_currency = {code: Decimal(total) for code, total in self.session.execute(revenue)}
        return CampaignFigures(
            members=members, leads=lead_count, converted_leads=converted, opportunities=opportunity_count,
            won_opportunities=won_count, won_revenue=by_currency.pop(currency, Decimal(0)),
            other_revenue=by_currency)

    def list(self, *, statuses: Sequence[CampaignStatus] = (), types: Sequence[CampaignType] = (),
             parent_id: int | None = None) -> list[Campaign]:
        statement = select(CampaignRow.__table__).order_by(CampaignRow.name, CampaignRow.id)
        if statuses:
            statement = statement.where(CampaignRow.status.in_(list(statuses)))
        if types:
            statement = statement.where(CampaignRow.type.in_(list(types)))
        if parent_id is not None:
            statement = statement.where(CampaignRow.parent_id == parent_id)
        return to_domain_many(Campaign, self.session.execute(statement))
