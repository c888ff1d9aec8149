"""How migrations write and compare Leadline's own column types (used by migrations/env.py and tests)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Numeric, String

from leadline.persistence.types import EnumText, ExactDecimal, ExactRate, UtcDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write our column types into migrations in plain SQLAlchemy terms, where that is exact."""
    if type_ == "type" and isinstance(obj, EnumText):
        return f"sa.String(length={obj.impl.length})"
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, ExactRate):
        autogen_context.imports.add("from leadline.persistence.types import ExactRate")
        return "ExactRate()"
    if type_ == "type" and isinstance(obj, ExactDecimal):
        autogen_context.imports.add("from leadline.persistence.types import ExactDecimal")
        return "ExactDecimal()"
    return False


def compare_type(context_: Any, inspected: Any, metadata_column: Any, inspected_type: Any,
                 metadata_type: Any) -> bool | None:
    if isinstance(metadata_type, ExactDecimal):
        dialect = context_.dialect
        expected = metadata_type.load_dialect_impl(dialect)
        if isinstance(expected, Numeric):
            return not (isinstance(inspected_type, Numeric) and inspected_type.scale == metadata_type.places)
        return type(inspected_type).__name__ not in ("BIGINT", "BigInteger", "INTEGER")
    if isinstance(metadata_type, EnumText):
        return not isinstance(inspected_type, String)
    return None


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave out of the comparison an object of the models marked ``info["compared_by"]``: Alembic
    cannot compare it (the PostgreSQL-only trigram index of lead search: its reflected expression
    carries casts the model's does not); the test named there checks it instead."""
    return "compared_by" not in getattr(obj, "info", {})
