"""A merge moves the merged leads' and contacts' campaign memberships to the survivor, and undo
puts them back exactly, on SQLite and PostgreSQL. In a campaign the survivor is in already, the
survivor's membership is kept as it is; of two merged records in a campaign, the oldest
membership moves (docs/adr/0063-merge-moves-campaign-memberships.md)."""

from __future__ import annotations

from leadline.analytics.campaigns import report_campaign
from leadline.domain.campaigns.campaign import CampaignMember, MemberStatus
from leadline.services import records
from leadline.services.campaigns import records as campaigns
from leadline.services.campaigns.members import add_member, list_members
from leadline.services.context import ServiceContext
from leadline.services.duplicates.merge import merge_records, undo_merge
from leadline.services.leads import records as leads
from leadline.services.leads.workflow import status_history
from tests.conftest import FakeClock


def _campaign(ctx: ServiceContext, actor: int, name: str) -> int:
    return campaigns.create_campaign(ctx, actor, {"name": name, "type": "webinar"}).id


def _lead(ctx: ServiceContext, actor: int, email: str) -> int:
    return leads.create_lead(ctx, actor, {"first_name": "Ann", "last_name": "Smith", "company": "Acme",
                                          "email": email}).lead.id


def _members(ctx: ServiceContext, actor: int, campaign_ids: list[int]) -> list[CampaignMember]:
    return [m for c in campaign_ids for m in list_members(ctx, actor, c)]


def test_merged_leads_memberships_move_to_the_survivor_and_undo_puts_them_back(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    both, theirs, only = (_campaign(ctx, admin_id, n) for n in ("Both", "Theirs", "Only"))
    keep, gone, later = (_lead(ctx, admin_id, f"ann{i}@acme.example") for i in range(3))
    add_member(ctx, admin_id, both, lead_id=keep, status="sent")
    clock.advance(hours=1)
    add_member(ctx, admin_id, both, lead_id=gone, status="attended")
    add_member(ctx, admin_id, theirs, lead_id=gone, status="registered")
    add_member(ctx, admin_id, only, lead_id=later, status="responded")
    clock.advance(hours=1)
    add_member(ctx, admin_id, theirs, lead_id=later, status="sent")
    before = _members(ctx, admin_id, [both, theirs, only])
    histories = [status_history(ctx, admin_id, i) for i in (keep, gone)]

    merge = merge_records(ctx, admin_id, "lead", [keep, gone, later], keep=keep)

    # each lead's own status history stays with it, the merged one's read through its id
    assert [status_history(ctx, admin_id, i) for i in (keep, gone)] == histories and histories[1]

    by_campaign = {c: [(m.lead_id, m.status) for m in list_members(ctx, admin_id, c)] for c in (both, theirs, only)}
    assert by_campaign == {both: [(keep, MemberStatus.SENT)],  # the survivor's own membership, as it was
                           theirs: [(keep, MemberStatus.REGISTERED)],  # the oldest of the two merged ones
                           only: [(keep, MemberStatus.RESPONDED)]}
    assert [report_campaign(ctx, admin_id, c).figures.members for c in (both, theirs, only)] == [1, 1, 1]

    undo_merge(ctx, admin_id, merge.id)

    assert _members(ctx, admin_id, [both, theirs, only]) == before
    assert [report_campaign(ctx, admin_id, c).figures.members for c in (both, theirs, only)] == [2, 2, 1]


def test_merged_contacts_memberships_move_to_the_survivor_and_undo_puts_them_back(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    both, theirs = _campaign(ctx, admin_id, "Both"), _campaign(ctx, admin_id, "Theirs")
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    keep, gone = (records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith",
                                                         "email": f"ann{i}@acme.example"}).id for i in range(2))
    add_member(ctx, admin_id, both, contact_id=keep, status="registered")
    clock.advance(hours=1)
    add_member(ctx, admin_id, both, contact_id=gone, status="attended")
    add_member(ctx, admin_id, theirs, contact_id=gone, status="responded")
    before = _members(ctx, admin_id, [both, theirs])

    merge = merge_records(ctx, admin_id, "contact", [gone, keep], keep=keep)

    moved = _members(ctx, admin_id, [both, theirs])
    assert [(m.campaign_id, m.contact_id, m.status) for m in moved] == [
        (both, keep, MemberStatus.REGISTERED), (theirs, keep, MemberStatus.RESPONDED)]
    assert moved[1].id == before[2].id and moved[1].first_responded_at == before[2].first_responded_at

    undo_merge(ctx, admin_id, merge.id)

    assert _members(ctx, admin_id, [both, theirs]) == before


def test_the_campaign_report_counts_a_merged_lead_once_until_the_merge_is_undone(
        ctx: ServiceContext, admin_id: int) -> None:
    campaign = _campaign(ctx, admin_id, "Webinar")
    keep, gone = (leads.create_lead(ctx, admin_id, {"last_name": "Smith", "company": "Acme", "campaign_id": campaign,
                                                    "email": f"ann{i}@acme.example"}).lead.id for i in range(2))
    assert report_campaign(ctx, admin_id, campaign).figures.leads == 2

    merge = merge_records(ctx, admin_id, "lead", [keep, gone], keep=keep)
    assert report_campaign(ctx, admin_id, campaign).figures.leads == 1

    undo_merge(ctx, admin_id, merge.id)
    assert report_campaign(ctx, admin_id, campaign).figures.leads == 2
