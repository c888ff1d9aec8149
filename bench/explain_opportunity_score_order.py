"""Issue 19, item 5 for opportunities: the plans and times of the opportunities list sorted and
filtered by the stored predicted-win score over ``--opportunities`` rows (default 1,000,000), on
SQLite and PostgreSQL, with the score floor in another order measured in its old form (``id IN
(the ids of every such score)``) and its new one (a correlated EXISTS, as the leads list), paired.

Set-up (not timed): a scratch database at head, an organisation, one account, the opportunities
written by one SQL statement (80 % open across the open stages, 20 % closed), a stored model and a
score for ``--scored`` of the open ones (default 60 %, skewed to low scores), then ANALYZE. Each
case runs the repository's own statements (``uow.opportunities.list``, captured as sent), prints
each statement's plan (PostgreSQL ``EXPLAIN (ANALYZE, BUFFERS)``, SQLite ``EXPLAIN QUERY PLAN``) and
the median wall and CPU time of five runs of the whole list call.

Example::

    .venv/bin/python bench/explain_opportunity_score_order.py --database both --opportunities 1000000
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, text

from explain_score_order import captured, explain, main_for
from leadline.domain.ids import new_id
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.queries import OPPORTUNITY_SORTS, Page, RecordQuery
from leadline.persistence.database import make_engine
from leadline.persistence.mapping import to_domain_many
from leadline.persistence.opportunities.rows import OpportunityRow
from leadline.persistence.record_repository import paginate
from leadline.persistence.schema import upgrade_to_head
from leadline.persistence.scoring.opportunity_rows import OpportunityScoreRow
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.context import ServiceContext

NAME = "oppsort"


def context(engine: Engine) -> ServiceContext:
    return ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                          clock=lambda: datetime.now(UTC), currency="USD", phone_region="US",
                          contact_points=LibraryContactPointChecker("US"))


def load(engine: Engine, count: int, scored: float) -> ServiceContext:
    upgrade_to_head(engine)
    ctx = context(engine)
    admin = initialise_organisation(ctx, admin_name="Ada", admin_email="ada@example.com").admin
    assert admin is not None
    with ctx.reader() as uow:
        stages = [s.id for s in ctx.config(uow).stages if not s.is_closed]
    sqlite = engine.dialect.name == "sqlite"
    false = "0" if sqlite else "false"
    numbers = ("WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < :n) SELECT x FROM g"
               if sqlite else "SELECT x FROM generate_series(1, :n) AS g(x)")
    stage = f"CASE x % {len(stages)} " + " ".join(f"WHEN {i} THEN {s}" for i, s in enumerate(stages)) + " END"
    outcome = "CASE WHEN x % 10 = 0 THEN 'won' WHEN x % 10 = 5 THEN 'lost' ELSE 'open' END"
    moment = ("datetime('2026-01-01', '-' || (x % 100000) || ' minutes')" if sqlite
              else "timestamptz '2026-01-01 00:00+00' - (x % 100000) * interval '1 minute'")
    account, model_id, started = new_id(), new_id(), time.perf_counter()
    now = datetime.now(UTC).replace(tzinfo=None) if sqlite else datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO accounts (id, name, owner_id, created_at, updated_at, version) "
                                "VALUES (:id, 'Acme', :owner, :at, :at, 1)"), {"id": account, "owner": admin.id,
                                                                              "at": now})
        connection.execute(text(
            "INSERT INTO opportunities (id, account_id, name, currency, stage_id, probability, forecast_category, "
            "owner_id, outcome, probability_overridden, category_overridden, created_at, updated_at, version) "
            f"SELECT x, {account}, 'O' || x, 'USD', {stage}, 10, 'pipeline', {admin.id}, {outcome}, {false}, "
            f"{false}, {moment}, {moment}, 1 FROM ({numbers}) AS numbers"), {"n": count})
        connection.execute(text(
            "INSERT INTO scoring_models (id, subject, kind, number, trained_at, outcomes, positives, summary, "
            "payload) VALUES (:id, 'opportunity', 'frequency', 1, :at, 100, 20, '{}', :payload)"),
            {"id": model_id, "at": now, "payload": b"{}"})
        share = int(scored * 100)
        connection.execute(text(
            "INSERT INTO opportunity_scores (opportunity_id, score, probability, confident, model_id, model_version, "
            f"scored_at, reasons) SELECT id, ((id * 7919) % 1000) * ((id * 7919) % 1000) / 10000, 0.5, {false}, "
            f"{model_id}, 'frequency@1', created_at, '{{\"up\": [], \"down\": []}}' "
            f"FROM opportunities WHERE outcome = 'open' AND (id * 31) % 100 < {share}"))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"  loaded {count:,} opportunities ({share} % of the open ones scored) in "
          f"{time.perf_counter() - started:.0f} s", flush=True)
    return ctx


def cases() -> dict[str, tuple[RecordQuery, Page]]:
    def page(sort: str, after: tuple[int | None, int] | None = None) -> Page:
        first = Page.parse(50, sort, allowed=OPPORTUNITY_SORTS)
        return Page.parse(50, sort, first.cursor_of(*after) if after else None, allowed=OPPORTUNITY_SORTS)

    return {
        "-score, first page": (RecordQuery(), page("-score")),
        "score (ascending), first page": (RecordQuery(), page("score")),
        "-score, deep (after score 20)": (RecordQuery(), page("-score", (20, 500_000))),
        "-score, in the unscored part": (RecordQuery(), page("-score", (None, 500_000))),
        "-score, min_score 80": (RecordQuery(min_score=80), page("-score")),
        "-score, open only": (RecordQuery(outcomes=("open",)), page("-score")),
        "-created_at, min_score 80": (RecordQuery(min_score=80), page("-created_at")),
        "-created_at, min_score 99": (RecordQuery(min_score=99), page("-created_at")),
    }


def old_floor(uow: SqlUnitOfWork, query: RecordQuery, page: Page) -> list[Any]:
    """The list as it was before (``id IN (SELECT opportunity_id ... WHERE score >= floor)``)."""
    repository: Any = uow.opportunities
    statement = repository.matching(RecordQuery())
    ids = select(OpportunityScoreRow.opportunity_id).where(OpportunityScoreRow.score >= query.min_score)
    statement = paginate(statement.where(OpportunityRow.id.in_(ids)), OpportunityRow, page)
    return to_domain_many(Opportunity, repository.session.execute(statement))


def timed(call: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    found = call()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, found


def run(kind: str, url: str, count: int, scored: float, *, loaded: bool = False) -> None:
    print(f"{kind}: {count:,} opportunities", flush=True)
    engine = make_engine(url)
    ctx = context(engine) if loaded else load(engine, count, scored)
    with ctx.reader() as uow:
        for name, (query, page) in cases().items():
            walls, cpus = [], []
            for _ in range(5):
                with captured(engine) as seen:
                    wall, cpu, rows = timed(lambda q=query, p=page: uow.opportunities.list(q, p))
                walls.append(wall)
                cpus.append(cpu)
            print(f"  {name}: {len(rows)} rows, median {statistics.median(walls):.1f} ms wall, "
                  f"{statistics.median(cpus):.1f} ms CPU, {len(seen)} statement(s)", flush=True)
            for statement, parameters in seen:
                print(explain(engine, statement, parameters), flush=True)
        for floor in (80, 99):
            query, page = RecordQuery(min_score=floor), Page.parse(50, "-created_at", allowed=OPPORTUNITY_SORTS)
            old: list[tuple[float, float]] = []
            new: list[tuple[float, float]] = []
            for _ in range(5):  # paired, alternating
                wall, cpu, before = timed(lambda q=query, p=page: old_floor(uow, q, p))
                old.append((wall, cpu))
                wall, cpu, after = timed(lambda q=query, p=page: uow.opportunities.list(q, p))
                new.append((wall, cpu))
            assert [o.id for o in before] == [o.id for o in after]
            print(f"  -created_at, min_score {floor}: IN (ids) {statistics.median(w for w, _ in old):.1f} ms wall "
                  f"{statistics.median(c for _, c in old):.1f} ms CPU; EXISTS "
                  f"{statistics.median(w for w, _ in new):.1f} ms wall {statistics.median(c for _, c in new):.1f} "
                  "ms CPU (medians of five, alternating)", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main_for(run, "opportunities", NAME)
