"""What a conversion records in the audit, rendered exactly as ``access.audit_created`` and
``access.audit_changed`` render it, at a cost a bulk conversion of 10,000 leads can bear
(bench/RESULTS.md, issue 4): field names read once per class, the common types rendered without
``render_value``'s chain of checks, the moment of the conversion rendered once, and the
fields of new records rendered a column at a time when a batch writes many (``CreatedChanges``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from functools import cache
from operator import attrgetter
from typing import Any

from leadline.domain.history import render_value


class Derived:
    """What is worked out from one object (a configuration snapshot, a catalogue, a moment), kept
    while that same object is the one asked about: a bulk conversion asks 10,000 times."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        self.last: tuple[Any, Any] = (None, None)

    def __call__(self, source: Any) -> Any:
        seen, value = self.last
        if seen is not source:
            value = self.compute(source)
            self.last = (source, value)
        return value


#: ``render_value`` for the exact types that are most of a record; a datetime is mostly the
#: moment of the conversion, rendered once (``moment_text``)
moment_text = Derived(datetime.isoformat)
_RENDER: dict[type, Callable[[Any], str | None]] = {str: str, int: str, datetime: moment_text, date: date.isoformat}


@cache
def _fields(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    names = tuple(f.name for f in dataclasses.fields(cls))
    return names, attrgetter(*names)


@cache
def _fields_but_id(cls: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    names = tuple(name for name in _fields(cls)[0] if name != "id")
    read = attrgetter(*names)
    return names, read if len(names) > 1 else lambda record: (read(record),)


def fields_of(record: Any) -> dict[str, object]:
    """A dataclass record as a plain dict of its fields (``access.fields_of``, the field names
    read once per class)."""
    names, read = _fields(record.__class__)
    return dict(zip(names, read(record), strict=True))


def copy_of(record: Any) -> Any:
    """A shallow copy of a dataclass record whose fields are all ``__init__`` arguments, made by
    its constructor (a sixth of ``copy.copy``'s cost for a record with slots)."""
    return record.__class__(*_fields(record.__class__)[1](record))


def changes_between(before: Mapping[str, object], after: Mapping[str, object]) -> dict[str, tuple[str | None,
                                                                                                  str | None]]:
    """What ``access.audit_changed`` records: each field of ``after`` whose rendered value
    differs from that in ``before``, with both."""
    get, changes = _RENDER.get, {}
    for name, value in after.items():
        old, new = before.get(name), None if value is None else get(type(value), render_value)(value)
        old = None if old is None else get(type(old), render_value)(old)
        if old != new:
            changes[name] = (old, new)
    return changes


class CreatedChanges(Mapping[str, tuple[None, str | None]]):
    """What ``access.audit_created`` records for a new record: every field with a value but the
    id, from nothing to its rendered value. The record's values are taken when this is made and
    rendered when first read, or, by ``render_together``, with those of other records of the
    same kind (a batch of conversions writing their audit together)."""

    __slots__ = ("record_fields", "record_values", "_changes")

    def __init__(self, record: Any) -> None:
        names, read = _fields_but_id(record.__class__)
        self.record_fields: tuple[str, ...] = names
        self.record_values: tuple[Any, ...] = read(record)
        self._changes: dict[str, tuple[None, str | None]] | None = None

    def _rendered(self) -> dict[str, tuple[None, str | None]]:
        if self._changes is None:
            get = _RENDER.get
            self._changes = {name: (None, get(type(value), render_value)(value))
                             for name, value in zip(self.record_fields, self.record_values, strict=True)
                             if value is not None}
        return self._changes

    def __getitem__(self, name: str) -> tuple[None, str | None]:
        return self._rendered()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rendered())

    def __len__(self) -> int:
        return len(self._rendered())

    @staticmethod
    def render_together(items: Sequence[CreatedChanges],
                        moments: dict[int, str | None]) -> list[tuple[str, list[str | None]]]:
        """The rendered values of ``items`` (records of one kind), field by field: each field
        with its value's text in every item, None where the item has no value. ``moments`` keeps
        the text of each datetime by id (the caller keeps the items alive while it is used)."""
        return [(name, _rendered_column(values, moments))
                for name, values in zip(items[0].record_fields, zip(*(i.record_values for i in items), strict=True),
                                        strict=True)]


def _rendered_column(values: tuple[Any, ...], moments: dict[int, str | None]) -> list[str | None]:
    """``render_value`` of each value (None stays None), a column of one type at a time."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return [None] * len(values)
    kind = kinds.pop() if len(kinds) == 1 else None
    if kind is str:  # text is its own rendering
        return list(values)
    if kind is int:
        distinct = set(values)
        if len(distinct) * 4 < len(values):  # owners, stages, versions: a few values, each rendered once
            texts = {value: None if value is None else str(value) for value in distinct}
            return list(map(texts.__getitem__, values))
        return list(map(str, values)) if None not in distinct else [None if v is None else str(v) for v in values]
    if kind is datetime:  # mostly the moments of the conversions: each rendered once, by identity
        moments[id(None)] = None
        for key, value in dict(zip(map(id, values), values, strict=True)).items():
            if key not in moments:
                moments[key] = value.isoformat()
        return list(map(moments.__getitem__, map(id, values)))
    if kind is bool or kind is date or (kind is not None and issubclass(kind, Enum)):  # few distinct values
        texts = {value: render_value(value) for value in set(values)}
        return list(map(texts.__getitem__, values))
    get = _RENDER.get
    return [None if v is None else get(type(v), render_value)(v) for v in values]
