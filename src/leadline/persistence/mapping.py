"""Row <-> domain object mapping by field name, shared by the repositories."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def _column_names(row_cls: type) -> frozenset[str]:
    return frozenset(row_cls.__mapper__.attrs.keys())  # type: ignore[attr-defined]


def to_domain(cls: type[T], row: Any, **extra: Any) -> T:
    """Build domain object ``cls`` from the same-named attributes of ``row``."""
    columns = _column_names(type(row))
    values = {name: getattr(row, name) for name in _field_names(cls) if name in columns}
    values.update(extra)
    return cls(**values)


def row_values(row_cls: type, obj: Any) -> dict[str, Any]:
    """The column values of ``row_cls`` taken from domain object ``obj`` (a dict for Core inserts)."""
    columns = _column_names(row_cls)
    return {name: getattr(obj, name) for name in _field_names(type(obj)) if name in columns}


def to_row(row_cls: type[T], obj: Any) -> T:
    return row_cls(**row_values(row_cls, obj))


def copy_onto(row: Any, obj: Any) -> None:
    """Write every mapped field of ``obj`` onto an existing row (the version is handled by the caller)."""
    for name, value in row_values(type(row), obj).items():
        if name != "version":
            setattr(row, name, value)
