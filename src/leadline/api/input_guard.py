"""Malformed input that the framework itself would turn into a 500, refused as a 4xx instead.

* A JSON body nested deeper than the decoder can follow (``[`` x 100,000, sent without a token to
  ``POST /auth/token``) is a 400 ``MALFORMED_REQUEST``, never a ``RecursionError``.
* A body is read as strictly as the OpenAPI document describes it: ``0``/``1`` are not booleans and
  ``"5"`` is not an integer (the framework's own conversion is lax, made for query strings), so a
  value of the wrong JSON type is a 422 naming the field.
* A docs asset named with a NUL or another control character (``/docs-assets/%00``) does not
  exist: 404, where the file system would have raised ``ValueError``.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ClientException, NotFoundException, ValidationException


class GuardedRequest(Request[Any, Any, Any]):
    """The request of every route: its JSON body decodes or is a 400, and has the JSON types of the
    handler's body type or is a 422."""

    async def json(self) -> Any:
        try:
            body = await super().json()
        except RecursionError:
            raise ClientException("the JSON body is nested too deeply") from None
        _refuse_loose_types(body, self.route_handler.parsed_data_field)
        return body


def _refuse_loose_types(body: Any, data_field: Any) -> None:
    """Convert ``body`` to the handler's body type strictly (only to check it; the framework then
    converts it as usual, which for a body that passes gives the same value)."""
    if data_field is None:
        return
    try:
        msgspec.convert(body, data_field.annotation, strict=True)
    except msgspec.ValidationError as error:
        raise ValidationException("the request does not match the schema", extra=[{"message": str(error)}]) from None


async def refuse_control_characters(request: Request[Any, Any, Any]) -> None:
    """``before_request`` hook of the static files: a path with a control character is not a file."""
    if any(ord(ch) < 32 for ch in request.url.path):
        raise NotFoundException("there is no such file")
