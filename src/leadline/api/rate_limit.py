"""Rate limiting: requests per minute per client, counted by every worker of the server together.

A client is the user a valid bearer token stands for (however the header is spelled: ``bearer``,
extra spaces), else the peer address: a missing, junk or revoked token counts against its
address, so inventing tokens buys no fresh budget. Counts live in ``RateCounters``, a file the
workers share (docs/adr/0012); windows are whole minutes of the service clock. Every answer
carries ``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset``; a 429 (code
``RATE_LIMITED``) also carries ``Retry-After``, the seconds until the next minute.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import AbstractMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from leadline.domain.errors import AuthenticationError
from leadline.persistence.security.rate_counters import RateCounters
from leadline.services.context import ServiceContext
from leadline.services.security.auth import authenticate_token

WINDOW_SECONDS = 60


def client_address(request: Request[Any, Any, Any]) -> str:
    """The client's address: the peer's, or the one a trusted proxy forwarded (``api.proxy_headers``)."""
    return request.client.host if request.client else "unknown"


def client_key(request: Request[Any, Any, Any], ctx: ServiceContext) -> str:
    """``user:<id>`` for a request with a valid bearer token, else ``address:<peer address>``."""
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        try:
            return f"user:{authenticate_token(ctx, token.strip())}"
        except AuthenticationError:
            pass
    return f"address:{client_address(request)}"


class RateLimitMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}

    def __init__(self, app: ASGIApp, *, limit: int, counters: RateCounters, ctx: ServiceContext,
                 exclude: list[str]) -> None:
        super().__init__(app, exclude=exclude)
        self.limit, self.counters, self.ctx = limit, counters, ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request: Request[Any, Any, Any] = scope["litestar_app"].request_class(scope)
        now = self.ctx.now().timestamp()
        window, elapsed = divmod(now, WINDOW_SECONDS)
        hits = self.counters.hit(client_key(request, self.ctx), int(window))
        reset = str(max(1, WINDOW_SECONDS - int(elapsed)))
        headers = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(max(0, self.limit - hits)),
                   "RateLimit-Reset": reset}
        if hits > self.limit:
            raise TooManyRequestsException(f"more than {self.limit} requests this minute; retry in {reset} s",
                                           headers={**headers, "Retry-After": reset})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                response_headers = MutableScopeHeaders(message)
                for name, value in headers.items():
                    response_headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
