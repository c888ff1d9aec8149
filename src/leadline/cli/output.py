"""Rendering for the CLI: Rich tables for people, ``--json`` for scripts."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from rich.console import Console
from rich.table import Table

from leadline.domain.common import moment_text
from leadline.domain.money import MONEY_FIELDS, at_currency_scale

#: Wide output when piped (Rich would default to 80 columns), one-line errors always.
console = Console(width=None if sys.stdout.isatty() else 200)
error_console = Console(stderr=True, soft_wrap=True)


def plain(value: Any, currency: str | None = None, *, money: bool = True) -> Any:
    """A JSON-safe form: Decimals as strings (exact), dates ISO 8601, ids as strings (63-bit).
    Money (the fields ``MONEY_FIELDS`` names) shows its currency's places ("0.00" USD, "0" JPY): the
    ``currency`` of the nearest object that has one, else two places; other numbers as they are."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(fields_of(value), currency, money=money)
    if isinstance(value, dict):
        own = value.get("currency")
        currency = own if isinstance(own, str) and own else currency
        return {str(k): _plain_field(k, v, currency, money) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, currency, money=money) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _plain_field(key: object, value: object, currency: str | None, money: bool) -> Any:
    if _is_id(key, value):
        return str(value)
    if str(key).endswith("_ids") and isinstance(value, list | tuple):
        return [str(v) if _is_id("id", v) else plain(v) for v in value]
    if money and isinstance(value, Decimal) and key in MONEY_FIELDS:
        return format(at_currency_scale(value, currency), "f")
    return plain(value, currency, money=money and key != "custom")  # custom values: the user's numbers


def _is_id(key: object, value: object) -> bool:
    """Ids are 63-bit: JSON readers that use doubles (JavaScript, jq) would round them, so they go out as text
    (``..._ids`` lists too)."""
    return isinstance(value, int) and not isinstance(value, bool) and (key == "id" or str(key).endswith("_id"))


def fields_of(record: Any) -> dict[str, Any]:
    """A dataclass record as a dict of its fields (ids stay ints until ``plain``)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def print_json(value: Any) -> None:
    print(json.dumps(plain(value), indent=2, ensure_ascii=False))


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):  # as the web pages write a moment: in UTC, saying so
        return moment_text(value)
    return str(value)


def print_table(title: str | None, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    table = Table(title=title, header_style="bold")
    for header in headers:
        table.add_column(header, overflow="fold", no_wrap=header == "id")
    for row in rows:
        table.add_row(*(cell(v) for v in row))
    console.print(table)


def print_record(title: str, fields: Sequence[tuple[str, Any]]) -> None:
    table = Table(title=title, show_header=False, box=None)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for name, value in fields:
        table.add_row(name, cell(value))
    console.print(table)
