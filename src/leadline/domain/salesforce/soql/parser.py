"""SOQL text to a ``Query`` (syntax.py): a recursive-descent parser of the subset real scripts use.

Grammar (keywords in any case)::

    query     := SELECT items FROM Name [WHERE cond] [GROUP BY paths [HAVING cond]]
                 [ORDER BY order {, order}] [LIMIT n] [OFFSET n]
    items     := item {, item};  item := path [alias] | Fn( [path] ) [alias] | ( query )
    cond      := unary {AND unary} | unary {OR unary}     (mixing AND and OR needs parentheses)
    unary     := NOT unary | ( cond ) | operand op value | operand [NOT] IN ( value {, value} )
                 | path [NOT] IN ( query )                        (a semi-join on ids)
    value     := 'text' | number | TRUE | FALSE | NULL | 2024-01-31 | 2024-01-31T10:00:00Z
                 | TODAY | LAST_N_DAYS:n | ...
    order     := operand [ASC|DESC] [NULLS FIRST|LAST]

Every refusal is a ``SoqlError`` MALFORMED_QUERY at the offending token, worded as Salesforce
words it ("unexpected token: 'x'").
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from leadline.domain.salesforce.soql.dates import is_date_literal, parse_date_literal
from leadline.domain.salesforce.soql.errors import SoqlError, malformed
from leadline.domain.salesforce.soql.lexer import Token, TokenKind, tokenize
from leadline.domain.salesforce.soql.syntax import (
    Aggregate,
    And,
    Comparison,
    Condition,
    FieldPath,
    Function,
    InList,
    Literal,
    LiteralKind,
    Not,
    Or,
    OrderItem,
    Query,
    SelectField,
    SelectItem,
    SemiJoin,
    Subquery,
    Value,
)

_OPERATORS = ("=", "!=", "<>", "<", ">", "<=", ">=")
#: words that end a select item or a FROM name, so they are never read as an alias
_CLAUSE_WORDS = ("FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "WITH", "FOR", "USING",
                 "AND", "OR", "NOT", "ASC", "DESC", "NULLS", "UPDATE", "VIEW")
_UNSUPPORTED = ("WITH", "FOR", "USING", "TYPEOF", "INCLUDES", "EXCLUDES", "ROLLUP", "CUBE", "FORMAT",
                "CONVERTCURRENCY", "TOLABEL", "DISTANCE", "GEOLOCATION", "FIELDS", "CALENDAR_YEAR")
MAX_OFFSET = 2000


def parse_soql(text: str) -> Query:
    """The query ``text`` says, or ``SoqlError`` (MALFORMED_QUERY) with the position of the first
    token that cannot be read.

    >>> parse_soql("SELECT Id FROM Lead LIMIT 5").limit
    5
    """
    parser = _Parser(text)
    query = parser.query(nested=False)
    parser.expect_end()
    return query


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0

    # -- tokens ------------------------------------------------------------------------------
    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def advance(self) -> Token:
        token = self.tokens[self.at]
        if token.kind is not TokenKind.END:
            self.at += 1
        return token

    def error(self, token: Token | None = None, message: str | None = None) -> SoqlError:
        token = token or self.token
        if message is None:
            word = token.text.upper()
            message = (f"{word} is not supported in this SOQL subset" if token.is_word(*_UNSUPPORTED)
                       else f"unexpected token: '{token.shown()}'")
        return malformed(message, self.text, token.offset)

    def accept_word(self, *words: str) -> Token | None:
        return self.advance() if self.token.is_word(*words) else None

    def expect_word(self, word: str) -> Token:
        if not self.token.is_word(word):
            raise self.error()
        return self.advance()

    def accept_symbol(self, symbol: str) -> Token | None:
        if self.token.kind is TokenKind.SYMBOL and self.token.text == symbol:
            return self.advance()
        return None

    def expect_symbol(self, symbol: str) -> Token:
        token = self.accept_symbol(symbol)
        if token is None:
            raise self.error()
        return token

    def expect_end(self) -> None:
        if self.token.kind is not TokenKind.END:
            raise self.error()

    # -- the query ---------------------------------------------------------------------------
    def query(self, *, nested: bool) -> Query:
        self.expect_word("SELECT")
        items, count_only = self.select_items()
        name = self.name_token()
        alias = self.alias()
        if alias is not None:
            items = tuple(_without_alias(item, alias) for item in items)
        where = self.condition(alias) if self.accept_word("WHERE") else None
        group_by: tuple[FieldPath, ...] = ()
        having = None
        if self.accept_word("GROUP"):
            self.expect_word("BY")
            group_by = self.paths(alias)
            if self.accept_word("HAVING"):
                having = self.condition(alias)
        order_by = self.order_by(alias) if self.accept_word("ORDER") else ()
        limit = self.count_clause("LIMIT", None)
        offset = self.count_clause("OFFSET", MAX_OFFSET)
        if not nested and self.token.kind is not TokenKind.END:
            raise self.error()
        return Query(items, name.text, name.offset, where, group_by, having, order_by, limit, offset, count_only)

    def name_token(self) -> Token:
        self.expect_word("FROM")
        token = self.advance()
        if token.kind is not TokenKind.NAME or token.is_word(*_CLAUSE_WORDS):
            raise self.error(token)
        return token

    def alias(self) -> str | None:
        if self.token.kind is TokenKind.NAME and not self.token.is_word(*_CLAUSE_WORDS):
            return self.advance().text
        return None

    def select_items(self) -> tuple[tuple[SelectItem, ...], bool]:
        items: list[SelectItem] = []
        count_only = False
        while True:
            start = self.token
            item = self.select_item()
            if isinstance(item, Aggregate) and item.field is None:
                count_only = True
            items.append(item)
            if not self.accept_symbol(","):
                break
        if count_only and len(items) > 1:
            raise self.error(start, "COUNT() may not be used with other fields")
        if not self.token.is_word("FROM"):
            raise self.error()
        return tuple(items), count_only

    def select_item(self) -> SelectItem:
        start = self.token
        if self.accept_symbol("("):
            inner = self.query(nested=True)
            self.expect_symbol(")")
            return Subquery(inner, start.offset)
        if start.kind is TokenKind.NAME and self.tokens[self.at + 1].text == "(":
            return self.aggregate(with_alias=True)
        path = self.path(None)
        return SelectField(path, self.alias())

    def aggregate(self, *, with_alias: bool) -> Aggregate:
        start = self.advance()
        try:
            function = Function(start.text.upper())
        except ValueError:
            raise self.error(start, f"Unknown function: {start.text}") from None
        self.expect_symbol("(")
        field = None if self.token.text == ")" else self.path(None)
        self.expect_symbol(")")
        if field is None and function is not Function.COUNT:
            raise self.error(start, f"{function.value}() needs a field")
        alias = self.alias() if with_alias else None
        return Aggregate(function, field, alias, start.offset)

    def path(self, alias: str | None) -> FieldPath:
        first = self.advance()
        if first.kind is not TokenKind.NAME or first.is_word("FROM"):
            raise self.error(first)
        parts = [first.text]
        while self.accept_symbol("."):
            part = self.advance()
            if part.kind is not TokenKind.NAME:
                raise self.error(part)
            parts.append(part.text)
        if alias is not None and len(parts) > 1 and parts[0].lower() == alias.lower():
            parts = parts[1:]
        return FieldPath(tuple(parts), first.offset)

    def paths(self, alias: str | None) -> tuple[FieldPath, ...]:
        found = [self.path(alias)]
        while self.accept_symbol(","):
            found.append(self.path(alias))
        return tuple(found)

    def operand(self, alias: str | None) -> FieldPath | Aggregate:
        if self.token.kind is TokenKind.NAME and self.tokens[self.at + 1].text == "(":
            return self.aggregate(with_alias=False)
        return self.path(alias)

    def order_by(self, alias: str | None) -> tuple[OrderItem, ...]:
        self.expect_word("BY")
        items = []
        while True:
            key = self.operand(alias)
            descending = bool(self.accept_word("DESC")) if not self.accept_word("ASC") else False
            nulls_first = None
            if self.accept_word("NULLS"):
                word = self.accept_word("FIRST", "LAST")
                if word is None:
                    raise self.error()
                nulls_first = word.text.upper() == "FIRST"
            items.append(OrderItem(key, descending, nulls_first))
            if not self.accept_symbol(","):
                return tuple(items)

    def count_clause(self, word: str, maximum: int | None) -> int | None:
        if not self.accept_word(word):
            return None
        token = self.advance()
        if token.kind is not TokenKind.NUMBER or not token.text.isdigit():
            raise self.error(token)
        number = int(token.text)
        if maximum is not None and number > maximum:
            raise self.error(token, f"Maximum SOQL offset allowed is {maximum}")
        return number

    # -- conditions --------------------------------------------------------------------------
    def condition(self, alias: str | None) -> Condition:
        first = self.unary(alias)
        joiner = self.token if self.token.is_word("AND", "OR") else None
        if joiner is None:
            return first
        word = joiner.text.upper()
        items = [first]
        while self.token.is_word("AND", "OR"):
            if self.token.text.upper() != word:
                raise self.error()
            self.advance()
            items.append(self.unary(alias))
        return And(tuple(items)) if word == "AND" else Or(tuple(items))

    def unary(self, alias: str | None) -> Condition:
        if self.accept_word("NOT"):
            return Not(self.unary(alias))
        if self.accept_symbol("("):
            inner = self.condition(alias)
            self.expect_symbol(")")
            return inner
        return self.comparison(alias)

    def comparison(self, alias: str | None) -> Condition:
        start = self.token
        left = self.operand(alias)
        negated = bool(self.accept_word("NOT"))
        if self.accept_word("IN"):
            self.expect_symbol("(")
            if self.token.is_word("SELECT"):
                if not isinstance(left, FieldPath):
                    raise self.error(start)
                inner = self.query(nested=True)
                self.expect_symbol(")")
                return SemiJoin(left, inner, negated, start.offset)
            values = [self.value()]
            while self.accept_symbol(","):
                values.append(self.value())
            self.expect_symbol(")")
            return InList(left, tuple(values), negated, start.offset)
        if negated:
            raise self.error()
        if self.accept_word("LIKE"):
            value = self.value()
            if not (isinstance(value, Literal) and value.kind in (LiteralKind.STRING, LiteralKind.NULL)):
                raise malformed("LIKE needs a string", self.text, value.offset)
            return Comparison(left, "LIKE", value, start.offset)
        operator = self.token
        if operator.kind is not TokenKind.SYMBOL or operator.text not in _OPERATORS:
            raise self.error()
        self.advance()
        text = "!=" if operator.text == "<>" else operator.text
        return Comparison(left, text, self.value(), start.offset)

    def value(self) -> Value:
        token = self.advance()
        if token.kind is TokenKind.STRING:
            return Literal(LiteralKind.STRING, token.value, token.offset, token.like_pattern)
        if token.kind is TokenKind.NUMBER:
            return Literal(LiteralKind.NUMBER, Decimal(token.text), token.offset)
        if token.kind in (TokenKind.DATE, TokenKind.DATETIME):
            return self.moment(token)
        if token.is_word("NULL"):
            return Literal(LiteralKind.NULL, None, token.offset)
        if token.is_word("TRUE", "FALSE"):
            return Literal(LiteralKind.BOOLEAN, token.text.upper() == "TRUE", token.offset)
        if token.kind is TokenKind.NAME and is_date_literal(token.text):
            n = None
            if self.accept_symbol(":"):
                number = self.advance()
                if number.kind is not TokenKind.NUMBER or not number.text.isdigit():
                    raise self.error(number)
                n = int(number.text)
            try:
                return parse_date_literal(token.text, n, token.offset)
            except ValueError as error:
                raise self.error(token, str(error)) from None
        raise self.error(token)

    def moment(self, token: Token) -> Literal:
        try:
            if token.kind is TokenKind.DATE:
                return Literal(LiteralKind.DATE, date.fromisoformat(token.text), token.offset)
            text = token.text[:-1] + "+00:00" if token.text.endswith("Z") else token.text
            return Literal(LiteralKind.DATETIME, datetime.fromisoformat(text), token.offset)
        except ValueError:
            raise self.error(token, f"invalid date or time: '{token.text}'") from None


def _without_alias(item: SelectItem, alias: str) -> SelectItem:
    """``c.LastName`` of ``FROM Contact c`` is ``LastName`` (the alias is known only after FROM)."""
    def strip(path: FieldPath) -> FieldPath:
        if len(path.parts) > 1 and path.parts[0].lower() == alias.lower():
            return FieldPath(path.parts[1:], path.offset)
        return path
    if isinstance(item, SelectField):
        return replace(item, path=strip(item.path))
    if isinstance(item, Aggregate) and item.field is not None:
        return replace(item, field=strip(item.field))
    return item
