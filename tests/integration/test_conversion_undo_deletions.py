"""What undoing a conversion removes is kept in ``deleted_records`` as any deletion is, on SQLite
and PostgreSQL: each record with the owner whose readers may learn of it, a contact role with its
opportunity's owner and its contact's, and nothing twice
(docs/adr/0066-undo-deletions-and-convertlead-duplicate-reason.md)."""

from __future__ import annotations

from datetime import timedelta

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.undo import undo_conversion
from leadline.services.opportunities.parts import list_contact_roles, remove_contact_role
from leadline.services.salesforce.deleted import deleted_records
from leadline.services.security import users
from tests.integration.conversion_support import WHY, new_lead

KINDS = ("account", "contact", "opportunity", "contact_role", "line_item")


def _deleted(ctx: ServiceContext, actor: int) -> dict[str, list[tuple[int, int | None, int | None]]]:
    """Kind -> (id, owner, contact's owner) of each deletion ``actor`` may learn of."""
    now = ctx.now()
    return {kind: [(d.record_id, d.owner_id, d.contact_owner_id) for d in deleted_records(
        ctx, actor, kind, now - timedelta(days=1), now + timedelta(days=1)).deletions] for kind in KINDS}


def test_undoing_a_conversion_onto_someone_elses_deal_keeps_the_role_with_both_owners(
        ctx: ServiceContext, admin_id: int) -> None:
    sam = users.add_user(ctx, admin_id, name="Sam", email="sam@example.com").id
    account = records.create_account(ctx, admin_id, {"name": "Navy Computing"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Open deal",
                                                      "owner": str(sam)}).id
    lead = new_lead(ctx, admin_id, products=[])
    made = conversion.convert_lead(ctx, admin_id, lead, account_id=account, opportunity="attach",
                                   opportunity_id=deal, qualification_override_reason=WHY)
    [role] = _role_ids(ctx, deal)

    undo_conversion(ctx, admin_id, lead)

    assert _deleted(ctx, admin_id) == {"account": [], "contact": [(made.contact_id, admin_id, None)],
                                       "opportunity": [], "contact_role": [(role, sam, admin_id)], "line_item": []}
    # sam reads the deal but not the admin's contact: the role's removal is not theirs to learn of
    assert _deleted(ctx, sam) == {kind: [] for kind in KINDS}


def test_a_role_removed_before_the_undo_is_kept_once(ctx: ServiceContext, admin_id: int) -> None:
    lead = new_lead(ctx, admin_id, products=[])
    made = conversion.convert_lead(ctx, admin_id, lead, override_reason=WHY, qualification_override_reason=WHY)
    assert made.opportunity_id is not None
    [role] = list_contact_roles(ctx, admin_id, made.opportunity_id)
    [role_id] = _role_ids(ctx, made.opportunity_id)
    remove_contact_role(ctx, admin_id, made.opportunity_id, contact_id=role["contact_id"], role=role["role"])

    undo_conversion(ctx, admin_id, lead)

    deleted = _deleted(ctx, admin_id)
    assert deleted["contact_role"] == [(role_id, admin_id, admin_id)]  # from its removal, not again
    assert [d[0] for d in deleted["opportunity"]] == [made.opportunity_id]
    assert [d[0] for d in deleted["account"]] == [made.account_id]


def _role_ids(ctx: ServiceContext, opportunity_id: int) -> list[int]:
    """The ids of the opportunity's contact roles, as stored."""
    with ctx.uow_factory(read_only=True) as uow:
        return [role_id for role_id, _ in uow.products.contact_role_contacts(opportunity_id)]
