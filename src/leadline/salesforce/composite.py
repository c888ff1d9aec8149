"""``/services/data/vNN.N/composite/sobjects``: up to 200 records in one request, each through
its own use case, each answered as ``{"id","success","errors"}`` in order.

``allOrNone: false``: each record its own transaction. ``allOrNone: true``: the use cases run
in ONE transaction (``services/all_or_none.py``); the first failure rolls every record back, and
each record is answered ``ALL_OR_NONE_OPERATION_ROLLED_BACK`` but the failed one, with its error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, delete, patch, post

from leadline.domain.errors import LeadlineError
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.salesforce import gateway
from leadline.salesforce.errors import SalesforceError, status_and_code
from leadline.salesforce.sobjects import json_response, parse_body, salesforce_names, sobject_map
from leadline.salesforce.values import to_values, vocabulary
from leadline.salesforce.versions import checked_version
from leadline.services.all_or_none import run_all_or_none
from leadline.services.context import ServiceContext

MAX_RECORDS = 200


ROLLED_BACK = {"success": False, "errors": [{
    "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "fields": [],
    "message": "Record rolled back because not all records were valid and the request was using AllOrNone header"}]}
Outcome = dict[str, Any]


class _RolledBackError(Exception):
    """A record failed under allOrNone: every record is rolled back."""


def _each(ctx: ServiceContext, items: list[Any], save: Callable[[ServiceContext, Any], Outcome],
          all_or_none: bool) -> list[Outcome]:
    """Each item's outcome; with ``all_or_none`` all in one transaction, rolled back at the first failure."""
    if not all_or_none:
        return [save(ctx, item) for item in items]
    outcomes: list[Outcome] = []

    def step(item: Any) -> Callable[[ServiceContext], None]:
        def run(joined: ServiceContext) -> None:
            outcomes.append(save(joined, item))
            if not outcomes[-1]["success"]:
                raise _RolledBackError
        return run

    try:
        run_all_or_none(ctx, [step(item) for item in items])
    except _RolledBackError:
        return [o if not o["success"] else ROLLED_BACK for o in outcomes] + [ROLLED_BACK] * (len(items) - len(outcomes))
    return outcomes


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
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
        given = parse_body(body)
        return json_response(_each(ctx, _records(given), lambda c, r: _save(c, actor, r, creating=True),
                                   given.get("allOrNone") is True))

    @patch("/", sync_to_thread=True, status_code=200)
    def update_many(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Any:
        checked_version(version)
        given = parse_body(body)
        return json_response(_each(ctx, _records(given), lambda c, r: _save(c, actor, r, creating=False),
                                   given.get("allOrNone") is True))

    @delete("/", sync_to_thread=True, status_code=200)
    def delete_many(self, request: Request[Any, Any, Any], version: str, actor: int, ctx: ServiceContext) -> Any:
        checked_version(version)
        ids = [i for i in request.query_params.get("ids", "").split(",") if i]
        if not ids or len(ids) > MAX_RECORDS:
            raise SalesforceError(400, "INVALID_INPUT", f"ids: 1 to {MAX_RECORDS} ids, separated by commas", ["ids"])
        all_or_none = request.query_params.get("allOrNone", "").lower() == "true"
        return json_response(_each(ctx, ids, lambda c, i: _remove(c, actor, i), all_or_none))
