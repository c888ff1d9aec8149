"""Leadline's refusals as Salesforce's error codes and statuses: one table, every class covered."""

from __future__ import annotations

import json

import pytest

from leadline.domain.errors import (
    AuthenticationError,
    ConflictError,
    CriteriaNotMetError,
    LeadAlreadyConvertedError,
    LeadlineError,
    MalformedIdError,
    NotFoundError,
    PermissionDeniedError,
    StaleRecordError,
    StatusTransitionError,
    ValidationError,
)
from leadline.salesforce.errors import error_body, status_and_code
from leadline.salesforce.values import InvalidFieldError, RequiredFieldError


@pytest.mark.parametrize(("error", "expected"), [
    (RequiredFieldError("Required fields are missing: [LastName]", field="LastName"), (400, "REQUIRED_FIELD_MISSING")),
    (ValidationError("is required", field="company"), (400, "REQUIRED_FIELD_MISSING")),
    (InvalidFieldError("No such column", field="Shoe"), (400, "INVALID_FIELD")),
    (MalformedIdError("malformed id", field="AccountId"), (400, "MALFORMED_ID")),
    (ValidationError("not an e-mail address", field="email"), (400, "FIELD_CUSTOM_VALIDATION_EXCEPTION")),
    (StatusTransitionError("not allowed"), (400, "FIELD_CUSTOM_VALIDATION_EXCEPTION")),
    (CriteriaNotMetError("criteria"), (400, "FIELD_CUSTOM_VALIDATION_EXCEPTION")),
    (AuthenticationError("no"), (401, "INVALID_SESSION_ID")),
    (PermissionDeniedError("read only"), (403, "INSUFFICIENT_ACCESS_OR_READONLY")),
    (NotFoundError("no such lead"), (404, "NOT_FOUND")),
    (StaleRecordError("changed"), (409, "STALE_RECORD")),
    (LeadAlreadyConvertedError("converted"), (409, "CANNOT_UPDATE_CONVERTED_LEAD")),
    (ConflictError("in use"), (409, "ENTITY_IS_LOCKED")),
])
def test_each_refusal_has_salesforces_status_and_code(error: LeadlineError, expected: tuple[int, str]) -> None:
    assert status_and_code(error) == expected


def test_an_error_is_a_list_of_message_code_and_fields() -> None:
    response = error_body(400, "INVALID_FIELD", "No such column 'Shoe'", ["Shoe"])
    assert json.loads(response.content) == [{"message": "No such column 'Shoe'", "errorCode": "INVALID_FIELD",
                                             "fields": ["Shoe"]}]
    assert response.status_code == 400
