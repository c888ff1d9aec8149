"""``GET /api/v1/leads`` takes the leads list's filters (status, source, owner, rating, created
range, search) through the same resolver as the web pages, on both databases; a bad value is
refused naming its parameter (422 ``VALIDATION_FAILED``, or the name's own code)."""

from __future__ import annotations

import pytest

from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from tests.conftest import FakeClock
from tests.e2e.api_support import Caller
from tests.e2e.test_api import assert_problem


@pytest.fixture
def leads(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> dict[str, str]:
    """Hot Ames on 1 February, warm Baker on 2 February, cold Cole on 3 February (UTC)."""
    made = {}
    for day, (name, rating) in enumerate((("Ames", "hot"), ("Baker", "warm"), ("Cole", "cold")), start=1):
        clock.now = clock.now.replace(month=2, day=day, hour=12)
        made[name] = str(create_lead(ctx, admin_id, {"last_name": name, "company": "Co", "rating": rating}).lead.id)
    return made


def names(admin: Caller, **params: object) -> list[str]:
    response = admin("GET", "/leads", params={"sort": "created_at", **params})
    assert response.status_code == 200, response.text
    return [item["last_name"] for item in response.json()["items"]]


def test_leads_are_filtered_by_rating_and_created_range(admin: Caller, leads: dict[str, str]) -> None:
    assert names(admin, rating="hot") == ["Ames"]
    assert names(admin, rating=["hot", "cold"]) == ["Ames", "Cole"]
    assert names(admin, created_from="2026-02-02T00:00:00Z") == ["Baker", "Cole"]
    assert names(admin, created_from="2026-02-02T00:00:00Z", created_to="2026-02-03T00:00:00Z") == ["Baker"]
    assert names(admin, rating="warm", created_to="2026-02-02T00:00:00Z", status="Open") == []


@pytest.mark.parametrize(("params", "status", "code", "field"), [
    ({"rating": "scorching"}, 422, "VALIDATION_FAILED", "rating"),
    ({"created_from": "yesterday"}, 422, "VALIDATION_FAILED", "created_from"),
    ({"created_to": "2026-02-30T00:00:00Z"}, 422, "VALIDATION_FAILED", "created_to"),
    ({"created_from": "2026-02-03T00:00:00Z", "created_to": "2026-02-01T00:00:00Z"}, 422, "VALIDATION_FAILED",
     "created_from"),
    ({"status": "Haunted"}, 422, "INVALID_STATUS", "status"),
    ({"owner": "nobody@example.com"}, 404, "NOT_FOUND", "owner"),
])
def test_a_bad_filter_is_refused_naming_its_parameter(admin: Caller, leads: dict[str, str], params: dict[str, str],
                                                      status: int, code: str, field: str) -> None:
    assert_problem(admin("GET", "/leads", params=params), status, code, field)
