"""The real contact-point checker: e-mail syntax (no network) stored lower-case, phones stored in E.164."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import phone_number_of
from leadline.services.contact_points import LibraryContactPointChecker, _plain_email
from tests.unit.builders import raises_error


@pytest.fixture
def checker():
    return LibraryContactPointChecker(default_region="US")


@pytest.mark.parametrize(
    ("given", "stored"),
    [("ada@example.com", "ada@example.com"), ("Ada.Lovelace@Example.COM", "ada.lovelace@example.com")],
)
def test_a_valid_email_is_stored_lower_case(checker, given, stored):
    assert checker.normalise_email(given) == stored


@pytest.mark.parametrize("given", ["ada.example.com", "ada@", "@example.com", "ada@@example.com", "ada @example.com"])
def test_an_invalid_email_is_refused(checker, given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="email"):
        checker.normalise_email(given)


@pytest.mark.parametrize("given", ["(415) 555-2671", "415.555.2671", "1 415 555 2671"])
def test_a_national_phone_number_is_stored_in_e164_for_the_default_region(checker, given):
    assert checker.normalise_phone(given, None) == "+14155552671"


def test_a_phone_number_is_read_in_the_region_of_its_country(checker):
    assert checker.normalise_phone("020 7946 0958", "gb") == "+442079460958"


def test_a_country_that_is_not_a_two_letter_code_falls_back_to_the_default_region(checker):
    assert checker.normalise_phone("(415) 555-2671", "United Kingdom") == "+14155552671"


def test_a_number_with_a_plus_prefix_keeps_its_own_country(checker):
    assert checker.normalise_phone("+44 20 7946 0958", "US") == "+442079460958"


def test_a_number_that_is_not_valid_in_its_region_is_refused(checker):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="phone") as caught:
        checker.normalise_phone("020 7946 0958", "US")

    assert "US" in caught.value.message


@pytest.mark.parametrize("given", ["12", "not a number", "+1 415"])
def test_text_that_is_not_a_phone_number_is_refused(checker, given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="phone"):
        checker.normalise_phone(given, None)


def test_an_email_with_64_characters_before_the_at_is_accepted_and_65_refused(checker):
    assert checker.normalise_email("a" * 64 + "@example.com") == "a" * 64 + "@example.com"
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="email") as caught:
        checker.normalise_email("a" * 65 + "@example.com")
    assert "before the @-sign" in str(caught.value)


@pytest.mark.parametrize("given", ["+1 (415) 555-0100 ext 99", "(415) 555-0100 x99", "+14155550100;ext=99",
                                   "415-555-0100 extension 99"])
def test_a_phone_extension_is_kept_after_the_e164_number(checker, given):
    assert checker.normalise_phone(given, None) == "+14155550100;ext=99"


def test_a_phone_number_and_its_extension_are_matched_on_the_number():
    assert phone_number_of("+14155550100;ext=99") == phone_number_of("+14155550100") == "+14155550100"
    assert phone_number_of(None) is None


def _library_answer(value: str) -> str | None:
    from email_validator import EmailNotValidError, validate_email

    try:
        return str(validate_email(value, check_deliverability=False, strict=True).normalized).lower()
    except EmailNotValidError:
        return None


ADDRESS_PARTS = st.text(alphabet="aZ09._+-", min_size=1, max_size=70)
DOMAIN_LABELS = st.lists(st.text(alphabet="aZ09-", min_size=1, max_size=64), min_size=1, max_size=4)
TOP_LEVEL = st.sampled_from(["com", "COM", "example", "test", "local", "onion", "c", "x1", "museum", "arpa"])


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(local=ADDRESS_PARTS, labels=DOMAIN_LABELS, top=TOP_LEVEL)
def test_the_plain_address_fast_path_answers_as_email_validator_does(local: str, labels: list[str], top: str) -> None:
    value = f"{local}@{'.'.join([*labels, top])}"
    fast = _plain_email(value)
    if fast is not None:  # whatever the fast path takes, the library takes, and stores the same
        assert _library_answer(value) == fast, value


@pytest.mark.parametrize("value", ["Ada.Lovelace+crm@Engine-Room.example.COM", "a@b.co", "x_y-z@sub.domain.org"])
def test_plain_addresses_take_the_fast_path_with_the_library_s_result(value: str) -> None:
    assert _plain_email(value) == _library_answer(value) == value.lower()
