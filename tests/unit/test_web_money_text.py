"""How the web pages write money: one formatter (at the currency's scale, thousands separated,
with the code), and the field history's amounts in the currency in force on either side of each
change (the history's own currency changes, else the record's currency)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import FieldChange
from leadline.web.values import history_money, money_text


def change(field: str, old: str | None, new: str | None, day: int) -> FieldChange:
    return FieldChange(RecordType.OPPORTUNITY, 1, field, old, new, None, datetime(2026, 3, day, tzinfo=UTC))


def test_an_amount_is_written_at_its_currencys_scale_with_thousands_separated() -> None:
    assert money_text(Decimal("1234567.5000"), "USD") == "1,234,567.50 USD"
    assert money_text(Decimal("1000000.0000"), "JPY") == "1,000,000 JPY"
    assert money_text(Decimal("12.3450"), "EUR") == "12.345 EUR"  # showing money never rounds it
    assert money_text(Decimal("-2500"), "GBP") == "-2,500.00 GBP"
    assert money_text(None, "USD") == ""


def test_an_amount_in_the_history_takes_the_records_currency_when_the_history_has_none() -> None:
    history = [change("amount", "1000", "25000.5", 2), change("name", "1000", "Big", 3)]
    shown = history_money(history, "EUR")
    assert shown(history[0], "1000", False) == "1,000.00 EUR"
    assert shown(history[0], "25000.5", True) == "25,000.50 EUR"
    assert shown(history[1], "1000", True) == "1000"  # not an amount: as written
    assert shown(history[0], None, False) is None and shown(history[0], "n/a", True) == "n/a"


def test_an_amount_in_the_history_takes_the_currency_in_force_at_its_change() -> None:
    history = [change("amount", None, "1000", 1), change("currency", "USD", "EUR", 5),
               change("amount", "1000", "900", 5), change("amount", "900", "950", 9)]
    shown = history_money(history, "EUR")
    assert shown(history[0], "1000", True) == "1,000.00 USD"  # before the currency moved
    assert (shown(history[2], "1000", False), shown(history[2], "900", True)) == ("1,000.00 USD", "900.00 EUR")
    assert shown(history[3], "950", True) == "950.00 EUR"


def test_currency_changes_at_the_same_moment_keep_the_historys_order() -> None:
    history = [change("currency", None, "USD", 2), change("amount", None, "5000", 2),
               change("currency", "USD", "EUR", 2)]  # made and edited within one clock tick
    assert history_money(history, "EUR")(history[1], "5000", True) == "5,000.00 EUR"
