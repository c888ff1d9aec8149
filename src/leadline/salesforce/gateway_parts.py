"""The verbs of the objects around the records (``domain/salesforce/parts.py``) as calls of their
use cases: line items and contact roles (``services/opportunities/parts.py``), products, activities
(``services/activities.py``) and campaigns (``services/campaigns/records.py``).

A record is read back through the SOQL use case (``run_query``: one statement with the caller's
record-level security in it), so a read of a part answers exactly what a query of it answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time
from typing import Any

from leadline.domain.common import iso_day, iso_moment
from leadline.domain.errors import MalformedIdError, NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.salesforce.fields import ENUM_LABELS, Picklist
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.domain.salesforce.parts import PARTS
from leadline.domain.salesforce.schema import SObjectMap
from leadline.services.activities import complete_activity, log_activity
from leadline.services.campaigns.records import create_campaign, update_campaign
from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import (
    add_contact_role,
    add_line_item,
    change_line_item,
    create_product,
    remove_contact_role,
    remove_line_item,
    update_product,
)
from leadline.services.salesforce.query import run_query

Values = Mapping[str, Any]
#: the objects this module serves, by their record type (``SObjectMap.record_type``)
PART_KINDS: dict[str, SObjectMap] = {m.record_type: m for m in PARTS}
BASE_URL = "/services/data/v62.0"
_LINK_KINDS = {"Lead": "lead", "Contact": "contact", "Account": "account", "Opportunity": "opportunity"}


def _id(values: Values, key: str) -> int | None:
    return int(values[key]) if values.get(key) not in (None, "") else None


def _moment(value: Any, field: str) -> datetime | None:
    """A Salesforce date (midnight UTC) or date-time (``2026-03-01T09:30:00.000+0000``), its
    day written ``YYYY-MM-DD`` as every date input (``domain.common.iso_day``, ``iso_moment``)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    day = iso_day(text) if len(text) == 10 else None
    moment = datetime.combine(day, time(), UTC) if day is not None else iso_moment(text)
    if moment is None:
        raise ValidationError(f"{value!r} is not a date or date-time", field=field)
    return moment


def _links(values: Values) -> list[tuple[str, int]]:
    """``WhoId`` and ``WhatId`` (a lead or contact; an account or opportunity) as the activity's links."""
    links = []
    for key, allowed in (("who", ("Lead", "Contact")), ("what", ("Account", "Opportunity"))):
        text = values.get(key)
        if text in (None, ""):
            continue
        name = "WhoId" if key == "who" else "WhatId"
        parsed = parse_salesforce_id(str(text), field=name)
        if parsed.sobject not in allowed:
            raise ValidationError(f"{name} must be the id of a {' or '.join(allowed)}", field=key)
        links.append((_LINK_KINDS[parsed.sobject], parsed.record_id))
    return links


def _create_activity(ctx: ServiceContext, actor: int, kind: str, values: Values) -> int:
    unknown = set(values) - {"subject", "body", "due_at", "who", "what", "owner", "status", "kind"}
    if unknown:
        raise ValidationError("cannot be set on an activity", field=sorted(unknown)[0])
    activity = log_activity(ctx, actor, kind=values.get("kind") or kind, subject=str(values.get("subject") or ""),
                            links=_links(values), body=values.get("body"),
                            due_at=_moment(values.get("due_at"), "due_at"), owner=_id(values, "owner"))
    if _completing(values):
        complete_activity(ctx, actor, activity.id)
    return activity.id


def _completing(values: Values) -> bool:
    status = values.get("status")
    labels = ENUM_LABELS[Picklist.TASK_STATUSES]
    if status in (None, "", labels["open"]):
        return False
    if str(status).lower() != labels["completed"].lower():
        raise ValidationError(f"{status!r} is not a task status; use {labels['open']} or {labels['completed']}",
                              field="status")
    return True


def _line_item(ctx: ServiceContext, actor: int, values: Values) -> int:
    return add_line_item(ctx, actor, _id(values, "opportunity_id") or 0, product_id=_id(values, "product_id") or 0,
                         quantity=values.get("quantity"), unit_price=values.get("unit_price"),
                         discount_percent=values.get("discount_percent") or "0").id


def _contact_role(ctx: ServiceContext, actor: int, values: Values) -> int:
    made = add_contact_role(ctx, actor, _id(values, "opportunity_id") or 0, contact_id=_id(values, "contact_id") or 0,
                            role=str(values.get("role") or ""), is_primary=bool(values.get("is_primary")))
    return int(made["id"])


def _product(ctx: ServiceContext, actor: int, values: Values) -> int:
    if values.get("is_active") is False:
        raise ValidationError("a new product is active", field="is_active")
    return create_product(ctx, actor, name=str(values.get("name") or ""), code=values.get("code"),
                          family=values.get("family")).id


_CREATE: dict[str, Callable[[ServiceContext, int, Values], int]] = {
    "line_item": _line_item, "contact_role": _contact_role, "product": _product,
    "task": lambda ctx, actor, values: _create_activity(ctx, actor, "task", values),
    "meeting": lambda ctx, actor, values: _create_activity(ctx, actor, "meeting", values),
    "campaign": lambda ctx, actor, values: create_campaign(ctx, actor, values).id,
}


def create(ctx: ServiceContext, actor: int, kind: str, values: Values) -> int:
    """The id of a new part of ``kind`` made by its use case."""
    return _CREATE[kind](ctx, actor, values)


def read(ctx: ServiceContext, actor: int, kind: str, record_id: int, names: list[str] | None = None,
         base_url: str = BASE_URL) -> dict[str, Any]:
    """The record as ``GET sobjects/X/{id}`` answers it, read by SOQL with the caller's security."""
    sobject = PART_KINDS[kind]
    fields = names or [f.name for f in sobject.fields]
    soql = f"SELECT {', '.join(fields)} FROM {sobject.name} WHERE Id = '{salesforce_id(sobject.name, record_id)}'"
    found = run_query(ctx, actor, soql, encode_id=salesforce_id, decode_id=_decode, base_url=base_url)
    if not found.records:
        raise NotFoundError(f"there is no {sobject.label.lower()} {record_id}", field="Id")
    return found.records[0]


def _decode(sobject: str, text: str) -> int | None:
    try:
        return parse_salesforce_id(text, expected=sobject).record_id
    except MalformedIdError:
        return None


def update(ctx: ServiceContext, actor: int, kind: str, record_id: int, values: Values) -> None:
    if kind == "campaign":
        update_campaign(ctx, actor, record_id, values)
    elif kind == "product":
        update_product(ctx, actor, record_id, values)
    elif kind == "line_item":
        opportunity = parse_salesforce_id(read(ctx, actor, kind, record_id, ["OpportunityId"])["OpportunityId"])
        change_line_item(ctx, actor, opportunity.record_id, record_id, values)
    elif kind == "task" and set(values) == {"status"} and _completing(values):
        complete_activity(ctx, actor, record_id)
    elif kind == "task":
        raise PermissionDeniedError("a task's status can be set to Completed through this API; nothing else changes")
    else:
        raise PermissionDeniedError(f"{PART_KINDS[kind].name} records cannot be changed through this API")


def delete(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> None:
    if kind not in ("line_item", "contact_role"):
        raise PermissionDeniedError(f"{PART_KINDS[kind].name} records cannot be deleted through this API")
    record = read(ctx, actor, kind, record_id)
    opportunity = parse_salesforce_id(record["OpportunityId"]).record_id
    if kind == "line_item":
        remove_line_item(ctx, actor, opportunity, record_id)
        return
    by_label = {label: key for key, label in ENUM_LABELS[Picklist.CONTACT_ROLES].items()}
    remove_contact_role(ctx, actor, opportunity, contact_id=parse_salesforce_id(record["ContactId"]).record_id,
                        role=by_label[record["Role"]])


def changed_between(ctx: ServiceContext, actor: int, kind: str, start: datetime, end: datetime) -> list[int] | None:
    """The ids of the parts of ``kind`` changed in ``[start, end)`` the actor may read, by SOQL on
    their last change (``SystemModstamp``) or, for activities, their creation; None for a kind
    that keeps no such time (line items, contact roles, products)."""
    sobject = PART_KINDS[kind]
    stamp = next((n for n in ("SystemModstamp", "CreatedDate") if sobject.field(n)), None)
    if stamp is None:
        return None
    low, high = (m.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") for m in (start, end))
    result = run_query(ctx, actor, f"SELECT Id FROM {sobject.name} WHERE {stamp} >= {low} AND {stamp} < {high}",
                       encode_id=lambda name, record_id: str(record_id), decode_id=_decode)
    found = [int(r["Id"]) for r in result.records]
    while result.next_token is not None:
        result = run_query(ctx, actor, None, result.next_token, encode_id=lambda name, record_id: str(record_id),
                           decode_id=_decode)
        found += [int(r["Id"]) for r in result.records]
    return found
