"""Named errors of the domain, each with a stable UPPER_SNAKE code.

Transports map these codes to their own vocabulary (exit codes, HTTP statuses)
in one table each; the code itself never changes once published.
"""

from __future__ import annotations


class LeadlineError(Exception):
    """Base of every error Leadline raises on purpose.

    ``code`` is stable and documented; ``field`` names the offending input when
    there is one, so a CLI or an API can point at it.
    """

    code = "LEADLINE_ERROR"

    def __init__(self, message: str, *, field: str | None = None,
                 details: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        #: further (field, message) pairs when one error has several causes
        self.details = details or []

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ValidationError(LeadlineError):
    """Input that breaks a rule of a single field or of the record as a whole."""

    code = "VALIDATION_FAILED"


class MalformedIdError(ValidationError):
    """Text that is not a Salesforce-style record id of the expected object (the
    Salesforce-compatible API)."""

    code = "MALFORMED_ID"


class NotFoundError(LeadlineError):
    """A record that does not exist (or, later, that the actor may not see)."""

    code = "NOT_FOUND"


class ConflictError(LeadlineError):
    """A request that contradicts the current state (a duplicate key, a record in use)."""

    code = "CONFLICT"


class ConfigurationError(LeadlineError):
    """A change to the configuration that would leave it unusable."""

    code = "CONFIGURATION_INVALID"


class StatusInUseError(ConflictError):
    """A lead status that leads still carry cannot be deleted, only deactivated."""

    code = "STATUS_IN_USE"


class InvalidStatusError(ValidationError):
    """A status that does not exist, is inactive, or may not be set by hand."""

    code = "INVALID_STATUS"


class LeadReadOnlyError(ConflictError):
    """A converted lead is a historical record; its fields no longer change."""

    code = "LEAD_READ_ONLY"


class PermissionDeniedError(LeadlineError):
    """The actor may see the record but not perform this action on it."""

    code = "PERMISSION_DENIED"


class StaleRecordError(ConflictError):
    """Someone else changed the record since it was read (optimistic concurrency)."""

    code = "STALE_RECORD"


class LeadAlreadyConvertedError(ConflictError):
    """A lead converts once; a further opportunity is an explicit, separate action."""

    code = "LEAD_ALREADY_CONVERTED"


class AuthenticationError(LeadlineError):
    """No valid credentials: a missing, unknown, expired or revoked token, or a wrong password."""

    code = "AUTHENTICATION_FAILED"


class StatusTransitionError(ConflictError):
    """A status change the organisation's transition graph does not allow."""

    code = "STATUS_TRANSITION_NOT_ALLOWED"


class StatusUnchangedError(ConflictError):
    """A move to the status the lead already has that would change nothing (an unqualified lead
    may stay unqualified only to change its reason)."""

    code = "STATUS_UNCHANGED"


class ReasonRequiredError(ValidationError):
    """Disqualifying a lead (or losing a deal) needs a reason from the configured list."""

    code = "REASON_REQUIRED"


class CriteriaNotMetError(ConflictError):
    """The lead does not meet the criteria of the step (qualification, or an opportunity at
    conversion) and no override with a written reason was given. ``details`` lists each unmet
    criterion with why."""

    code = "CRITERIA_NOT_MET"


class UndoRefusedError(ConflictError):
    """A conversion cannot be undone: something was attached to what it created since."""

    code = "UNDO_REFUSED"


class OpportunityClosedError(ConflictError):
    """A closed (won or lost) opportunity changes stage only by being reopened."""

    code = "OPPORTUNITY_CLOSED"


class CloseDateInFutureError(ValidationError):
    """A won or lost opportunity closed on a day that has come: today, or earlier when an admin
    back-dates it. A close date after today would book revenue (or a loss) in a future period."""

    code = "CLOSE_DATE_IN_FUTURE"


class DuplicateHiddenError(ConflictError):
    """Conversion would create an account or contact that matches one the actor may not see
    (under private sharing); refused unless the caller confirms a separate record."""

    code = "DUPLICATE_HIDDEN"


class DuplicateBlockedError(ConflictError):
    """Creating the record would duplicate one a ``block`` duplicate rule protects; refused unless
    the caller gives an override reason (kept in the record's history)."""

    code = "DUPLICATE_BLOCKED"


class MergeRefusedError(ConflictError):
    """A merge, or the undo of one, that cannot be done as asked (each reason in ``details``)."""

    code = "MERGE_REFUSED"


class RecordMergedError(ConflictError):
    """A change that would delete a record a merge already merged away (deleted): its message
    names the survivor; the merge's undo brings the record back."""

    code = "RECORD_MERGED"


class DatabaseUnavailableError(LeadlineError):
    """The database cannot be reached: the connection is refused, dropped, or the server is
    shutting down. The same request may succeed once it is back, so transports tell the caller
    to retry (HTTP 503 with ``Retry-After``); a write cut off this way did not happen unless its
    commit had reached the database, which a retry with the same ``Idempotency-Key`` settles."""

    code = "DATABASE_UNAVAILABLE"
    #: how long a caller should wait before trying again
    retry_after = 5
