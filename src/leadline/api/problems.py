"""Every error as ``application/problem+json`` (RFC 9457) with a stable UPPER_SNAKE code.

One table (``leadline/http_status.py``, shared with the web pages) maps domain error codes to
HTTP statuses; nothing else in the API chooses a status for an error. A response never carries a stack trace.

422 means the request itself breaks a rule (a bad value, a missing required reason): the same
request never succeeds. 409 means the request is sound but the stored state refuses it: a
status move the configured workflow does not allow, a lead that does not (yet) meet its criteria
(``CRITERIA_NOT_MET``: complete the lead, or send an override with a reason), an undo refused
because records were used since. 503 means the service cannot answer now and says when to try
again (``Retry-After``): the database cannot be reached. Errors with several causes list each in ``errors``, as
``{field, message}`` (an unmet criterion as ``criteria.<name>``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from leadline.domain.common import DAY_RULE
from leadline.domain.errors import LeadlineError
from leadline.http_status import status_of

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("leadline.api")

#: HTTP status of a framework error -> our code.
CODE_OF_STATUS: dict[int, str] = {
    400: "MALFORMED_REQUEST", 401: "AUTHENTICATION_FAILED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 406: "NOT_ACCEPTABLE", 409: "CONFLICT", 412: "STALE_RECORD",
    413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE", 422: "VALIDATION_FAILED", 429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}


def problem(status: int, code: str, detail: str, *, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"urn:leadline:problem:{code.lower().replace('_', '-')}",
        "title": code.replace("_", " ").capitalize(),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def leadline_error(_: Request[Any, Any, Any], error: LeadlineError) -> Response[dict[str, Any]]:
    status = status_of(error)
    errors = [{"field": error.field, "message": error.message}] if error.field else []
    errors += [{"field": field, "message": message} for field, message in error.details]
    if status == 422 and not errors:
        errors = [{"field": "", "message": error.message}]
    headers = {"WWW-Authenticate": 'Bearer realm="leadline"'} if status == 401 else {}
    retry_after = getattr(error, "retry_after", None)  # a transient refusal (429, 503) says when to retry
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return problem(status, error.code, str(error), errors=errors or None, headers=headers or None)


def http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code
    code = CODE_OF_STATUS.get(status, "HTTP_ERROR")
    if isinstance(error, ValidationException):
        errors = [_field_error(item) for item in (error.extra or []) if isinstance(item, dict)]
        malformed = any("json" in str(e.get("message", "")).lower() and not e.get("field") for e in errors)
        if malformed or not errors:
            return problem(400, "MALFORMED_REQUEST", str(error.detail))
        return problem(422, "VALIDATION_FAILED", "the request does not match the schema", errors=errors)
    headers = {k: str(v) for k, v in (error.headers or {}).items()}
    return problem(status, code, str(error.detail), headers=headers or None)


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[dict[str, Any]]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return problem(HTTP_500_INTERNAL_SERVER_ERROR, "INTERNAL_ERROR", "an unexpected error occurred; it was logged")


#: msgspec's refusal of a date (not of a date-time), said as every date input says it
_NOT_A_DATE = re.compile(r"^Invalid RFC3339 encoded date\b")


def _field_error(item: dict[str, Any]) -> dict[str, str]:
    field = str(item.get("key") or "")
    message = str(item.get("message") or "invalid")
    if "`$." in message:  # msgspec names the path in the message: "... - at `$.email`"
        field = message.rsplit("`$.", 1)[1].rstrip("`")
    elif "unknown field `" in message:
        field = message.split("unknown field `", 1)[1].split("`", 1)[0]
    if _NOT_A_DATE.match(message):  # the one date rule's words (domain.common.date_field)
        message = f"is not a date ({DAY_RULE})"
    return {"field": field.removeprefix("$.").replace("[", ".").replace("]", ""), "message": message}


#: Status-code keys catch what the router raises itself (no such route, wrong method).
EXCEPTION_HANDLERS = {LeadlineError: leadline_error, HTTPException: http_error, Exception: unexpected_error,
                      404: http_error, 405: http_error, 500: unexpected_error}
