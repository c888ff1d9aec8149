"""Unknown query parameters are refused, for every route at once.

A misspelt or unsupported filter (``GET /opportunities?stage=Negotiation`` before stages were a
filter) used to be ignored, so the client got every record and took it for the filtered list.
Each route's handler declares its query parameters; anything else in the query string is a 422
``VALIDATION_FAILED`` naming each unknown parameter and the ones the route takes. A handler that
reads parameters by a pattern of its own declares their prefix in its ``opt``
(``opt={"query_prefixes": ("custom.",)}``).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Request

from leadline.domain.errors import ValidationError

_NAMES = "leadline_query_names"  # app state: id of each route handler -> the query parameters it takes


def remember_query_names(app: Litestar) -> None:
    """Record, for every route handler of ``app``, the query parameters it declares (its own and its
    dependencies', by the name a client sends)."""
    names: dict[int, frozenset[str]] = {}
    for route in app.routes:
        for handler, model in getattr(route, "route_handler_map", {}).values():
            names[id(handler)] = frozenset(p.field_alias for p in model.expected_query_params)
    app.state[_NAMES] = names


async def refuse_unknown_query(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook: 422 when the query string holds a parameter the route does not take."""
    if not request.scope.get("query_string") or request.method == "OPTIONS":  # a preflight names the real URL
        return
    handler = request.route_handler
    known = request.app.state[_NAMES].get(id(handler), frozenset())
    prefixes = tuple(handler.opt.get("query_prefixes", ()))
    unknown = [name for name in dict.fromkeys(request.query_params)
               if name not in known and not (prefixes and name.startswith(prefixes))]
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise ValidationError(f"unknown query parameter {unknown[0]!r}; this endpoint takes: {takes}",
                              field=unknown[0], details=[(name, "unknown query parameter") for name in unknown[1:]])
