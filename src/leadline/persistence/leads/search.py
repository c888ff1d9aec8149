"""Lead search: what a search matches, and how each database finds it (ADR 0044, migration 0021).

A search for ``q`` finds the leads whose full name (``first_name last_name``), e-mail or company
contains ``q``, ignoring case. The three fields are joined into one **search text**, separated by
the control character U+001F, which no search can contain (``LeadQuery`` refuses control
characters): a match inside the joined text is a match inside one field, never across two.

* PostgreSQL: ``lower(<search text>) LIKE '%q%'``, served by the pg_trgm GIN index
  ``ix_leads_search`` on exactly that expression (``search_text()``: the query and the index are
  built from the same construct, so the planner recognises it).
* SQLite: ``LIKE`` on the same search text, reading the leads (newest first, so a common word
  stops after a page; a rare one reads them all). An FTS5 trigram table kept by triggers answered
  searches in 30 ms but made bulk inserts 2.5 times dearer and, past 100,000 leads loaded in one
  go, far slower still: it is not kept (ADR 0044).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Index, func, literal
from sqlalchemy.orm import Session

from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.record_repository import like_pattern

#: between the fields of the search text; a search never contains it
SEPARATOR = "\x1f"
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


#: PostgreSQL only (pg_trgm). Alembic cannot compare it
#: (``migrations_support.include_object``): the test named in ``info`` checks it.
SEARCH_INDEX = Index("ix_leads_search", search_text().label("search_text"), postgresql_using="gin",
                     postgresql_ops={"search_text": "gin_trgm_ops"},
                     info={"compared_by": "tests/integration/test_lead_search.py"})
SEARCH_INDEX.ddl_if(dialect="postgresql")


def search_condition(session: Session, text: str) -> ColumnElement[bool]:
    """The WHERE clause of a lead search for ``text`` on the session's database."""
    dialect = session.get_bind().dialect.name
    return search_text(dialect).like(like_pattern(text), escape="\\")
