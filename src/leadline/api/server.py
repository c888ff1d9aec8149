"""The HTTP server's connection limits (``leadline serve``): uvicorn's httptools protocol with
bounds it does not have of its own.

* a request's line and headers together at most ``MAX_HEADER_BYTES``, and at most ``MAX_HEADERS``
  headers: beyond either, 431 and the connection closed;
* the headers of a request complete within ``LEADLINE_HEADER_TIMEOUT`` seconds of the connection
  (or of the request's first byte on a kept-alive one), and its body within
  ``LEADLINE_BODY_TIMEOUT`` seconds of its headers: else 408 and the connection closed, so a
  client that sends slowly or stops half-way cannot hold a connection (and a worker's attention);
* an idle kept-alive connection is closed after 5 seconds (uvicorn's own option, given by
  ``leadline serve`` with this class, by name: the command line does not import the API).

The time the application takes to answer is not bounded here: the body is complete by then.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from leadline.config import get_settings

MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 100


def _refusal(status: bytes) -> bytes:
    return b"HTTP/1.1 " + status + b"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class BoundedHttpProtocol(HttpToolsProtocol):
    """One client connection, with the bounds above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        settings = get_settings()
        self._header_timeout = settings.header_timeout
        self._body_timeout = settings.body_timeout
        self._deadline: asyncio.TimerHandle | None = None
        self._header_bytes = 0
        self._header_count = 0
        self._too_large = False
        self._reading_headers = True  # False once a request's headers are in, until the next begins

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self._header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """A request the parser stopped: too large headers (stopped by ``_count``) get 431."""
        if self._too_large:
            self._refuse(b"431 Request Header Fields Too Large")
            return
        super().send_400_response(msg)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = self._header_count = 0
        self._arm(self._header_timeout)
        self._reading_headers = True

    def on_url(self, url: bytes) -> None:
        self._count(len(url), 0)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value), 1)
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._arm(self._body_timeout)
        self._reading_headers = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _count(self, size: int, headers: int) -> None:
        self._header_bytes += size
        self._header_count += headers
        if self._header_bytes > MAX_HEADER_BYTES or self._header_count > MAX_HEADERS:
            self._too_large = True
            raise ValueError("request headers too large")  # stops the parser; answered by send_400_response

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._reading_headers and self.cycle is not None and not self.cycle.response_complete:
            self._arm(self._header_timeout)  # a pipelined request, unread while the one before is answered
            return
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()
            return
        self._refuse(b"408 Request Timeout")

    def _refuse(self, status: bytes) -> None:
        self._disarm()
        if self.cycle is not None and not self.cycle.response_complete:
            self.cycle.disconnected = True  # the application's answer, if any, goes nowhere
        self.transport.write(_refusal(status))
        self.transport.close()
