"""What every HTTP answer of the API does, whichever handler (or none: a 404, a 405) answered.

* ``HEAD`` is ``GET`` without the body (same status and headers, ``Content-Length`` included);
* ``OPTIONS`` lists in ``Allow`` every method of the path, ``HEAD`` with ``GET`` (the router's own
  answer lists the methods of one handler only), and so does a 405's ``Allow``;
* every answer carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
  ``Referrer-Policy: same-origin`` (no address of a page, with its ids and search words, goes to
  another site), and a Content-Security-Policy: an HTML page may run scripts served by this
  server, load its styles and images, connect back to it, and never be framed; the API's docs
  page alone may also run its own inline script (by its hash), the web pages none (their scripts
  are files under ``web/static``); anything else may load nothing and be framed by nothing;
* JSON answers (records, tokens, problems) carry ``Cache-Control: no-store``: they are for the
  caller alone and change with every write.

It wraps the Litestar application's ASGI handler (``install``), outside its router, so that it
sees requests before routing and every answer, the error handlers' included.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from litestar import Litestar

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]

ALWAYS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"same-origin")]
NOTHING = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
NO_STORE = (b"cache-control", b"no-store")
PAGE_POLICY = ("default-src 'none'; script-src 'self' {scripts}; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
#: The pages whose inline scripts are allowed by their hashes: the API's docs (Swagger UI).
HASHED_SCRIPTS = "/api/"
_PARAMETER_TYPE = re.compile(r":[^}]*}")
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def install(app: Litestar) -> None:
    """Wrap ``app``'s ASGI handler (once, after it is built)."""
    inner: ASGIApp = app.asgi_handler

    async def hygienic(scope: Any, receive: Any, send: Send) -> None:
        if scope["type"] != "http":
            await inner(scope, receive, send)
            return
        method = scope["method"]
        if method == "HEAD":  # routed as GET, the body dropped below; the server's scope still says HEAD
            scope = {**scope, "method": "GET"}
        await inner(scope, receive, _Answer(app, scope, send, method).send)

    app.asgi_handler = hygienic


class _Answer:
    """The sending side of one request: adds the headers, and drops or holds the body."""

    def __init__(self, app: Litestar, scope: Any, send: Send, method: str) -> None:
        self.app, self.scope, self._send, self.method = app, scope, send, method
        self.start: Message | None = None  # held while an HTML page's body is gathered
        self.body: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers, page = self._headers(message)
            message = {**message, "headers": headers}
            if page:
                self.start = message  # its policy names the page's inline scripts: wait for them
                return
            await self._send(message)
        elif message["type"] == "http.response.body" and self.start is not None:
            self.body.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._send_page()
        elif message["type"] == "http.response.body" and self.method == "HEAD":
            if not message.get("more_body", False):
                await self._send({"type": "http.response.body", "body": b"", "more_body": False})
        else:
            await self._send(message)

    def _headers(self, message: Message) -> tuple[list[tuple[bytes, bytes]], bool]:
        """The answer's headers with ours, and whether it is an HTML page."""
        headers = list(message.get("headers", ()))  # ASGI header names are lower case
        content_type = cache_control = allow = b""
        for name, value in headers:
            if name == b"content-type":
                content_type = value
            elif name == b"cache-control":
                cache_control = value
            elif name == b"allow":
                allow = value
        headers += ALWAYS
        page = content_type.startswith(b"text/html")
        if not page:
            headers.append(NOTHING)
        if not cache_control and b"json" in content_type:
            headers.append(NO_STORE)
        if allow:
            headers = [(n, v) for n, v in headers if n != b"allow"] + [(b"allow", self._allowed(allow))]
        return headers, page

    def _allowed(self, allow: bytes) -> bytes:
        """Every method of the path (an OPTIONS answer), else those the router named (a 405)."""
        methods = {m.strip() for m in allow.decode().split(",")}
        template = self.scope.get("path_template")
        if self.method == "OPTIONS" and template is not None:
            for path, handlers in self.app.route_handler_method_map.items():
                if _PARAMETER_TYPE.sub("}", path) == template:  # "{lead_id:int}" is "{lead_id}" there
                    methods |= set(handlers)
        if "GET" in methods:
            methods.add("HEAD")
        return ", ".join(sorted(methods)).encode()

    async def _send_page(self) -> None:
        assert self.start is not None
        body = b"".join(self.body)
        hashes = ""
        if self.scope["path"].startswith(HASHED_SCRIPTS):
            hashes = " ".join(f"'sha256-{_digest(script)}'" for script in _INLINE_SCRIPT.findall(body))
        policy = PAGE_POLICY.format(scripts=hashes).replace(" ;", ";").encode()
        await self._send({**self.start, "headers": [*self.start["headers"], (b"content-security-policy", policy)]})
        await self._send({"type": "http.response.body", "body": b"" if self.method == "HEAD" else body,
                          "more_body": False})


def _digest(script: bytes) -> str:
    return base64.b64encode(hashlib.sha256(script).digest()).decode()
