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
