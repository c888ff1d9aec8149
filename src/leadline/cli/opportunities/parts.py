"""``leadline opportunity add-product|products|remove-product|add-contact-role|contact-roles`` and
``leadline product list|add|price``: the products on an opportunity (its amount is their sum),
the catalogue with its standard prices, and the contacts of a deal with their roles."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json, print_table
from leadline.domain.errors import NotFoundError
from leadline.domain.opportunities.products import LineItem, Product

if TYPE_CHECKING:
    from leadline.services.opportunities import parts
else:
    parts = lazy_module("leadline.services.opportunities.parts")

product_app = typer.Typer(help="The product catalogue and its standard prices.", no_args_is_help=True)

OPPORTUNITY_ID = typer.Argument(..., metavar="OPPORTUNITY_ID", help="The opportunity's id.")
PRODUCT = typer.Argument(..., metavar="PRODUCT", help="The product's name, code or id.")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``opportunity`` group."""
    app.command("add-product")(handle_errors(add_product))
    app.command("products")(handle_errors(products))
    app.command("remove-product")(handle_errors(remove_product))
    app.command("add-contact-role")(handle_errors(add_contact_role))
    app.command("contact-roles")(handle_errors(contact_roles))


def find_product(reference: str) -> Product:
    """A catalogue product by id, code or name (any case)."""
    wanted = reference.strip().casefold()
    for product in parts.list_products(ready_application().context):
        if wanted in (str(product.id), product.name.casefold(), (product.code or "").casefold()):
            return product
    raise NotFoundError(f"there is no product {reference!r}; see `leadline product list`", field="product")


def add_product(
    opportunity_id: str = OPPORTUNITY_ID, product: str = PRODUCT,
    quantity: str = typer.Option("1", help="How many."),
    unit_price: str = typer.Option(None, help="Unit price; default: the standard list price in the "
                                              "opportunity's currency."),
    discount: str = typer.Option("0", help="Discount in percent, 0-100."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Add a product to an open opportunity; the opportunity's amount becomes the sum of its line
    items (quantity x unit price less discount). Without --unit-price the product needs a list
    price in the opportunity's currency (`leadline product price`).

    Example: leadline opportunity add-product 1234567890 Widget --quantity 3 --discount 10
    """
    item = parts.add_line_item(ready_application().context, actor_id(acting_as),
                               parse_id(opportunity_id, "opportunity"), product_id=find_product(product).id,
                               quantity=quantity, unit_price=unit_price, discount_percent=discount)
    if as_json:
        print_json(_item_json(item))
        return
    typer.echo(f"line item {item.id}: {item.quantity.normalize():f} x {item.unit_price:,.2f} "
               f"less {item.discount_percent.normalize():f} % = {item.total:,.2f}")


def _item_json(item: LineItem) -> dict[str, object]:
    return {**fields_of(item), "total": item.total}


def products(opportunity_id: str = OPPORTUNITY_ID, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List the products on an opportunity, with each line's total.

    Example: leadline opportunity products 1234567890
    """
    context = ready_application().context
    items = parts.list_line_items(context, actor_id(acting_as), parse_id(opportunity_id, "opportunity"))
    if as_json:
        print_json([_item_json(item) for item in items])
        return
    names = {p.id: p.name for p in parts.list_products(context)}
    print_table("Line items", ["id", "product", "quantity", "unit price", "discount %", "total"],
                [(i.id, names.get(i.product_id or 0, i.product_name), i.quantity, i.unit_price, i.discount_percent,
                  i.total) for i in items])


def remove_product(
    opportunity_id: str = OPPORTUNITY_ID,
    item_id: str = typer.Argument(..., metavar="LINE_ITEM_ID", help="The line item's id (see `products`)."),
    acting_as: str = AS_OPTION,
) -> None:
    """Remove a line item from an open opportunity; the amount becomes the sum of those left.

    Example: leadline opportunity remove-product 1234567890 2345678901
    """
    parts.remove_line_item(ready_application().context, actor_id(acting_as), parse_id(opportunity_id, "opportunity"),
                           parse_id(item_id, "line_item"))
    typer.echo(f"line item {item_id} removed")


def add_contact_role(
    opportunity_id: str = OPPORTUNITY_ID,
    contact_id: str = typer.Argument(..., metavar="CONTACT_ID", help="The contact's id."),
    role: str = typer.Option(..., help="decision_maker, economic_buyer, champion, influencer, evaluator or other."),
    primary: bool = typer.Option(False, "--primary", help="The primary contact of the deal."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Give a contact a role on an opportunity (CONFLICT if the contact has that role already).

    Example: leadline opportunity add-contact-role 1234567890 2345678901 --role economic_buyer --primary
    """
    added = parts.add_contact_role(ready_application().context, actor_id(acting_as),
                                   parse_id(opportunity_id, "opportunity"), contact_id=parse_id(contact_id, "contact"),
                                   role=role, is_primary=primary)
    if as_json:
        print_json(added)
        return
    typer.echo(f"contact {added['contact_id']}: {added['role']}{' (primary)' if primary else ''}")


def contact_roles(opportunity_id: str = OPPORTUNITY_ID, as_json: bool = JSON_OPTION,
                  acting_as: str = AS_OPTION) -> None:
    """List the contacts of an opportunity with their roles.

    Example: leadline opportunity contact-roles 1234567890
    """
    roles = parts.list_contact_roles(ready_application().context, actor_id(acting_as),
                                     parse_id(opportunity_id, "opportunity"))
    if as_json:
        print_json(roles)
        return
    print_table("Contact roles", ["contact", "role", "primary"],
                [(r["contact_id"], r["role"], r["is_primary"]) for r in roles])


@product_app.command("list")
@handle_errors
def product_list(as_json: bool = JSON_OPTION) -> None:
    """List the product catalogue.  Example: leadline product list"""
    catalogue = parts.list_products(ready_application().context)
    if as_json:
        print_json(catalogue)
        return
    print_table("Products", ["id", "name", "code", "family", "active"],
                [(p.id, p.name, p.code, p.family, p.is_active) for p in catalogue])


@product_app.command("add")
@handle_errors
def product_add(
    name: str = typer.Argument(..., metavar="NAME"), code: str = typer.Option(None, help="A product code (SKU)."),
    family: str = typer.Option(None, help="A product family."), as_json: bool = JSON_OPTION,
    acting_as: str = AS_OPTION,
) -> None:
    """Add a product to the catalogue (admins).  Example: leadline product add Widget --code W-1 --family Hardware"""
    product = parts.create_product(ready_application().context, actor_id(acting_as), name=name, code=code,
                                   family=family)
    if as_json:
        print_json(product)
        return
    typer.echo(f"added product {product.name} (id {product.id})")


@product_app.command("price")
@handle_errors
def product_price(
    product: str = PRODUCT, unit_price: str = typer.Argument(..., metavar="UNIT_PRICE"),
    currency: str = typer.Option(None, help="ISO currency code; default: the organisation's (LEADLINE_CURRENCY)."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Set a product's list price in the standard price book, per currency (admins).

    Example: leadline product price Widget 1000 --currency EUR
    """
    app = ready_application()
    entry = parts.set_list_price(app.context, actor_id(acting_as), product_id=find_product(product).id,
                                 currency=currency or app.context.currency, unit_price=unit_price)
    if as_json:
        print_json(entry)
        return
    typer.echo(f"{product}: {entry.unit_price:,.2f} {entry.currency}")
