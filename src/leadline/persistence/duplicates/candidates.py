"""The look-ups of duplicate rules: records that may match one, found by index, never by scan.

Each look-up uses an index: the e-mail and phone columns (a phone's extension is a suffix, so a
range on the number finds it), accounts' ``domain``, and the expression indexes on
``lower(last_name)`` and ``lower(company)`` (a range on the first letters of the company, for
the fuzzy company rules). What is read is only what the rules compare; the rules decide.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, func, select, union_all
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
