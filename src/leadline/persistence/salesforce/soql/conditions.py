"""WHERE and HAVING conditions to SQL: each value checked against its field's type, strings
compared ignoring case as Salesforce does, date literals as ranges of days, and ``!=``/``NOT IN``
keeping the rows where the field is null (SOQL treats null as a value)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, and_, false, func, literal, not_, or_, true

from leadline.domain.salesforce.fields import FieldType
from leadline.domain.salesforce.soql.dates import resolve_date_literal, utc_bounds
from leadline.domain.salesforce.soql.errors import INVALID_FIELD, INVALID_QUERY_FILTER_OPERATOR, SoqlError
from leadline.domain.salesforce.soql.request import IdDecoder
from leadline.domain.salesforce.soql.syntax import (
    And,
    Comparison,
    Condition,
    DateLiteral,
    InList,
    Literal,
    LiteralKind,
    Not,
    Or,
    SemiJoin,
    Value,
)
from leadline.persistence.salesforce.soql.model import polymorphic_targets


@dataclass(frozen=True, slots=True)
class Operand:
    """The left side of a comparison, compiled: its expression, type, the object its ids are of,
    and its name for messages."""

    expression: ColumnElement[Any]
    type: FieldType
    reference_to: str | None
    name: str


@dataclass(frozen=True, slots=True)
class ConditionCompiler:
    operand: Callable[[Any], Operand]
    error: Callable[[str, str, int], SoqlError]
    today: date
    zone: tzinfo
    decode_id: IdDecoder
    semi_join: Callable[[SemiJoin], ColumnElement[bool]]

    def compile(self, condition: Condition) -> ColumnElement[bool]:
        if isinstance(condition, And):
            return and_(*(self.compile(item) for item in condition.items))
        if isinstance(condition, Or):
            return or_(*(self.compile(item) for item in condition.items))
        if isinstance(condition, Not):
            return not_(self.compile(condition.item))
        if isinstance(condition, InList):
            return self._in_list(condition)
        if isinstance(condition, SemiJoin):
            return self.semi_join(condition)
        return self._comparison(condition)

    def _comparison(self, condition: Comparison) -> ColumnElement[bool]:
        left, value, operator = self.operand(condition.left), condition.value, condition.operator
        if isinstance(value, DateLiteral):
            return self._date_range(left, operator, value)
        if value.kind is LiteralKind.NULL:
            if operator not in ("=", "!="):
                raise self.error(INVALID_FIELD, f"invalid operator on null for field '{left.name}'", value.offset)
            return left.expression.is_(None) if operator == "=" else left.expression.is_not(None)
        if operator == "LIKE":
            if not left.type.is_text:
                raise self.error(INVALID_QUERY_FILTER_OPERATOR,
                                 f"invalid operator on field '{left.name}': LIKE needs a text field", condition.offset)
            return func.lower(left.expression).like(str(value.like_pattern).lower(), escape="\\")
        bound = self._value(left, value)
        expression = func.lower(left.expression) if left.type.is_text and operator in ("=", "!=") else left.expression
        compared: ColumnElement[bool] = {
            "=": lambda: expression == bound, "!=": lambda: expression != bound, "<": lambda: expression < bound,
            ">": lambda: expression > bound, "<=": lambda: expression <= bound, ">=": lambda: expression >= bound,
        }[operator]()
        return or_(compared, left.expression.is_(None)) if operator == "!=" else compared

    def _in_list(self, condition: InList) -> ColumnElement[bool]:
        left = self.operand(condition.left)
        literals = [v for v in condition.values if isinstance(v, Literal) and v.kind is not LiteralKind.NULL]
        if any(isinstance(v, DateLiteral) for v in condition.values):
            ranges = [self._date_range(left, "=", v) for v in condition.values if isinstance(v, DateLiteral)]
            found = or_(*ranges)
            return or_(not_(found), left.expression.is_(None)) if condition.negated else found
        with_null = len(literals) < len(condition.values)
        expression = func.lower(left.expression) if left.type.is_text else left.expression
        bounds = [self._value(left, v) for v in literals]
        inside = expression.in_(bounds) if bounds else false()
        if condition.negated:
            outside = not_(inside)
            return and_(outside, left.expression.is_not(None)) if with_null else or_(outside,
                                                                                     left.expression.is_(None))
        return or_(inside, left.expression.is_(None)) if with_null else inside

    def _value(self, left: Operand, value: Literal) -> Any:
        """The literal as a bound value of the field's type, or INVALID_FIELD at the value."""
        kind, raw = value.kind, value.value
        targets = polymorphic_targets(left.reference_to)
        if targets is not None and kind is LiteralKind.STRING:  # WhoId = '00Q...': "Lead:<id>"
            typed = next((f"{t}:{d}" for t in targets if (d := self.decode_id(t, str(raw))) is not None), None)
            if typed is None:
                raise self.error(INVALID_QUERY_FILTER_OPERATOR, f"invalid ID field: {raw}", value.offset)
            return literal(typed, String())
        if left.type.is_id and kind is LiteralKind.STRING:
            decoded = self.decode_id(left.reference_to or "", str(raw))
            if decoded is None:
                raise self.error(INVALID_QUERY_FILTER_OPERATOR, f"invalid ID field: {raw}", value.offset)
            return literal(decoded, left.expression.type)
        if left.type.is_text and kind is LiteralKind.STRING:
            return str(raw).lower()
        expected = {FieldType.BOOLEAN: LiteralKind.BOOLEAN, FieldType.DATE: LiteralKind.DATE,
                    FieldType.DATETIME: LiteralKind.DATETIME}.get(left.type, LiteralKind.NUMBER)
        if left.type.is_number or left.type in (FieldType.BOOLEAN, FieldType.DATE, FieldType.DATETIME):
            if kind is expected:
                if left.type is FieldType.BOOLEAN:
                    return true() if raw else false()
                if isinstance(raw, Decimal) and _holds_integers(left.expression):
                    return literal(int(raw) if raw == raw.to_integral_value() else float(raw))
                return literal(raw, left.expression.type)
        described = {"datetime": "dateTime"}.get(left.type.value, left.type.value)
        raise self.error(INVALID_FIELD, f"value of filter criterion for field '{left.name}' must be of type "
                         f"{described} and should not be enclosed in quotes", value.offset)

    def _date_range(self, left: Operand, operator: str, value: Value) -> ColumnElement[bool]:
        assert isinstance(value, DateLiteral)
        if left.type not in (FieldType.DATE, FieldType.DATETIME):
            raise self.error(INVALID_FIELD, f"value of filter criterion for field '{left.name}' must be of type "
                             f"{left.type.value} and should not be enclosed in quotes", value.offset)
        days = resolve_date_literal(value, self.today)
        start: date | datetime
        end: date | datetime
        start, end = (days.start, days.end) if left.type is FieldType.DATE else utc_bounds(days, self.zone)
        low, high = literal(start, left.expression.type), literal(end, left.expression.type)
        column = left.expression
        if operator == "LIKE":
            raise self.error(INVALID_QUERY_FILTER_OPERATOR, "invalid operator on a date", value.offset)
        return {
            "=": lambda: and_(column >= low, column < high),
            "!=": lambda: or_(column < low, column >= high, column.is_(None)),
            "<": lambda: column < low, "<=": lambda: column < high,
            ">": lambda: column >= high, ">=": lambda: column >= low,
        }[operator]()


def _holds_integers(expression: ColumnElement[Any]) -> bool:
    """An integer column (or COUNT): compared with an int, as SQLite binds no Decimal."""
    try:
        return expression.type.python_type is int
    except NotImplementedError:
        return False
