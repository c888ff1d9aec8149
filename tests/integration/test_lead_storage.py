"""Leads survive a round trip through each database exactly: money, dates, enums, products,
typed custom fields; updates are optimistic; lists filter and page."""

from __future__ import annotations

import fcntl
import shutil
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from leadline.domain.errors import StaleRecordError, ValidationError
from leadline.domain.queries import LeadQuery, Page
from leadline.persistence.database import make_engine, write_gate
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads

FULL_LEAD = {
    "first_name": "Grace", "last_name": "Hopper", "company": "Cobol Systems Ltd", "email": "Grace@Cobol.example",
    "phone": "+44 20 7946 0018", "title": "VP Engineering", "industry": "Software", "website": "www.cobol.example",
    "street": "1 Compiler Way", "city": "London", "state": "Greater London", "postal_code": "EC1A 1BB",
    "country": "GB", "annual_revenue": "12500000.50", "number_of_employees": "240", "source": "Trade show",
    "rating": "Hot", "budget_amount": "99999999999.9999", "currency": "gbp", "purchase_timeframe": "2026-06-30",
    "is_decision_maker": "yes", "description": "Met at the booth.",
}


def test_every_lead_field_comes_back_exactly_as_stored(ctx: ServiceContext, admin_id: int) -> None:
    created = leads.create_lead(ctx, admin_id, FULL_LEAD, products=[
        {"product": "Compiler licence", "quantity": "12.5", "estimated_unit_price": "1999.99"},
        {"product": "Support"},
    ])
    lead = leads.get_lead(ctx, admin_id, created.lead.id).lead
    assert lead.email == "grace@cobol.example"
    assert lead.phone == "+442079460018"
    assert lead.budget_amount == Decimal("99999999999.9999")
    assert lead.annual_revenue == Decimal("12500000.5000")
    assert lead.currency == "GBP"
    assert lead.purchase_timeframe == date(2026, 6, 30)
    assert lead.is_decision_maker is True
    assert lead.rating is not None and lead.rating.value == "hot"
    assert lead.number_of_employees == 240
    assert lead.created_at == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert lead.created_at.tzinfo is not None
    assert [(p.product_name, p.quantity, p.estimated_unit_price) for p in lead.products] == [
        ("Compiler licence", Decimal("12.5"), Decimal("1999.99")), ("Support", Decimal("1"), None)]


def test_custom_fields_of_every_type_are_stored_typed(ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "segment", "Segment", "picklist", options=["SMB", "Enterprise"])
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "lead", "renewal", "Renewal", "date")
    add_custom_field(ctx, admin_id, "lead", "gdpr_consent", "Consent", "boolean", required=True)
    add_custom_field(ctx, admin_id, "lead", "notes_ref", "Ref", "text")
    created = leads.create_lead(ctx, admin_id, {"last_name": "Liskov", "company": "CLU"}, custom={
        "segment": "enterprise", "seats": "1500.25", "renewal": "2027-01-31", "gdpr_consent": "true",
        "notes_ref": "ABC-1",
    })
    custom = leads.get_lead(ctx, admin_id, created.lead.id).custom
    assert custom == {"segment": "Enterprise", "seats": Decimal("1500.25"), "renewal": date(2027, 1, 31),
                      "gdpr_consent": True, "notes_ref": "ABC-1"}


def test_a_stale_version_is_refused_and_the_lead_is_unchanged(ctx: ServiceContext, admin_id: int) -> None:
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Knuth", "company": "TAOCP"}).lead
    leads.update_lead(ctx, admin_id, lead.id, {"title": "Author"}, expected_version=1)
    with pytest.raises(StaleRecordError) as error:
        leads.update_lead(ctx, admin_id, lead.id, {"title": "Professor"}, expected_version=1)
    assert error.value.code == "STALE_RECORD"
    stored = leads.get_lead(ctx, admin_id, lead.id).lead
    assert (stored.title, stored.version) == ("Author", 2)


def test_two_units_of_work_saving_the_same_version_let_exactly_one_win(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Dijkstra", "company": "THE"}).lead.id
    first, second = SqlUnitOfWork(ctx.uow_factory().engine), SqlUnitOfWork(ctx.uow_factory().engine)
    with first as a:
        copy_a = a.leads.get(lead_id)
        copy_a.title = "A"
        a.leads.save(copy_a)
        a.commit()
    with second as b:
        copy_b = b.leads.get(lead_id)
        copy_b.version = 1  # read before the first save landed
        copy_b.title = "B"
        with pytest.raises(StaleRecordError):
            b.leads.save(copy_b)
    assert leads.get_lead(ctx, admin_id, lead_id).lead.title == "A"


def test_lists_filter_by_status_source_owner_text_and_dates_and_page_by_cursor(
    ctx: ServiceContext, admin_id: int, clock
) -> None:
    ids = []
    for index in range(7):
        clock.advance(days=1)
        source = "Trade show" if index % 2 else "Website form"
        ids.append(leads.create_lead(ctx, admin_id, {
            "last_name": f"Person{index}", "company": f"Firm {index}", "source": source,
            "email": f"p{index}@firm{index}.example", "rating": ["hot", "warm", None][index % 3]}).lead.id)
    leads.update_lead(ctx, admin_id, ids[0], {"status": "Contacted"})

    def listed(page: Page = Page(), **query) -> list[int]:
        resolved = leads.resolve_lead_query(ctx, **query)
        return [d.lead.id for d in leads.list_leads(ctx, admin_id, resolved, page)]

    assert listed() == ids[::-1]
    assert listed(statuses=["contacted"]) == [ids[0]]
    assert listed(sources=["Trade show"]) == [ids[5], ids[3], ids[1]]
    assert listed(owners=["ada@example.com"]) == ids[::-1]
    assert listed(ratings=["hot"]) == [ids[6], ids[3], ids[0]]
    assert listed(ratings=["COLD", "warm"]) == [ids[4], ids[1]]
    assert listed(search="FIRM 4") == [ids[4]]
    assert listed(search="p2@") == [ids[2]]
    assert listed(search="50%_") == []
    # lead i arrived on 2026-03-(3+i) at 09:30
    assert listed(created_from=datetime(2026, 3, 5, tzinfo=UTC), created_to=datetime(2026, 3, 7, tzinfo=UTC)) == [
        ids[3], ids[2]]
    first_page = listed(Page(limit=3))
    second_page = listed(Page.after_id(3, first_page[-1]))
    assert first_page + second_page == ids[::-1][:6]
    count_query = leads.resolve_lead_query(ctx, sources=["Website form"])
    with ctx.uow_factory() as uow:
        assert uow.leads.count_matching(count_query) == 4
        assert uow.leads.count_matching(LeadQuery(converted=True)) == 0
    with pytest.raises(ValidationError, match="not hot, warm or cold"):
        leads.resolve_lead_query(ctx, ratings=["lukewarm"])


def test_bulk_add_writes_leads_and_their_products_in_one_statement(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.domain.ids import new_ids
    from leadline.domain.leads.lead import Lead, ProductInterest

    with ctx.uow_factory() as uow:
        status_id = uow.statuses.list()[0].id
        now = ctx.now()
        batch = [Lead(id=i, last_name=f"L{i}", company="Bulk", status_id=status_id, created_at=now, updated_at=now,
                      budget_amount=Decimal("10.5"), products=[ProductInterest("P", Decimal(2))])
                 for i in new_ids(250)]
        assert uow.leads.add_many(batch) == 250
        uow.commit()
    with ctx.uow_factory() as uow:
        assert uow.leads.count() == 250
        sample = uow.leads.get(batch[17].id)
        assert sample.budget_amount == Decimal("10.5") and sample.products[0].quantity == Decimal(2)


def test_leads_added_in_bulk_store_exactly_the_rows_of_leads_added_one_by_one(ctx: ServiceContext, admin_id: int,
                                                                             engine: Engine) -> None:
    """The bulk insert (``bulk_rows``: each distinct value processed once per column) against the
    plain Core insert, on equal values of different scales, missing prices and several lines."""
    from sqlalchemy import text

    from leadline.domain.ids import new_ids
    from leadline.domain.leads.lead import Lead, ProductInterest

    lines = [[ProductInterest("P", Decimal("1"), Decimal("10.5"))],
             [ProductInterest("P", Decimal("1.00"), Decimal("10.50")), ProductInterest("Q", Decimal("0.3333"), None)],
             [], [ProductInterest("R", Decimal(2), Decimal("0"))]]
    with ctx.uow_factory() as uow:
        status_id = uow.statuses.list()[0].id

    def batch(company: str) -> list[Lead]:
        now = ctx.now()
        return [Lead(id=i, last_name=f"L{n}", company=company, status_id=status_id, created_at=now, updated_at=now,
                     budget_amount=Decimal("10.5") if n % 2 else Decimal("10.50"), products=list(lines[n]))
                for n, i in enumerate(new_ids(len(lines)))]
    with ctx.uow_factory() as uow:
        uow.leads.add_many(batch("bulk"))
        for lead in batch("alone"):
            uow.leads.add(lead)
        uow.commit()

    def stored(company: str) -> list[tuple[object, ...]]:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(
                "SELECT l.last_name, l.budget_amount, p.position, p.product_name, p.quantity, p.estimated_unit_price"
                " FROM leads l LEFT JOIN lead_product_interests p ON p.lead_id = l.id WHERE l.company = :company"
                " ORDER BY l.last_name, p.position"), {"company": company})]
    assert stored("bulk") == stored("alone")
    assert len(stored("bulk")) == 5


def test_a_unit_of_work_that_fails_to_open_leaves_the_thread_able_to_open_the_next(ctx: ServiceContext) -> None:
    engine = ctx.uow_factory().engine

    def broken_factory() -> None:
        raise ConnectionError("database went away")

    with pytest.raises(ConnectionError):  # the session opens on first use
        with SqlUnitOfWork(engine, broken_factory) as broken:  # type: ignore[arg-type]
            broken.leads.count()
    with SqlUnitOfWork(engine, read_only=True) as uow:
        assert uow.leads.count() == 0


def test_a_unit_of_work_inside_another_is_refused_at_once(ctx: ServiceContext) -> None:
    from leadline.persistence.unit_of_work import NestedUnitOfWorkError

    with ctx.reader():
        with pytest.raises(NestedUnitOfWorkError):
            with ctx.reader():
                pass


def _gate_is_free(path: str) -> bool:
    """Whether another writer (another open file, as another process has) could take the gate now."""
    with open(path, "a+b") as other:
        try:
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
        return True


def test_an_sqlite_writer_holds_the_write_gate_only_while_its_transaction_is_open(
        tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "gate.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    gate = write_gate(engine)
    assert gate is not None
    try:
        with SqlUnitOfWork(engine) as uow:
            assert _gate_is_free(gate.path)  # checking input before the first statement holds no one up
            uow.statuses.list()
            assert not _gate_is_free(gate.path) and gate.held
            uow.commit()
            assert _gate_is_free(gate.path) and not gate.held  # committed: the next writer goes on
            uow.statuses.list()  # reading after the commit (the reply) holds no one up either
            assert _gate_is_free(gate.path)
        with SqlUnitOfWork(engine) as uow:  # a new unit of work queues again
            uow.statuses.list()
            assert not _gate_is_free(gate.path)
        assert _gate_is_free(gate.path)  # rolled back on leaving
        with SqlUnitOfWork(engine, read_only=True) as reader:
            reader.statuses.list()
            assert _gate_is_free(gate.path)  # readers never take it
            reader.session.rollback()
            reader.statuses.list()  # a reader's next transaction, whatever it takes
        assert _gate_is_free(gate.path) and not gate.held  # is given back when it closes
    finally:
        engine.dispose()


def test_sqlite_writers_in_several_threads_all_commit(tmp_path: Path, sqlite_template: Path, clock: object) -> None:
    from leadline.services.configuration.setup import initialise_organisation
    from leadline.services.contact_points import LibraryContactPointChecker

    shutil.copy(sqlite_template, tmp_path / "threads.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'threads.db'}")
    ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                         clock=clock, currency="USD", phone_region="US",  # type: ignore[arg-type]
                         contact_points=LibraryContactPointChecker("US"))
    admin = initialise_organisation(ctx, admin_name="Ada Admin", admin_email="ada@example.com").admin
    assert admin is not None
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            for n in range(15):
                leads.create_lead(ctx, admin.id, {"last_name": f"W{worker}-{n}", "company": "Threads Ltd",
                                                  "email": f"w{worker}.{n}@threads.example"})
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    workers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    try:
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert not failures
        with ctx.reader() as uow:
            assert uow.leads.count() == 60
    finally:
        engine.dispose()


@pytest.mark.parametrize("options", [{}, {"yield_per": 2}, {"stream_results": True}])
def test_rows_read_in_bulk_are_all_there_whatever_the_buffering(ctx: ServiceContext, admin_id: int, engine: Engine,
                                                               options: dict[str, object]) -> None:
    """``select_rows`` reads the driver's rows itself unless SQLAlchemy buffers some ahead
    (``yield_per``, ``stream_results``): then none may be lost."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from leadline.persistence.bulk_rows import select_rows
    from leadline.persistence.rows import LeadRow

    made = [leads.create_lead(ctx, admin_id, {"last_name": f"Row {n}", "company": "Rows Ltd"}).lead.id
            for n in range(5)]
    with Session(engine.execution_options(**options)) as session:
        rows = select_rows(session, select(LeadRow.id, LeadRow.budget_amount).where(LeadRow.id.in_(made))
                           .order_by(LeadRow.id))
    assert rows == [(lead_id, None) for lead_id in sorted(made)]


def test_an_sqlite_library_too_old_for_a_bulk_read_is_refused_with_what_to_do() -> None:
    from leadline.persistence.database import ensure_sqlite_version

    ensure_sqlite_version((3, 32, 0))
    with pytest.raises(RuntimeError, match=r"needs SQLite 3\.32\.0 or later; .* has 3\.31\.1"):
        ensure_sqlite_version((3, 31, 1))
