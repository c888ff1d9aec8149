"""The client's address behind a trusted reverse proxy.

Every use of the client address (the API's rate limit, the sign-in throttle, the web-to-lead
forms' per-address limit and the address recorded on a held submission) reads the ASGI scope's
``client``. By default that is the TCP peer and ``X-Forwarded-For`` is ignored: anyone can write
that header. When the peer is one of ``LEADLINE_TRUSTED_PROXIES`` the header is believed, as far
as it was written by trusted proxies: it is read from the right (each proxy appends the address
it was connected from), trusted hops are skipped, and the first address that is not a trusted
proxy is the client. A malformed entry stops the walk (what lies left of it was written by the
client); the nearest address read so far stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from litestar.types import ASGIApp, Receive, Scope, Send

from leadline.domain.client_address import Network, forwarded_client

FORWARDED_FOR = b"x-forwarded-for"


class TrustedProxyMiddleware:
    """Rewrites the scope's ``client`` as ``forwarded_client`` says, before anything reads it."""

    def __init__(self, app: ASGIApp, networks: Sequence[Network]) -> None:
        self.app, self.networks = app, tuple(networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and self.networks:
            values = [v.decode("latin-1") for k, v in scope["headers"] if k.lower() == FORWARDED_FOR]
            if values:
                host = forwarded_client(client[0], values, self.networks)
                if host != client[0]:
                    scope["client"] = (host, 0)  # type: ignore[typeddict-item]
        await self.app(scope, receive, send)
