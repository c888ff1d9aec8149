"""Cleaning the standard lead fields (e-mail and phone through a checker) and product interests."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import ProductInterest, Rating, clean_lead_fields
from tests.unit.builders import FakeContactPointChecker, raises_error


def clean(values, *, country_hint=None, checker=None):
    return clean_lead_fields(values, checker or FakeContactPointChecker(), country_hint=country_hint)


def test_text_fields_are_stripped_and_empty_text_becomes_none():
    assert clean({"first_name": "  Ada ", "title": "   ", "city": None}) == {
        "first_name": "Ada", "title": None, "city": None,
    }


@pytest.mark.parametrize(("name", "limit"), [("first_name", 80), ("company", 255), ("postal_code", 20)])
def test_text_longer_than_its_field_allows_is_refused(name, limit):
    assert clean({name: "x" * limit}) == {name: "x" * limit}
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=name):
        clean({name: "x" * (limit + 1)})


def test_text_with_control_characters_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="company"):
        clean({"company": "Acme\x00 Ltd"})


def test_a_number_given_for_a_text_field_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="title"):
        clean({"title": 42})


def test_an_unknown_field_is_refused_by_name_rather_than_dropped():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="last_nmae"):
        clean({"last_name": "Lovelace", "last_nmae": "Byron"})


def test_reference_fields_are_left_for_the_use_case_to_resolve():
    assert clean({"status": "Contacted", "source": "Trade show", "owner": "ada@example.com", "city": "Paris"}) == {
        "city": "Paris",
    }


@pytest.mark.parametrize("website", ["acme.com", "https://www.acme.com/about", "shop.acme.co.uk"])
def test_a_website_with_a_dot_and_no_space_is_kept(website):
    assert clean({"website": f" {website} "}) == {"website": website}


@pytest.mark.parametrize("website", ["acme", "acme .com", "http://localhost"])
def test_a_website_without_a_dot_or_with_a_space_is_refused(website):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="website"):
        clean({"website": website})


@pytest.mark.parametrize(("given", "rating"), [("hot", Rating.HOT), (" Warm ", Rating.WARM), ("COLD", Rating.COLD),
                                                 ("", None), (None, None)])
def test_a_rating_is_parsed_ignoring_case(given, rating):
    assert clean({"rating": given}) == {"rating": rating}


def test_an_unknown_rating_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="rating"):
        clean({"rating": "lukewarm"})


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2025-12-31", date(2025, 12, 31)), (" 2025-06-30 ", date(2025, 6, 30)), (date(2025, 1, 2), date(2025, 1, 2)),
     (datetime(2025, 1, 2, 23, 0, tzinfo=UTC), date(2025, 1, 2)), ("", None), (None, None)],
)
def test_a_purchase_timeframe_is_a_date(given, expected):
    cleaned = clean({"purchase_timeframe": given})

    assert cleaned == {"purchase_timeframe": expected}
    assert type(cleaned["purchase_timeframe"]) in (date, type(None))


@pytest.mark.parametrize("given", ["31/12/2025", "2025-02-30", "next quarter"])
def test_a_purchase_timeframe_that_is_not_an_iso_date_is_refused(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="purchase_timeframe"):
        clean({"purchase_timeframe": given})


@pytest.mark.parametrize(
    ("given", "expected"),
    [(True, True), (False, False), ("yes", True), ("Y", True), ("1", True), (" TRUE ", True),
     ("no", False), ("n", False), ("0", False), ("false", False), ("", False)],
)
def test_a_decision_maker_flag_accepts_the_usual_spellings(given, expected):
    assert clean({"is_decision_maker": given}) == {"is_decision_maker": expected}


@pytest.mark.parametrize("given", ["maybe", "2", "si"])
def test_a_decision_maker_flag_that_is_not_true_or_false_is_refused(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="is_decision_maker"):
        clean({"is_decision_maker": given})


@pytest.mark.parametrize(("given", "expected"), [("250", 250), (" 12 ", 12), (0, 0), ("", None), (None, None)])
def test_a_number_of_employees_is_a_whole_number(given, expected):
    assert clean({"number_of_employees": given}) == {"number_of_employees": expected}


@pytest.mark.parametrize(
    ("given", "message"),
    [("-1", "negative"), ("12.5", "whole number"), ("many", "whole number"), (True, "whole number"),
     ("10000000001", "too large")],
)
def test_a_number_of_employees_that_is_not_a_sensible_whole_number_is_refused(given, message):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="number_of_employees") as caught:
        clean({"number_of_employees": given})

    assert message in caught.value.message


def test_amounts_are_parsed_as_money_and_empty_means_none():
    assert clean({"annual_revenue": "1,500,000", "budget_amount": ""}) == {
        "annual_revenue": Decimal("1500000.0000"), "budget_amount": None,
    }


def test_an_amount_given_as_a_float_is_refused_by_field_name():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="budget_amount"):
        clean({"budget_amount": 2500.0})


def test_a_lead_currency_is_an_upper_case_iso_code():
    assert clean({"currency": "eur"}) == {"currency": "EUR"}
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="currency"):
        clean({"currency": "euro"})


def test_an_email_is_normalised_by_the_checker():
    checker = FakeContactPointChecker()

    cleaned = clean({"email": "  Ada@Example.COM "}, checker=checker)

    assert cleaned == {"email": "ada@example.com"}
    assert checker.emails_checked == ["Ada@Example.COM"]


def test_an_empty_email_is_cleared_without_asking_the_checker():
    checker = FakeContactPointChecker()

    assert clean({"email": "  "}, checker=checker) == {"email": None}
    assert checker.emails_checked == []


def test_an_email_the_checker_refuses_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="email"):
        clean({"email": "ada.example.com"})


def test_an_email_longer_than_254_characters_is_refused_before_the_checker():
    checker = FakeContactPointChecker()

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="email"):
        clean({"email": "a" * 250 + "@x.io"}, checker=checker)

    assert checker.emails_checked == []


def test_a_phone_number_uses_the_country_given_with_it_as_region():
    checker = FakeContactPointChecker()

    cleaned = clean({"phone": "020 7946 0958", "country": " GB "}, country_hint="US", checker=checker)

    assert cleaned["phone"] == "+02079460958"
    assert checker.phone_regions == ["GB"]


def test_a_phone_number_without_a_country_uses_the_hint():
    checker = FakeContactPointChecker()

    clean({"phone": "(415) 555-2671"}, country_hint="US", checker=checker)
    clean({"phone": "(415) 555-2671", "country": "  "}, country_hint="US", checker=checker)
    clean({"phone": "(415) 555-2671"}, checker=checker)

    assert checker.phone_regions == ["US", "US", None]


def test_an_empty_phone_is_cleared_and_a_bad_one_refused():
    assert clean({"phone": ""}) == {"phone": None}
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="phone"):
        clean({"phone": "12"})


def test_a_product_interest_defaults_to_one_unit_without_a_price():
    interest = ProductInterest.build(" Widget Pro ")

    assert interest == ProductInterest("Widget Pro", Decimal("1"), None, None)


def test_a_product_interest_keeps_its_quantity_and_quantised_price():
    interest = ProductInterest.build("Widget", quantity="2.5", estimated_unit_price="1,200", product_id=7001)

    assert (interest.quantity, str(interest.estimated_unit_price), interest.product_id) == (
        Decimal("2.5"), "1200.0000", 7001,
    )


@pytest.mark.parametrize("quantity", ["0", "-2", Decimal("0")])
def test_a_product_interest_quantity_must_be_greater_than_zero(quantity):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="products[2].quantity") as caught:
        ProductInterest.build("Widget", quantity=quantity, index=2)

    assert "greater than zero" in caught.value.message


@pytest.mark.parametrize("quantity", ["lots", 1.5, "NaN"])
def test_a_product_interest_quantity_must_be_a_number(quantity):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="products[0].quantity"):
        ProductInterest.build("Widget", quantity=quantity)


def test_a_product_interest_needs_a_product_name():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="products[1].product"):
        ProductInterest.build("  ", index=1)


def test_a_product_interest_price_is_refused_as_a_float():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="products[0].estimated_unit_price"):
        ProductInterest.build("Widget", estimated_unit_price=9.99)
