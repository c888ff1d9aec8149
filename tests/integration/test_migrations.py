"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from leadline.persistence.migrations_support import compare_type, include_object
from leadline.persistence.rows import metadata
from leadline.persistence.schema import alembic_config, current_revision, head_revision, upgrade_to_head


def test_an_upgraded_database_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": compare_type, "include_object": include_object})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_an_upgraded_database_is_at_the_head_revision(engine: Engine) -> None:
    assert current_revision(engine) == head_revision(engine) is not None


def test_the_revisions_read_without_alembic_are_alembics(engine: Engine) -> None:
    """``current_revision`` and ``head_revision`` skip importing Alembic (a command starts faster):
    they must answer as Alembic does, before any upgrade and after one."""
    assert head_revision() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    for revision in (None, "0001", head_revision()):
        if revision is None:
            with engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE alembic_version")
        else:
            with engine.begin() as connection:
                MigrationContext.configure(connection).stamp(ScriptDirectory.from_config(alembic_config(engine)),
                                                             revision)
        with engine.connect() as connection:
            assert current_revision(engine) == MigrationContext.configure(connection).get_current_revision() == \
                revision


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    before = sorted(inspect(engine).get_table_names())
    upgrade_to_head(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert set(metadata.tables) <= set(before)


def test_the_lookup_indexes_exist(engine: Engine) -> None:
    def indexed(table: str) -> set[str]:
        return {col for index in inspect(engine).get_indexes(table) for col in index["column_names"][:1]}

    assert {"email", "company", "status_id", "owner_id", "created_at"} <= indexed("leads")
    assert {"stage_id", "close_date", "owner_id", "account_id"} <= indexed("opportunities")


def test_downgrading_to_base_and_back_rebuilds_the_schema(engine: Engine) -> None:
    from alembic import command

    from leadline.persistence.schema import alembic_config

    command.downgrade(alembic_config(engine), "base")
    assert not set(metadata.tables) & set(inspect(engine).get_table_names())
    upgrade_to_head(engine)
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())


def test_field_history_written_before_audit_events_existed_is_carried_over(engine: Engine) -> None:
    from alembic import command
    from sqlalchemy import text

    from leadline.persistence.schema import alembic_config

    command.downgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO field_history (id, record_type, record_id, field, old_value, new_value, actor_id, changed_at)"
            " VALUES (1, 'lead', 42, 'title', 'Engineer', 'CTO', NULL, '2026-01-02 03:04:05')"))
    upgrade_to_head(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT action, record_type, record_id, changes FROM audit_events")).one()
    assert (row.action, row.record_type, row.record_id) == ("update", "lead", 42)
    import json

    assert json.loads(row.changes) == {"title": ["Engineer", "CTO"]}


def test_exchange_rates_of_four_places_keep_their_value_when_widened_to_ten(engine: Engine) -> None:
    from datetime import date
    from decimal import Decimal

    from alembic import command
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from leadline.persistence.forecast.repositories import ExchangeRateRepository
    from leadline.persistence.schema import alembic_config

    command.downgrade(alembic_config(engine), "0004")
    stored = "61" if engine.dialect.name == "sqlite" else "0.0061"  # 0.0061 in 0004's column
    with engine.begin() as connection:
        connection.execute(text(f"INSERT INTO exchange_rates (id, currency, rate, valid_from)"
                                f" VALUES (1, 'JPY', {stored}, '2026-01-01')"))
    upgrade_to_head(engine)
    with Session(engine) as session:
        repository = ExchangeRateRepository(session)
        assert repository.list() == [("JPY", date(2026, 1, 1), Decimal("0.0061"))]
        repository.set("JPY", date(2026, 2, 1), Decimal("0.0061234567"))
        session.commit()
        assert repository.list()[-1][2] == Decimal("0.0061234567")
