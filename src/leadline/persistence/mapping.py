"""Row <-> domain object mapping by field name, shared by the repositories."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import cache
from operator import attrgetter
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


@cache
def _shared_reader(obj_cls: type, row_cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The names that are both fields of ``obj_cls`` and columns of ``row_cls``, in field order,
    and one C-level getter reading them all at once (bulk inserts call this per record)."""
    columns = _column_names(row_cls)
    names = tuple(name for name in _field_names(obj_cls) if name in columns)
    getter = attrgetter(*names) if len(names) > 1 else lambda obj: tuple(getattr(obj, n) for n in names)
    return names, getter


def row_values(row_cls: type, obj: Any) -> dict[str, Any]:
    """The column values of ``row_cls`` taken from domain object ``obj`` (a dict for Core inserts)."""
    names, read = _shared_reader(type(obj), row_cls)
    return dict(zip(names, read(obj), strict=True))


def to_row(row_cls: type[T], obj: Any) -> T:
    return row_cls(**row_values(row_cls, obj))


def copy_onto(row: Any, obj: Any) -> None:
    """Write every mapped field of ``obj`` onto an existing row (the version is handled by the caller)."""
    for name, value in row_values(type(row), obj).items():
        if name != "version":
            setattr(row, name, value)
