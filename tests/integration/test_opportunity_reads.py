"""What an opportunity's and a contact's pages read, and taking a contact role off, on SQLite and
PostgreSQL: a contact's roles name only opportunities the reader may read, the stage history
lists the moves, the price list holds each active product's price in one currency."""

from __future__ import annotations

from decimal import Decimal

from leadline.domain.errors import NotFoundError
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from leadline.services.opportunities.parts import (
    add_contact_role,
    create_product,
    list_contact_roles,
    remove_contact_role,
    set_list_price,
)
from leadline.services.opportunities.reads import contact_opportunities, price_list, stage_history
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.unit.builders import raises_error


def test_a_contacts_roles_name_only_the_opportunities_its_reader_may_read(ctx: ServiceContext, admin_id: int) -> None:
    set_sharing(ctx, admin_id, "opportunity", "private")
    set_sharing(ctx, admin_id, "contact", "public_read_only")
    set_sharing(ctx, admin_id, "account", "public_read_only")
    rep = add_user(ctx, admin_id, name="Rae Rep", email="rae@example.com").id
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Cole"}).id
    own = records.create_opportunity(ctx, rep, {"account_id": account, "name": "Rae's deal"}).id
    hidden = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Admin's deal"}).id
    add_contact_role(ctx, admin_id, own, contact_id=contact, role="champion", is_primary=True)
    add_contact_role(ctx, admin_id, hidden, contact_id=contact, role="evaluator")

    seen = contact_opportunities(ctx, rep, contact)

    assert [(r.opportunity.id, r.role, r.is_primary) for r in seen] == [(own, "champion", True)]
    assert {r.opportunity.id for r in contact_opportunities(ctx, admin_id, contact)} == {own, hidden}


def test_a_contact_role_taken_off_is_gone_and_taking_it_off_again_is_not_found(
        ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Cole"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Deal"}).id
    add_contact_role(ctx, admin_id, deal, contact_id=contact, role="champion")
    add_contact_role(ctx, admin_id, deal, contact_id=contact, role="evaluator")

    remove_contact_role(ctx, admin_id, deal, contact_id=contact, role="Champion")

    assert list_contact_roles(ctx, admin_id, deal) == [{"contact_id": contact, "role": "evaluator",
                                                       "is_primary": False}]
    with raises_error(NotFoundError, code="NOT_FOUND", field="role"):
        remove_contact_role(ctx, admin_id, deal, contact_id=contact, role="champion")


def test_the_stage_history_lists_each_move_and_leaves_out_changes_of_other_figures(
        ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Deal", "amount": "10"}).id
    lifecycle.move_stage(ctx, admin_id, deal, "Qualification")
    records.update_record(ctx, admin_id, "opportunity", deal, {"amount": "20"})
    lifecycle.close_opportunity(ctx, admin_id, deal, "lost", reason="Price")

    moves = [(m.from_stage, m.to_stage) for m in stage_history(ctx, admin_id, deal)]

    assert moves == [(None, "Prospecting"), ("Prospecting", "Qualification"), ("Qualification", "Closed Lost")]


def test_the_price_list_holds_each_active_products_price_in_the_currency_asked(
        ctx: ServiceContext, admin_id: int) -> None:
    widget = create_product(ctx, admin_id, name="Widget").id
    create_product(ctx, admin_id, name="Gadget")
    set_list_price(ctx, admin_id, product_id=widget, currency="USD", unit_price="100")
    set_list_price(ctx, admin_id, product_id=widget, currency="EUR", unit_price="90")

    prices = [(e.product.name, e.unit_price) for e in price_list(ctx, "EUR")]

    assert prices == [("Gadget", None), ("Widget", Decimal("90"))]
