"""Changing a line item and a product (the use cases the Salesforce API's updates call), on the fakes."""

from __future__ import annotations

from decimal import Decimal

from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import (
    add_line_item,
    change_line_item,
    create_product,
    list_products,
    update_product,
)
from leadline.services.security import users
from tests.unit.builders import raises_error


def _opportunity(ctx: ServiceContext, admin_id: int) -> int:
    account = records.create_account(ctx, admin_id, {"name": "Acme"})
    return int(records.create_opportunity(ctx, admin_id, {"name": "Deal", "account_id": str(account.id)}).id)


def test_a_changed_line_item_sums_the_opportunitys_amount_again(ctx: ServiceContext, admin_id: int) -> None:
    opportunity = _opportunity(ctx, admin_id)
    product = create_product(ctx, admin_id, name="Widget").id
    item = add_line_item(ctx, admin_id, opportunity, product_id=product, quantity="2", unit_price="100")
    changed = change_line_item(ctx, admin_id, opportunity, item.id, {"quantity": "3", "discount_percent": "10"})
    assert (changed.id, changed.quantity, changed.unit_price) == (item.id, Decimal(3), Decimal(100))
    assert records.get_record(ctx, admin_id, "opportunity", opportunity).amount == Decimal(270)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="product_id"):
        change_line_item(ctx, admin_id, opportunity, item.id, {"product_id": str(product)})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="quantity"):
        change_line_item(ctx, admin_id, opportunity, item.id, {"quantity": "0"})
    assert records.get_record(ctx, admin_id, "opportunity", opportunity).amount == Decimal(270)


def test_an_admin_changes_a_product_and_a_rep_may_not(ctx: ServiceContext, admin_id: int) -> None:
    product = create_product(ctx, admin_id, name="Widget").id
    update_product(ctx, admin_id, product, {"family": "Tools", "is_active": False})
    assert [(p.family, p.is_active) for p in list_products(ctx)] == [("Tools", False)]
    rep = users.add_user(ctx, admin_id, name="sam", email="sam@example.com").id
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="actor"):
        update_product(ctx, rep, product, {"name": "Mine"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        update_product(ctx, admin_id, product, {"name": ""})
