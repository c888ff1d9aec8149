"""Merging leads, contacts and accounts, on SQLite and PostgreSQL: field choices, related records
moved to the survivor, tombstones resolving to it, and undo while nothing depends on the merge."""

from __future__ import annotations

import pytest

from leadline.domain.errors import MergeRefusedError, NotFoundError, StaleRecordError
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.services import activities, records
from leadline.services.capture.channels import capture_call, record_referral, referrals_of
from leadline.services.context import ServiceContext
from leadline.services.duplicates.groups import find_duplicate_groups, list_duplicate_groups
from leadline.services.duplicates.merge import list_merges, merge_records, preview_merge, undo_merge
from leadline.services.leads import records as leads
from leadline.services.opportunities import parts
from tests.conftest import FakeClock


def lead(ctx: ServiceContext, actor: int, **values: object) -> int:
    fields = {"first_name": "Ann", "last_name": "Smith", "company": "Acme", **values}
    return leads.create_lead(ctx, actor, fields, products=[{"product": "Widget", "quantity": "2"}]).lead.id


def test_merged_leads_keep_the_newest_non_empty_values_unless_chosen(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    old = lead(ctx, admin_id, email="ann@acme.example", title="CTO", city="Oslo")
    clock.advance(hours=1)
    new = lead(ctx, admin_id, email="ann@new.example", title=None, city="Bergen")
    activities.log_activity(ctx, admin_id, kind="note", subject="met Ann", links=[("lead", new)])

    merge = merge_records(ctx, admin_id, "leads", [new, old], fields={"city": old})

    assert merge.survivor_id == old and merge.merged_ids == [new]
    survivor = leads.get_lead(ctx, admin_id, old).lead
    assert (survivor.email, survivor.title, survivor.city) == ("ann@new.example", "CTO", "Oslo")
    assert [p.product_name for p in survivor.products] == ["Widget", "Widget"]
    assert [a.subject for a in activities.list_activities(ctx, admin_id, "lead", old)] == ["met Ann"]
    assert leads.get_lead(ctx, admin_id, new).lead.id == old  # the tombstone answers its survivor
    listed = leads.list_leads(ctx, admin_id, LeadQuery(), Page(limit=10))
    assert [d.lead.id for d in listed] == [old]
    assert any(c.field == "merged" for c in leads.lead_history(ctx, admin_id, old))


def test_undo_puts_everything_back(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    old = lead(ctx, admin_id, email="ann@acme.example", annual_revenue="1000.50", rating="hot")
    clock.advance(hours=1)
    new = lead(ctx, admin_id, email="ann@new.example", annual_revenue=None)
    activities.log_activity(ctx, admin_id, kind="note", subject="met Ann", links=[("lead", new)])
    before = leads.get_lead(ctx, admin_id, old).lead
    merge = merge_records(ctx, admin_id, "lead", [old, new])

    undo_merge(ctx, admin_id, merge.id)

    after = leads.get_lead(ctx, admin_id, old).lead
    assert (after.email, after.annual_revenue, after.rating) == (before.email, before.annual_revenue, before.rating)
    assert len(after.products) == 1 and leads.get_lead(ctx, admin_id, new).lead.id == new
    assert [a.subject for a in activities.list_activities(ctx, admin_id, "lead", new)] == ["met Ann"]
    assert activities.list_activities(ctx, admin_id, "lead", old) == []
    with pytest.raises(MergeRefusedError):
        undo_merge(ctx, admin_id, merge.id)


def test_undo_is_refused_once_the_survivor_changed(ctx: ServiceContext, admin_id: int) -> None:
    a, b = lead(ctx, admin_id), lead(ctx, admin_id)
    merge = merge_records(ctx, admin_id, "lead", [a, b])
    leads.update_lead(ctx, admin_id, a, {"title": "CEO"})

    with pytest.raises(MergeRefusedError) as refused:
        undo_merge(ctx, admin_id, merge.id)
    assert refused.value.details == [("survivor", "the surviving record was changed after the merge")]


def test_merging_accounts_moves_contacts_opportunities_and_lineage(ctx: ServiceContext, admin_id: int) -> None:
    keep = records.create_account(ctx, admin_id, {"name": "Acme", "website": "acme.example"}).id
    gone = records.create_account(ctx, admin_id, {"name": "ACME Inc", "industry": "Tools"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": gone, "last_name": "Smith"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": gone, "name": "Deal"}).id

    merge = merge_records(ctx, admin_id, "account", [keep, gone], keep=keep)

    details = records.get_account(ctx, admin_id, keep)
    assert [c.id for c in details.contacts] == [contact] and [o.id for o in details.opportunities] == [deal]
    assert details.account.industry == "Tools" and details.account.domain == "acme.example"
    assert records.get_record(ctx, admin_id, "account", gone).id == keep
    assert [a.id for a in records.list_records(ctx, admin_id, "account", RecordQuery(), Page(limit=10))] == [keep]

    undo_merge(ctx, admin_id, merge.id)
    assert records.get_record(ctx, admin_id, "contact", contact).account_id == gone
    assert records.get_record(ctx, admin_id, "opportunity", deal).account_id == gone
    assert records.get_record(ctx, admin_id, "account", keep).industry is None


def test_merging_contacts_moves_their_contact_roles(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    keep = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith"}).id
    gone = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith",
                                                  "email": "ann@acme.example"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Deal"}).id
    parts.add_contact_role(ctx, admin_id, deal, contact_id=gone, role="decision_maker")

    merge_records(ctx, admin_id, "contact", [keep, gone], keep=keep)

    assert [r["contact_id"] for r in parts.list_contact_roles(ctx, admin_id, deal)] == [keep]
    assert records.get_record(ctx, admin_id, "contact", keep).email == "ann@acme.example"


def test_a_merge_refuses_what_does_not_fit(ctx: ServiceContext, admin_id: int) -> None:
    a, b = lead(ctx, admin_id), lead(ctx, admin_id)
    with pytest.raises(MergeRefusedError):
        merge_records(ctx, admin_id, "lead", [a, b], fields={"nonsense": a})
    merge_records(ctx, admin_id, "lead", [a, b])
    with pytest.raises(NotFoundError):  # b is a tombstone now
        merge_records(ctx, admin_id, "lead", [a, b])


def test_merging_contacts_moves_the_lineage_of_the_lead_converted_into_one(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.conversion.convert import convert_lead

    lead_id = lead(ctx, admin_id, email="ann@acme.example")
    result = convert_lead(ctx, admin_id, lead_id, opportunity="none", qualification_override_reason="met at a fair")
    keep = records.create_contact(ctx, admin_id, {"account_id": result.account_id, "last_name": "Smith",
                                                  "first_name": "Ann"}).id

    merge = merge_records(ctx, admin_id, "contact", [keep, result.contact_id], keep=keep)

    assert leads.get_lead(ctx, admin_id, lead_id).lead.converted_contact_id == keep
    undo_merge(ctx, admin_id, merge.id)
    assert leads.get_lead(ctx, admin_id, lead_id).lead.converted_contact_id == result.contact_id


def test_a_converted_lead_is_not_merged(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.conversion.convert import convert_lead

    converted = lead(ctx, admin_id)
    convert_lead(ctx, admin_id, converted, opportunity="none", qualification_override_reason="met at a fair")
    with pytest.raises(MergeRefusedError):
        merge_records(ctx, admin_id, "lead", [converted, lead(ctx, admin_id)])


def test_the_stored_groups_leave_out_records_merged_since_the_scan(ctx: ServiceContext, admin_id: int) -> None:
    """Given a scan that found three leads and two accounts the same, when two of the leads and
    the accounts are merged elsewhere (the API, the CLI), then the groups show only what is left
    to merge: the lead survivor with the third lead, and no account group at all."""
    a, b, c = (lead(ctx, admin_id, email="ann@acme.example") for _ in range(3))
    keep = records.create_account(ctx, admin_id, {"name": "Acme", "website": "acme.example"}).id
    gone = records.create_account(ctx, admin_id, {"name": "Acme", "website": "acme.example"}).id
    find_duplicate_groups(ctx, admin_id)
    assert {g.record_ids for _, g in list_duplicate_groups(ctx, admin_id)} == {
        tuple(sorted((a, b, c))), tuple(sorted((keep, gone)))}

    merge_records(ctx, admin_id, "lead", [a, b], keep=a)
    merge_records(ctx, admin_id, "account", [keep, gone], keep=keep)

    assert [g.record_ids for _, g in list_duplicate_groups(ctx, admin_id)] == [tuple(sorted((a, c)))]


def test_the_leads_a_merged_contact_or_account_referred_move_to_the_survivor_and_back_on_undo(
        ctx: ServiceContext, admin_id: int) -> None:
    """Given a lead referred by a contact and another by an account, when each is merged away
    into another record of its kind, the survivor lists the referral; the undo gives it back."""
    keep_account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    gone_account = records.create_account(ctx, admin_id, {"name": "Acme Inc"}).id
    keep = records.create_contact(ctx, admin_id, {"account_id": keep_account, "last_name": "Smith"}).id
    gone = records.create_contact(ctx, admin_id, {"account_id": keep_account, "last_name": "Smith"}).id
    by_contact = capture_call(ctx, admin_id, {"phone": "+1 415 555 0100", "company": "Initech"},
                              referred_by_contact=gone).lead.lead.id
    by_account = capture_call(ctx, admin_id, {"phone": "+1 415 555 0101", "company": "Globex"},
                              referred_by_account=gone_account).lead.lead.id

    contacts = merge_records(ctx, admin_id, "contact", [keep, gone], keep=keep)
    accounts = merge_records(ctx, admin_id, "account", [keep_account, gone_account], keep=keep_account)

    assert [r.lead.id for r in referrals_of(ctx, admin_id, "contact", keep)] == [by_contact]
    assert [r.lead.id for r in referrals_of(ctx, admin_id, "account", keep_account)] == [by_account]
    undo_merge(ctx, admin_id, accounts.id)
    undo_merge(ctx, admin_id, contacts.id)
    assert referrals_of(ctx, admin_id, "contact", keep) == []
    assert [r.lead.id for r in referrals_of(ctx, admin_id, "contact", gone)] == [by_contact]
    assert [r.lead.id for r in referrals_of(ctx, admin_id, "account", gone_account)] == [by_account]


def test_an_undo_leaves_a_referral_re_pointed_since_the_merge_where_it_now_is(
        ctx: ServiceContext, admin_id: int) -> None:
    """Given a lead referred by a contact merged away, when the referral is then given to a third
    contact and the merge undone, the referral stays with the third contact (the newer choice);
    a reference still on the survivor goes back as before."""
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    keep, gone, third = (records.create_contact(ctx, admin_id, {"account_id": account, "last_name": name}).id
                         for name in ("Smith", "Smith", "Jones"))
    re_pointed = capture_call(ctx, admin_id, {"phone": "+1 415 555 0100", "company": "Initech"},
                              referred_by_contact=gone).lead.lead.id
    left = capture_call(ctx, admin_id, {"phone": "+1 415 555 0101", "company": "Globex"},
                        referred_by_contact=gone).lead.lead.id
    merged = merge_records(ctx, admin_id, "contact", [keep, gone], keep=keep)
    record_referral(ctx, admin_id, re_pointed, contact_id=third)

    undo_merge(ctx, admin_id, merged.id)

    assert [r.lead.id for r in referrals_of(ctx, admin_id, "contact", third)] == [re_pointed]
    assert [r.lead.id for r in referrals_of(ctx, admin_id, "contact", gone)] == [left]
    assert referrals_of(ctx, admin_id, "contact", keep) == []


def test_a_merge_given_the_versions_the_dialog_showed_is_refused_as_stale_once_one_changed(
        ctx: ServiceContext, admin_id: int) -> None:
    """Given the versions a preview showed, when one record is edited before the merge, the merge
    is refused with ``STALE_RECORD`` and nothing is written; with the current versions it merges."""
    a, b = lead(ctx, admin_id, title="CTO"), lead(ctx, admin_id, title="CEO")
    shown = preview_merge(ctx, admin_id, "lead", [a, b]).versions
    leads.update_lead(ctx, admin_id, b, {"title": "Chief Executive"})

    with pytest.raises(StaleRecordError) as refused:
        merge_records(ctx, admin_id, "lead", [a, b], keep=a, fields={"title": b}, if_versions=shown)
    assert refused.value.code == "STALE_RECORD"
    assert str(b) in refused.value.message
    assert list_merges(ctx, admin_id) == []
    assert leads.get_lead(ctx, admin_id, b).lead.id == b

    merge_records(ctx, admin_id, "lead", [a, b], keep=a, fields={"title": b},
                  if_versions=preview_merge(ctx, admin_id, "lead", [a, b]).versions)
    assert leads.get_lead(ctx, admin_id, a).lead.title == "Chief Executive"


def test_the_limit_counts_the_groups_still_standing_not_those_merged_since_the_scan(
        ctx: ServiceContext, admin_id: int) -> None:
    """Given two groups, when the one listed first is merged, a list of one shows the other (the
    limit was applied before leaving out the groups merged since, so the list came back empty)."""
    for name, company in (("Smith", "Acme"), ("Okafor", "Globex")):
        email = f"{name.lower()}@{company.lower()}.example"
        lead(ctx, admin_id, last_name=name, company=company, email=email)
        lead(ctx, admin_id, last_name=name, company=company, email=email)
    find_duplicate_groups(ctx, admin_id, ["lead"])
    both = [g.record_ids for _, g in list_duplicate_groups(ctx, admin_id)]
    assert len(both) == 2
    first = list_duplicate_groups(ctx, admin_id, limit=1)[0][1].record_ids

    merge_records(ctx, admin_id, "lead", list(first))

    assert [g.record_ids for _, g in list_duplicate_groups(ctx, admin_id, limit=1)] == [
        next(ids for ids in both if ids != first)]


def test_a_group_whose_lead_was_converted_offers_only_the_leads_still_mergeable(
        ctx: ServiceContext, admin_id: int) -> None:
    """Given a scan that grouped two leads, when one is converted, no group is listed (a
    converted lead is never merged, so the group could only be refused); with a third lead, the
    group keeps the two open ones."""
    from leadline.services.conversion.convert import convert_lead

    a, b, c = (lead(ctx, admin_id, email="ann@acme.example") for _ in range(3))
    convert_lead(ctx, admin_id, a, opportunity="none", qualification_override_reason="met at a fair")
    find_duplicate_groups(ctx, admin_id, ["lead"])
    assert [g.record_ids for _, g in list_duplicate_groups(ctx, admin_id)] == [tuple(sorted((b, c)))]

    convert_lead(ctx, admin_id, b, opportunity="none", qualification_override_reason="met at a fair")

    assert list_duplicate_groups(ctx, admin_id) == []


def test_the_merges_not_undone_are_listed_newest_first(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    """The duplicates page offers the undo of every merge not undone, not only the last one."""
    a, b, c, d = (lead(ctx, admin_id) for _ in range(4))
    first = merge_records(ctx, admin_id, "lead", [a, b])
    clock.advance(minutes=5)
    second = merge_records(ctx, admin_id, "lead", [c, d])
    clock.advance(minutes=5)
    third = merge_records(ctx, admin_id, "lead", [a, c], keep=a)
    assert [m.id for m in list_merges(ctx, admin_id)] == [third.id, second.id, first.id]

    undo_merge(ctx, admin_id, third.id)

    assert [(m.id, m.survivor_id, m.merged_ids) for m in list_merges(ctx, admin_id)] == [
        (second.id, second.survivor_id, second.merged_ids), (first.id, first.survivor_id, first.merged_ids)]
