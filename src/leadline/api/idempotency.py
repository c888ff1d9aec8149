"""``Idempotency-Key`` for POSTs: a retried request gets the first response and creates nothing twice.

The key is reserved (per user) before the use case runs and completed with the response after
it commits. A retry while the first is still running gets 409; the same key with a different
request gets 422; a request that failed releases its key so it can be retried.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Request, Response

from leadline.api.money import scale_money
from leadline.services import idempotency
from leadline.services.context import ServiceContext

#: Headers of the first response that a replay repeats: they name the result.
REPLAYED_HEADERS = ("ETag", "Location")


def idempotent(request: Request[Any, Any, Any], body: bytes, ctx: ServiceContext, actor_id: int,
               run: Callable[[], Response[Any]]) -> Response[Any]:
    key = request.headers.get("idempotency-key")
    if key is None:
        return run()
    fingerprint = hashlib.sha256(f"{request.method} {request.url.path}\n".encode() + body).hexdigest()
    replay = idempotency.begin(ctx, actor_id, key, fingerprint)
    if replay is not None:
        return Response(content=replay.body.encode(), status_code=replay.status_code, media_type="application/json",
                        headers={**replay.headers, "Idempotent-Replayed": "true"})
    try:
        response = run()
    except Exception:  # a failed request (named error or not) frees its key for a retry
        idempotency.abandon(ctx, actor_id, key)
        raise
    content = response.content  # a handler may hand over its body already encoded
    encoded = content if isinstance(content, bytes) else msgspec.json.encode(scale_money(content, ctx.currency))
    kept = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
    idempotency.finish(ctx, actor_id, key, sent_status(request, response), encoded.decode(), kept)
    return response


def sent_status(request: Request[Any, Any, Any], response: Response[Any]) -> int:
    """The status the client gets: the response's own, else the route's ``status_code`` (as
    Litestar sends it). A ``Response`` leaves it unset (None) unless the handler names one, and
    storing None would leave the key looking in flight, so a retry got IDEMPOTENCY_KEY_IN_USE."""
    return response.status_code or request.route_handler.status_code
