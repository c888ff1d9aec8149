"""In-memory repositories of campaigns and of assignment (rules, groups, counters, log)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from leadline.domain.assignment import AssignmentGroup, AssignmentLogEntry, AssignmentRule
from leadline.domain.campaigns.attribution import Touch
from leadline.domain.campaigns.campaign import Campaign, CampaignMember, CampaignStatus, CampaignType
from leadline.domain.campaigns.report import CampaignFigures
from leadline.domain.errors import ConflictError, StaleRecordError
from leadline.domain.history import NamedRecord
from leadline.domain.opportunities.opportunity import Outcome
from tests.fakes.tables import Tables, copied


def _seen(owner_id: int | None, owners: Iterable[int] | None) -> bool:
    return owners is None or owner_id in set(owners)


class CampaignRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def add(self, campaign: Campaign) -> None:
        self.tables.campaigns[campaign.id] = copied(campaign)

    def get(self, campaign_id: int) -> Campaign | None:
        return copied(self.tables.campaigns.get(campaign_id))

    def get_for_update(self, campaign_id: int) -> Campaign | None:
        return self.get(campaign_id)

    def save(self, campaign: Campaign) -> None:
        stored = self.tables.campaigns.get(campaign.id)
        if stored is None or stored.version != campaign.version:
            raise StaleRecordError("the record was changed by someone else; reload and retry", field="version")
        campaign.version += 1
        self.tables.campaigns[campaign.id] = copied(campaign)

    def names_of(self, campaign_ids: Iterable[int]) -> dict[int, NamedRecord]:
        return {i: NamedRecord(i, c.name, c.owner_id) for i in set(campaign_ids)
                if (c := self.tables.campaigns.get(i)) is not None}

    def parents(self) -> dict[int, int | None]:
        return {c.id: c.parent_id for c in self.tables.campaigns.values()}

    def add_members(self, members: Sequence[CampaignMember]) -> None:
        for member in members:
            self.add_member(member)

    def add_member(self, member: CampaignMember) -> None:
        if self.member(member.campaign_id, lead_id=member.lead_id, contact_id=member.contact_id) is not None:
            raise ConflictError("the change conflicts with stored data (campaign member exists)")
        self.tables.campaign_members[member.id] = copied(member)

    def member(self, campaign_id: int, *, lead_id: int | None = None,
               contact_id: int | None = None) -> CampaignMember | None:
        for m in self.tables.campaign_members.values():
            if m.campaign_id == campaign_id and (
                    (lead_id is not None and m.lead_id == lead_id) or (lead_id is None and m.contact_id == contact_id)):
                return copied(m)
        return None

    def save_member(self, member: CampaignMember) -> None:
        self.tables.campaign_members[member.id] = copied(member)

    def members(self, campaign_id: int, limit: int = 500) -> list[CampaignMember]:
        found = sorted((m for m in self.tables.campaign_members.values() if m.campaign_id == campaign_id),
                       key=lambda m: (m.added_at, m.id))
        return copied(found[:limit])

    def touches(self, *, lead_ids: Iterable[int] = (), contact_ids: Iterable[int] = ()) -> list[Touch]:
        leads, contacts = set(lead_ids), set(contact_ids)
        return [Touch(m.campaign_id, m.first_responded_at) for m in self.tables.campaign_members.values()
                if m.first_responded_at is not None
                and ((m.lead_id is not None and m.lead_id in leads)
                     or (m.contact_id is not None and m.contact_id in contacts))]

    def figures(self, campaign_ids: Sequence[int], currency: str, *, lead_owner_ids: Iterable[int] | None,
                contact_owner_ids: Iterable[int] | None,
                opportunity_owner_ids: Iterable[int] | None) -> CampaignFigures:
        t, ids = self.tables, set(campaign_ids)
        members = sum(1 for m in t.campaign_members.values() if m.campaign_id in ids and (
            (m.lead_id in t.leads and _seen(t.leads[m.lead_id].owner_id, lead_owner_ids))
            or (m.contact_id in t.contacts and _seen(t.contacts[m.contact_id].owner_id, contact_owner_ids))))
        leads = [lead for lead in t.leads.values() if lead.campaign_id in ids and _seen(lead.owner_id, lead_owner_ids)]
        opportunities = [o for o in t.opportunities.values()
                         if o.campaign_id in ids and _seen(o.owner_id, opportunity_owner_ids)]
        won = [o for o in opportunities if o.outcome is Outcome.WON]
        revenue: dict[str, Decimal] = {}
        for o in won:
            if o.amount is not None:
                revenue[o.currency] = revenue.get(o.currency, Decimal(0)) + o.amount
        return CampaignFigures(members=members, leads=len(leads),
                               converted_leads=sum(1 for lead in leads if lead.is_converted()),
                               opportunities=len(opportunities), won_opportunities=len(won),
                               won_revenue=revenue.pop(currency, Decimal(0)), other_revenue=revenue)

    def list(self, *, statuses: Sequence[CampaignStatus] = (), types: Sequence[CampaignType] = (),
             parent_id: int | None = None) -> list[Campaign]:
        found = [c for c in self.tables.campaigns.values()
                 if (not statuses or c.status in statuses) and (not types or c.type in types)
                 and (parent_id is None or c.parent_id == parent_id)]
        return copied(sorted(found, key=lambda c: (c.name, c.id)))

class AssignmentRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def rules(self) -> list[AssignmentRule]:
        return sorted(self.tables.assignment_rules.values(), key=lambda r: (r.position, r.id))

    def add_rule(self, rule: AssignmentRule) -> None:
        self.tables.assignment_rules[rule.id] = rule

    def delete_rule(self, rule_id: int) -> bool:
        return self.tables.assignment_rules.pop(rule_id, None) is not None

    def save_rule(self, rule: AssignmentRule) -> bool:
        if rule.id not in self.tables.assignment_rules:
            return False
        self.tables.assignment_rules[rule.id] = rule
        return True

    def groups(self) -> dict[int, AssignmentGroup]:
        return dict(self.tables.assignment_groups)

    def add_group(self, group: AssignmentGroup) -> None:
        if any(g.name == group.name for g in self.tables.assignment_groups.values()):
            raise ConflictError("the change conflicts with stored data (group name in use)")
        self.tables.assignment_groups[group.id] = group

    def lock_group(self, group_id: int) -> AssignmentGroup | None:
        return self.tables.assignment_groups.get(group_id)

    def count_assignment(self, group_id: int, user_id: int) -> None:
        group = self.tables.assignment_groups[group_id]
        self.tables.assignment_groups[group_id] = replace(group, members=tuple(
            replace(m, assigned=m.assigned + 1) if m.user_id == user_id else m for m in group.members))

    def open_lead_counts(self, user_ids: Sequence[int], open_status_ids: Iterable[int]) -> dict[int, int]:
        statuses = set(open_status_ids)
        counts = dict.fromkeys(user_ids, 0)
        for lead in self.tables.leads.values():
            if lead.owner_id in counts and not lead.is_converted() and lead.status_id in statuses:
                counts[lead.owner_id] += 1
        return counts

    def log(self, entry: AssignmentLogEntry) -> None:
        self.tables.assignment_log.append(copied(entry))

    def log_of(self, lead_id: int) -> list[AssignmentLogEntry]:
        return sorted((e for e in self.tables.assignment_log if e.lead_id == lead_id),
                      key=lambda e: (e.assigned_at, e.id))
