"""Which sessions wrote configuration: what the per-process configuration cache holds.

A session that inserts, updates or deletes a row of a configuration table (users, statuses,
sources, processes and stages, custom-field definitions, transitions, reasons, criteria, field
mappings, API tokens, sharing defaults, object rights, org settings, web-to-lead forms) is marked;
the unit of work reads the mark at commit and runs its after-commit hooks (the cache's
``invalidate``), never after a rollback.
Use cases no longer clear the cache by hand, so a new configuration use case cannot forget to.

Each such commit also adds one to the ``configuration_version`` row in its own transaction
(``count_configuration_write``), so another worker process, once its cache's second is up, asks
for that number (``configuration_version``) and reloads only when it moved (ADR 0045).

Both ways a repository writes through the session are seen: ORM objects added, changed or
deleted (at flush) and insert/update/delete statements run with ``session.execute``. A
configuration write must not bypass the session (``session.connection().execute``): the
integration test of every configuration use case would show the stale read.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import Engine, event, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from leadline.persistence.configuration.rows import ConfigurationVersionRow

#: The tables of configuration, by name: importing their rows here would map four areas in every
#: command, which the unit of work otherwise imports only on use (a test checks each name is a table).
CONFIGURATION_TABLES = frozenset({
    "users", "lead_statuses", "lead_sources", "sales_processes", "opportunity_stages", "custom_field_definitions",
    "lead_status_transitions", "reasons", "criteria", "conversion_field_mappings", "api_tokens",
    "sharing_defaults", "object_rights", "org_settings", "duplicate_rules", "capture_forms",
})


_WROTE = "leadline_wrote_configuration"


def wrote_configuration(session: Session) -> bool:
    """Whether ``session`` wrote a configuration row since it opened (or since ``forget``)."""
    return bool(session.info.get(_WROTE))


def forget_configuration_writes(session: Session) -> None:
    """Start counting again (after a commit whose hooks ran)."""
    session.info.pop(_WROTE, None)


@event.listens_for(Session, "do_orm_execute")
def _statement_run(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        if getattr(state.statement.table, "name", None) in CONFIGURATION_TABLES:  # type: ignore[attr-defined]
            state.session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _objects_flushed(session: Session, flush_context: UOWTransaction) -> None:
    if wrote_configuration(session):
        return
    touched = chain(session.new, session.dirty, session.deleted)
    if any(type(item).__table__.name in CONFIGURATION_TABLES for item in touched):
        session.info[_WROTE] = True


def count_configuration_write(session: Session) -> None:
    """Add one to the stored configuration version, in ``session``'s transaction (before its commit)."""
    session.execute(update(ConfigurationVersionRow).where(ConfigurationVersionRow.id == 1)
                    .values(version=ConfigurationVersionRow.version + 1))


def stored_configuration_version(session: Session) -> int | None:
    """The stored configuration version as ``session``'s transaction sees it."""
    found = session.scalar(select(ConfigurationVersionRow.version).where(ConfigurationVersionRow.id == 1))
    return None if found is None else int(found)


def configuration_version(engine: Engine) -> int | None:
    """The stored configuration version, read on a connection of its own in a read-only transaction
    (on SQLite a plain BEGIN: it never waits for, nor holds up, a writer); None when it cannot be
    read (a database not migrated yet, or not answering: the load that follows says what is wrong)."""
    try:
        with engine.connect().execution_options(leadline_read_only=True) as connection:
            found = connection.scalar(select(ConfigurationVersionRow.version).where(ConfigurationVersionRow.id == 1))
    except DBAPIError:
        return None
    return None if found is None else int(found)
