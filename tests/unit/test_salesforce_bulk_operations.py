"""The Bulk API 2.0 operations' rules in the domain: who may run ``hardDelete`` (Salesforce's
"Bulk API Hard Delete" permission: an admin's), and that it takes a file of ids as ``delete`` does."""

from __future__ import annotations

import pytest

from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.domain.salesforce.bulk import (
    BulkOperation,
    bulk_columns,
    can_run_operation,
    ensure_can_run_operation,
    job_request,
)
from leadline.domain.salesforce.fields import LEAD
from leadline.domain.security.users import Role, User
from tests.unit.builders import raises_error

ADMIN = User(1, "Ada", "ada@example.com", Role.ADMIN)
REP = User(2, "Sam", "sam@example.com", Role.REP)


@pytest.mark.parametrize("operation", [o for o in BulkOperation if o is not BulkOperation.HARD_DELETE])
def test_every_user_may_run_every_operation_but_hard_delete(operation: BulkOperation) -> None:
    assert can_run_operation(REP, operation) and can_run_operation(ADMIN, operation)


def test_given_a_rep_when_asking_for_a_hard_delete_then_it_is_refused_on_the_operation() -> None:
    assert can_run_operation(ADMIN, BulkOperation.HARD_DELETE)
    assert not can_run_operation(REP, BulkOperation.HARD_DELETE)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="operation"):
        ensure_can_run_operation(REP, BulkOperation.HARD_DELETE)


def test_a_hard_delete_job_is_a_delete_that_takes_only_ids() -> None:
    assert job_request({"object": "Lead", "operation": "hardDelete"}, query=False)["operation"] == "hardDelete"
    assert BulkOperation.HARD_DELETE.is_delete and BulkOperation.DELETE.is_delete
    assert not BulkOperation.UPDATE.is_delete
    assert bulk_columns(LEAD, [], ["Id"], BulkOperation.HARD_DELETE, None).id_index == 0
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="Id") as refused:
        bulk_columns(LEAD, [], ["Id", "LastName"], BulkOperation.HARD_DELETE, None)
    assert refused.value.message == "InvalidBatch : The 'hardDelete' batch must contain only 'Id'"
