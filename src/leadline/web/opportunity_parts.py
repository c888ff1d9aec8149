"""An opportunity's parts on its page: line items added from the price book and removed (the
amount becomes their sum), and contact roles added and removed. Each form calls one use case
(services/opportunities/parts.py); a refusal is shown next to its field on the opportunity's page."""

from __future__ import annotations

from litestar import Controller, post
from litestar.response import Redirect, Template

from leadline.domain.errors import ValidationError
from leadline.domain.ids import parse_record_id
from leadline.services.context import ServiceContext
from leadline.services.opportunities import parts
from leadline.web.opportunities import opportunity_template
from leadline.web.records import Form, submit


class OpportunityPartPages(Controller):
    path = "/opportunities/{opportunity_id:int}"

    @post("/line-items", sync_to_thread=True)
    def add_line_item(self, ctx: ServiceContext, user: int, opportunity_id: int, data: Form) -> Redirect | Template:
        """A product at its list price in the opportunity's currency, unless a unit price is given."""
        return submit("opportunity", opportunity_id, "line_item", data, lambda: parts.add_line_item(
            ctx, user, opportunity_id, product_id=_id(data.get("product_id"), "product_id"),
            quantity=data.get("quantity", ""), unit_price=data.get("unit_price") or None,
            discount_percent=data.get("discount_percent") or "0"),
            lambda failed: opportunity_template(ctx, user, opportunity_id, failed))

    @post("/line-items/{item_id:int}/remove", sync_to_thread=True)
    def remove_line_item(self, ctx: ServiceContext, user: int, opportunity_id: int, item_id: int,
                         data: Form) -> Redirect | Template:
        return submit("opportunity", opportunity_id, "line_item_remove", data,
                      lambda: parts.remove_line_item(ctx, user, opportunity_id, item_id),
                      lambda failed: opportunity_template(ctx, user, opportunity_id, failed))

    @post("/contact-roles", sync_to_thread=True)
    def add_contact_role(self, ctx: ServiceContext, user: int, opportunity_id: int,
                         data: Form) -> Redirect | Template:
        return submit("opportunity", opportunity_id, "role", data, lambda: parts.add_contact_role(
            ctx, user, opportunity_id, contact_id=_id(data.get("contact_id"), "contact_id"),
            role=data.get("role", ""), is_primary=bool(data.get("is_primary"))),
            lambda failed: opportunity_template(ctx, user, opportunity_id, failed))

    @post("/contact-roles/remove", sync_to_thread=True)
    def remove_contact_role(self, ctx: ServiceContext, user: int, opportunity_id: int,
                            data: Form) -> Redirect | Template:
        return submit("opportunity", opportunity_id, "role_remove", data, lambda: parts.remove_contact_role(
            ctx, user, opportunity_id, contact_id=_id(data.get("contact_id"), "contact_id"),
            role=data.get("role", "")), lambda failed: opportunity_template(ctx, user, opportunity_id, failed))


def _id(value: str | None, field: str) -> int:
    if not value:
        raise ValidationError("choose one", field=field)
    return parse_record_id(value, field=field)
