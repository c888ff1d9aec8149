"""Malformed input that the framework itself would turn into a 500, refused as a 4xx instead.

* A JSON body nested deeper than the decoder can follow (``[`` x 100,000, sent without a token to
  ``POST /auth/token``) is a 400 ``MALFORMED_REQUEST``, never a ``RecursionError``.
* A docs asset named with a NUL or another control character (``/docs-assets/%00``) does not
  exist: 404, where the file system would have raised ``ValueError``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException, NotFoundException


class GuardedRequest(Request[Any, Any, Any]):
    """The request of every route: its JSON body decodes or is a 400."""

    async def json(self) -> Any:
        try:
            return await super().json()
        except RecursionError:
            raise ClientException("the JSON body is nested too deeply") from None


async def refuse_control_characters(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook of the static files: a path with a control character is not a file."""
    if any(ord(ch) < 32 for ch in request.url.path):
        raise NotFoundException("there is no such file")
