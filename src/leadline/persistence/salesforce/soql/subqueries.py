"""A child subquery, ``(SELECT Id, LastName FROM Contacts ORDER BY LastName)``, as one correlated
scalar subquery giving the children as a JSON array of objects keyed by column label: the
children's own visibility predicate and filters are inside it, so the whole answer stays one
statement (docs/adr/0042-soql-compiled-to-one-statement.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Text, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from leadline.domain.salesforce.soql.errors import INVALID_TYPE, MALFORMED_QUERY
from leadline.domain.salesforce.soql.syntax import Subquery
from leadline.persistence.salesforce.soql.scope import Scope, Statement

if TYPE_CHECKING:
    from leadline.persistence.salesforce.soql.compiler import ChildPlan, _Compiler


def child_column(parent: _Compiler, item: Subquery, scope: Scope) -> tuple[ColumnElement[Any], ChildPlan]:
    from leadline.persistence.salesforce.soql.compiler import ChildPlan, _Compiler

    query, statement = item.query, parent.statement
    if query.is_aggregate or query.count_only or any(isinstance(i, Subquery) for i in query.select):
        raise statement.error(MALFORMED_QUERY, "A child subquery may select fields only: no aggregates and no "
                              "nested subqueries", item.offset)
    relationship = scope.definition.child(query.object_name)
    if relationship is None:
        raise statement.error(INVALID_TYPE, f"Didn't understand relationship '{query.object_name}' in FROM part of "
                              "query call. If you are attempting to use a custom relationship, be sure to append the "
                              "'__r' after the custom relationship name. Please reference your WSDL or the describe "
                              "call for the appropriate names.", query.object_offset)
    inner = Statement(statement.catalog, statement.text, parent.child_counter())
    child_scope = Scope(inner, inner.object(relationship.child, query.object_offset))
    compiler = _Compiler(inner, child_scope, parent.options, parent.counter)
    outputs, marks, columns = compiler.select_list(query, child_scope)
    where = compiler.filters(query, child_scope) + [relationship.foreign_key(child_scope.alias) == scope.key]
    keys = compiler.sort_keys(query)
    ordered = [key.ordered() for key in keys]
    position = func.row_number().over(order_by=ordered).label("_position")
    rows_statement = (select(*columns, position).select_from(inner.from_clause(child_scope.alias)).where(*where)
                      .order_by(*ordered).limit(query.limit))
    if query.offset:
        rows_statement = rows_statement.offset(query.offset)
    rows = rows_statement.correlate(scope.alias).subquery(f"t{next(parent.counter)}")
    pairs: list[Any] = []
    for column in columns:
        pairs += [literal_column(f"'{column.name}'"), rows.c[column.name]]
    if parent.options.dialect == "postgresql":
        # PostgreSQL aggregates in the order asked for; SQLite's json_group_array keeps the
        # derived table's order (it has no ORDER BY inside an aggregate before 3.44)
        objects = aggregate_order_by(func.json_build_object(*pairs), rows.c._position)
        gathered = func.coalesce(func.json_agg(objects), literal_column("'[]'::json"))
        array: ColumnElement[Any] = cast(gathered, Text)
    else:
        array = func.json_group_array(func.json_object(*pairs), type_=Text)
    plan = ChildPlan(relationship.name, child_scope.definition.name, tuple(outputs), tuple(marks))
    return select(array).select_from(rows).scalar_subquery(), plan
