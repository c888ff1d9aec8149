"""``Idempotency-Key`` for POSTs: a retried request gets the first response and creates nothing twice.

The use case writes the key and the response in its own transaction (services/security/idempotency.py),
so after a crash a retry replays the stored response or, if nothing was committed, runs once. The
same key with a different request gets 422; a request that failed keeps nothing, so it can be
retried; a request that loses to one with the same key running at the same moment replays it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from litestar import Request, Response

from leadline.api.money import scale_money
from leadline.services.context import ServiceContext
from leadline.services.security import idempotency
from leadline.services.security.idempotency import IdempotencyClaim, StoredResponse

#: Headers of the first response that a replay repeats: they name the result.
REPLAYED_HEADERS = ("ETag", "Location")

R = TypeVar("R")
AnyRequest = Request[Any, Any, Any]


def idempotent(request: AnyRequest, body: bytes, ctx: ServiceContext, actor_id: int,
               use_case: Callable[[IdempotencyClaim[R] | None], R],
               render: Callable[[R], Response[Any]]) -> Response[Any]:
    """``render(use_case(claim))``, with the claim of the request's ``Idempotency-Key`` (None
    without one). ``render`` runs inside the use case's transaction: it must not read storage."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return render(use_case(None))
    rendered: list[Response[Any]] = []

    def keep(result: R) -> StoredResponse:
        rendered.append(render(result))
        return stored(request, ctx, rendered[-1])

    claim = IdempotencyClaim(actor_id, key, fingerprint(request, body), keep)
    first = idempotency.first_response(ctx, claim)
    if first is not None:
        return replay(first)
    try:
        result = use_case(claim)
        if claim.kept is None:  # the use case had nothing to write: keep its answer alone
            idempotency.keep_alone(ctx, claim, result)
    except Exception:  # a request with the same key may have committed first: its answer is the answer
        first = idempotency.first_response(ctx, claim)
        if first is None:
            raise
        return replay(first)
    return rendered[-1]


def fingerprint(request: AnyRequest, body: bytes) -> str:
    return hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()


def replay(first: StoredResponse) -> Response[Any]:
    return Response(content=first.body.encode(), status_code=first.status_code, media_type="application/json",
                    headers={**first.headers, "Idempotent-Replayed": "true"})


def stored(request: AnyRequest, ctx: ServiceContext, response: Response[Any]) -> StoredResponse:
    """The response as a replay repeats it: its status, its body encoded as sent, the headers that
    name the result."""
    content = response.content  # a handler may hand over its body already encoded
    encoded = content if isinstance(content, bytes) else msgspec.json.encode(scale_money(content, ctx.currency))
    kept = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
    return StoredResponse(sent_status(request, response), encoded.decode(), kept)


def sent_status(request: AnyRequest, response: Response[Any]) -> int:
    """The status the client gets: the response's own, else the route's ``status_code`` (as
    Litestar sends it): a ``Response`` leaves it unset unless the handler names one."""
    return response.status_code or request.route_handler.status_code
