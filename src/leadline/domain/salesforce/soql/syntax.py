"""The parsed form of a SOQL query: immutable records, each with the character offset where it
starts in the query text (errors found later, by the compiler, point there too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class FieldPath:
    """``Name``, or a parent's field: ``Account.Owner.Email``."""

    parts: tuple[str, ...]
    offset: int

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


class Function(StrEnum):
    COUNT = "COUNT"
    COUNT_DISTINCT = "COUNT_DISTINCT"
    SUM = "SUM"
    AVG = "AVG"
    MIN = "MIN"
    MAX = "MAX"


@dataclass(frozen=True, slots=True)
class Aggregate:
    """``SUM(Amount) total``; ``field`` is None only for ``COUNT()``."""

    function: Function
    field: FieldPath | None
    alias: str | None
    offset: int


@dataclass(frozen=True, slots=True)
class SelectField:
    path: FieldPath
    alias: str | None = None


@dataclass(frozen=True, slots=True)
class Subquery:
    """A child relationship's records: ``(SELECT Id FROM Contacts)``."""

    query: Query
    offset: int


SelectItem = SelectField | Aggregate | Subquery


class LiteralKind(StrEnum):
    STRING = "string"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True, slots=True)
class Literal:
    """A value written in the query. For a string, ``value`` is the text with its escapes undone
    and ``like_pattern`` the same text as an SQL LIKE pattern escaped with a backslash (``\\%``
    and ``\\_`` stay literal, ``%`` and ``_`` are wildcards)."""

    kind: LiteralKind
    value: str | Decimal | bool | date | datetime | None
    offset: int
    like_pattern: str | None = None


@dataclass(frozen=True, slots=True)
class DateLiteral:
    """``TODAY``, ``THIS_QUARTER``, ``LAST_N_DAYS:30``: a range of days relative to today."""

    name: str
    n: int | None
    offset: int


Value = Literal | DateLiteral


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left operator value``; ``operator`` is one of = != < > <= >= LIKE (``<>`` is read as !=)."""

    left: FieldPath | Aggregate
    operator: str
    value: Value
    offset: int


@dataclass(frozen=True, slots=True)
class InList:
    left: FieldPath | Aggregate
    values: tuple[Value, ...]
    negated: bool
    offset: int


@dataclass(frozen=True, slots=True)
class SemiJoin:
    """``AccountId IN (SELECT Id FROM Account WHERE ...)``: the ids another query selects."""

    left: FieldPath
    query: Query
    negated: bool
    offset: int


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Comparison | InList | SemiJoin | And | Or | Not


@dataclass(frozen=True, slots=True)
class OrderItem:
    """``nulls_first`` None means Salesforce's default: first when ascending, last when descending."""

    key: FieldPath | Aggregate
    descending: bool = False
    nulls_first: bool | None = None

    @property
    def puts_nulls_first(self) -> bool:
        return (not self.descending) if self.nulls_first is None else self.nulls_first


@dataclass(frozen=True, slots=True)
class Query:
    """One SELECT. ``count_only`` is ``SELECT COUNT() FROM ...`` (the answer is a size, no records)."""

    select: tuple[SelectItem, ...]
    object_name: str
    object_offset: int
    where: Condition | None = None
    group_by: tuple[FieldPath, ...] = ()
    having: Condition | None = None
    order_by: tuple[OrderItem, ...] = ()
    limit: int | None = None
    offset: int | None = None
    count_only: bool = False

    @property
    def aggregates(self) -> tuple[Aggregate, ...]:
        return tuple(item for item in self.select if isinstance(item, Aggregate))

    @property
    def is_aggregate(self) -> bool:
        """Grouped or aggregated: one record per group (``AggregateResult``), not per row."""
        return bool(self.group_by) or (bool(self.aggregates) and not self.count_only)
