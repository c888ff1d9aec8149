"""Idempotency keys: remember the first outcome of a request so a retry neither repeats its
effect nor gets a different answer. Transports call ``begin`` before the use case and ``finish``
after it (or ``abandon`` when it failed)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from leadline.domain.errors import ConflictError, ValidationError
from leadline.services.context import ServiceContext

MAX_KEY_LENGTH = 255
#: A claimed key with no response after this long belongs to a request that died; a retry may take it.
STALE_AFTER = timedelta(minutes=2)


class IdempotencyKeyInUseError(ConflictError):
    code = "IDEMPOTENCY_KEY_IN_USE"


class IdempotencyKeyReusedError(ValidationError):
    code = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True)
class Replay:
    """The first outcome of a request, for its retries."""

    status_code: int
    body: str
    headers: dict[str, str]


def begin(ctx: ServiceContext, actor_id: int, key: str, fingerprint: str) -> Replay | None:
    """Claim ``key``; None if claimed now. For a key already completed with the same request,
    the stored outcome to replay. Refuses a key in flight or used for another request."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError(f"must be 1 to {MAX_KEY_LENGTH} characters", field="Idempotency-Key")
    with ctx.uow_factory() as uow:
        existing = uow.idempotency.reserve(actor_id, key, fingerprint, ctx.now())
        uow.commit()
    if existing is None:
        return None
    if existing.fingerprint != fingerprint:
        raise IdempotencyKeyReusedError("this key was used for a different request", field="Idempotency-Key")
    if existing.status_code is None:
        if ctx.now() - existing.created_at < STALE_AFTER:
            raise IdempotencyKeyInUseError("a request with this key is still being processed",
                                           field="Idempotency-Key")
        # the first attempt died after claiming the key: let this retry take it over
        abandon(ctx, actor_id, key)
        return begin(ctx, actor_id, key, fingerprint)
    headers = json.loads(existing.response_headers) if existing.response_headers else {}
    return Replay(existing.status_code, existing.response or "null", headers)


def finish(ctx: ServiceContext, actor_id: int, key: str, status_code: int, response: str,
           headers: Mapping[str, str] | None = None) -> None:
    """Keep the outcome: status, body and the ``headers`` a replay repeats."""
    with ctx.uow_factory() as uow:
        uow.idempotency.complete(actor_id, key, status_code, response, headers)
        uow.commit()


def abandon(ctx: ServiceContext, actor_id: int, key: str) -> None:
    with ctx.uow_factory() as uow:
        uow.idempotency.release(actor_id, key)
        uow.commit()
