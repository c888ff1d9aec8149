"""The OpenAPI document as strict as the server, so that a client (or a fuzzer) generating valid
requests from it is not refused, and one sending what the server refuses can tell from it.

Litestar renders every numeric bound as a float (an id's maximum, 2^63-1, as
``9.223372036854776e+18``, which is 2^63 and so admits an id the server refuses), and does not
say that a request body refuses unknown fields. ``tighten`` mends the rendered document:

* the bounds of an integer are integers (ids get their exact bound at the source, ``RecordId``);
* a body schema whose msgspec struct forbids unknown fields has ``additionalProperties: false``;
* the values the domain refuses, which Litestar cannot say (it drops the constraints of a union's
  members, so an optional field loses its pattern): ``FIELD_RULES`` adds them to the string member
  of each request-body property and parameter of that name; the fields a create needs are
  ``required`` in its own copy of the body schema (``CREATE_REQUIRES``); the server is unchanged;
* an operation whose handler takes no authenticated user (``/health``, signing in) needs no
  token (``security: []``; the document's default is a bearer token).
"""

from __future__ import annotations

import copy
import re
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin

from leadline.domain.activities import ActivityKind
from leadline.domain.assignment import GroupMethod
from leadline.domain.campaigns.campaign import CampaignStatus, CampaignType
from leadline.domain.common import INDUSTRY_LENGTH
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.reasons import ReasonKind
from leadline.domain.currencies import ISO_4217_CODES, LEFT_OUT
from leadline.domain.ids import RECORD_ID_PATTERN
from leadline.domain.opportunities.opportunity import ContactRoleKind, ForecastCategory, Outcome
from leadline.domain.security.users import Role

#: Some character that is not a space: the domain trims text and refuses what is left empty.
#: Written out, as Python (the server) and ECMA 262 (the document) disagree on what ``\s`` holds.
NOT_BLANK = r"[^\s\x1c-\x1f\x85\ufeff]"
#: An amount, quantity or rate as text: digits (thousands may be grouped with commas), an optional
#: fraction, below 10^14 (what a NUMERIC(18,4) column holds).
DECIMAL = r"^\s*(?:[0-9]{1,3}(?:,[0-9]{3}){1,3}|0*[0-9]{1,14})(?:\.[0-9]+)?\s*$"
#: A year 1900-2999, a fiscal quarter or a month of it, or a period relative to today.
PERIOD = (r"^\s*(?:(?:19|2[0-9])[0-9]{2}(?:-(?:[Qq][1-4]|0?[1-9]|1[0-2]))?"
          r"|(?:this|last|next)-(?:month|quarter|year))\s*$")
DAY = r"^(?:19|2[0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
EMAIL = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
API_NAME = r"^[a-z][a-z0-9_]{0,62}$"
CUSTOM_FILTER = rf"^\s*(?:custom\.)?[a-z][a-z0-9_]{{0,62}}\s*=.*{NOT_BLANK}"


def _text(max_length: int) -> dict[str, Any]:
    return {"minLength": 1, "maxLength": max_length, "pattern": NOT_BLANK}


def _one_of(values: Any) -> dict[str, Any]:
    return {"enum": [str(value) for value in values]}


_USER = {"maxLength": 254, "pattern": rf"{RECORD_ID_PATTERN}|@"}
_ID = {"pattern": RECORD_ID_PATTERN}
_AMOUNT = {"minLength": 1, "maxLength": 40, "pattern": DECIMAL}
_BLANK_OR_AMOUNT = {"maxLength": 40, "pattern": rf"^\s*$|{DECIMAL}"}  # a lead's: blank is none
_LABEL = _text(255)
#: property or parameter name (or Component.property) -> what the domain asks of its text: added to
#: the string member (a list's items) of a request body's property and of a parameter.
FIELD_RULES: dict[str, dict[str, Any]] = {
    "name": _LABEL, "last_name": _text(80), "company": _LABEL, "label": _LABEL, "subject": _LABEL,
    "status": _LABEL, "stage": _LABEL, "source": _LABEL, "from": _LABEL, "to": _LABEL,
    "framework": _text(40), "address": _LABEL, "field": _LABEL, "target": _LABEL,
    "CustomFieldIn.name": {"pattern": API_NAME}, "CriterionIn.name": {"pattern": API_NAME},
    "currency": {"pattern": r"^\s*[A-Za-z]{3}\s*$", **_one_of(sorted(ISO_4217_CODES - LEFT_OUT))},
    "period": {"maxLength": 40, "pattern": PERIOD}, "valid_from": {"pattern": DAY, "format": "date"},
    "owner": _USER, "user": _USER, "manager": {**_USER, "pattern": rf"^\s*$|{RECORD_ID_PATTERN}|@"},
    "account_id": _ID, "contact_id": _ID, "opportunity_id": _ID, "record_id": _ID, "product_id": _ID,
    "parent_id": _ID,
    "first_name": {"maxLength": 80}, "industry": {"maxLength": INDUSTRY_LENGTH}, "title": {"maxLength": 128},
    "city": {"maxLength": 100}, "billing_city": {"maxLength": 100}, "state": {"maxLength": 100},
    "billing_state": {"maxLength": 100}, "country": {"maxLength": 100}, "billing_country": {"maxLength": 100},
    "postal_code": {"maxLength": 20}, "billing_postal_code": {"maxLength": 20},
    "street": {"maxLength": 500}, "billing_street": {"maxLength": 500}, "phone": {"maxLength": 40},
    "email": {"maxLength": 254}, "password": {"minLength": 12},
    "amount": _AMOUNT, "quantity": _AMOUNT, "unit_price": _AMOUNT, "estimated_unit_price": _AMOUNT,
    "budget_amount": _BLANK_OR_AMOUNT, "annual_revenue": _BLANK_OR_AMOUNT, "discount_percent": _AMOUNT,
    "rate": {**_AMOUNT, "pattern": DECIMAL.replace("^", "^(?=.*[1-9])", 1)},  # above zero
    "kind": _one_of(ReasonKind), "ActivityIn.kind": _one_of(ActivityKind),
    "UserIn.role": _one_of(Role), "UserChange.role": _one_of(Role), "UserIn.email": {**_text(254), "pattern": EMAIL},
    "CallCapture.phone": _text(40), "default_owner": {**_USER, "pattern": rf"^$|{RECORD_ID_PATTERN}|@"},
    "CampaignFields.type": _one_of(CampaignType), "CampaignFields.status": _one_of(CampaignStatus),
    "GroupIn.method": _one_of(GroupMethod), "DefaultOwnerIn.owner": {**_USER, "pattern": rf"^$|{RECORD_ID_PATTERN}|@"},
    "website": {"maxLength": 255, "pattern": r"^\s*(?:[^ ]*\.[^ ]*\s*)?$"},  # none, or no space and a dot
    "role": _one_of(ContactRoleKind), "category": _one_of(ForecastCategory),
    "forecast_category": _one_of(ForecastCategory), "outcome": _one_of(Outcome),
    "object_name": _one_of(RecordType), "custom": {"pattern": CUSTOM_FILTER},
}
#: Body properties that may be left out but not be null.
NOT_NULL = frozenset({"currency", "is_decision_maker", "ContactFields.account_id", "ContactCreate.account_id"})
#: A query parameter left empty takes its default.
PARAMETER_RULES: dict[str, dict[str, Any]] = {
    "user": {**_USER, "pattern": rf"^$|{RECORD_ID_PATTERN}|@"}, "period": {"maxLength": 40, "pattern": f"^$|{PERIOD}"},
}
#: The integer member of an amount: not negative, below 10^14; a rate above zero.
INTEGER_RULES: dict[str, dict[str, Any]] = {
    name: {"minimum": 0, "maximum": 10**14 - 1} for name in
    ("amount", "quantity", "unit_price", "estimated_unit_price", "budget_amount", "annual_revenue")
} | {"rate": {"minimum": 1, "maximum": 10**14 - 1}}
#: (method, path) of a create -> the body fields it needs (no null), in a copy of its body schema.
CREATE_REQUIRES: dict[tuple[str, str], tuple[str, ...]] = {
    ("post", "/api/v1/accounts"): ("name",),
    ("post", "/api/v1/contacts"): ("account_id", "last_name"),
    ("post", "/api/v1/leads"): ("last_name", "company"),
    ("post", "/api/v1/opportunities"): ("account_id", "name"),
}

_BOUNDS = ("maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "multipleOf")
_EXACT = 2**53  # floats are exact integers up to here
_PARAMETER_TYPE = re.compile(r":[^}]*}")  # "{lead_id:int}" in a route is "{lead_id}" in the document


def tighten(document: dict[str, Any], app: Litestar) -> dict[str, Any]:
    """Mend ``document`` (``app``'s rendered OpenAPI document) in place, and return it. Idempotent."""
    _integer_bounds(document)
    strict = _strict_struct_names()
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        if name in strict and schema.get("type") == "object":
            schema["additionalProperties"] = False
    _create_requirements(document)
    _field_rules(document)
    paths = document.get("paths", {})
    _export_contents(paths)
    for path, method in _public_operations(app):
        operation = paths.get(path, {}).get(method)
        if operation is not None:
            operation["security"] = []
    return document


#: what an export answers, by its ``format`` (api/duplicates.py), and an import's error report
EXPORT_CONTENTS = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                     "format": "binary"}},
}


def _export_contents(paths: dict[str, Any]) -> None:
    """An export (and an import's error report) streams CSV or .xlsx, never JSON: its answer's
    content types, as they are."""
    for path, item in paths.items():
        streamed = path.endswith("/export") or ("/imports/" in path and path.endswith("/errors"))
        success = item.get("get", {}).get("responses", {}).get("200") if streamed else None
        if success is not None:
            success["content"] = dict(EXPORT_CONTENTS)


def _members(schema: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The members of ``schema`` (or of its items) of type ``kind``, but dates and enums."""
    members = list(schema.get("oneOf") or schema.get("anyOf") or [schema])
    members += [m["items"] for m in members if m.get("type") == "array" and "items" in m]
    return [m for m in members if m.get("type") == kind and "enum" not in m and "format" not in m]


def _constrain(schema: dict[str, Any], strings: dict[str, Any], integers: dict[str, Any]) -> None:
    for kind, rules in (("string", strings), ("integer", integers)):
        for member in _members(schema, kind):
            for key, value in rules.items():
                tighter = key == "maxLength" and key in member
                member[key] = min(value, member[key]) if tighter else value


def _field_rules(document: dict[str, Any]) -> None:
    """Add ``FIELD_RULES`` to the request-body properties and the parameters of their names."""
    for component, schema in document.get("components", {}).get("schemas", {}).items():
        if schema.get("additionalProperties") is False:
            for name, field in schema.get("properties", {}).items():
                rules = FIELD_RULES.get(f"{component}.{name}", FIELD_RULES.get(name, {}))
                _constrain(field, rules, INTEGER_RULES.get(name, {}))
                if name in NOT_NULL or f"{component}.{name}" in NOT_NULL:
                    _drop_null(field)
    for operation in (op for item in document.get("paths", {}).values() for op in item.values()):
        for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
            name = parameter.get("name")
            rules = PARAMETER_RULES.get(name, {}) if parameter.get("in") == "query" else {}
            _constrain(parameter.get("schema", {}), rules or FIELD_RULES.get(name, {}), {})


def _drop_null(schema: dict[str, Any]) -> None:
    members = [m for m in schema.pop("oneOf", schema.pop("anyOf", [])) if m.get("type") != "null"]
    schema.update(members[0] if len(members) == 1 else {"oneOf": members} if members else {})


def _create_requirements(document: dict[str, Any]) -> None:
    """Each create of ``CREATE_REQUIRES`` gets its own body schema, needing its fields (not null)."""
    schemas = document.get("components", {}).get("schemas", {})
    for (method, path), names in CREATE_REQUIRES.items():
        body = document.get("paths", {}).get(path, {}).get(method, {}).get("requestBody", {})
        content = body.get("content", {}).get("application/json", {})
        ref = content.get("schema", {}).get("$ref", "")
        name = ref.rsplit("/", 1)[-1]
        if name not in schemas:
            continue  # already done: the document is tightened once per request
        new_name = name if name.endswith("Create") else f"{name.removesuffix('Fields')}Create"
        schema = copy.deepcopy(schemas[name])
        schema["required"] = sorted({*schema.get("required", []), *names})
        for field in names:
            _drop_null(schema["properties"][field])
        schemas[new_name] = schema
        content["schema"] = {"$ref": f"#/components/schemas/{new_name}"}


def _public_operations(app: Litestar) -> list[tuple[str, str]]:
    """(path, method) of the operations whose handler is not given the authenticated user."""
    public = []
    for path, handlers in app.route_handler_method_map.items():
        for method, handler in handlers.items():
            signature = getattr(handler, "parsed_fn_signature", None)  # None: not an HTTP handler
            if method != "OPTIONS" and signature is not None and "actor" not in signature.parameters:
                public.append((_PARAMETER_TYPE.sub("}", path), method.lower()))
    return public


def _integer_bounds(node: Any) -> None:
    if isinstance(node, dict):
        kind = node.get("type")
        if kind == "integer" or (isinstance(kind, list) and "integer" in kind and "number" not in kind):
            for key in _BOUNDS:
                value = node.get(key)
                if isinstance(value, float) and value.is_integer() and abs(value) <= _EXACT:
                    node[key] = int(value)
        for value in node.values():
            _integer_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _integer_bounds(value)


def _strict_struct_names() -> set[str]:
    """Names of the msgspec structs that refuse unknown fields, where no struct of the same name
    accepts them (a component is named after its struct)."""
    strict: set[str] = set()
    lenient: set[str] = set()
    pending = list(msgspec.Struct.__subclasses__())
    while pending:
        struct = pending.pop()
        pending.extend(struct.__subclasses__())
        (strict if struct.__struct_config__.forbid_unknown_fields else lenient).add(struct.__name__)
    return strict - lenient


class StrictSwaggerRenderPlugin(SwaggerRenderPlugin):
    """The docs page, showing the tightened document."""

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, tighten(openapi_schema, request.app))


class StrictJsonRenderPlugin(JsonRenderPlugin):
    """The document as JSON (``/api/v1/docs/openapi.json``), tightened."""

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, tighten(openapi_schema, request.app))


def tightened_document(app: Litestar) -> dict[str, Any]:
    """The application's document, rendered and tightened (``/api/v1/openapi.json``)."""
    return tighten(app.openapi_schema.to_schema(), app)
