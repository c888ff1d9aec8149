"""Each Salesforce object's verbs as calls of Leadline's use cases: the only module of the
transport that names them. A record comes back with its custom values (``Stored``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import MalformedIdError, NotFoundError, PermissionDeniedError
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.salesforce import gateway_parts
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.custom_values import resolve_custom_filters
from leadline.services.leads import records as leads
from leadline.services.salesforce.deleted import DeletedWindow, deleted_records
from leadline.services.salesforce.query import QueryResult, run_query
from leadline.services.security.users import list_users

Values = Mapping[str, Any]
PAGE = 500


@dataclass(frozen=True)
class Stored:
    """A record as read: the domain object and its custom values by Leadline name."""

    record: Any
    custom: Mapping[str, Any]


def _lead(details: leads.LeadDetails) -> Stored:
    return Stored(details.lead, details.custom)


@dataclass(frozen=True)
class Made:
    """A part made by its use case (``gateway_parts``): its id."""

    id: int


def _other(record: Any) -> Stored:
    return Stored(record, dict(record.custom or {}))


def create(ctx: ServiceContext, actor: int, kind: str, values: Values, custom: Values | None) -> Stored:
    """A new record of ``kind`` (lead, account, contact, opportunity) through its create use case."""
    if kind in gateway_parts.PART_KINDS:
        return Stored(Made(gateway_parts.create(ctx, actor, kind, values)), {})
    if kind == "lead":
        return _lead(leads.create_lead(ctx, actor, values, custom=dict(custom) if custom else None))
    with_custom = {**values, "custom": dict(custom)} if custom else values
    maker: dict[str, Callable[..., Any]] = {"account": records.create_account, "contact": records.create_contact,
                                            "opportunity": records.create_opportunity}
    if kind not in maker:
        raise PermissionDeniedError(f"{kind} records cannot be created through this API")
    return _other(maker[kind](ctx, actor, with_custom))


def read(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> Stored:
    if kind == "lead":
        return _lead(leads.get_lead(ctx, actor, record_id))
    if kind == "user":
        found = next((u for u in list_users(ctx, actor) if u.id == record_id), None)
        if found is None:
            raise NotFoundError(f"there is no user {record_id}", field="Id")
        return Stored(found, {})
    return _other(records.get_record(ctx, actor, kind, record_id))


def update(ctx: ServiceContext, actor: int, kind: str, record_id: int, values: Values, custom: Values | None) -> None:
    if kind in gateway_parts.PART_KINDS:
        gateway_parts.update(ctx, actor, kind, record_id, values)
    elif kind == "lead":
        leads.update_lead(ctx, actor, record_id, values, products=None, custom=dict(custom) if custom else None)
    elif kind == "user":
        raise PermissionDeniedError("users cannot be changed through this API")
    else:
        records.update_record(ctx, actor, kind, record_id, {**values, "custom": dict(custom)} if custom else values)


def delete(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> None:
    if kind in gateway_parts.PART_KINDS:
        gateway_parts.delete(ctx, actor, kind, record_id)
    elif kind == "lead":
        leads.delete_lead(ctx, actor, record_id)
    elif kind == "user":
        raise PermissionDeniedError("users cannot be deleted through this API")
    else:
        records.delete_record(ctx, actor, kind, record_id)


def find(ctx: ServiceContext, actor: int, kind: str, *, custom: tuple[str, Any] | None = None,
         updated_from: datetime | None = None, updated_to: datetime | None = None,
         limit: int | None = None) -> list[Stored]:
    """The records the actor may see whose custom field holds a value (``(name, value)``), or that
    changed in ``[updated_from, updated_to)``; at most ``limit``, page by page."""
    pairs = [f"{custom[0]}={custom[1]}"] if custom else []
    times = {"updated_from": updated_from, "updated_to": updated_to}
    found: list[Stored] = []
    page = Page(limit=PAGE, sort="id", descending=False)
    while True:
        if kind == "lead":
            query = leads.resolve_lead_query(ctx, custom=pairs, **times)
            rows = [_lead(d) for d in leads.list_leads(ctx, actor, query, page)]
        elif kind == "user":
            return [Stored(u, {}) for u in list_users(ctx, actor)]
        else:
            record_query = RecordQuery(custom=resolve_custom_filters(ctx, RecordType(kind), pairs), **times)
            rows = [_other(r) for r in records.list_records(ctx, actor, kind, record_query, page)]
        found += rows
        if len(rows) < PAGE or (limit is not None and len(found) >= limit):
            return found[:limit] if limit is not None else found
        page = Page(limit=PAGE, sort="id", descending=False, after=(rows[-1].record.id, rows[-1].record.id))


def deleted(ctx: ServiceContext, actor: int, kind: str, start: datetime, end: datetime) -> DeletedWindow:
    """The records of ``kind`` deleted in ``[start, end)`` that the actor could read."""
    return deleted_records(ctx, actor, kind, start, end)


def _record_id(sobject: str, text: str) -> int | None:
    """A record id in a query (15 or 18 characters, of ``sobject``), or None when it is none."""
    try:
        return parse_salesforce_id(text, expected=sobject).record_id
    except MalformedIdError:
        return None


def query(ctx: ServiceContext, actor: int, soql: str | None, locator: str | None, *, include_deleted: bool,
          base_url: str) -> QueryResult:
    """One page of a SOQL query (or the page ``locator`` continues), ids as Salesforce's."""
    return run_query(ctx, actor, soql, locator, include_deleted=include_deleted, encode_id=salesforce_id,
                     decode_id=_record_id, base_url=base_url)
