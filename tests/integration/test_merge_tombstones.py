"""A merged-away record is deleted already (Salesforce's ``deleted/`` lists it, docs/adr/0066), on
SQLite and PostgreSQL: deleting it again is refused naming its survivor, a conversion that made it
is not undone before its merge is, a merge whose record is gone refuses its undo, and a contact
merge leaves no role on the contact it reports deleted (docs/adr/0074-merged-records-are-deleted-once.md)."""

from __future__ import annotations

from datetime import timedelta

from leadline.domain.errors import MergeRefusedError, RecordMergedError, UndoRefusedError
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.undo import undo_conversion
from leadline.services.duplicates.merge import merge_records, undo_merge
from leadline.services.leads import records as leads
from leadline.services.opportunities import parts
from leadline.services.salesforce.deleted import deleted_records
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing
from tests.conftest import FakeClock
from tests.integration.conversion_support import WHY, new_lead
from tests.unit.builders import raises_error


def _lead(ctx: ServiceContext, actor: int, email: str) -> int:
    return leads.create_lead(ctx, actor, {"last_name": "Smith", "company": "Acme", "email": email}).lead.id


def _deleted(ctx: ServiceContext, actor: int, kind: str) -> list[tuple[int, int | None, int | None]]:
    now = ctx.now()
    return [(d.record_id, d.owner_id, d.contact_owner_id) for d in deleted_records(
        ctx, actor, kind, now - timedelta(days=1), now + timedelta(days=1)).deletions]


def test_a_merged_away_lead_is_not_deleted_again(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    old = _lead(ctx, admin_id, "a@acme.example")
    clock.advance(hours=1)
    new = _lead(ctx, admin_id, "b@acme.example")
    merge_records(ctx, admin_id, "lead", [old, new], keep=old)

    with raises_error(RecordMergedError, code="RECORD_MERGED", field="lead") as refused:
        leads.delete_lead(ctx, admin_id, new)

    assert refused.value.message == (f"the lead {new} was merged into lead {old}; undo that merge first "
                                  "(a merged record is deleted already)")
    assert [d[0] for d in _deleted(ctx, admin_id, "lead")] == [new]  # the merge's, once


def test_the_refusal_names_the_survivor_only_to_whom_may_read_it(ctx: ServiceContext, admin_id: int,
                                                                  clock: FakeClock) -> None:
    set_sharing(ctx, admin_id, "lead", "private")
    rep = users.add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com", role="rep").id
    kept = _lead(ctx, admin_id, "a@acme.example")  # the admin's: the rep may not read it
    clock.advance(hours=1)
    merged = _lead(ctx, rep, "b@acme.example")
    merge_records(ctx, admin_id, "lead", [kept, merged], keep=kept)

    with raises_error(RecordMergedError, code="RECORD_MERGED", field="lead") as refused:
        leads.delete_lead(ctx, rep, merged)

    assert refused.value.message == (f"the lead {merged} was merged into another lead; undo that merge first "
                                     "(a merged record is deleted already)")
    assert str(kept) not in str(refused.value)


def test_a_merged_away_contact_or_account_is_not_deleted_again(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    twin = records.create_account(ctx, admin_id, {"name": "Acme Inc"}).id
    keep = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith"}).id
    gone = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith"}).id
    merge_records(ctx, admin_id, "contact", [keep, gone], keep=keep)
    merge_records(ctx, admin_id, "account", [account, twin], keep=account)

    with raises_error(RecordMergedError, code="RECORD_MERGED", field="contact") as refused:
        records.delete_record(ctx, admin_id, "contact", gone)
    assert f"was merged into contact {keep}" in str(refused.value)
    with raises_error(RecordMergedError, code="RECORD_MERGED", field="account"):
        records.delete_record(ctx, admin_id, "account", twin)


def test_a_conversion_whose_contact_was_merged_away_waits_for_the_merge_undo(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Navy Computing"}).id
    other = records.create_contact(ctx, admin_id, {"last_name": "Other", "account_id": account}).id
    lead = new_lead(ctx, admin_id, products=[])
    made = conversion.convert_lead(ctx, admin_id, lead, account_id=account, opportunity="none",
                                   qualification_override_reason=WHY)
    clock.advance(hours=1)
    merge = merge_records(ctx, admin_id, "contact", [other, made.contact_id], keep=other)

    with raises_error(UndoRefusedError, code="UNDO_REFUSED", field="lead") as refused:
        undo_conversion(ctx, admin_id, lead)
    assert (f"the contact {made.contact_id} was merged into contact {other}; undo that merge first"
            in str(refused.value.details))

    undo_merge(ctx, admin_id, merge.id)
    undone = undo_conversion(ctx, admin_id, lead)  # the revived contact's values are as the conversion left them

    assert f"contact {made.contact_id}" in undone.removed
    assert [d[0] for d in _deleted(ctx, admin_id, "contact")] == [made.contact_id]  # the undo's, once


def test_a_merge_whose_record_is_gone_refuses_its_undo(ctx: ServiceContext, admin_id: int,
                                                        clock: FakeClock) -> None:
    old = _lead(ctx, admin_id, "a@acme.example")
    clock.advance(hours=1)
    new = _lead(ctx, admin_id, "b@acme.example")
    merge = merge_records(ctx, admin_id, "lead", [old, new], keep=old)
    with ctx.uow_factory() as uow:  # a tombstone deleted before deleting one was refused
        uow.leads.delete(new)
        uow.commit()

    with raises_error(MergeRefusedError, code="MERGE_REFUSED", field="merge") as refused:
        undo_merge(ctx, admin_id, merge.id)

    assert refused.value.details == [("record_ids", f"the lead {new} it merged away no longer exists")]


def test_a_contact_merge_removes_the_roles_the_survivor_has_and_its_undo_restores_them(
        ctx: ServiceContext, admin_id: int) -> None:
    sam = users.add_user(ctx, admin_id, name="Sam", email="sam@example.com").id
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    keep = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith"}).id
    gone = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Deal", "owner": str(sam)}).id
    parts.add_contact_role(ctx, admin_id, deal, contact_id=keep, role="decision_maker")
    twin = parts.add_contact_role(ctx, admin_id, deal, contact_id=gone, role="decision_maker", is_primary=True)["id"]
    moved = parts.add_contact_role(ctx, admin_id, deal, contact_id=gone, role="evaluator")["id"]

    merge = merge_records(ctx, admin_id, "contact", [keep, gone], keep=keep)

    assert _roles(ctx, deal) == [(keep, "decision_maker", False), (keep, "evaluator", False)]
    with ctx.uow_factory(read_only=True) as uow:  # no role is left on the contact reported deleted
        assert [c for _, c in uow.products.contact_role_contacts(deal)] == [keep, keep]
    assert _deleted(ctx, admin_id, "contact_role") == [(twin, sam, admin_id)]  # the deal's owner, the contact's

    undo_merge(ctx, admin_id, merge.id)

    assert _roles(ctx, deal) == [(keep, "decision_maker", False), (gone, "decision_maker", True),
                                 (gone, "evaluator", False)]
    with ctx.uow_factory(read_only=True) as uow:
        assert sorted(r for r, _ in uow.products.contact_role_contacts(deal) if r in (twin, moved)) == sorted(
            [twin, moved])
    assert _deleted(ctx, admin_id, "contact_role") == []


def _roles(ctx: ServiceContext, deal: int) -> list[tuple[int, str, bool]]:
    with ctx.uow_factory(read_only=True) as uow:
        return sorted((c, r, p) for c, r, p in uow.products.contact_roles(deal))
