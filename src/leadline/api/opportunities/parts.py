"""/api/v1 activities, products, opportunity line items and contact roles, and user changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response

from leadline.api.idempotency import idempotent
from leadline.api.routes import RecordId, api_delete, api_get, api_patch, api_post
from leadline.api.schemas import present
from leadline.services import activities
from leadline.services.context import ServiceContext
from leadline.services.opportunities import parts as opportunity_parts
from leadline.services.security import users
from leadline.services.security.access import fields_of

RecordKind = Literal["lead", "account", "contact", "opportunity"]
Short = Annotated[str, msgspec.Meta(max_length=255)]


class LinkIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    record_type: RecordKind
    record_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,19}$")]


class ActivityIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    kind: Annotated[str, msgspec.Meta(description="task, call, email, meeting or note")]
    subject: Short
    links: Annotated[list[LinkIn], msgspec.Meta(min_length=1, max_length=20)]
    body: Annotated[str, msgspec.Meta(max_length=32_000)] | None = None
    due_at: datetime | None = None
    owner: Short | None = None


class ProductIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Short
    code: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    family: Annotated[str, msgspec.Meta(max_length=80)] | None = None


class LineItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    product_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,19}$")]
    quantity: Annotated[str, msgspec.Meta(max_length=40)] = "1"
    unit_price: Annotated[str, msgspec.Meta(
        max_length=40, description="Default: the product's list price in the opportunity's currency.")] | None = None
    discount_percent: Annotated[str, msgspec.Meta(max_length=40)] = "0"


class ContactRoleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    contact_id: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,19}$")]
    role: Annotated[str, msgspec.Meta(max_length=40)]
    is_primary: bool = False


class UserChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    role: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    manager: Short | None = None
    clear_manager: bool = False
    active: bool | None = None


def _activity(activity: Any) -> dict[str, Any]:
    values = present(fields_of(activity))
    values["links"] = [{"record_type": link.record_type.value, "record_id": str(link.record_id)}
                       for link in activity.links]
    return values


def _int(value: str) -> int:
    from leadline.domain.ids import parse_record_id

    return parse_record_id(value, field="id")


class PartsController(Controller):
    path = "/"
    tags = ["activities and opportunity parts"]

    @api_post("/activities", summary="Log an activity on records you can see", status_code=201)
    def log_activity(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: ActivityIn,
                     body: bytes) -> Response[dict[str, Any]]:
        """Send ``Idempotency-Key`` to make retries safe."""
        links = [(link.record_type, _int(link.record_id)) for link in data.links]
        return idempotent(request, body, ctx, actor, lambda claim: activities.log_activity(
            ctx, actor, kind=data.kind, subject=data.subject, body=data.body, due_at=data.due_at, owner=data.owner,
            links=links, claim=claim), lambda activity: Response(_activity(activity), status_code=201))

    @api_get(["/leads/{record_id:int}/activities", "/accounts/{record_id:int}/activities",
              "/contacts/{record_id:int}/activities", "/opportunities/{record_id:int}/activities"],
             summary="Activities of a record")
    def record_activities(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int,
                          record_id: RecordId) -> list[dict[str, Any]]:
        collection = request.url.path.split("/")[3]
        kind = {"leads": "lead", "accounts": "account", "contacts": "contact", "opportunities": "opportunity"}
        return [_activity(a) for a in activities.list_activities(ctx, actor, kind[collection], record_id)]

    @api_post("/activities/{activity_id:int}/complete", summary="Mark a task done")
    def complete(self, ctx: ServiceContext, actor: int, activity_id: RecordId) -> dict[str, Any]:
        return _activity(activities.complete_activity(ctx, actor, activity_id))

    @api_get("/products", summary="The product catalogue")
    def products(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return [present(fields_of(p)) for p in opportunity_parts.list_products(ctx)]

    @api_post("/products", summary="Add a product (admin)", status_code=201)
    def add_product(self, ctx: ServiceContext, actor: int, data: ProductIn) -> dict[str, Any]:
        product = opportunity_parts.create_product(ctx, actor, name=data.name, code=data.code, family=data.family)
        return present(fields_of(product))

    @api_get("/opportunities/{opportunity_id:int}/line-items", summary="Products on an opportunity")
    def line_items(self, ctx: ServiceContext, actor: int, opportunity_id: RecordId) -> list[dict[str, Any]]:
        return [{**present(fields_of(i)), "total": i.total}
                for i in opportunity_parts.list_line_items(ctx, actor, opportunity_id)]

    @api_post("/opportunities/{opportunity_id:int}/line-items", summary="Add a product", status_code=201)
    def add_line_item(self, ctx: ServiceContext, actor: int, opportunity_id: RecordId,
                      data: LineItemIn) -> dict[str, Any]:
        item = opportunity_parts.add_line_item(ctx, actor, opportunity_id, product_id=_int(data.product_id),
                                               quantity=data.quantity, unit_price=data.unit_price,
                                               discount_percent=data.discount_percent)
        return {**present(fields_of(item)), "total": item.total}

    @api_delete("/opportunities/{opportunity_id:int}/line-items/{item_id:int}", summary="Remove a product",
                status_code=204)
    def remove_line_item(self, ctx: ServiceContext, actor: int, opportunity_id: RecordId, item_id: RecordId) -> None:
        opportunity_parts.remove_line_item(ctx, actor, opportunity_id, item_id)

    @api_get("/opportunities/{opportunity_id:int}/contact-roles", summary="Contacts and their roles")
    def contact_roles(self, ctx: ServiceContext, actor: int, opportunity_id: RecordId) -> list[dict[str, Any]]:
        return present(opportunity_parts.list_contact_roles(ctx, actor, opportunity_id))  # type: ignore[no-any-return]

    @api_post("/opportunities/{opportunity_id:int}/contact-roles", summary="Add a contact role", status_code=201)
    def add_contact_role(self, ctx: ServiceContext, actor: int, opportunity_id: RecordId,
                         data: ContactRoleIn) -> dict[str, Any]:
        return present(opportunity_parts.add_contact_role(  # type: ignore[no-any-return]
            ctx, actor, opportunity_id, contact_id=_int(data.contact_id), role=data.role, is_primary=data.is_primary))

    @api_patch("/users/{user_id:int}", summary="Change a user (admin)")
    def change_user(self, ctx: ServiceContext, actor: int, user_id: RecordId, data: UserChange) -> dict[str, Any]:
        user = users.update_user(ctx, actor, user_id, name=data.name, role=data.role, manager=data.manager,
                                 clear_manager=data.clear_manager, active=data.active)
        return present(fields_of(user))


