"""Lead search (ADR 0044): a search finds the leads whose full name, e-mail or company contains
it, ignoring case, on both databases; the indexes behind it exist and follow every change."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from leadline.domain.queries import LeadQuery, Page
from leadline.persistence.leads.repositories import LeadRepository
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads

PEOPLE = [
    ("Grace", "Hopper", "grace@cobol.example", "Cobol Systems Ltd"),
    ("Ada", "Lovelace", "ada@engines.example", "Analytical Engines"),
    (None, "Babbage", None, "Difference & Co"),
    ("Alan", "Turing", "alan.turing@bletchley.example", "Bletchley 50%_Park"),
    ("Grace", "O'Neil", "goneil@quotes.example", 'Hopper "Logistics"'),
]
QUERIES = ["grace", "GRACE", "hopper", "grace hop", "ace h", " babbage", "babbage ", "lovelace", "ove",
           "@engines", "engines.ex", "ENGINES", "& co", "50%_", "50%", "%_p", "o'neil", 'per "log', '"', "ex",
           "a", "gr", "zz", "hopperg", "ltdgrace", "hopper logistics", "turing@", "e.t", "nonexistent"]


def _contains(person: tuple[str | None, ...], query: str) -> bool:
    first, last, email, company = person
    fields = [f"{first or ''} {last}", email or "", company or ""]
    return any(query.lower() in field.lower() for field in fields)


def _create(ctx: ServiceContext, admin_id: int, clock, people=PEOPLE) -> list[int]:
    ids = []
    for first, last, email, company in people:
        clock.advance(minutes=1)
        fields = {"first_name": first, "last_name": last, "email": email, "company": company}
        ids.append(leads.create_lead(ctx, admin_id, {k: v for k, v in fields.items() if v is not None}).lead.id)
    return ids


def _found(ctx: ServiceContext, admin_id: int, query: str) -> list[int]:
    return [d.lead.id for d in leads.list_leads(ctx, admin_id, LeadQuery(search=query), Page(limit=200))]


def test_a_search_finds_exactly_the_leads_whose_name_email_or_company_contains_it(
        ctx: ServiceContext, admin_id: int, clock) -> None:
    ids = _create(ctx, admin_id, clock)
    for query in QUERIES:
        expected = [lead_id for lead_id, person in zip(ids, PEOPLE, strict=True) if _contains(person, query)][::-1]
        assert _found(ctx, admin_id, query) == expected, query


def test_a_lead_created_changed_or_deleted_after_the_index_exists_is_searched_as_it_is_now(
        ctx: ServiceContext, admin_id: int, clock) -> None:
    first, second = _create(ctx, admin_id, clock, [("Katherine", "Johnson", "kj@nasa.example", "Langley"),
                                                   ("Dorothy", "Vaughan", None, "Langley")])
    assert _found(ctx, admin_id, "johnson") == [first]
    leads.update_lead(ctx, admin_id, first, {"last_name": "Goble", "email": "katherine@orbit.example"})
    assert _found(ctx, admin_id, "johnson") == []
    assert _found(ctx, admin_id, "kj@nasa") == []
    assert _found(ctx, admin_id, "katherine goble") == [first]
    assert _found(ctx, admin_id, "@orbit.") == [first]
    leads.update_lead(ctx, admin_id, first, {"title": "Mathematician"})  # no searched field: still found
    assert _found(ctx, admin_id, "goble") == [first]
    leads.delete_lead(ctx, admin_id, second)
    assert _found(ctx, admin_id, "vaughan") == []
    assert _found(ctx, admin_id, "langley") == [first]


def test_the_migration_builds_the_search_index_of_each_database(engine: Engine) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            definition = connection.scalar(text(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'leads' AND indexname = 'ix_leads_search'"))
            assert definition is not None and "USING gin" in definition and "gin_trgm_ops" in definition
        else:  # SQLite reads the leads (ADR 0044): the migration adds nothing there
            assert connection.scalar(text("SELECT count(*) FROM sqlite_master WHERE name LIKE 'lead%search%'")) == 0


def test_postgresql_answers_a_search_from_the_trigram_index(engine: Engine) -> None:
    """The query's expression is the index's: with sequential scans priced out, the plan reads it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's; SQLite reads the leads")
    with Session(engine) as session:
        statement = LeadRepository(session).matching(LeadQuery(search="Hopper"))
        sql = str(statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(session.scalars(text("EXPLAIN " + sql.replace("%", "%%"))))
    assert "ix_leads_search" in plan, plan


def test_leads_stored_before_the_migration_are_found_after_it(
        engine: Engine, ctx: ServiceContext, admin_id: int, clock) -> None:
    from alembic import command

    from leadline.persistence.schema import alembic_config, upgrade_to_head

    ids = _create(ctx, admin_id, clock)
    command.downgrade(alembic_config(engine), "0020")
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            assert connection.scalar(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_leads_search'")) == 0
    upgrade_to_head(engine)
    assert _found(ctx, admin_id, "lovelace") == [ids[1]]
    assert _found(ctx, admin_id, "grace") == [ids[4], ids[0]]
