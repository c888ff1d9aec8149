"""Migration 0033 (the opportunity history keeps the owner): on SQLite and PostgreSQL, history
written before it gets each row's owner then from the audit's recorded owner changes, and an
owner change that wrote no history row gets one, so the pipeline as of a past date is by the
owner then for the opportunities of before the migration too."""

from __future__ import annotations

import json
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



def _taken_back(engine: Engine, opportunity_id: int, days: tuple[str, ...]) -> None:
    """The database before the migration, the history rows of these days deleted (as the owner
    changes of before it wrote none)."""
    ids = _history(engine, opportunity_id, "id")
    command.downgrade(alembic_config(engine), "0032")
    with engine.begin() as connection:
        for day, row_id in ids:
            if day in days:
                connection.execute(text("DELETE FROM opportunity_stage_changes WHERE id = :id"), {"id": row_id})


def _deal(ctx: ServiceContext, clock: FakeClock, team: dict[str, int]) -> int:  # noqa: F811
    on(clock, "2026-01-10")
    account = records.create_account(ctx, team["admin"], {"name": "Acme"}).id
    return records.create_opportunity(ctx, team["admin"], {"account_id": account, "name": "D", "amount": "100",
                                                           "close_date": "2026-06-30", "owner": "ann@example.com"}).id


def test_an_owner_change_with_a_price_change_and_a_chain_of_handovers_come_back_as_written(
        engine: Engine, ctx: ServiceContext, clock: FakeClock, team: dict[str, int]) -> None:  # noqa: F811
    # given Ann's deal re-priced and handed to Bob in one update, then handed to Oz, then back to Ann
    deal = _deal(ctx, clock, team)
    on(clock, "2026-01-20")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"amount": "200", "owner": "bob@example.com"})
    on(clock, "2026-02-01")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"owner": "oz@example.com"})
    on(clock, "2026-02-05")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"owner": "ann@example.com"})
    on(clock, "2026-02-10")
    lifecycle.move_stage(ctx, team["admin"], deal, "Qualification")
    written = _history(engine, deal)
    assert [owner for _, owner, _, _ in written] == [team["rep_a"], team["rep_b"], team["outsider"],
                                                      team["rep_a"], team["rep_a"]]

    # when the two owner-only changes lose their rows (the combined one keeps its own) and the
    # database is brought to head again
    _taken_back(engine, deal, ("2026-02-01", "2026-02-05"))
    upgrade_to_head(engine)

    # then the combined change's row has the new owner, and the chain has both rows back
    assert _history(engine, deal) == written

    # and a second round trip with nothing deleted adds and changes nothing
    command.downgrade(alembic_config(engine), "0032")
    upgrade_to_head(engine)
    assert _history(engine, deal) == written


def test_a_change_from_no_owner_to_someone_is_a_change(
        engine: Engine, ctx: ServiceContext, clock: FakeClock, team: dict[str, int]) -> None:  # noqa: F811
    # given a deal handed to Bob on Feb 1 whose audit says it had no owner before (a legacy row)
    deal = _deal(ctx, clock, team)
    on(clock, "2026-01-20")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"amount": "200"})
    on(clock, "2026-02-01")
    records.update_record(ctx, team["admin"], "opportunity", deal, {"owner": "bob@example.com"})
    written = _history(engine, deal)
    _taken_back(engine, deal, ("2026-02-01",))
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET changes = :changes WHERE record_type = 'opportunity' "
                                "AND record_id = :id AND action = 'update' AND changes LIKE '%owner_id%'"),
                           {"id": deal, "changes": json.dumps({"owner_id": [None, str(team["rep_b"])]})})

    # when the database is brought to head
    upgrade_to_head(engine)

    # then the rows before the change have no owner, and the change has its row with Bob
    assert _history(engine, deal) == [(day, None, stage, amount) for day, _, stage, amount in written[:2]] \
        + [written[2]]
    assert written[2][1] == team["rep_b"]
