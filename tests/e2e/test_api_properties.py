"""A property-based run over the whole OpenAPI document: for every operation, generated
requests (valid and invalid) never get a server error, and every response matches the schema
the document gives for its status."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from leadline.services import leads, records
from leadline.services.context import ServiceContext
from tests.e2e.api_support import make_app, token_for


@pytest.fixture
def api_schema(ctx: ServiceContext, engine: Any, admin_id: int) -> Any:
    # a few real records, so generated ids sometimes hit and paths past the lookup get exercised
    leads.create_lead(ctx, admin_id, {"last_name": "Seed", "company": "Seed Co"})
    records.create_account(ctx, admin_id, {"name": "Seed Co"})
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", make_app(ctx, engine))


@pytest.fixture
def bearer(ctx: ServiceContext, admin_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(ctx, admin_id, admin_id)}"}


def test_no_operation_errors_or_breaks_its_documented_responses(api_schema: Any, bearer: dict[str, str]) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 25
    for operation in operations:
        check_operation(operation, bearer)


def check_operation(operation: Any, bearer: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def generated(case: Any) -> None:
        case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance,
                                                        content_type_conformance])

    generated()
