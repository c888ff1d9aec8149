"""Query-count budgets through the API, on SQLite and PostgreSQL (tests/query_counts.py): a request
for one lead, or creating one, sends the statements of its use case and no more (authentication
comes from the cache), and a page of 50 costs the statements of a page of 5."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from leadline.services.context import ServiceContext
from tests import query_counts as counts
from tests.e2e.api_support import Caller


@pytest.fixture
def noted(ctx: ServiceContext, admin_id: int, admin: Caller) -> Caller:
    """The admin's caller, with a custom field on every record type."""
    counts.prepare(ctx, admin_id)
    return admin


def _ok(response: object) -> object:
    assert response.status_code < 300, response.text  # type: ignore[attr-defined]
    return response.json()  # type: ignore[attr-defined]


def test_reading_a_lead_stays_within_its_budget(ctx: ServiceContext, engine: Engine, admin_id: int,
                                                noted: Caller) -> None:
    lead_id = counts.add_leads(ctx, admin_id, 1)[0]
    _ok(noted("GET", f"/leads/{lead_id}"))  # the caches filled

    statements = counts.statements_of(engine, lambda: _ok(noted("GET", f"/leads/{lead_id}")))

    assert len(statements) <= counts.GET_LEAD_BUDGET, counts.shown(statements)


def test_creating_a_lead_stays_within_its_budget(engine: Engine, noted: Caller) -> None:
    body = {**counts.lead_values(1), "products": counts.LEAD_PRODUCTS, "custom": {"note": "x"}}
    _ok(noted("POST", "/leads", json=body))

    second = {**body, **counts.lead_values(2)}
    statements = counts.statements_of(engine, lambda: _ok(noted("POST", "/leads", json=second)))

    assert len(statements) <= counts.CREATE_LEAD_BUDGET, counts.shown(statements)


def _page_costs(engine: Engine, caller: Caller, path_of: dict[int, str]) -> tuple[list[str], list[str]]:
    """The statements of the page of 5 rows and of the page of 50 (each checked to hold that many)."""
    _ok(caller("GET", path_of[5]))  # the caches filled
    costs = []
    for size in (5, 50):
        with counts.counted_statements(engine) as statements:
            found = _ok(caller("GET", path_of[size]))
        items = found["items"] if isinstance(found, dict) else found
        assert len(items) == size  # type: ignore[arg-type]
        costs.append(statements)
    return costs[0], costs[1]


def test_a_page_of_leads_costs_the_same_statements_for_5_rows_as_for_50(ctx: ServiceContext, engine: Engine,
                                                                         admin_id: int, noted: Caller) -> None:
    counts.add_leads(ctx, admin_id, 50)

    few, many = _page_costs(engine, noted, {size: f"/leads?limit={size}" for size in (5, 50)})

    assert len(many) == len(few), counts.shown(many)


@pytest.mark.parametrize(("kind", "path"), [("account", "/accounts"), ("contact", "/contacts"),
                                          ("opportunity", "/opportunities")])
def test_a_page_of_records_costs_the_same_statements_for_5_rows_as_for_50(
    ctx: ServiceContext, engine: Engine, admin_id: int, noted: Caller, kind: str, path: str,
) -> None:
    counts.add_records(ctx, admin_id, kind, 50)

    few, many = _page_costs(engine, noted, {size: f"{path}?limit={size}" for size in (5, 50)})

    assert len(many) == len(few), counts.shown(many)


def test_a_records_activities_cost_the_same_statements_for_5_as_for_50(ctx: ServiceContext, engine: Engine,
                                                                        admin_id: int, noted: Caller) -> None:
    paths = {size: f"/leads/{counts.lead_with_activities(ctx, admin_id, size)}/activities" for size in (5, 50)}

    few, many = _page_costs(engine, noted, paths)

    assert len(many) == len(few), counts.shown(many)
