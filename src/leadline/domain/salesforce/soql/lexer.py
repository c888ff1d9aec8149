"""SOQL text to tokens, each with its offset. Keywords are recognised by the parser, case-insensitively."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from leadline.domain.salesforce.soql.errors import SoqlError, malformed


class TokenKind(StrEnum):
    NAME = "name"
    NUMBER = "number"
    STRING = "string"
    DATE = "date"
    DATETIME = "datetime"
    SYMBOL = "symbol"
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    offset: int
    #: a string's value with escapes undone, and the same as a LIKE pattern (backslash escapes)
    value: str = ""
    like_pattern: str = ""

    def shown(self) -> str:
        return "<EOF>" if self.kind is TokenKind.END else self.text

    def is_word(self, *words: str) -> bool:
        return self.kind is TokenKind.NAME and self.text.upper() in words


_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?![\w:])")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SYMBOLS = ("!=", "<>", "<=", ">=", "=", "<", ">", "(", ")", ",", ".", ":")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` and a final END token; MALFORMED_QUERY at the first character that
    starts none (an unclosed string, a stray symbol)."""
    tokens: list[Token] = []
    at, size = 0, len(text)
    while True:
        while at < size and text[at].isspace():
            at += 1
        if at >= size:
            tokens.append(Token(TokenKind.END, "", size))
            return tokens
        token = _next(text, at)
        tokens.append(token)
        at = token.offset + len(token.text)


def _next(text: str, at: int) -> Token:
    char = text[at]
    if char == "'":
        return _string(text, at)
    for pattern, kind in ((_DATETIME, TokenKind.DATETIME), (_DATE, TokenKind.DATE)):
        if char.isdigit() and (match := pattern.match(text, at)):
            return Token(kind, match.group(), at)
    if char.isdigit() or (char in "+-." and at + 1 < len(text) and (text[at + 1].isdigit() or text[at + 1] == ".")):
        if match := _NUMBER.match(text, at):
            return Token(TokenKind.NUMBER, match.group(), at)
    if match := _NAME.match(text, at):
        return Token(TokenKind.NAME, match.group(), at)
    for symbol in _SYMBOLS:
        if text.startswith(symbol, at):
            return Token(TokenKind.SYMBOL, symbol, at)
    raise malformed(f"unexpected token: '{char}'", text, at)


def _string(text: str, start: int) -> Token:
    value: list[str] = []
    pattern: list[str] = []
    at = start + 1
    while at < len(text):
        char = text[at]
        if char == "'":
            return Token(TokenKind.STRING, text[start:at + 1], start, "".join(value), "".join(pattern))
        if char == "\\":
            escaped = text[at + 1] if at + 1 < len(text) else ""
            if escaped in ("%", "_"):
                value.append(escaped)
                pattern.append("\\" + escaped)
            elif escaped in _ESCAPES:
                value.append(_ESCAPES[escaped])
                pattern.append("\\\\" if escaped == "\\" else _ESCAPES[escaped])
            else:
                raise _bad_escape(text, at)
            at += 2
            continue
        value.append(char)
        pattern.append(char)
        at += 1
    raise malformed("Invalid string literal: missing closing quote", text, start)


def _bad_escape(text: str, at: int) -> SoqlError:
    return malformed("Invalid string literal: illegal escape sequence", text, at)
