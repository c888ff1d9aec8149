"""Aggregate queries: ``SELECT StageName, SUM(Amount) total FROM Opportunity GROUP BY StageName``,
one ``AggregateResult`` per group; an unnamed aggregate is called ``expr0``, ``expr1``, ..."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from leadline.domain.salesforce.soql.errors import MALFORMED_QUERY
from leadline.domain.salesforce.soql.syntax import Aggregate, Query, SelectField
from leadline.persistence.salesforce.soql.scope import Resolved

if TYPE_CHECKING:
    from leadline.persistence.salesforce.soql.compiler import CompiledQuery, Output, SortKey, _Compiler


def compile_grouped(compiler: _Compiler, query: Query) -> CompiledQuery:
    from leadline.persistence.salesforce.soql.compiler import CompiledQuery, Output, SortKey

    scope = compiler.scope
    grouped: dict[str, Resolved] = {path.dotted.lower(): scope.resolve(path) for path in query.group_by}
    outputs: list[Output] = []
    columns: list[Any] = []
    unnamed = 0
    for item in query.select:
        label = f"c{len(outputs)}"
        if isinstance(item, SelectField):
            resolved = grouped.get(item.path.dotted.lower())
            if resolved is None:
                raise compiler.error(f"Field must be grouped or aggregated: {item.path.dotted}", item.path.offset)
            name = item.alias or resolved.field.name
            outputs.append(Output(label, (name,), resolved.field.type, resolved.expression.type,
                                  resolved.field.reference_to))
            columns.append(resolved.expression.label(label))
        elif isinstance(item, Aggregate):
            expression, kind = compiler.aggregate(item)
            if item.alias is None:
                name, unnamed = f"expr{unnamed}", unnamed + 1
            else:
                name = item.alias
            outputs.append(Output(label, (name,), kind, expression.type))
            columns.append(expression.label(label))
        else:
            raise compiler.error("A subquery cannot be used in an aggregate query", item.offset, MALFORMED_QUERY)
    where = compiler.filters(query, scope)
    keys: list[SortKey] = []
    for number, order in enumerate(query.order_by):
        if isinstance(order.key, Aggregate):
            expression, kind = compiler.aggregate(order.key)
        else:
            resolved = grouped.get(order.key.dotted.lower())
            if resolved is None:
                raise compiler.error(f"Ordered field must be grouped or aggregated: {order.key.dotted}",
                                     order.key.offset)
            expression, kind = resolved.expression, resolved.field.type
        keys.append(SortKey(f"_k{number}", expression, kind, order.descending, order.puts_nulls_first))
    base = (select(*columns).select_from(compiler.statement.from_clause(scope.alias)).where(*where)
            .group_by(*(resolved.expression for resolved in grouped.values())))
    if query.having is not None:
        base = base.having(compiler.conditions.compile(query.having))
    return CompiledQuery(query, scope.definition.name, base, tuple(outputs), (), tuple(keys), aggregate=True)
