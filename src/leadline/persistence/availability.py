"""A database that cannot be reached is one named error, ``DatabaseUnavailableError``, however the
driver says so: the connection refused or dropped, the server shutting down or refusing new
connections (PostgreSQL), the database file impossible to open (SQLite).

``name_unavailability`` makes an engine raise it from every statement and connection attempt
(SQLAlchemy's ``handle_error`` hook: the connection is still invalidated and the pool emptied
of dead connections as usual, so the first request after the database returns reconnects);
``unavailability`` is the same test for the few places that use a driver connection directly.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

from sqlalchemy import Engine, event

from leadline.domain.errors import DatabaseUnavailableError

#: PostgreSQL states of a server that cannot serve: class 08 (connection exception), an
#: administrator or crash shutdown, "cannot connect now" (starting up), too many connections.
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03", "53300")
MESSAGE = "the database cannot be reached; try again shortly"


def is_unreachable(error: BaseException) -> bool:
    """Whether a driver's error (or SQLAlchemy's wrapping of it) means the database cannot be
    reached, as opposed to refusing one statement (a broken rule, a lock timeout, a bad value)."""
    if getattr(error, "connection_invalidated", False):
        return True
    original = getattr(error, "orig", None) or error
    # only a process that loaded psycopg (one on PostgreSQL) meets its errors: an SQLite command
    # need not pay for importing it
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(original, psycopg.OperationalError):
        state = original.sqlstate
        return state is None or state.startswith("08") or state in _UNAVAILABLE_STATES
    if isinstance(original, sqlite3.OperationalError):
        return getattr(original, "sqlite_errorcode", None) == sqlite3.SQLITE_CANTOPEN
    return False


def unavailability(error: BaseException) -> DatabaseUnavailableError | None:
    """The named error for a driver error that means the database cannot be reached, else None."""
    return DatabaseUnavailableError(MESSAGE) if is_unreachable(error) else None


def name_unavailability(engine: Engine) -> None:
    """Make every error of ``engine`` that means the database cannot be reached a
    ``DatabaseUnavailableError`` (the driver's error is its ``__cause__``)."""

    @event.listens_for(engine, "handle_error")
    def _named(context: Any) -> BaseException | None:
        if context.is_disconnect or is_unreachable(context.original_exception):
            return DatabaseUnavailableError(MESSAGE)
        return None
