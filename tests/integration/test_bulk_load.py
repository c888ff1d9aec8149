"""A bulk load (``UnitOfWork.bulk_load``: COPY on PostgreSQL, ``persistence/bulk_rows.py``) stores
exactly what the plain executemany stores, and a broken rule is the same named refusal with
nothing kept; an import's new leads hold the funnel step their history gives without a rewrite."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from leadline.domain.errors import ConflictError
from leadline.domain.ids import new_ids
from leadline.domain.leads.lead import Lead, ProductInterest, Rating
from leadline.persistence.bulk_rows import COPY_FROM_ROWS, copies
from leadline.persistence.leads.status_reach import refresh_status_reach
from leadline.services.context import ServiceContext
from tests.integration.test_lead_import import all_leads, report, run, write_csv

#: text a COPY row must escape (tab, newline, backslash, the NULL marker) and non-ASCII
AWKWARD = ["plain", "tab\there", "line\nbreak", "back\\slash", "\\N", "Zoë Ünïcode ✓", "", "trailing \r"]


def _leads(ctx: ServiceContext, company: str, status_id: int, count: int) -> list[Lead]:
    base = datetime(2026, 12, 7, 4, 30, 15, 123456, tzinfo=UTC)
    leads = []
    for n, lead_id in enumerate(new_ids(count)):
        at = base + timedelta(seconds=n)
        leads.append(Lead(
            id=lead_id, last_name=f"L{n:03d} {AWKWARD[n % len(AWKWARD)]}", company=company, status_id=status_id,
            created_at=at, updated_at=at, first_name=None if n % 3 else "Ann", email=f"p{n}@x.example",
            annual_revenue=Decimal("12500000.50") if n % 2 else None, number_of_employees=n or None,
            rating=Rating.HOT if n % 4 == 0 else None, budget_amount=Decimal("10.5") if n % 2 else Decimal("10.50"),
            purchase_timeframe=date(2027, 1, 1 + n % 28), is_decision_maker=bool(n % 2),
            description=AWKWARD[(n + 3) % len(AWKWARD)],
            products=[ProductInterest("P", Decimal("1.00"), Decimal("10.50"))] if n % 5 == 0 else []))
    return leads


def _stored(engine: Engine, company: str) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        leads = connection.execute(text(
            "SELECT last_name, first_name, email, annual_revenue, number_of_employees, rating, budget_amount,"
            " purchase_timeframe, is_decision_maker, description, created_at, updated_at, version, currency,"
            " p.position, p.product_name, p.quantity, p.estimated_unit_price, s.changed_at, s.note, a.changes"
            " FROM leads l LEFT JOIN lead_product_interests p ON p.lead_id = l.id"
            " JOIN lead_status_changes s ON s.lead_id = l.id JOIN audit_events a ON a.record_id = l.id"
            " WHERE l.company = :company ORDER BY l.last_name"), {"company": company})
        return [tuple(row) for row in leads]


def _write(ctx: ServiceContext, leads: list[Lead], *, bulk: bool) -> None:
    with ctx.uow_factory() as uow:
        if bulk:
            uow.bulk_load()
        uow.leads.add_many(leads)
        uow.leads.record_status_changes([uow.leads.status_change_values(
            lead.id, None, lead.status_id, None, lead.created_at, note=lead.description) for lead in leads])
        uow.audit.record_many([uow.audit.event_values("create", "lead", lead.id, None, lead.created_at,
                                                      {"last_name": (None, lead.last_name)}) for lead in leads])
        uow.commit()


def test_a_bulk_load_stores_exactly_the_rows_the_plain_executemany_stores(ctx: ServiceContext, admin_id: int,
                                                                         engine: Engine) -> None:
    # given leads with every kind of value, text a COPY row must escape among them
    with ctx.uow_factory() as uow:
        status_id = uow.statuses.list()[0].id
    count = COPY_FROM_ROWS + 10

    # when one batch is written in a bulk load (COPY on PostgreSQL) and an equal one plainly
    with ctx.uow_factory() as uow:
        uow.bulk_load()
        assert copies(uow.session, count) is (engine.dialect.name == "postgresql")
    _write(ctx, _leads(ctx, "bulk", status_id, count), bulk=True)
    _write(ctx, _leads(ctx, "plain", status_id, count), bulk=False)

    # then the rows read back are the same, value for value
    bulk, plain = _stored(engine, "bulk"), _stored(engine, "plain")
    assert len(bulk) == count  # a lead has one product line at most, one status entry, one event
    assert bulk == plain


def test_a_bulk_load_that_breaks_a_unique_rule_is_a_conflict_and_keeps_nothing(ctx: ServiceContext, admin_id: int,
                                                                              engine: Engine) -> None:
    # given leads already stored
    with ctx.uow_factory() as uow:
        status_id = uow.statuses.list()[0].id
    leads = _leads(ctx, "first", status_id, COPY_FROM_ROWS)
    _write(ctx, leads, bulk=True)

    # when a bulk load writes new leads and then the same ids again
    again = _leads(ctx, "again", status_id, COPY_FROM_ROWS)
    with pytest.raises(ConflictError):
        with ctx.uow_factory() as uow:
            uow.bulk_load()
            uow.leads.add_many(again)
            uow.leads.add_many(leads)
            uow.commit()

    # then none of the unit of work's rows is kept
    assert _stored(engine, "again") == []
    assert len(_stored(engine, "first")) == COPY_FROM_ROWS


def test_an_import_s_new_leads_reach_the_funnel_step_their_whole_history_gives(ctx: ServiceContext, admin_id: int,
                                                                               engine: Engine, tmp_path: Path) -> None:
    # given a file of new leads entering open, working and unqualified statuses
    rows = [["LastName", "Company", "Status", "unqualified_reason"], ["Open", "A", "Open", ""],
            ["Contacted", "B", "Contacted", ""], ["Plain", "C", "", ""],
            ["Unqualified", "D", "Unqualified", "No budget"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "statuses.csv", rows))
    assert job.counts.failed == 0, report(ctx, admin_id, job)

    # when the import has stored them (only the leads beyond an open status rewritten)
    def reach() -> dict[str, int]:
        with engine.connect() as connection:
            return dict(connection.execute(text("SELECT last_name, status_reach FROM leads")).all())  # type: ignore[arg-type]
    imported = reach()

    # then each lead holds what recomputing it from its whole history gives
    ids = [d.lead.id for d in all_leads(ctx, admin_id)]
    with ctx.uow_factory() as uow:
        refresh_status_reach(uow.session, ids)
        uow.commit()
    assert imported == reach()
    assert imported == {"Open": 0, "Contacted": 1, "Plain": 0, "Unqualified": 1}
