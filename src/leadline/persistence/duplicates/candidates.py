"""The look-ups of duplicate rules: records that may match one, found by index, never by scan.

Each look-up uses an index: the e-mail and phone columns (a phone's extension is a suffix, so a
range on the number finds it), accounts' ``domain``, and the expression indexes on
``lower(last_name)`` and ``lower(company)`` (a range on the first letters of the company, for
the fuzzy company rules). What is read is only what the rules compare; the rules decide.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select, text, union_all
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
    by e-mail, phone number, an account's domain, a person's lower-case last name (a lead's
    filtered on its company's first letters), each part on its own index, joined with UNION ALL
    in one statement built once per kind (its lists are expanding parameters, so it is compiled
    once); a stored phone with an extension is found by a second, plain-SQL statement of one
    index range per number. Unlike ``find_candidates`` there is no per-look-up limit (the rules
    still decide) and a lead's company alone is not looked up (it would read every lead of a
    common company once per block). More than ``PROBES_PER_STATEMENT`` probes take a statement
    per that many."""
    found: dict[int, Candidate] = {}
    for start in range(0, len(probes), PROBES_PER_STATEMENT):
        chunk = probes[start:start + PROBES_PER_STATEMENT]
        values = _block_values(chunk)
        rows = list(session.execute(_block_statement(kind), values))
        if kind is not RecordType.ACCOUNT and values["phones"]:
            rows += session.execute(*_extension_statement(kind, values["phones"]))
        for row in rows:
            found.setdefault(row[0], candidate_of(kind, row))
    return [found[key] for key in sorted(found)]


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


def _extension_statement(kind: RecordType, numbers: Sequence[str]) -> tuple[Any, dict[str, str]]:
    """Stored phones ``<number>;ext=...`` of ``numbers``: one range a number, written as SQL text
    (building as many expression objects costs more than the look-up)."""
    row, columns = _columns(kind)
    ranges = " OR ".join(f"(phone > :l{i} AND phone < :h{i})" for i in range(len(numbers)))
    names = ", ".join(column.key for column in columns)
    statement = text(f"SELECT {names} FROM {row.__tablename__} WHERE merged_into_id IS NULL AND ({ranges})")
    return statement, {**{f"l{i}": n + ";" for i, n in enumerate(numbers)},
                       **{f"h{i}": n + ";f" for i, n in enumerate(numbers)}}
