"""Query-count budgets through the use cases, on SQLite and PostgreSQL (tests/query_counts.py): one
lead is read and created in a fixed number of statements, and a page of 50 records costs the
statements of a page of 5."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.services import activities, records
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from tests.query_counts import (
    CREATE_LEAD_BUDGET,
    GET_LEAD_BUDGET,
    LEAD_PRODUCTS,
    add_leads,
    add_records,
    counted_statements,
    lead_values,
    lead_with_activities,
    prepare,
    shown,
    statements_of,
)


@pytest.fixture
def noted(ctx: ServiceContext, admin_id: int) -> int:
    """The organisation with a custom field on every record type; returns the admin's id."""
    prepare(ctx, admin_id)
    ctx.cache.ttl = 3600.0  # warm stays warm: a slow machine must not count a configuration version read
    return admin_id


def test_reading_a_lead_stays_within_its_budget(ctx: ServiceContext, engine: Engine, noted: int) -> None:
    lead_id = add_leads(ctx, noted, 1)[0]
    leads.get_lead(ctx, noted, lead_id)  # the configuration cache filled

    statements = statements_of(engine, lambda: leads.get_lead(ctx, noted, lead_id))

    assert len(statements) <= GET_LEAD_BUDGET, shown(statements)


def test_creating_a_lead_stays_within_its_budget(ctx: ServiceContext, engine: Engine, noted: int) -> None:
    add_leads(ctx, noted, 1)

    statements = statements_of(engine, lambda: leads.create_lead(ctx, noted, lead_values(99), products=LEAD_PRODUCTS,
                                                                 custom={"note": "x"}))

    assert len(statements) <= CREATE_LEAD_BUDGET, shown(statements)


def _page_costs(engine: Engine, list_page: Any) -> tuple[list[str], list[str]]:
    """The statements of a page of 5 rows and of a page of 50 (each checked to hold that many)."""
    list_page(5)  # the configuration cache filled
    costs = []
    for size in (5, 50):
        with counted_statements(engine) as statements:
            rows = list_page(size)
        assert len(rows) == size
        costs.append(statements)
    return costs[0], costs[1]


def test_a_page_of_leads_costs_the_same_statements_for_5_rows_as_for_50(ctx: ServiceContext, engine: Engine,
                                                                         noted: int) -> None:
    add_leads(ctx, noted, 50)

    few, many = _page_costs(engine, lambda size: leads.list_leads(ctx, noted, LeadQuery(), Page(limit=size)))

    assert len(many) == len(few), shown(many)


@pytest.mark.parametrize("kind", ["account", "contact", "opportunity"])
def test_a_page_of_records_costs_the_same_statements_for_5_rows_as_for_50(ctx: ServiceContext, engine: Engine,
                                                                           noted: int, kind: str) -> None:
    add_records(ctx, noted, kind, 50)

    few, many = _page_costs(engine, lambda size: records.list_records(ctx, noted, kind, RecordQuery(),
                                                                      Page(limit=size)))

    assert len(many) == len(few), shown(many)


def test_a_records_activities_cost_the_same_statements_for_5_as_for_50(ctx: ServiceContext, engine: Engine,
                                                                        noted: int) -> None:
    lead_ids = {size: lead_with_activities(ctx, noted, size) for size in (5, 50)}

    few, many = _page_costs(engine, lambda size: activities.list_activities(ctx, noted, "lead", lead_ids[size]))

    assert len(many) == len(few), shown(many)

