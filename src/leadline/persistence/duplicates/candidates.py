"""The look-ups of duplicate rules: records that may match one, found by index, never by scan.

Each look-up uses an index: the e-mail and phone columns (a phone's extension is a suffix, so a
range on the number finds it), accounts' ``domain``, and the expression indexes on
``lower(last_name)`` and ``lower(company)`` (a range on the first letters of the company, for
the fuzzy company rules). What is read is only what the rules compare; the rules decide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, union_all
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import Candidate
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.leads.rows import LeadRow

COMPANY_PREFIX = 3  # letters of a lead's company that its company look-up ranges over


def _columns(kind: RecordType) -> tuple[Any, list[Any]]:
    if kind is RecordType.LEAD:
        r = LeadRow
        return r, [r.id, r.owner_id, r.email, r.phone, r.website, r.company, r.first_name, r.last_name]
    if kind is RecordType.CONTACT:
        c = ContactRow
        return c, [c.id, c.owner_id, c.email, c.phone, c.first_name, c.last_name, c.account_id]
    a = AccountRow
    return a, [a.id, a.owner_id, a.domain, a.name]


def candidate_of(kind: RecordType, row: Any) -> Candidate:
    if kind is RecordType.LEAD:
        id_, owner, email, phone, website, company, first, last = row
        return Candidate.of(kind, id_, owner_id=owner, email=email, phone=phone, website=website, company=company,
                            first_name=first, last_name=last)
    if kind is RecordType.CONTACT:
        id_, owner, email, phone, first, last, account_id = row
        return Candidate.of(kind, id_, owner_id=owner, email=email, phone=phone, first_name=first, last_name=last,
                            company_id=account_id)
    id_, owner, domain, name = row
    return Candidate.of(kind, id_, owner_id=owner, domain=domain, company=name)


def company_prefix(company: str | None) -> str | None:
    text = " ".join((company or "").lower().split())
    return text[:COMPANY_PREFIX] if len(text) >= COMPANY_PREFIX else None


def _probes(kind: RecordType, probe: Candidate) -> Iterator[Any]:
    row, _ = _columns(kind)
    if kind is not RecordType.ACCOUNT:
        if probe.email:
            yield row.email == probe.email
        if probe.phone:  # "+1415..." and "+1415...;ext=9": the number and what sorts just after it
            yield (row.phone >= probe.phone) & (row.phone < probe.phone + ";f")
        if probe.last_name:
            yield func.lower(row.last_name) == probe.last_name.lower()
    if kind is RecordType.ACCOUNT and probe.domain:
        yield row.domain == probe.domain
    prefix = company_prefix(probe.company)
    if kind is RecordType.LEAD and prefix:
        yield (func.lower(row.company) >= prefix) & (func.lower(row.company) < prefix + "\uffff")


def find_candidates(session: Session, kind: RecordType, probe: Candidate, limit: int) -> list[Candidate]:
    """Records of ``kind`` (not merged away) sharing a blocking value with ``probe``: at most
    ``limit`` per look-up, by id. One statement: the look-ups joined with UNION ALL, each on its
    own index (an OR of them could make the planner scan)."""
    row, columns = _columns(kind)
    parts: list[Select[Any]] = [select(*columns).where(condition, row.merged_into_id.is_(None))
                                .order_by(row.id).limit(limit) for condition in _probes(kind, probe)]
    if not parts:
        return []
    statement = parts[0] if len(parts) == 1 else union_all(*(part.subquery().select() for part in parts))
    found: dict[int, Candidate] = {}
    for values in session.execute(statement):
        found.setdefault(values[0], candidate_of(kind, values))
    return list(found.values())


def all_candidates(session: Session, kind: RecordType, batch: int = 20_000) -> Iterator[Candidate]:
    """Every record of ``kind`` that is not merged away, by id, read in batches (keyset)."""
    row, columns = _columns(kind)
    after = None
    while True:
        statement = select(*columns).where(row.merged_into_id.is_(None)).order_by(row.id).limit(batch)
        if after is not None:
            statement = statement.where(row.id > after)
        rows = session.execute(statement).all()
        if not rows:
            return
        for values in rows:
            yield candidate_of(kind, values)
        after = rows[-1][0]


#: probes per statement of ``find_block_candidates``: its parameters stay far under every driver's limit
PROBES_PER_STATEMENT = 2000


def find_block_candidates(session: Session, kind: RecordType, probes: Sequence[Candidate]) -> list[Candidate]:
    """Records of ``kind`` (not merged away) that may match any of ``probes`` (an import's block):
    by e-mail, phone number (with or without an extension), an account's domain, a person's
    lower-case last name (a lead's filtered on its company's first letters), each part on its own
    index. Unlike ``find_candidates`` there is no per-look-up limit (the rules still decide) and a
    lead's company alone is not looked up (it would read every lead of a common company once per
    block). On PostgreSQL one statement of array parameters (``_postgres_block``); elsewhere the
    parts joined with UNION ALL, built once per kind (its lists are expanding parameters), and a
    second, plain-SQL statement for stored phones with an extension. More than
    ``PROBES_PER_STATEMENT`` probes take a statement per that many."""
    found: dict[int, Candidate] = {}
    postgres = session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(probes), PROBES_PER_STATEMENT):
        chunk = probes[start:start + PROBES_PER_STATEMENT]
        values = _block_values(chunk)
        if postgres:
            rows = _postgres_block(session, kind, values)
        else:
            rows = list(session.execute(_block_statement(kind), values))
            if kind is not RecordType.ACCOUNT and values["phones"]:
                rows += session.connection().exec_driver_sql(*_extension_statement(kind, values["phones"]))
        for row in rows:
            found.setdefault(row[0], candidate_of(kind, row))
    return [found[key] for key in sorted(found)]


#: the block look-up's planner settings on PostgreSQL, for its transaction only (``set_config``'s
#: ``is_local``): a few index probes a number are estimated at thousands of rows each, which made
#: the planner start parallel workers (60 ms a block for 3 ms of work) and the JIT compiler
#: (0.8 s a block for 5 ms of work) as the table grew
_POSTGRES_LOOKUP_SETTINGS = ("SELECT set_config('max_parallel_workers_per_gather', '0', true),"
                             " set_config('jit', 'off', true)")


def _postgres_block(session: Session, kind: RecordType, values: dict[str, list[str]]) -> list[Any]:
    """``find_block_candidates``' rows on PostgreSQL: one statement, each list one array
    parameter (planned in a millisecond, where a thousand ``IN`` values and an OR of a thousand
    phone ranges took 10 and 60 ms to plan); a stored phone with an extension is found by an index
    range per number of the block, the numbers joined to the table (a nested loop of index probes).
    The planner settings above stay off for the rest of the caller's transaction (an import block's:
    its other statements are COPYs and short writes, which use neither)."""
    connection = session.connection()
    connection.exec_driver_sql(_POSTGRES_LOOKUP_SETTINGS)
    return list(connection.exec_driver_sql(_postgres_block_sql(kind), values))


@cache
def _postgres_block_sql(kind: RecordType) -> str:
    row, columns = _columns(kind)
    names = ", ".join(f"r.{column.key}" for column in columns)
    table = row.__tablename__

    def part(condition: str, source: str = f"{table} AS r") -> str:
        return f"SELECT {names} FROM {source} WHERE {condition} AND r.merged_into_id IS NULL"

    if kind is RecordType.ACCOUNT:
        return part("r.domain = ANY(%(domains)s::text[])")
    person = "lower(r.last_name) = ANY(%(names)s::text[])"
    if kind is RecordType.LEAD:
        person += f" AND substr(lower(r.company), 1, {COMPANY_PREFIX}) = ANY(%(prefixes)s::text[])"
    extensions = part("r.phone > n.number || ';' AND r.phone < n.number || ';f'",
                      f"unnest(%(phones)s::text[]) AS n(number) CROSS JOIN {table} AS r")
    return " UNION ALL ".join([part("r.email = ANY(%(emails)s::text[])"), part("r.phone = ANY(%(phones)s::text[])"),
                               extensions, part(person)])


#: the columns an import block's look-up compares, per kind: what ``refresh_statistics`` re-reads
#: once the table has been analysed whole
_LOOKUP_COLUMNS = {RecordType.LEAD: ("email", "phone", "last_name", "company", "merged_into_id"),
                   RecordType.CONTACT: ("email", "phone", "last_name", "merged_into_id"),
                   RecordType.ACCOUNT: ("domain", "merged_into_id")}


def refresh_statistics(session: Session, kind: RecordType) -> None:
    """Have PostgreSQL re-count the table of ``kind`` for its planner (SQLite plans by its indexes:
    nothing to do). The first time (the table has no statistics) the whole table, which is also what gives
    the look-up's expression indexes (``lower(last_name)``) their statistics; after that only the
    columns the look-up compares: ANALYZE of a named column list skips every expression index
    (the leads' trigram search among them) and took 0.2-0.6 s at 288,000 leads, 0.6-1.5 s whole;
    the expression statistics kept from the first time still scale with the table (PostgreSQL
    estimates rows from the table's current size and the density it last counted)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    row, _ = _columns(kind)
    table = row.__tablename__
    connection = session.connection()
    analysed = connection.exec_driver_sql(  # pg_stats: what this transaction sees of the statistics
        "SELECT EXISTS (SELECT 1 FROM pg_stats WHERE schemaname = current_schema() AND tablename = %(table)s)",
        {"table": table}).scalar()
    columns = f" ({', '.join(_LOOKUP_COLUMNS[kind])})" if analysed else ""
    connection.exec_driver_sql(f"ANALYZE {table}{columns}")


def _block_values(probes: Sequence[Candidate]) -> dict[str, list[str]]:
    return {"emails": sorted({p.email for p in probes if p.email}),
            "phones": sorted({p.phone for p in probes if p.phone}),
            "domains": sorted({p.domain for p in probes if p.domain}),
            "names": sorted({p.last_name.lower() for p in probes if p.last_name}),
            "prefixes": sorted({prefix for p in probes if (prefix := company_prefix(p.company))}) or [""]}


@cache
def _block_statement(kind: RecordType) -> Any:
    row, columns = _columns(kind)
    if kind is RecordType.ACCOUNT:
        conditions: list[Any] = [row.domain.in_(bindparam("domains", expanding=True))]
    else:
        person: Any = func.lower(row.last_name).in_(bindparam("names", expanding=True))
        if kind is RecordType.LEAD:
            person = person & func.substr(func.lower(row.company), 1, COMPANY_PREFIX).in_(
                bindparam("prefixes", expanding=True))
        conditions = [row.email.in_(bindparam("emails", expanding=True)),
                      row.phone.in_(bindparam("phones", expanding=True)), person]
    parts = [select(*columns).where(condition, row.merged_into_id.is_(None)) for condition in conditions]
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _extension_statement(kind: RecordType, numbers: Sequence[str]) -> tuple[str, tuple[Any, ...]]:
    """Stored phones ``<number>;ext=...`` of ``numbers`` (SQLite): one index range a number, in the
    driver's own SQL, the numbers one JSON parameter joined by ``json_each``: an OR of one range a
    number reached SQLite's limit of 1,000 on an expression's depth with a block of 1,000 phones,
    and was not read by the index (7 s for 500 numbers over 500,000 stored, against 1 ms joined)."""
    row, columns = _columns(kind)
    names = ", ".join(f"r.{column.key}" for column in columns)
    return (f"SELECT {names} FROM {row.__tablename__} AS r JOIN json_each(?) AS n"
            " ON r.phone > n.value || ';' AND r.phone < n.value || ';f'"
            " WHERE r.merged_into_id IS NULL", (json.dumps(list(numbers)),))
