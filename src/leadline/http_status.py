"""The HTTP status of each domain error code: the one table the API (api/problems.py) and the web
pages (a refused form, a board or forecast refusal, an error page) answer by, so that the same
refusal has the same status everywhere: ``PERMISSION_DENIED`` is 403 on both.

It sits beside the layers (it imports only the domain's errors), so both transports may use it.
Codes absent from the table are 400.
"""

from __future__ import annotations

from leadline.domain.errors import LeadlineError

#: Domain error code -> HTTP status. Codes absent here are 400.
STATUS_OF_CODE: dict[str, int] = {
    "VALIDATION_FAILED": 422,
    "INVALID_STATUS": 422,
    "REASON_REQUIRED": 422,
    "CLOSE_DATE_IN_FUTURE": 422,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "STATUS_IN_USE": 409,
    "LEAD_READ_ONLY": 409,
    "LEAD_ALREADY_CONVERTED": 409,
    "STATUS_TRANSITION_NOT_ALLOWED": 409,
    "STATUS_UNCHANGED": 409,
    "CRITERIA_NOT_MET": 409,
    "DUPLICATE_HIDDEN": 409,
    "DUPLICATE_BLOCKED": 409,
    "MERGE_REFUSED": 409,
    "RECORD_MERGED": 409,
    "UNDO_REFUSED": 409,
    "OPPORTUNITY_CLOSED": 409,
    "CONFIGURATION_INVALID": 409,
    "IDEMPOTENCY_KEY_REUSED": 422,
    "STALE_RECORD": 412,
    "PERMISSION_DENIED": 403,
    "AUTHENTICATION_FAILED": 401,
    "SIGN_IN_THROTTLED": 429,
    "DATABASE_NOT_READY": 503,
    "DATABASE_UNAVAILABLE": 503,
}


def status_of(error: LeadlineError) -> int:
    """``error``'s HTTP status: ``status_of(PermissionDeniedError("..."))`` is 403."""
    return STATUS_OF_CODE.get(error.code, 400)
