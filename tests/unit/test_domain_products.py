"""Opportunity line items: quantity x unit price less a percentage discount, to four places."""

from decimal import Decimal

import pytest

from leadline.domain.errors import ValidationError
from tests.unit.builders import make_line_item, raises_error


def test_a_line_total_is_quantity_times_unit_price():
    total = make_line_item(quantity=Decimal("3"), unit_price=Decimal("19.99")).total

    assert total == Decimal("59.97")
    assert str(total) == "59.9700"


def test_a_discount_is_taken_off_the_line_total():
    item = make_line_item(quantity=Decimal("3"), unit_price=Decimal("19.99"), discount_percent=Decimal("10"))

    assert str(item.total) == "53.9730"


def test_a_full_discount_makes_the_line_free():
    assert make_line_item(discount_percent=Decimal("100")).total == Decimal("0")


def test_a_free_product_is_accepted():
    assert make_line_item(unit_price=Decimal("0")).total == Decimal("0")


def test_a_line_total_is_rounded_to_four_places():
    item = make_line_item(quantity=Decimal("1"), unit_price=Decimal("10"), discount_percent=Decimal("33.333333"))

    assert str(item.total) == "6.6667"


@pytest.mark.parametrize("quantity", [Decimal("0"), Decimal("-1")])
def test_a_quantity_must_be_greater_than_zero(quantity):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="quantity"):
        make_line_item(quantity=quantity)


def test_a_unit_price_must_not_be_negative():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="unit_price"):
        make_line_item(unit_price=Decimal("-0.01"))


@pytest.mark.parametrize("discount", [Decimal("-1"), Decimal("100.01")])
def test_a_discount_must_be_between_zero_and_a_hundred_percent(discount):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="discount_percent"):
        make_line_item(discount_percent=discount)


def test_a_line_worth_ten_to_the_fourteen_or_more_is_refused_naming_quantity_and_unit_price():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="quantity") as caught:
        make_line_item(quantity=Decimal("99999999999"), unit_price=Decimal("99999999999"))

    assert [field for field, _ in caught.value.details] == ["unit_price"]


def test_the_lines_of_an_opportunity_add_up_to_no_more_than_an_amount():
    from leadline.domain.opportunities.products import sum_of_lines

    half = make_line_item(quantity=Decimal("1"), unit_price=Decimal("60000000000000"))
    assert sum_of_lines([half]) == Decimal("60000000000000")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="quantity"):
        sum_of_lines([half, half])
