"""Migration 0033 (the opportunity history keeps the owner): on SQLite and PostgreSQL, history
written before it gets each row's owner then from the audit's recorded owner changes, and an
owner change that wrote no history row gets one, so the pipeline as of a past date is by the
owner then for the opportunities of before the migration too."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import Engine, text

from leadline.analytics.pipeline_history import pipeline_report
from leadline.persistence.schema import alembic_config, upgrade_to_head
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from tests.conftest import FakeClock
from tests.integration.test_reports_funnel import on, team  # noqa: F401  (the fixture)


def _history(engine: Engine, opportunity_id: int, *columns: str) -> list[tuple[object, ...]]:
    """(day, owner, stage, amount as stored) of each history row, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(text(
            f"SELECT changed_at, {', '.join(columns or ('owner_id', 'to_stage_id', 'amount'))} "
            "FROM opportunity_stage_changes WHERE opportunity_id = :id ORDER BY changed_at, id"),
            {"id": opportunity_id})
        return [(str(at)[:10], *rest) for at, *rest in rows]


def test_history_of_before_the_migration_takes_its_owners_from_the_audit(
        engine: Engine, ctx: ServiceContext, clock: FakeClock, team: dict[str, int]) -> None:  # noqa: F811
    # given Ann's opportunity, re-priced on Jan 20, handed to Bob on Feb 1, moved on Feb 10
    ann, bob = team["rep_a"], team["rep_b"]
    on(clock, "2026-01-10")
    account = records.create_account(ctx, team["admin"], {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, team["admin"], {"account_id": account, "name": "D", "amount": "100",
                                                           "close_date": "2026-06-30", "owner": "ann@example.com"}).id
    on(clock, "2026-01-20")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"amount": "200"})
    on(clock, "2026-02-01")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"owner": "bob@example.com"})
    on(clock, "2026-02-10")
    lifecycle.move_stage(ctx, team["admin"], deal, "Qualification")
    written = _history(engine, deal)
    (_, _, prospecting, hundred), (_, _, _, two_hundred), _, (_, _, qualification, _) = written
    assert written == [("2026-01-10", ann, prospecting, hundred), ("2026-01-20", ann, prospecting, two_hundred),
                       ("2026-02-01", bob, prospecting, two_hundred), ("2026-02-10", bob, qualification, two_hundred)]
    handover = _history(engine, deal, "id")[2][1]

    # when the database is taken back before the migration, with the history as it was written
    # then (an owner change wrote no row), and brought to head again
    command.downgrade(alembic_config(engine), "0032")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM opportunity_stage_changes WHERE id = :id"), {"id": handover})
    assert [day for day, _ in _history(engine, deal, "to_stage_id")] == ["2026-01-10", "2026-01-20", "2026-02-10"]
    upgrade_to_head(engine)

    # then each row has the owner then, and the handover has its row with the figures before it
    assert _history(engine, deal) == written
    assert [line.group for line in pipeline_report(ctx, team["admin"], as_of=date(2026, 1, 31), by="owner").lines] \
        == ["Ann"]
    assert [line.group for line in pipeline_report(ctx, team["admin"], as_of=date(2026, 2, 5), by="owner").lines] \
        == ["Bob"]

