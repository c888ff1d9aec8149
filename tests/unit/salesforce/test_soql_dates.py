"""Date literals as ranges of days: a pure function of the literal, today and the time zone."""

from __future__ import annotations

import ast
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from leadline.domain.salesforce.soql.dates import DateRange, resolve_date_literal, utc_bounds
from leadline.domain.salesforce.soql.syntax import DateLiteral

THURSDAY = date(2024, 5, 9)  # in the second quarter; the week began on Sunday 5 May


def days(name: str, n: int | None = None, today: date = THURSDAY) -> DateRange:
    return resolve_date_literal(DateLiteral(name, n, 0), today)


@pytest.mark.parametrize(("name", "n", "start", "end"), [
    ("TODAY", None, date(2024, 5, 9), date(2024, 5, 10)),
    ("YESTERDAY", None, date(2024, 5, 8), date(2024, 5, 9)),
    ("TOMORROW", None, date(2024, 5, 10), date(2024, 5, 11)),
    ("THIS_WEEK", None, date(2024, 5, 5), date(2024, 5, 12)),
    ("LAST_WEEK", None, date(2024, 4, 28), date(2024, 5, 5)),
    ("THIS_MONTH", None, date(2024, 5, 1), date(2024, 6, 1)),
    ("LAST_MONTH", None, date(2024, 4, 1), date(2024, 5, 1)),
    ("NEXT_MONTH", None, date(2024, 6, 1), date(2024, 7, 1)),
    ("THIS_QUARTER", None, date(2024, 4, 1), date(2024, 7, 1)),
    ("LAST_QUARTER", None, date(2024, 1, 1), date(2024, 4, 1)),
    ("NEXT_QUARTER", None, date(2024, 7, 1), date(2024, 10, 1)),
    ("THIS_YEAR", None, date(2024, 1, 1), date(2025, 1, 1)),
    ("LAST_YEAR", None, date(2023, 1, 1), date(2024, 1, 1)),
    ("LAST_90_DAYS", None, date(2024, 2, 9), date(2024, 5, 10)),
    ("NEXT_90_DAYS", None, date(2024, 5, 10), date(2024, 8, 8)),
    ("LAST_N_DAYS", 30, date(2024, 4, 9), date(2024, 5, 10)),
    ("NEXT_N_DAYS", 7, date(2024, 5, 10), date(2024, 5, 17)),
    ("LAST_N_MONTHS", 2, date(2024, 3, 1), date(2024, 5, 1)),
    ("NEXT_N_QUARTERS", 2, date(2024, 7, 1), date(2025, 1, 1)),
    ("LAST_N_YEARS", 1, date(2023, 1, 1), date(2024, 1, 1)),
    ("N_DAYS_AGO", 3, date(2024, 5, 6), date(2024, 5, 7)),
])
def test_each_literal_is_a_half_open_range_of_days(name, n, start, end):
    assert days(name, n) == DateRange(start, end)


def test_last_n_days_includes_today_so_it_holds_n_plus_one_days():
    found = days("LAST_N_DAYS", 7)
    assert THURSDAY in found and (found.end - found.start).days == 8


def test_last_quarter_in_january_is_the_previous_years_last_quarter():
    assert days("LAST_QUARTER", today=date(2024, 1, 15)) == DateRange(date(2023, 10, 1), date(2024, 1, 1))


def test_this_week_on_a_sunday_starts_that_day():
    assert days("THIS_WEEK", today=date(2024, 5, 5)).start == date(2024, 5, 5)


def test_utc_bounds_are_the_users_midnights():
    start, end = utc_bounds(days("TODAY"), ZoneInfo("America/New_York"))
    assert (start, end) == (datetime(2024, 5, 9, 4, tzinfo=UTC), datetime(2024, 5, 10, 4, tzinfo=UTC))


PARSER_PACKAGE = "leadline.domain.salesforce.soql."


def test_the_parser_side_of_soql_imports_only_the_standard_library():
    root = Path(__file__).resolve().parents[3] / "src" / "leadline" / "domain" / "salesforce" / "soql"
    for module in ("syntax", "lexer", "parser", "dates", "errors"):
        tree = ast.parse((root / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert (name.split(".")[0] in sys.stdlib_module_names or name.startswith(PARSER_PACKAGE)
                        and name.rsplit(".", 1)[1] in ("syntax", "lexer", "parser", "dates", "errors")), (module, name)
