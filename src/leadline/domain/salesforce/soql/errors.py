"""SOQL errors as Salesforce reports them: an error code, a message, and where in the query.

Salesforce's message for a bad query quotes the query's line, puts a caret under the place and
names the row and column (1-based)::

    SELECT Id FROM Lead WHERE
                             ^
    ERROR at Row:1:Column:26
    unexpected token: '<EOF>'

``SoqlError.salesforce_message`` renders exactly that; ``message`` is the last line alone.
"""

from __future__ import annotations

from dataclasses import dataclass

MALFORMED_QUERY = "MALFORMED_QUERY"
INVALID_FIELD = "INVALID_FIELD"
INVALID_TYPE = "INVALID_TYPE"
INVALID_QUERY_FILTER_OPERATOR = "INVALID_QUERY_FILTER_OPERATOR"


@dataclass(frozen=True, slots=True)
class Position:
    """Where something starts in the query text: ``offset`` counts characters from 0; ``line`` and
    ``column`` count from 1, as Salesforce's "Row" and "Column"."""

    offset: int
    line: int
    column: int

    @classmethod
    def at(cls, text: str, offset: int) -> Position:
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return cls(offset, line, column)


class SoqlError(Exception):
    """A query Salesforce would refuse: ``error_code`` is MALFORMED_QUERY (syntax, unsupported
    construct), INVALID_FIELD (a field, relationship or value the object does not have),
    INVALID_TYPE (an object that does not exist) or INVALID_QUERY_FILTER_OPERATOR (a bad id)."""

    def __init__(self, error_code: str, message: str, query: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.error_code = error_code
        self.message = message
        self.query = query
        self.position = position

    @property
    def salesforce_message(self) -> str:
        if self.position is None:
            return self.message
        line = self.query.split("\n")[self.position.line - 1]
        caret = " " * (self.position.column - 1) + "^"
        return (f"\n{line}\n{caret}\nERROR at Row:{self.position.line}:Column:{self.position.column}\n"
                f"{self.message}")

    def __str__(self) -> str:
        return f"{self.error_code}: {self.salesforce_message}"


def malformed(message: str, query: str, offset: int | None) -> SoqlError:
    position = None if offset is None else Position.at(query, offset)
    return SoqlError(MALFORMED_QUERY, message, query, position)
