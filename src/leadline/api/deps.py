"""What every handler is given: the service context and the authenticated user's id.

Authentication is ``Authorization: Bearer <token>``; the token is checked by the auth use case.
Everything except health and (later) public forms requires it.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State

from leadline.domain.errors import AuthenticationError, ValidationError
from leadline.services.context import ServiceContext
from leadline.services.security.auth import authenticate_token


def provide_context(state: State) -> ServiceContext:
    context: ServiceContext = state.context
    return context


def provide_actor(request: Request[Any, Any, Any], ctx: ServiceContext) -> int:
    """The authenticated user's id. It depends on ``ctx`` so that Litestar resolves the two one
    after the other: two independent dependencies are resolved in a task group, which cost more
    than everything else of a get-lead request together."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("send an API token as 'Authorization: Bearer <token>'", field="authorization")
    return authenticate_token(ctx, token.strip())


def etag(version: int) -> str:
    return f'"v{version}"'


def expected_version(request: Request[Any, Any, Any]) -> int | None:
    """The version an ``If-Match`` header names; None without the header. ``*`` matches any."""
    header = request.headers.get("if-match")
    if header is None or header.strip() == "*":
        return None
    text = header.strip().removeprefix("W/").strip('"')
    if not text.startswith("v") or not text[1:].isdigit():
        raise ValidationError(f"{header!r} is not an ETag of this API", field="If-Match")
    return int(text[1:])
