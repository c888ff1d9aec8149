"""Alembic environment: runs against the engine handed in by leadline.persistence.schema,
or against LEADLINE_DATABASE_URL when alembic is run by hand."""

from __future__ import annotations

from alembic import context

from leadline.persistence.migrations_support import compare_type, include_object, render_item
from leadline.persistence.rows import metadata


def run_migrations() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        from leadline.config import get_settings
        from leadline.persistence.database import make_engine

        engine = make_engine(get_settings().resolved_database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            render_item=render_item,
            compare_type=compare_type,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
