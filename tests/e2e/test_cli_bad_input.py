"""The business years (1900 to 2999) hold on the command line as on the API: one line naming the
field, exit 2, on both databases."""

from __future__ import annotations

from tests.e2e.conftest import Cli, misreported
from tests.e2e.test_cli_workflow import init


def test_a_date_outside_the_business_years_is_refused_naming_the_field(cli: Cli) -> None:
    init(cli)
    assert misreported(cli, [
        (["lead", "add", "--last-name", "X", "--company", "C", "--timeframe", "9999-12-31"], 2, "purchase_timeframe"),
        (["lead", "list", "--created-from", "0001-01-01"], 2, "created_from"),
        (["opportunity", "list", "--close-from", "0001-01-01"], 2, "close_from"),
        (["forecast", "--period", "9999-Q4"], 2, "period"),
        (["forecast", "--period", "0000"], 2, "period"),
        (["rate", "set", "EUR", "1.1", "--from", "9999-12-31"], 2, "valid_from"),
    ]) == []


def test_a_date_not_written_yyyy_mm_dd_is_refused_naming_the_field_and_the_form(cli: Cli) -> None:
    init(cli)
    basic = "20260301"  # ISO 8601's basic form: Python's date.fromisoformat would take it
    cases = [
        (["lead", "add", "--last-name", "X", "--company", "C", "--timeframe", basic], 2, "purchase_timeframe"),
        (["lead", "list", "--created-from", basic], 2, "created_from"),
        (["opportunity", "list", "--close-from", basic], 2, "close_from"),
        (["opportunity", "list", "--close-to", "2026-3-1"], 2, "close_to"),
        (["rate", "set", "EUR", "1.1", "--from", basic], 2, "valid_from"),
    ]
    assert misreported(cli, cases) == []
    for args, _, _ in cases:
        assert "(YYYY-MM-DD, 1900 to 2999)" in cli(*args, ok=False).err
    assert "EUR" not in cli("rate", "list").out  # nothing was stored under 2026-03-01
