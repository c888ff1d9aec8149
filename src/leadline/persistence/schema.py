"""Create or upgrade a database with Alembic, from inside the package (no alembic.ini needed).

Telling whether a database is at the newest schema (what every command asks before it works)
reads the version table and the migration files directly: importing Alembic for it would cost
each command about a third of its start-up. ``upgrade_to_head`` imports it when it runs.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
#: Alembic's table of the revision a database is at (its default name).
VERSION_TABLE = "alembic_version"
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=\n]*=\s*(?:['\"]([^'\"]+)['\"]|None)", re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database Alembic never upgraded."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        return str(revision) if revision is not None else None


def head_revision(engine: Engine | None = None) -> str | None:
    """The newest revision of the code: the one no migration names as its ``down_revision``.
    Read from the ``revision = ...`` lines of the migration files; a test checks that Alembic's
    own answer is the same. ``engine`` is not needed (the answer is the code's)."""
    return _head_of_migrations()


@cache
def _head_of_migrations() -> str | None:
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value:
                (revisions if name == "revision" else parents).add(value)
    heads = revisions - parents
    if len(heads) > 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads ({', '.join(sorted(heads))}): chain them")
    return heads.pop() if heads else None
