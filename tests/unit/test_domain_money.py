"""Money: Decimal amounts with a currency, never floats, never two currencies added."""

from decimal import Decimal

import pycountry  # a dev dependency: the maintained ISO 4217 list the pinned table is checked against
import pytest

from leadline.domain.common import parse_decimal, parse_non_negative_int, parse_position
from leadline.domain.currencies import ISO_4217_CODES, LEFT_OUT
from leadline.domain.errors import ValidationError
from leadline.domain.money import (
    MAX_AMOUNT,
    MINOR_UNITS,
    Money,
    at_currency_scale,
    currency_code,
    parse_amount,
    parse_currency,
    parse_rate,
)
from tests.unit.builders import raises_error


def test_a_text_amount_is_quantised_to_four_places():
    amount = parse_amount("1200.5")

    assert amount == Decimal("1200.5")
    assert str(amount) == "1200.5000"


@pytest.mark.parametrize(
    ("given", "expected"),
    [(7, "7.0000"), (Decimal("0.1"), "0.1000"), (" 42 ", "42.0000"), ("19.99999", "20.0000"), ("1e3", "1000.0000")],
)
def test_ints_decimals_and_text_are_accepted_and_quantised(given, expected):
    assert str(parse_amount(given)) == expected


@pytest.mark.parametrize(("given", "expected"), [("1,200.50", "1200.5000"), ("12,345,678", "12345678.0000")])
def test_commas_between_thousands_are_accepted(given, expected):
    assert str(parse_amount(given)) == expected


@pytest.mark.parametrize("given", ["1,5", "1.200,50", "12,34,567", "1,2345", ",100"])
def test_a_comma_that_is_not_a_thousands_separator_is_refused_rather_than_misread(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
        parse_amount(given)


@pytest.mark.parametrize("given", [0.1, 1200.0, True])
def test_a_float_or_a_bool_is_refused_as_imprecise(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
        parse_amount(given)


@pytest.mark.parametrize("given", ["abc", "", "   ", None, "12 EUR", "1.2.3"])
def test_text_that_is_not_a_number_is_refused(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
        parse_amount(given)


@pytest.mark.parametrize("given", ["NaN", "Infinity", "-inf", Decimal("NaN"), Decimal("Infinity")])
def test_a_number_that_is_not_finite_is_refused(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
        parse_amount(given, allow_negative=True)


def test_the_error_names_the_field_given_by_the_caller():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="budget_amount"):
        parse_amount("lots", field="budget_amount")


def test_a_negative_amount_is_refused_by_default():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount") as caught:
        parse_amount("-0.01")

    assert "negative" in caught.value.message


def test_a_negative_amount_is_accepted_when_allowed():
    assert parse_amount("-1,000.25", allow_negative=True) == Decimal("-1000.25")


@pytest.mark.parametrize("given", ["100000000000000", "1e30", "-100000000000000", MAX_AMOUNT])
def test_an_amount_of_ten_to_the_fourteen_or_more_is_too_large(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount") as caught:
        parse_amount(given, allow_negative=True)

    assert "too large" in caught.value.message


def test_the_largest_storable_amount_is_accepted():
    assert parse_amount("99999999999999.9999") == MAX_AMOUNT - Decimal("0.0001")


def test_an_amount_that_would_round_up_to_ten_to_the_fourteen_is_too_large():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
        parse_amount("99999999999999.99995")


@pytest.mark.parametrize(("given", "expected"), [("eur", "EUR"), (" usd ", "USD"), ("GBP", "GBP")])
def test_a_currency_code_is_stripped_and_upper_cased(given, expected):
    assert parse_currency(given) == expected


@pytest.mark.parametrize("given", ["EU", "EURO", "E1R", "", "   ", "€"])
def test_a_currency_code_must_be_three_letters(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency"):
        parse_currency(given)


def test_a_currency_error_names_the_field_given_by_the_caller():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="budget_currency"):
        parse_currency("euro", field="budget_currency")


def test_money_of_validates_both_amount_and_currency():
    assert Money.of("5000", "eur") == Money(Decimal("5000.0000"), "EUR")


def test_money_of_names_the_currency_field_after_the_amount_field():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="budget_currency"):
        Money.of("5000", "EURO", field="budget")


def test_money_of_refuses_a_float():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="amount"):
        Money.of(5000.0, "EUR")


def test_adding_money_in_one_currency_sums_the_amounts():
    total = Money.of("1200.50", "EUR") + Money.of("99.50", "EUR")

    assert total == Money(Decimal("1300.0000"), "EUR")


def test_adding_two_currencies_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency") as caught:
        Money.of("10", "EUR") + Money.of("10", "USD")

    assert "USD" in caught.value.message and "EUR" in caught.value.message


def test_money_is_shown_with_two_decimals_and_thousands_separators():
    assert str(Money.of("1234567.5", "USD")) == "1,234,567.50 USD"


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("0.0000", "USD", "0.00"), ("1000.0000", "JPY", "1000"), ("0.0000", "JPY", "0"), ("2.5000", "KWD", "2.500"),
    ("12.3450", "USD", "12.345"), ("0.5000", "JPY", "0.5"), ("7", None, "7.00"), ("1E+3", "eur", "1000.00")])
def test_money_is_shown_at_its_currencys_scale_without_losing_a_digit(amount: str, currency: str | None,
                                                                       shown: str) -> None:
    assert format(at_currency_scale(Decimal(amount), currency), "f") == shown
    assert at_currency_scale(Decimal(amount), currency) == Decimal(amount)


@pytest.mark.parametrize("given", ["ZZZ", "zzz", "HRK", "XXX", "XTS", "ABC"])
def test_a_currency_outside_current_iso_4217_is_refused(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency"):
        parse_currency(given)


@pytest.mark.parametrize("given", ["ZZZ", "hrk"])
def test_a_stored_code_outside_iso_4217_can_still_be_named_to_look_it_up_or_remove_it(given):
    assert currency_code(given) == given.upper()


def test_the_pinned_iso_4217_table_is_the_maintained_list_but_for_the_two_codes_left_out():
    maintained = {currency.alpha_3 for currency in pycountry.currencies}
    assert ISO_4217_CODES == maintained - LEFT_OUT, (
        "update domain/currencies.py: added", sorted(maintained - LEFT_OUT - ISO_4217_CODES),
        "withdrawn", sorted(ISO_4217_CODES - maintained))
    assert set(MINOR_UNITS) <= ISO_4217_CODES  # every currency with unusual places can be used


@pytest.mark.parametrize("given", ["１２", "١٢", "۱۲", "१२", "1２", "１,２００", "12\u00a0000"])
def test_an_amount_written_in_other_than_ascii_digits_is_refused_naming_the_field(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="budget_amount") as caught:
        parse_amount(given, field="budget_amount")
    assert "digits 0-9" in str(caught.value)


@pytest.mark.parametrize("parse", [parse_rate, lambda value, field: parse_decimal(value, field=field),
                                   lambda value, field: parse_non_negative_int(value, field=field),
                                   lambda value, field: parse_position(value, field=field)])
def test_every_number_read_from_text_is_refused_in_other_than_ascii_digits(parse):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="n"):
        parse("１２", field="n")
