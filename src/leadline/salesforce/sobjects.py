"""``/services/data/vNN.N/``: limits, describes and the record verbs of each mapped object,
calling the use cases through ``gateway`` (record-level security and every rule unchanged)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State

from leadline.domain.common import iso_moment
from leadline.domain.errors import LeadlineError, MalformedIdError, NotFoundError
from leadline.domain.salesforce.fields import SObjectMap, Source, find_sobject
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.salesforce import gateway, gateway_parts
from leadline.salesforce.describe import describe, global_describe, object_summary
from leadline.salesforce.errors import SalesforceError
from leadline.salesforce.gateway_parts import PART_KINDS
from leadline.salesforce.limits import daily_api_requests
from leadline.salesforce.values import Vocabulary, json_value, render, salesforce_time, to_values, vocabulary
from leadline.salesforce.versions import checked_version, resources
from leadline.services.context import ServiceContext

NOT_FOUND = "The requested resource does not exist"


def json_response(body: Any, status: int = 200) -> Response[bytes]:
    return Response(json.dumps(body).encode(), status_code=status, media_type="application/json")


def sobject_map(name: str, *, writing: bool = False, verb: str = "created") -> SObjectMap:
    """The object called ``name``; ``writing``: one that may be ``verb`` (created, changed, deleted)
    through this API, else 403."""
    found = find_sobject(name)
    if found is None:
        raise SalesforceError(404, "NOT_FOUND", NOT_FOUND)
    allowed = {"created": found.createable, "changed": found.updateable, "deleted": found.deletable}[verb]
    if writing and not (found.createable and allowed):
        raise SalesforceError(403, "INSUFFICIENT_ACCESS_OR_READONLY",
                              f"{found.name} records cannot be {verb} through this API")
    return found


@contextmanager
def salesforce_names(words: Vocabulary) -> Iterator[None]:
    """Errors of the use cases name fields as Salesforce does (``last_name`` -> ``LastName``)."""
    try:
        yield
    except LeadlineError as error:
        named = [n for n in (words.name_of(f) for f in (error.field, *(d[0] for d in error.details)) if f) if n]
        referenced = words.sobject.field(named[0]) if named else None
        if isinstance(error, NotFoundError) and referenced is not None and referenced.name != "Id" \
                and referenced.source is Source.REFERENCE:  # a body names a record that is not there
            raise SalesforceError(400, "INVALID_CROSS_REFERENCE_KEY",
                                  f"invalid cross reference id: {referenced.name}", [referenced.name]) from None
        error.salesforce_fields = named  # type: ignore[attr-defined]
        raise


def _record_id(sobject: SObjectMap, text: str, *, reading: bool) -> int:
    try:
        return parse_salesforce_id(text, expected=sobject.name).record_id
    except MalformedIdError:
        if reading:
            raise SalesforceError(404, "NOT_FOUND", NOT_FOUND) from None
        raise MalformedIdError(f"{sobject.name} ID: id value of incorrect type: {text}", field="Id") from None


def parse_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise SalesforceError(400, "JSON_PARSER_ERROR", "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise SalesforceError(400, "JSON_PARSER_ERROR", "Expected a JSON object of field values")
    return body


def _matching(ctx: ServiceContext, actor: int, words: Vocabulary, field_name: str, value: str) -> list[gateway.Stored]:
    """The records whose external-id field holds ``value`` (ignoring case, as Salesforce's
    external ids do); ``Id`` looks the id up."""
    sobject = words.sobject
    if field_name.lower() == "id":
        return [gateway.read(ctx, actor, sobject.record_type, _record_id(sobject, value, reading=True))]
    field = next((f for f in words.custom if f.name.lower() == field_name.lower()), None)
    if field is None or field.type.value not in ("string", "double"):
        raise SalesforceError(404, "NOT_FOUND",
                              f"Provided external ID field does not exist or is not accessible: {field_name}")
    return gateway.find(ctx, actor, sobject.record_type, custom=(field.attribute or "", value), limit=201)


def _several(version: str, sobject: SObjectMap, found: list[gateway.Stored]) -> Response[bytes]:
    return json_response([f"/services/data/{version}/sobjects/{sobject.name}/"
                          f"{salesforce_id(sobject.name, s.record.id)}" for s in found], 300)


def _moment(text: str | None, name: str) -> datetime:
    if not text:
        raise SalesforceError(400, "MISSING_ARGUMENT", f"{name} is required", [name])
    moment = iso_moment(text.strip().replace(" ", "+"))  # a query string's "+" of the offset reads as a space
    if moment is None:
        raise SalesforceError(400, "INVALID_QUERY_FILTER_OPERATOR", f"{name}: not a date and time: {text}",
                              [name])
    return moment


def create_record(ctx: ServiceContext, actor: int, sobject: str, body: dict[str, Any]) -> dict[str, Any]:
    """``POST sobjects/X``: the answer's body (201)."""
    words = vocabulary(ctx, sobject_map(sobject, writing=True))
    with salesforce_names(words):
        values, custom = to_values(words, body, creating=True)
        stored = gateway.create(ctx, actor, words.sobject.record_type, values, custom)
    return {"id": salesforce_id(words.sobject.name, stored.record.id), "success": True, "errors": []}


def read_record(ctx: ServiceContext, actor: int, version: str, sobject: str, record: str,
                names: list[str]) -> dict[str, Any]:
    words = vocabulary(ctx, sobject_map(sobject))
    if words.sobject.record_type in PART_KINDS:
        for name in names:
            words.field(name)  # an unknown name is INVALID_FIELD, as for the other objects
        with salesforce_names(words):
            found = gateway_parts.read(ctx, actor, words.sobject.record_type,
                                       _record_id(words.sobject, record, reading=True), names or None,
                                       f"/services/data/{version}")
        return dict(json_value(found))
    with salesforce_names(words):
        stored = gateway.read(ctx, actor, words.sobject.record_type, _record_id(words.sobject, record, reading=True))
        return render(words, stored, version, names or None)


def update_record(ctx: ServiceContext, actor: int, sobject: str, record: str, body: dict[str, Any]) -> None:
    words = vocabulary(ctx, sobject_map(sobject, writing=True, verb="changed"))
    with salesforce_names(words):
        values, custom = to_values(words, body, creating=False)
        gateway.update(ctx, actor, words.sobject.record_type, _record_id(words.sobject, record, reading=False),
                       values, custom)


def delete_record(ctx: ServiceContext, actor: int, sobject: str, record: str) -> None:
    target = sobject_map(sobject, writing=True, verb="deleted")
    gateway.delete(ctx, actor, target.record_type, _record_id(target, record, reading=False))


class DataController(Controller):
    path = "/services/data/{version:str}"
    include_in_schema = False

    @get("/", sync_to_thread=False)
    def resources(self, version: str) -> Response[bytes]:
        return json_response(resources(checked_version(version)))

    @get("/limits", sync_to_thread=False)
    def limits(self, request: Request[Any, Any, Any], version: str, actor: int, state: State) -> Response[bytes]:
        checked_version(version)
        return json_response({"DailyApiRequests": daily_api_requests(request, state)})

    @get("/sobjects", sync_to_thread=False)
    def global_describe(self, version: str, actor: int) -> Response[bytes]:
        return json_response(global_describe(checked_version(version)))

    @get("/sobjects/{sobject:str}", sync_to_thread=False)
    def basic_info(self, version: str, actor: int, sobject: str) -> Response[bytes]:
        return json_response({"objectDescribe": object_summary(sobject_map(sobject), checked_version(version)),
                              "recentItems": []})

    @get("/sobjects/{sobject:str}/describe", sync_to_thread=True)
    def describe(self, version: str, actor: int, ctx: ServiceContext, sobject: str) -> Response[bytes]:
        return json_response(describe(vocabulary(ctx, sobject_map(sobject)), checked_version(version)))

    @post("/sobjects/{sobject:str}", sync_to_thread=True)
    def create(self, version: str, actor: int, ctx: ServiceContext, sobject: str, body: bytes) -> Response[bytes]:
        checked_version(version)
        return json_response(create_record(ctx, actor, sobject, parse_body(body)), 201)

    @get("/sobjects/{sobject:str}/{record:str}", sync_to_thread=True)
    def read(self, request: Request[Any, Any, Any], version: str, actor: int, ctx: ServiceContext, sobject: str,
             record: str) -> Response[bytes]:
        checked_version(version)
        names = [n.strip() for n in request.query_params.get("fields", "").split(",") if n.strip()]
        return json_response(read_record(ctx, actor, version, sobject, record, names))

    @patch("/sobjects/{sobject:str}/{record:str}", sync_to_thread=True, status_code=204)
    def update(self, version: str, actor: int, ctx: ServiceContext, sobject: str, record: str,
               body: bytes) -> None:
        checked_version(version)
        update_record(ctx, actor, sobject, record, parse_body(body))

    @delete("/sobjects/{sobject:str}/{record:str}", sync_to_thread=True, status_code=204)
    def remove(self, version: str, actor: int, ctx: ServiceContext, sobject: str, record: str) -> None:
        checked_version(version)
        delete_record(ctx, actor, sobject, record)

    @get("/sobjects/{sobject:str}/{field:str}/{value:str}", sync_to_thread=True)
    def read_by_external_id(self, version: str, actor: int, ctx: ServiceContext, sobject: str, field: str,
                            value: str) -> Response[bytes]:
        checked_version(version)
        words = vocabulary(ctx, sobject_map(sobject))
        found = _matching(ctx, actor, words, field, value)
        if len(found) > 1:
            return _several(version, words.sobject, found)
        if not found:
            raise SalesforceError(404, "NOT_FOUND", NOT_FOUND)
        return json_response(render(words, found[0], version))

    @patch("/sobjects/{sobject:str}/{field:str}/{value:str}", sync_to_thread=True, status_code=200)
    def upsert(self, version: str, actor: int, ctx: ServiceContext, sobject: str, field: str, value: str,
               body: bytes) -> Response[bytes]:
        """Update the one record whose external id is ``value`` (204), else create it (201);
        several matches are 300 with their addresses."""
        checked_version(version)
        words = vocabulary(ctx, sobject_map(sobject, writing=True))
        found = _matching(ctx, actor, words, field, value) if field.lower() != "id" else []
        if len(found) > 1:
            return _several(version, words.sobject, found)
        kind = words.sobject.record_type
        with salesforce_names(words):
            values, custom = to_values(words, parse_body(body), creating=not found)
            if found:
                gateway.update(ctx, actor, kind, found[0].record.id, values, custom)
                return Response(None, status_code=204)
            if field.lower() == "id":
                raise SalesforceError(400, "INVALID_FIELD", "Id is not an external id field to create by", ["Id"])
            custom[words.field(field).attribute or ""] = value
            stored = gateway.create(ctx, actor, kind, values, custom)
        return json_response({"id": salesforce_id(words.sobject.name, stored.record.id), "success": True,
                              "errors": [], "created": True}, 201)

    @get("/sobjects/{sobject:str}/updated", sync_to_thread=True)
    def updated(self, version: str, actor: int, ctx: ServiceContext, sobject: str, start: str | None = None,
                end: str | None = None) -> Response[bytes]:
        """The ids of the records changed from ``start`` (included) to ``end`` (excluded)."""
        checked_version(version)
        target = sobject_map(sobject)
        low, high = _moment(start, "start"), _moment(end, "end")
        if target.record_type in PART_KINDS:
            changed = gateway_parts.changed_between(ctx, actor, target.record_type, low, high)
            if changed is None:
                raise SalesforceError(400, "INVALID_OPERATION", f"{target.name} records keep no time of change")
        else:
            changed = [s.record.id for s in gateway.find(ctx, actor, target.record_type, updated_from=low,
                                                          updated_to=high)]
        return json_response({"ids": [salesforce_id(target.name, i) for i in changed],
                              "latestDateCovered": high.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")})

    @get("/sobjects/{sobject:str}/deleted", sync_to_thread=True)
    def deleted(self, version: str, actor: int, ctx: ServiceContext, sobject: str, start: str | None = None,
                end: str | None = None) -> Response[bytes]:
        """The ids and moments of the records deleted from ``start`` (included) to ``end`` (excluded)."""
        checked_version(version)
        target = sobject_map(sobject)
        window = gateway.deleted(ctx, actor, target.record_type, _moment(start, "start"), _moment(end, "end"))
        covered = salesforce_time(window.latest_covered)
        return json_response({
            "deletedRecords": [{"id": salesforce_id(target.name, d.record_id), "deletedDate": salesforce_time(
                d.deleted_at)} for d in window.deletions],
            "earliestDateAvailable": salesforce_time(window.earliest) if window.earliest else covered,
            "latestDateCovered": covered})
