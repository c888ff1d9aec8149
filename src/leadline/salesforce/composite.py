"""``/services/data/vNN.N/composite/sobjects``: up to 200 records in one request, each through
its own use case and transaction, each answered as ``{"id","success","errors"}`` in order.

``allOrNone: true`` is refused (400 ``INVALID_INPUT``): Leadline's use cases commit one record
each, so a later failure could not undo the records before it, and claiming otherwise would be
false (docs/salesforce-conformance.md)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, patch, post

from leadline.domain.errors import LeadlineError
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.salesforce import gateway
from leadline.salesforce.errors import SalesforceError, status_and_code
from leadline.salesforce.sobjects import json_response, parse_body, salesforce_names, sobject_map
from leadline.salesforce.values import to_values, vocabulary
from leadline.salesforce.versions import checked_version
from leadline.services.context import ServiceContext

MAX_RECORDS = 200


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    if body.get("allOrNone") is True:
        raise SalesforceError(400, "INVALID_INPUT", "allOrNone=true is not supported: each record is saved in its "
                                                    "own transaction; send allOrNone=false", ["allOrNone"])
    records = body.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "records must be a list of objects", ["records"])
    if len(records) > MAX_RECORDS:
        raise SalesforceError(400, "EXCEEDED_ID_LIMIT", f"at most {MAX_RECORDS} records per request", ["records"])
    return records


def _type_of(record: dict[str, Any]) -> str:
    attributes = record.get("attributes")
    kind = attributes.get("type") if isinstance(attributes, dict) else None
    if not isinstance(kind, str):
        raise SalesforceError(400, "INVALID_TYPE", "each record needs attributes.type", ["attributes"])
    return kind


def _outcome(record_id: str | None, error: Exception | None) -> dict[str, Any]:
    if error is None:
        return {"id": record_id, "success": True, "errors": []}
    if isinstance(error, SalesforceError):
        code, message, fields = error.code, error.message, error.fields
    else:
        assert isinstance(error, LeadlineError)
        code, message = status_and_code(error)[1], error.message
        fields = getattr(error, "salesforce_fields", None) or [f for f in (error.field,) if f]
    return {"success": False, "errors": [{"statusCode": code, "message": message, "fields": fields}]}


def _save(ctx: ServiceContext, actor: int, record: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    try:
        words = vocabulary(ctx, sobject_map(_type_of(record), writing=True))
        fields = {k: v for k, v in record.items() if creating or k.lower() != "id"}
        with salesforce_names(words):
            values, custom = to_values(words, fields, creating=creating)
            kind = words.sobject.record_type
            if creating:
                stored = gateway.create(ctx, actor, kind, values, custom)
                return _outcome(salesforce_id(words.sobject.name, stored.record.id), None)
            record_id = parse_salesforce_id(str(record.get("id") or record.get("Id") or ""),
                                            expected=words.sobject.name)
            gateway.update(ctx, actor, kind, record_id.record_id, values, custom)
            return _outcome(salesforce_id(words.sobject.name, record_id.record_id), None)
    except (LeadlineError, SalesforceError) as error:
        return _outcome(None, error)


def _remove(ctx: ServiceContext, actor: int, text: str) -> dict[str, Any]:
    try:
        found = parse_salesforce_id(text, field="ids")
        gateway.delete(ctx, actor, sobject_map(found.sobject, writing=True).record_type, found.record_id)
        return _outcome(salesforce_id(found.sobject, found.record_id), None)
    except (LeadlineError, SalesforceError) as error:
        return _outcome(None, error)


class CompositeController(Controller):
    path = "/services/data/{version:str}/composite/sobjects"
    include_in_schema = False

    @post("/", sync_to_thread=True, status_code=200)
    def create_many(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Any:
        checked_version(version)
        return json_response([_save(ctx, actor, r, creating=True) for r in _records(parse_body(body))])

    @patch("/", sync_to_thread=True, status_code=200)
    def update_many(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Any:
        checked_version(version)
        return json_response([_save(ctx, actor, r, creating=False) for r in _records(parse_body(body))])

    @delete("/", sync_to_thread=True, status_code=200)
    def delete_many(self, request: Request[Any, Any, Any], version: str, actor: int, ctx: ServiceContext) -> Any:
        checked_version(version)
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        _records({"allOrNone": request.query_params.get("allOrNone", "").lower() == "true", "records": []})
        if not ids or len(ids) > MAX_RECORDS:
            raise SalesforceError(400, "INVALID_INPUT", f"ids: 1 to {MAX_RECORDS} ids, separated by commas", ["ids"])
        return json_response([_remove(ctx, actor, i) for i in ids])
