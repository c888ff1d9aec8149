"""A parsed SOQL query to ONE SQLAlchemy Core statement (docs/adr/0042-soql-compiled-to-one-statement.md).

Parent fields are LEFT JOINs on the parent's key and its visibility predicate (a parent the user
may not read reads as no parent); child subqueries are correlated scalar subqueries that
aggregate the children as one JSON array (``json_group_array`` on SQLite, ``json_agg`` on
PostgreSQL); the root object's visibility predicate and the "not deleted" filter are in the
WHERE. Nothing is filtered in Python. ``CompiledQuery.page`` adds the order, a keyset
continuation and the page size.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, Float, FromClause, Select, and_, distinct, false, func, literal, or_, select
from sqlalchemy.types import TypeEngine

from leadline.domain.salesforce.fields import FieldType
from leadline.domain.salesforce.soql.errors import INVALID_FIELD, MALFORMED_QUERY, SoqlError
from leadline.domain.salesforce.soql.parser import parse_soql
from leadline.domain.salesforce.soql.request import IdDecoder, digits_only
from leadline.domain.salesforce.soql.syntax import (
    Aggregate,
    FieldPath,
    Function,
    Query,
    SelectField,
    SemiJoin,
    Subquery,
)
from leadline.persistence.salesforce.soql.conditions import ConditionCompiler, Operand
from leadline.persistence.salesforce.soql.model import NAME_OBJECT, Catalog, polymorphic_targets
from leadline.persistence.salesforce.soql.scope import Scope, Statement
from leadline.persistence.salesforce.soql.subqueries import child_column


@dataclass(frozen=True, slots=True)
class CompileOptions:
    """``today`` and ``zone``: where date literals are resolved (the user's day and time zone).
    ``include_deleted``: queryAll (merged tombstones included). ``dialect``: "sqlite" or "postgresql"."""

    today: date
    zone: tzinfo = UTC
    include_deleted: bool = False
    decode_id: IdDecoder = digits_only
    dialect: str = "sqlite"


@dataclass(frozen=True, slots=True)
class Output:
    """One value of each record: its column label, where it goes in the record (``("Account",
    "Name")``), its types, the object its ids are of, and for a child subquery, the child's plan."""

    label: str
    path: tuple[str, ...]
    type: FieldType
    sql_type: TypeEngine[Any]
    reference_to: str | None = None
    child: ChildPlan | None = None


@dataclass(frozen=True, slots=True)
class ParentMark:
    """The hidden id column of a parent reached by ``path``: null means no (readable) parent.
    ``polymorphic``: the column is a polymorphic reference (``"Contact:42"``) to a ``Name``."""

    label: str
    path: tuple[str, ...]
    object_name: str
    polymorphic: bool = False


@dataclass(frozen=True, slots=True)
class ChildPlan:
    name: str
    object_name: str
    outputs: tuple[Output, ...]
    parents: tuple[ParentMark, ...]


@dataclass(frozen=True, slots=True)
class SortKey:
    label: str
    expression: ColumnElement[Any]
    type: FieldType
    descending: bool
    nulls_first: bool

    def ordered(self) -> ColumnElement[Any]:
        direction = self.expression.desc() if self.descending else self.expression.asc()
        return direction.nulls_first() if self.nulls_first else direction.nulls_last()


@dataclass(frozen=True)
class CompiledQuery:
    """``base`` selects the records (or groups) with every filter; ``page`` orders and cuts it."""

    query: Query
    object_name: str
    base: Select[Any]
    outputs: tuple[Output, ...]
    parents: tuple[ParentMark, ...] = ()
    keys: tuple[SortKey, ...] = ()
    count_only: bool = False
    aggregate: bool = False
    labels: dict[str, str] = field(default_factory=dict)

    def page(self, after: Sequence[Any] | None, size: int, *, offset: int = 0, with_total: bool = False) -> Select[Any]:
        """The statement of one page: ``size`` rows after the row whose sort keys were ``after``
        (a keyset continuation), skipping ``offset``; ``with_total`` adds the count of every
        matching row (a window count) as the column ``_total``."""
        statement = self.base
        if with_total:
            statement = statement.add_columns(func.count().over().label("_total"))
        if after is not None:
            statement = statement.where(keyset_after(self.keys, after))
        statement = statement.order_by(*(key.ordered() for key in self.keys)).limit(size)
        return statement.offset(offset) if offset else statement


def keyset_after(keys: Sequence[SortKey], values: Sequence[Any]) -> ColumnElement[bool]:
    """Rows strictly after the row with sort ``values``, in the order of ``keys`` (nulls placed
    as each key says): (k1 beyond v1) or (k1 same and k2 beyond v2) or ..."""
    clauses: list[ColumnElement[bool]] = []
    same: list[ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=True):
        clauses.append(and_(*same, _beyond(key, value)))
        column = key.expression
        same.append(column.is_(None) if value is None else column == literal(value, column.type))
    return or_(*clauses)


def _beyond(key: SortKey, value: Any) -> ColumnElement[bool]:
    column = key.expression
    if value is None:
        return column.is_not(None) if key.nulls_first else false()
    bound = literal(value, column.type)
    strictly = column < bound if key.descending else column > bound
    return strictly if key.nulls_first else or_(strictly, column.is_(None))


def compile_soql(text: str, catalog: Catalog, options: CompileOptions) -> CompiledQuery:
    """Parse and compile ``text``: MALFORMED_QUERY, INVALID_TYPE, INVALID_FIELD as ``SoqlError``."""
    return compile_query(parse_soql(text), text, catalog, options)


def compile_query(query: Query, text: str, catalog: Catalog, options: CompileOptions) -> CompiledQuery:
    counter = itertools.count()

    def make_alias(table: FromClause) -> FromClause:
        return table.alias(f"t{next(counter)}")

    statement = Statement(catalog, text, make_alias)
    scope = Scope(statement, statement.object(query.object_name, query.object_offset))
    return _Compiler(statement, scope, options, counter).root(query)


class _Compiler:
    def __init__(self, statement: Statement, scope: Scope, options: CompileOptions, counter: Any) -> None:
        self.statement, self.scope, self.options, self.counter = statement, scope, options, counter
        self.conditions = ConditionCompiler(self.operand, statement.error, options.today, options.zone,
                                            options.decode_id, self.semi_join)

    def error(self, message: str, offset: int, code: str = MALFORMED_QUERY) -> SoqlError:
        return self.statement.error(code, message, offset)

    def operand(self, left: FieldPath | Aggregate) -> Operand:
        if isinstance(left, Aggregate):
            expression, kind = self.aggregate(left)
            return Operand(expression, kind, None, left.function.value)
        resolved = self.scope.resolve(left)
        return Operand(resolved.expression, resolved.field.type, resolved.field.reference_to, left.dotted)

    def aggregate(self, item: Aggregate) -> tuple[ColumnElement[Any], FieldType]:
        if item.field is None:
            return func.count(), FieldType.INT
        resolved = self.scope.resolve(item.field)
        expression, kind = resolved.expression, resolved.field.type
        if item.function in (Function.SUM, Function.AVG) and not kind.is_number:
            raise self.error(f"field {item.field.dotted} does not support aggregate operator {item.function.value}",
                             item.offset, INVALID_FIELD)
        if item.function is Function.COUNT:
            return func.count(expression), FieldType.INT
        if item.function is Function.COUNT_DISTINCT:
            return func.count(distinct(expression)), FieldType.INT
        if item.function is Function.AVG:
            typed = expression.type if kind is FieldType.CURRENCY else Float()
            return func.avg(expression, type_=typed), kind if kind is FieldType.CURRENCY else FieldType.DOUBLE
        made: ColumnElement[Any] = getattr(func, item.function.value.lower())(expression, type_=expression.type)
        return made, kind

    def semi_join(self, condition: SemiJoin) -> ColumnElement[bool]:
        """``left [NOT] IN (SELECT Id FROM ...)``: the inner query with its own object's
        visibility, as an SQL ``IN (SELECT ...)`` of the same statement."""
        left, query = self.scope.resolve(condition.left), condition.query
        chosen = query.select[0] if len(query.select) == 1 else None
        if not isinstance(chosen, SelectField) or query.is_aggregate or query.order_by or query.limit is not None:
            raise self.error("A semi join subquery selects one Id or reference field, with no aggregate, order "
                             "or limit", condition.query.object_offset)
        inner = Statement(self.statement.catalog, self.statement.text, self.child_counter())
        scope = Scope(inner, inner.object(query.object_name, query.object_offset))
        compiler = _Compiler(inner, scope, self.options, self.counter)
        selected = scope.resolve(chosen.path)
        if polymorphic_targets(left.field.reference_to) is not None:
            raise self.error(f"{left.field.name} is polymorphic: compare it with ids, not a semi join",
                             condition.left.offset, INVALID_FIELD)
        if not (selected.field.type.is_id and left.field.type.is_id):
            raise self.error("Semi join sub-selects compare Id or reference fields only", chosen.path.offset,
                             INVALID_FIELD)
        where = compiler.filters(query, scope) + [selected.expression.is_not(None)]
        ids = select(selected.expression).select_from(inner.from_clause(scope.alias)).where(*where)
        inside = left.expression.in_(ids)
        return or_(~inside, left.expression.is_(None)) if condition.negated else inside

    def filters(self, query: Query, scope: Scope) -> list[ColumnElement[bool]]:
        found = []
        visible = self.statement.catalog.visibility(scope.definition.name, scope.alias)
        if visible is not None:
            found.append(visible)
        if scope.definition.deleted is not None and not self.options.include_deleted:
            found.append(~scope.definition.deleted(scope.alias))
        if query.where is not None:
            self.forbid_aggregates(query.where)
            found.append(self.conditions.compile(query.where))
        return found

    def forbid_aggregates(self, condition: Any) -> None:
        for item in getattr(condition, "items", ()) or ([condition.item] if hasattr(condition, "item") else []):
            self.forbid_aggregates(item)
        left = getattr(condition, "left", None)
        if isinstance(left, Aggregate):
            raise self.error("Aggregate functions are not allowed in WHERE; use HAVING", left.offset)

    def root(self, query: Query) -> CompiledQuery:
        if query.count_only:
            where = self.filters(query, self.scope)
            base = select(func.count()).select_from(self.statement.from_clause(self.scope.alias)).where(*where)
            return CompiledQuery(query, self.scope.definition.name, base, (), count_only=True)
        if query.is_aggregate:
            from leadline.persistence.salesforce.soql.grouping import compile_grouped
            return compile_grouped(self, query)
        outputs, parents, columns = self.select_list(query, self.scope)
        where = self.filters(query, self.scope)
        keys = self.sort_keys(query)
        columns += [key.expression.label(key.label) for key in keys]
        base = select(*columns).select_from(self.statement.from_clause(self.scope.alias)).where(*where)
        return CompiledQuery(query, self.scope.definition.name, base, tuple(outputs), tuple(parents), tuple(keys))

    def select_list(self, query: Query, scope: Scope) -> tuple[list[Output], list[ParentMark], list[Any]]:
        """The outputs of a record query, the hidden parent ids, and their labelled columns
        (the record's own id first, as ``_id``)."""
        outputs: list[Output] = []
        marks: dict[tuple[str, ...], ParentMark] = {}
        columns: list[Any] = [scope.key.label("_id")]
        for item in query.select:
            if isinstance(item, Aggregate):
                raise self.error("Aggregate functions need GROUP BY or no other fields", item.offset)
            label = f"c{len(outputs)}"
            if isinstance(item, Subquery):
                expression, plan = child_column(self, item, scope)
                outputs.append(Output(label, (plan.name,), FieldType.STRING, expression.type, child=plan))
                columns.append(expression.label(label))
                continue
            assert isinstance(item, SelectField)
            resolved = scope.resolve(item.path)
            for depth in range(1, len(resolved.relationships) + 1):
                walked = resolved.relationships[:depth]
                if walked not in marks:
                    parent = scope.resolve(FieldPath(item.path.parts[:depth] + ("Id",), item.path.offset))
                    polymorphic = polymorphic_targets(parent.field.reference_to) is not None
                    marks[walked] = ParentMark(f"_p{len(marks)}", walked, NAME_OBJECT if polymorphic
                                               else parent.scope.definition.name, polymorphic)
                    columns.append(parent.expression.label(marks[walked].label))
            path = resolved.relationships + (resolved.field.name,)
            outputs.append(Output(label, path, resolved.field.type, resolved.expression.type,
                                  resolved.field.reference_to))
            columns.append(resolved.expression.label(label))
        return outputs, list(marks.values()), columns

    def sort_keys(self, query: Query) -> list[SortKey]:
        keys = []
        for number, item in enumerate(query.order_by):
            if isinstance(item.key, Aggregate):
                raise self.error("Ordering by an aggregate needs GROUP BY", item.key.offset)
            resolved = self.scope.resolve(item.key)
            keys.append(SortKey(f"_k{number}", resolved.expression, resolved.field.type, item.descending,
                                item.puts_nulls_first))
        keys.append(SortKey("_kid", self.scope.key, FieldType.ID, False, False))
        return keys

    def child_counter(self) -> Callable[[FromClause], FromClause]:
        def make_alias(table: FromClause) -> FromClause:
            return table.alias(f"t{next(self.counter)}")
        return make_alias


__all__ = ["CompileOptions", "CompiledQuery", "compile_query", "compile_soql"]
