"""Idempotency keys: remember the first outcome of a request so a retry neither repeats its
effect nor gets a different answer, whatever crashed in between.

The key and the response it replays are written by the use case itself, in its own unit of work,
just before it commits (``commit``): they commit with the use case's records or not at all. So
a key is never "in flight": after any crash a retry either finds the stored response and replays
it, or finds nothing (nothing was committed) and runs once. Two requests with the same key at the
same moment both run; the second to commit breaks the key's unique rule, rolls back everything it
did, and replays the first one's response (``first_response``).

Transports make an ``IdempotencyClaim`` (the key, the user, a fingerprint of the request and how
to render the use case's result as the response) and hand it to the use case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from leadline.domain.errors import ValidationError
from leadline.services.context import ServiceContext

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

MAX_KEY_LENGTH = 255

R = TypeVar("R")


class IdempotencyKeyReusedError(ValidationError):
    code = "IDEMPOTENCY_KEY_REUSED"


@dataclass(frozen=True)
class StoredResponse:
    """The first outcome of a request, for its retries."""

    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class IdempotencyClaim(Generic[R]):
    """A request's ``Idempotency-Key`` handed to its use case: who sent it, a fingerprint of the
    request (the same key with another request is refused), and ``render``, which turns the use
    case's result into the response to keep. ``kept`` is that response once the use case wrote it."""

    actor_id: int
    key: str
    fingerprint: str
    render: Callable[[R], StoredResponse]
    kept: StoredResponse | None = None

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > MAX_KEY_LENGTH:
            raise ValidationError(f"must be 1 to {MAX_KEY_LENGTH} characters", field="Idempotency-Key")


def commit(ctx: ServiceContext, uow: UnitOfWork, claim: IdempotencyClaim[R] | None, result: R) -> R:
    """Commit a use case's unit of work; with ``claim``, the key and the response rendered from
    ``result`` are written first, in the same transaction: both commit, or neither.

    Raises ``ConflictError`` when a request with the same key committed first (nothing of this
    one is kept then; ``first_response`` finds the winner's answer)."""
    if claim is not None:
        uow.flush()  # what the response shows is what is stored
        response = claim.render(result)
        uow.idempotency.add(claim.actor_id, claim.key, claim.fingerprint, ctx.now(), status_code=response.status_code,
                            body=response.body, headers=response.headers)
        claim.kept = response
    uow.commit()
    return result


def keep_alone(ctx: ServiceContext, claim: IdempotencyClaim[R], result: R) -> StoredResponse:
    """Keep the response of a use case that wrote nothing (it had nothing to change, or an
    all-or-nothing call rolled back), so its retries get the same answer."""
    with ctx.uow_factory() as uow:
        commit(ctx, uow, claim, result)
    assert claim.kept is not None
    return claim.kept


def first_response(ctx: ServiceContext, claim: IdempotencyClaim[Any]) -> StoredResponse | None:
    """The stored response of ``claim``'s key, None if the key was never committed. Refuses a key
    kept for a different request (``IDEMPOTENCY_KEY_REUSED``)."""
    with ctx.reader() as uow:
        existing = uow.idempotency.find(claim.actor_id, claim.key)
        if existing is None:
            return None
        if existing.fingerprint != claim.fingerprint:
            raise IdempotencyKeyReusedError("this key was used for a different request", field="Idempotency-Key")
        headers = json.loads(existing.response_headers) if existing.response_headers else {}
        return StoredResponse(existing.status_code, existing.response, headers)
