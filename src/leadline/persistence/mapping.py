"""Row <-> domain object mapping by field name, shared by the repositories. (Rows in bulk:
``bulk_rows``.)"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any, TypeVar

T = TypeVar("T")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def _column_names(row_cls: type) -> frozenset[str]:
    return frozenset(row_cls.__mapper__.attrs.keys())  # type: ignore[attr-defined]


def to_domain(cls: type[T], row: Any, **extra: Any) -> T:
    """Build domain object ``cls`` from the same-named attributes of ``row``: an ORM row object,
    or a Core result row (faster: no identity map) whose keys are the column names."""
    fields = getattr(row, "_fields", None)
    if fields is not None:
        names, read = _row_reader(cls, fields)
        values = dict(zip(names, read(row), strict=True))
    else:
        columns = _column_names(type(row))
        values = {name: getattr(row, name) for name in _field_names(cls) if name in columns}
    values.update(extra)
    return cls(**values)


def record_builder(cls: type[T], names: tuple[str, ...]) -> Callable[[Sequence[Any]], T]:
    """A maker of ``cls`` from value tuples in the order of ``names`` (fields of ``cls``):
    positional when the names are the leading fields, which skips a dict per record."""
    if names == _field_names(cls)[:len(names)]:
        return lambda values: cls(*values)
    return lambda values: cls(**dict(zip(names, values, strict=True)))


def to_domain_many(cls: type[T], result: Any) -> list[T]:
    """``to_domain`` for every row of a Core ``result``: the columns are matched to fields once
    and values taken by position (a Row's attribute access costs ~0.5 µs per column)."""
    rows = result.all()
    if not rows:
        return []
    keys = tuple(result.keys())
    names, _ = _row_reader(cls, keys)
    make = record_builder(cls, names)
    positions = [keys.index(name) for name in names]
    read = itemgetter(*positions) if len(positions) > 1 else lambda row: (row[positions[0]],)
    return [make(read(row)) for row in rows]


@cache
def _row_reader(cls: type, row_fields: tuple[str, ...]) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """For Core rows with these columns: the fields of ``cls`` they hold and a getter of them all."""
    present = set(row_fields)
    names = tuple(name for name in _field_names(cls) if name in present)
    getter = attrgetter(*names)
    return names, (getter if len(names) > 1 else lambda row: (getter(row),))


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



class FetchedRows:
    """Rows already fetched (from one statement, or two run one after the other, with the same
    columns) as ``to_domain_many`` reads a result: ``all()`` and ``keys()``."""

    def __init__(self, keys: list[str], rows: list[Any]) -> None:
        self._keys, self._rows = keys, rows

    @classmethod
    def of(cls, result: Any) -> FetchedRows:
        """Fetch every row of a Core ``result``."""
        return cls(list(result.keys()), list(result.all()))

    def then(self, result: Any) -> FetchedRows:
        """These rows followed by every row of ``result`` (a statement of the same columns)."""
        return FetchedRows(list(result.keys()), [*self._rows, *result.all()])

    def all(self) -> list[Any]:
        return self._rows

    def keys(self) -> list[str]:
        return self._keys
