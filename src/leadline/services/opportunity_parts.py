"""The parts of an opportunity: products (line items) and the contacts with their roles.

Both change the opportunity, so they need edit access to it; a contact role also needs read
access to the contact. Line items take the product's unit price as given (price books come with
the opportunity lifecycle).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from leadline.domain.common import clean_text, parse_decimal
from leadline.domain.custom_fields import RecordType
from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.money import parse_amount
from leadline.domain.opportunities import ContactRoleKind
from leadline.domain.products import LineItem, Product
from leadline.services.access import audit_created, fields_of, load_viewer, require_admin
from leadline.services.context import ServiceContext
from leadline.services.records import read_any


def create_product(ctx: ServiceContext, actor_id: int, *, name: str, code: str | None = None,
                   family: str | None = None) -> Product:
    """Add a product to the catalogue (admins)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        product = Product(new_id(), clean_text(name, field="name", required=True) or "",
                          clean_text(code, field="code", max_length=80),
                          clean_text(family, field="family", max_length=80))
        uow.products.add(product)
        audit_created(uow, "product", product.id, viewer.id, ctx.now(), fields_of(product))
        uow.commit()
        return product


def list_products(ctx: ServiceContext) -> list[Product]:
    with ctx.reader() as uow:
        return list(uow.products.list())


def add_line_item(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, product_id: int, quantity: object,
                  unit_price: object, discount_percent: object = "0") -> LineItem:
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        _editable_opportunity(uow, viewer, opportunity_id)
        if not any(p.id == product_id and p.is_active for p in uow.products.list()):
            raise NotFoundError(f"there is no active product {product_id}", field="product_id")
        item = LineItem(new_id(), opportunity_id, product_id,
                        parse_amount(quantity, field="quantity", allow_negative=True),
                        parse_amount(unit_price, field="unit_price", allow_negative=True),
                        parse_decimal(discount_percent, field="discount_percent", minimum=Decimal(0)))
        uow.products.add_line_items([item])
        audit_created(uow, "line_item", item.id, viewer.id, ctx.now(), fields_of(item))
        uow.commit()
        return item


def list_line_items(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> list[LineItem]:
    with ctx.reader() as uow:
        read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        return list(uow.products.line_items(opportunity_id))


def remove_line_item(ctx: ServiceContext, actor_id: int, opportunity_id: int, item_id: int) -> None:
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        _editable_opportunity(uow, viewer, opportunity_id)
        if not uow.products.remove_line_item(opportunity_id, item_id):
            raise NotFoundError(f"there is no line item {item_id} on this opportunity", field="line_item")
        uow.audit.record("delete", "line_item", item_id, viewer.id, ctx.now(), {"opportunity_id": (
            str(opportunity_id), None)})
        uow.commit()


def add_contact_role(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, contact_id: int, role: str,
                     is_primary: bool = False) -> dict[str, Any]:
    try:
        kind = ContactRoleKind(role.strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(r.value for r in ContactRoleKind)
        raise ValidationError(f"{role!r} is not a contact role; use one of {allowed}", field="role") from None
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        _editable_opportunity(uow, viewer, opportunity_id)
        read_any(uow, viewer, "contact", contact_id)
        if any(c == contact_id and r == kind.value for c, r, _ in uow.products.contact_roles(opportunity_id)):
            raise ConflictError("this contact already has this role on the opportunity", field="role")
        role_id = uow.products.add_contact_role(opportunity_id, contact_id, kind, is_primary)
        values = {"id": role_id, "contact_id": contact_id, "role": kind.value, "is_primary": is_primary}
        audit_created(uow, "contact_role", role_id, viewer.id, ctx.now(), values)
        uow.commit()
        return values


def list_contact_roles(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> list[dict[str, Any]]:
    with ctx.reader() as uow:
        read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        return [{"contact_id": c, "role": r, "is_primary": p} for c, r, p in uow.products.contact_roles(opportunity_id)]


def _editable_opportunity(uow: Any, viewer: Any, opportunity_id: int) -> Any:
    opportunity = read_any(uow, viewer, "opportunity", opportunity_id)
    viewer.ensure_can_edit(RecordType.OPPORTUNITY, opportunity_id, opportunity.owner_id)
    return opportunity
