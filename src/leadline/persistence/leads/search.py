"""Lead search: what a search matches, and how each database finds it without reading every lead
(ADR 0044, migration 0021_search).

A search for ``q`` finds the leads whose full name (``first_name last_name``), e-mail or company
contains ``q``, ignoring case. The three fields are joined into one **search text**, separated by
the control character U+001F, which no search can contain (``LeadQuery`` refuses control
characters): a match inside the joined text is a match inside one field, never across two.

* PostgreSQL: ``lower(<search text>) LIKE '%q%'``, served by the pg_trgm GIN index
  ``ix_leads_search`` on exactly that expression (``search_text()``: the query and the index are
  built from the same construct, so the planner recognises it).
* SQLite: the FTS5 table ``lead_search`` (trigram tokenizer, contentless), kept in step with
  ``leads`` by three triggers; a search of 3 characters or more is a phrase query on it (a phrase
  of trigrams at consecutive positions is exactly a substring). A shorter search has no trigram
  and reads the leads as before (``LIKE`` on the same search text).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Index, column, func, literal, literal_column, select, table
from sqlalchemy.orm import Session

from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.record_repository import like_pattern

#: between the fields of the search text; a search never contains it
SEPARATOR = "\x1f"
#: the shortest search the SQLite trigram table answers (a trigram is 3 characters)
SHORTEST_INDEXED = 3
FTS_TABLE = "lead_search"
#: from this many trigram matches on, SQLite walks the list's order instead of looking each match up
#: (the two costs cross near sqrt(50 x leads): about 3,000 at 200,000 leads, 7,000 at 1,000,000)
MANY_MATCHES = 5_000

_FTS = table(FTS_TABLE, column("rowid"))


def _constant(value: str | int) -> Any:
    """A constant written into the SQL text (``literal_execute``), never a bound parameter."""
    return literal(value, literal_execute=True)


def search_text(dialect: str = "postgresql") -> ColumnElement[Any]:
    """``lower(full name || US || e-mail || US || company)`` with constants written in the SQL
    (a bound parameter inside the expression would keep PostgreSQL from matching it to the
    index); PostgreSQL spells US ``chr(31)``, SQLite ``char(31)``."""
    lead = LeadRow.__table__.c
    between = (func.char if dialect == "sqlite" else func.chr)(_constant(31))
    return func.lower(func.coalesce(lead.first_name, _constant("")).concat(_constant(" ")).concat(lead.last_name)
                      .concat(between).concat(func.coalesce(lead.email, _constant("")))
                      .concat(between).concat(lead.company))


#: PostgreSQL only (pg_trgm); SQLite has the FTS5 table instead. Alembic cannot compare it
#: (``migrations_support.include_object``): the test named in ``info`` checks it.
SEARCH_INDEX = Index("ix_leads_search", search_text().label("search_text"), postgresql_using="gin",
                     postgresql_ops={"search_text": "gin_trgm_ops"},
                     info={"compared_by": "tests/integration/test_lead_search.py"})
SEARCH_INDEX.ddl_if(dialect="postgresql")


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase (a string in double quotes, a double quote doubled)."""
    return '"' + text.replace('"', '""') + '"'


def search_condition(session: Session, text: str) -> ColumnElement[bool]:
    """The WHERE clause of a lead search for ``text`` on the session's database.

    On SQLite a search of 3 characters or more is answered by the trigram table, in one of two
    ways chosen by counting its matches first (at most ``MANY_MATCHES``, under a millisecond):
    few matches are looked up by id and sorted (cost: one lookup per match); many matches are
    found by walking the list's own order (newest first, in the filter's index) and keeping the
    leads among the matches, which stops after a page (cost: about a page times leads per match).
    SQLite's planner would always take the first way, which for a common word reads every match."""
    if session.get_bind().dialect.name != "sqlite":
        return search_text().like(like_pattern(text), escape="\\")
    if len(text) < SHORTEST_INDEXED:
        return search_text("sqlite").like(like_pattern(text), escape="\\")
    matched = select(_FTS.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(fts_phrase(text)))
    counted = session.scalar(select(func.count()).select_from(matched.limit(MANY_MATCHES).subquery())) or 0
    if counted < MANY_MATCHES:
        return LeadRow.id.in_(matched)
    return (LeadRow.id + 0).in_(matched)  # "+ 0": not by the id index, so the order's index leads
