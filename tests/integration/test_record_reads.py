"""The lean reads behind ``get_lead`` (persistence/leads/reads.py) give exactly what the repositories
give, and hand their pooled connection back as they found it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine

from leadline.domain.configuration.custom_fields import RecordType
from leadline.persistence.database import make_engine
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.synthetic import generate_leads


def test_a_lean_read_equals_the_repository_read_for_every_kind_of_lead(
    ctx: ServiceContext, admin_id: int, engine: Engine,
) -> None:
    with ctx.reader() as uow:
        statuses, sources = uow.statuses.list(), uow.sources.list()
    batch = generate_leads(300, seed=11, status_ids=[s.id for s in statuses], source_ids=[s.id for s in sources],
                           owner_ids=[admin_id], now=datetime(2026, 3, 1, tzinfo=UTC))
    batch[0] = replace(batch[0], converted_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC), budget_amount=Decimal("0.0001"))
    with ctx.uow_factory() as uow:
        uow.leads.add_many(batch)
        uow.commit()
    assert sum(1 for lead in batch if len(lead.products) > 1) > 10  # several lines, kept in order
    assert any(not lead.products for lead in batch)
    with SqlUnitOfWork(engine, read_only=True) as uow:
        for lead in batch:
            lean = uow.reads.lead(lead.id)
            assert lean == uow.leads.get(lead.id)
            assert lean is not None and lean.products == lead.products
        assert uow.reads.lead(123456789) is None


def test_lean_custom_values_are_those_of_the_repository(ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "lead", "renewal", "Renewal", "date")
    add_custom_field(ctx, admin_id, "lead", "vip", "VIP", "boolean")
    add_custom_field(ctx, admin_id, "lead", "segment", "Segment", "picklist", options=["SMB", "Enterprise"])
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Hamming", "company": "Bell"},
                             custom={"seats": "12.5", "renewal": "2027-01-31", "vip": "false", "segment": "smb"}).lead
    bare = leads.create_lead(ctx, admin_id, {"last_name": "Shannon", "company": "Bell"}).lead
    with SqlUnitOfWork(engine, read_only=True) as uow:
        definitions = ctx.fresh_config(uow).custom_fields_of(RecordType.LEAD)
        stored = uow.custom_fields.values_for(definitions, [lead.id, bare.id])
        assert uow.reads.custom_values(lead.id, definitions) == stored[lead.id] == {
            "seats": Decimal("12.5"), "renewal": datetime(2027, 1, 31).date(), "vip": False, "segment": "SMB"}
        assert uow.reads.custom_values(bare.id, definitions) == stored[bare.id] == {}
        # values of fields outside the definitions asked for are left out
        assert uow.reads.custom_values(lead.id, [d for d in definitions if d.name == "vip"]) == {"vip": False}


def test_a_lean_read_gives_its_connection_back_inside_transactions_again(
    ctx: ServiceContext, admin_id: int, engine: Engine,
) -> None:
    """On PostgreSQL the read runs in autocommit; the pool's next user must get a connection that
    is transactional again, or a unit of work left without commit would have written."""
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Turing", "company": "NPL"}).lead.id
    single = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        with SqlUnitOfWork(single, read_only=True) as uow:
            assert uow.reads.lead(lead_id) is not None
        with SqlUnitOfWork(single) as uow:  # one connection in this engine's pool: the same one
            lead = uow.leads.get(lead_id)
            lead.title = "Mathematician"
            uow.leads.save(lead)
            # left without commit
        with SqlUnitOfWork(single, read_only=True) as uow:
            assert uow.reads.lead(lead_id).title is None  # type: ignore[union-attr]
        assert single.pool.checkedout() == 0
    finally:
        single.dispose()
