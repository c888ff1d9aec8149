"""The parts of an opportunity: products (line items) and the contacts with their roles.

Both change the opportunity, so they need edit access to it; a contact role also needs read
access to the contact. A line item takes the product's list price from the standard price book
in the opportunity's currency unless a unit price is given, and an opportunity with line items
has their sum as its amount.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from leadline.domain.common import clean_text, parse_decimal
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.history import Deletion
from leadline.domain.ids import new_id
from leadline.domain.money import parse_amount, parse_currency
from leadline.domain.opportunities.opportunity import ContactRoleKind
from leadline.domain.opportunities.products import LineItem, PriceBook, PriceBookEntry, Product, sum_of_lines
from leadline.services.context import ServiceContext
from leadline.services.opportunities.lifecycle import editable_opportunity, track_change
from leadline.services.records import read_any
from leadline.services.scoring.opportunities import rescore_opportunity
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_viewer, require_admin
from leadline.services.security.visibility import readable_ids

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


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


def update_product(ctx: ServiceContext, actor_id: int, product_id: int, changes: Mapping[str, object]) -> Product:
    """Change a product's ``name``, ``code``, ``family`` or ``is_active`` (admins); another key is
    refused by its name. A product taken out (``is_active`` false) stays on the lines that have it."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        product = next((p for p in uow.products.list() if p.id == product_id), None)
        if product is None:
            raise NotFoundError(f"there is no product {product_id}", field="product_id")
        before = fields_of(product)
        for name, value in changes.items():
            if name not in ("name", "code", "family", "is_active"):
                raise ValidationError("is not a product field", field=name)
            if name == "is_active":
                if not isinstance(value, bool):
                    raise ValidationError("must be true or false", field=name)
                product.is_active = value
            else:
                setattr(product, name, clean_text(value, field=name, max_length=255 if name == "name" else 80,
                                                  required=name == "name"))
        uow.products.save(product)
        audit_changed(uow, "product", product.id, viewer.id, ctx.now(), before, fields_of(product))
        uow.commit()
        return product


def list_products(ctx: ServiceContext) -> list[Product]:
    with ctx.reader() as uow:
        return list(uow.products.list())


def set_list_price(ctx: ServiceContext, actor_id: int, *, product_id: int, currency: str,
                   unit_price: object) -> PriceBookEntry:
    """Set a product's price in the standard price book (created on first use), in ``currency`` (admins)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        if not any(p.id == product_id for p in uow.products.list()):
            raise NotFoundError(f"there is no product {product_id}", field="product_id")
        entry = PriceBookEntry(new_id(), _standard_book(uow), product_id, parse_currency(currency),
                               parse_amount(unit_price, field="unit_price"))
        uow.products.set_entry(entry)
        audit_created(uow, "price_book_entry", entry.id, viewer.id, ctx.now(), fields_of(entry))
        uow.commit()
        return entry


def _standard_book(uow: UnitOfWork) -> int:
    book_id = uow.products.standard_book_id()
    if book_id is None:
        book_id = new_id()
        uow.products.add_price_book(PriceBook(book_id, "Standard", is_standard=True))
        uow.flush()
    return book_id


def add_line_item(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, product_id: int, quantity: object,
                  unit_price: object = None, discount_percent: object = "0") -> LineItem:
    """Add a product to an open opportunity at its standard list price in the opportunity's currency
    unless ``unit_price`` overrides it; the opportunity's amount becomes the sum of its line items."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        opportunity = editable_opportunity(uow, viewer, opportunity_id)
        opportunity.ensure_open()
        product = next((p for p in uow.products.list() if p.id == product_id and p.is_active), None)
        if product is None:
            raise NotFoundError(f"there is no active product {product_id}", field="product_id")
        if unit_price in (None, ""):
            unit_price = uow.conversions.standard_prices(opportunity.currency).get(product_id)
            if unit_price is None:
                raise ValidationError(f"the product has no list price in {opportunity.currency}; give a unit price",
                                      field="unit_price")
        item = LineItem(new_id(), opportunity_id, product_id,
                        parse_amount(quantity, field="quantity", allow_negative=True),
                        parse_amount(unit_price, field="unit_price", allow_negative=True),
                        parse_decimal(discount_percent, field="discount_percent", minimum=Decimal(0)),
                        product_name=product.name)
        uow.products.add_line_items([item])
        audit_created(uow, "line_item", item.id, viewer.id, ctx.now(), fields_of(item))
        _recompute_amount(ctx, uow, viewer, opportunity)
        uow.commit()
        return item


def change_line_item(ctx: ServiceContext, actor_id: int, opportunity_id: int, item_id: int,
                     changes: Mapping[str, object]) -> LineItem:
    """Change a line item's ``quantity``, ``unit_price`` or ``discount_percent`` on an open
    opportunity the actor may edit; the opportunity's amount becomes the lines' new sum."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        opportunity = editable_opportunity(uow, viewer, opportunity_id)
        opportunity.ensure_open()
        item = next((i for i in uow.products.line_items(opportunity_id) if i.id == item_id), None)
        if item is None:
            raise NotFoundError(f"there is no line item {item_id} on this opportunity", field="line_item")
        unknown = sorted(set(changes) - {"quantity", "unit_price", "discount_percent"})
        if unknown:
            raise ValidationError("cannot be changed on a line item", field=unknown[0])
        before = fields_of(item)
        changed = replace(
            item, quantity=parse_amount(changes.get("quantity", item.quantity), field="quantity", allow_negative=True),
            unit_price=parse_amount(changes.get("unit_price", item.unit_price), field="unit_price",
                                    allow_negative=True),
            discount_percent=parse_decimal(changes.get("discount_percent", item.discount_percent) or "0",
                                           field="discount_percent", minimum=Decimal(0)))
        uow.products.remove_line_item(opportunity_id, item_id)
        uow.products.add_line_items([changed])
        audit_changed(uow, "line_item", item.id, viewer.id, ctx.now(), before, fields_of(changed))
        _recompute_amount(ctx, uow, viewer, opportunity)
        uow.commit()
        return changed


def list_line_items(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> list[LineItem]:
    with ctx.reader() as uow:
        read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        return list(uow.products.line_items(opportunity_id))


def remove_line_item(ctx: ServiceContext, actor_id: int, opportunity_id: int, item_id: int) -> None:
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        opportunity = editable_opportunity(uow, viewer, opportunity_id)
        opportunity.ensure_open()
        if not uow.products.remove_line_item(opportunity_id, item_id):
            raise NotFoundError(f"there is no line item {item_id} on this opportunity", field="line_item")
        uow.deletions.add(Deletion("line_item", item_id, opportunity.owner_id, ctx.now()))
        uow.audit.record("delete", "line_item", item_id, viewer.id, ctx.now(), {"opportunity_id": (
            str(opportunity_id), None)})
        _recompute_amount(ctx, uow, viewer, opportunity)
        uow.commit()


def _recompute_amount(ctx: ServiceContext, uow: UnitOfWork, viewer: Any, opportunity: Any) -> None:
    """With line items, the amount is their sum (quantity x unit price less discount)."""
    items = uow.products.line_items(opportunity.id)
    if not items:
        return
    before = fields_of(opportunity)
    opportunity.amount = sum_of_lines(items)
    if opportunity.amount != before["amount"]:
        now = ctx.now()
        opportunity.updated_at = now
        uow.opportunities.save(opportunity)
        audit_changed(uow, "opportunity", opportunity.id, viewer.id, now, {"amount": before["amount"]},
                      {"amount": opportunity.amount})
        track_change(uow, before, opportunity, viewer.id, now)
        rescore_opportunity(ctx, uow, opportunity.id)


def add_contact_role(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, contact_id: int, role: str,
                     is_primary: bool = False) -> dict[str, Any]:
    kind = _role_kind(role)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        editable_opportunity(uow, viewer, opportunity_id)
        read_any(uow, viewer, "contact", contact_id)
        if any(c == contact_id and r == kind.value for c, r, _ in uow.products.contact_roles(opportunity_id)):
            raise ConflictError("this contact already has this role on the opportunity", field="role")
        role_id = uow.products.add_contact_role(opportunity_id, contact_id, kind, is_primary)
        values = {"id": role_id, "contact_id": contact_id, "role": kind.value, "is_primary": is_primary}
        audit_created(uow, "contact_role", role_id, viewer.id, ctx.now(), values)
        uow.commit()
        return values


def _role_kind(role: str) -> ContactRoleKind:
    try:
        return ContactRoleKind(role.strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(r.value for r in ContactRoleKind)
        raise ValidationError(f"{role!r} is not a contact role; use one of {allowed}", field="role") from None


def list_contact_roles(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> list[dict[str, Any]]:
    """The contact roles of an opportunity the actor may read, of the contacts they may read."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        read_any(uow, viewer, "opportunity", opportunity_id)
        roles = uow.products.contact_roles(opportunity_id)
        readable = readable_ids(uow, viewer, RecordType.CONTACT, [c for c, _, _ in roles])
        return [{"contact_id": c, "role": r, "is_primary": p} for c, r, p in roles if c in readable]


def remove_contact_role(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, contact_id: int,
                        role: str) -> None:
    """Take a contact's role off an opportunity the actor may edit; a role the actor cannot see
    (on a contact they may not read) is not found, as if it were not there. The removal is kept
    (``deleted_records``, with the opportunity's owner and the contact's, whose readers both it
    needs) for Salesforce's ``deleted/``."""
    kind = _role_kind(role)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        opportunity = editable_opportunity(uow, viewer, opportunity_id)
        contact = read_any(uow, viewer, "contact", contact_id)
        role_id = uow.products.remove_contact_role(opportunity_id, contact_id, kind.value)
        if role_id is None:
            raise NotFoundError("this contact has no such role on the opportunity", field="role")
        uow.deletions.add(Deletion("contact_role", role_id, opportunity.owner_id, ctx.now(), contact.owner_id))
        uow.audit.record("delete", "contact_role", role_id, viewer.id, ctx.now(), {
            "opportunity_id": (str(opportunity_id), None), "contact_id": (str(contact_id), None),
            "role": (kind.value, None)})
        uow.commit()
