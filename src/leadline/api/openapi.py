"""The OpenAPI document as strict as the server, so that a client (or a fuzzer) generating valid
requests from it is not refused, and one sending what the server refuses can tell from it.

Litestar renders every numeric bound as a float (an id's maximum, 2^63-1, as
``9.223372036854776e+18``, which is 2^63 and so admits an id the server refuses), and does not
say that a request body refuses unknown fields. ``tighten`` mends the rendered document:

* the bounds of an integer are integers (ids get their exact bound at the source, ``RecordId``);
* a body schema whose msgspec struct forbids unknown fields has ``additionalProperties: false``;
* an operation whose handler takes no authenticated user (``/health``, signing in) needs no
  token (``security: []``; the document's default is a bearer token).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin

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
    paths = document.get("paths", {})
    for path, method in _public_operations(app):
        operation = paths.get(path, {}).get(method)
        if operation is not None:
            operation["security"] = []
    return document


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
