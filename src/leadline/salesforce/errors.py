"""Errors as Salesforce sends them: a JSON list of ``{"message", "errorCode", "fields"}`` with
Salesforce's status. One table maps Leadline's codes to Salesforce's; nothing else chooses.

Leadline's workflow and validation rules play the part of Salesforce's validation rules, so a
refusal of theirs is ``FIELD_CUSTOM_VALIDATION_EXCEPTION``; a stale or converted record is 409.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException

from leadline.domain.errors import ConflictError, LeadlineError, ValidationError
from leadline.domain.salesforce.soql.errors import SoqlError

log = logging.getLogger("leadline.salesforce")

#: Leadline error code -> (HTTP status, Salesforce errorCode). Absent: by the error's class.
SALESFORCE_CODES: dict[str, tuple[int, str]] = {
    "REQUIRED_FIELD_MISSING": (400, "REQUIRED_FIELD_MISSING"),
    "REASON_REQUIRED": (400, "REQUIRED_FIELD_MISSING"),
    "INVALID_FIELD": (400, "INVALID_FIELD"),
    "INVALID_FIELD_FOR_INSERT_UPDATE": (400, "INVALID_FIELD_FOR_INSERT_UPDATE"),
    "MALFORMED_ID": (400, "MALFORMED_ID"),
    "INVALID_STATUS": (400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"),
    "JSON_PARSER_ERROR": (400, "JSON_PARSER_ERROR"),
    "DUPLICATE_BLOCKED": (400, "DUPLICATES_DETECTED"),
    "NOT_FOUND": (404, "NOT_FOUND"),
    "RECORD_MERGED": (404, "ENTITY_IS_DELETED"),  # as Salesforce answers a record deleted (or merged) already
    "PERMISSION_DENIED": (403, "INSUFFICIENT_ACCESS_OR_READONLY"),
    "AUTHENTICATION_FAILED": (401, "INVALID_SESSION_ID"),
    "STALE_RECORD": (409, "STALE_RECORD"),
    "LEAD_ALREADY_CONVERTED": (409, "CANNOT_UPDATE_CONVERTED_LEAD"),
    "LEAD_READ_ONLY": (409, "CANNOT_UPDATE_CONVERTED_LEAD"),
    "CONFLICT": (409, "ENTITY_IS_LOCKED"),
    "SIGN_IN_THROTTLED": (403, "REQUEST_LIMIT_EXCEEDED"),
    "DATABASE_NOT_READY": (503, "SERVER_UNAVAILABLE"),
    "DATABASE_UNAVAILABLE": (503, "SERVER_UNAVAILABLE"),
}


class SalesforceError(Exception):
    """An answer of the transport's own (a bad version, an unknown object, several matches)."""

    def __init__(self, status: int, code: str, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields or []


def status_and_code(error: LeadlineError) -> tuple[int, str]:
    if error.code in SALESFORCE_CODES:
        return SALESFORCE_CODES[error.code]
    if isinstance(error, ValidationError):
        if error.message == "is required":
            return 400, "REQUIRED_FIELD_MISSING"
        return 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    if isinstance(error, ConflictError):
        return 400, "FIELD_CUSTOM_VALIDATION_EXCEPTION"
    return 400, "INVALID_INPUT"


def error_body(status: int, code: str, message: str, fields: list[str] | None = None) -> Response[bytes]:
    body = [{"message": message, "errorCode": code, "fields": fields or []}]
    headers = {"WWW-Authenticate": 'Bearer realm="salesforce"'} if status == 401 else None
    return Response(json.dumps(body).encode(), status_code=status, media_type="application/json", headers=headers)


def error_items(error: LeadlineError | SalesforceError) -> tuple[int, list[dict[str, Any]]]:
    """The status and the body's list of one error, as every Salesforce answer writes it."""
    if isinstance(error, SalesforceError):
        return error.status, [{"message": error.message, "errorCode": error.code, "fields": error.fields}]
    status, code = status_and_code(error)
    fields = getattr(error, "salesforce_fields", None) or [f for f in (error.field, *(d[0] for d in error.details))
                                                           if f]
    message = "Session expired or invalid" if code == "INVALID_SESSION_ID" else error.message
    if code == "FIELD_CUSTOM_VALIDATION_EXCEPTION" and error.field:
        message = f"{error.field}: {error.message}"
    return status, [{"message": message, "errorCode": code, "fields": fields}]


def on_leadline_error(_: Request[Any, Any, Any], error: LeadlineError) -> Response[bytes]:
    status, items = error_items(error)
    return error_body(status, items[0]["errorCode"], items[0]["message"], items[0]["fields"])


def on_salesforce_error(_: Request[Any, Any, Any], error: SalesforceError) -> Response[bytes]:
    return error_body(error.status, error.code, error.message, error.fields)


def on_soql_error(_: Request[Any, Any, Any], error: SoqlError) -> Response[bytes]:
    """A refused query: 400 with Salesforce's code and message (the caret, row and column)."""
    return error_body(400, error.error_code, error.salesforce_message)


def on_http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    if isinstance(error, ValidationException):
        return error_body(400, "JSON_PARSER_ERROR", str(error.detail))
    if isinstance(error, NotAuthorizedException):
        return error_body(401, "INVALID_SESSION_ID", "Session expired or invalid")
    codes = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 413: "REQUEST_LIMIT_EXCEEDED", 415: "UNSUPPORTED_MEDIA_TYPE"}
    return error_body(error.status_code, codes.get(error.status_code, "INVALID_INPUT"), str(error.detail))


def on_unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return error_body(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred.")


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    LeadlineError: on_leadline_error, SalesforceError: on_salesforce_error, SoqlError: on_soql_error,
    HTTPException: on_http_error,
    Exception: on_unexpected,
}
