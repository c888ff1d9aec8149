"""Custom fields: typed values, refused with the field named ``custom.<name>``, never an untyped blob."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from leadline.domain.configuration.custom_fields import (
    CustomFieldType,
    CustomFilter,
    RecordType,
    coerce_custom_values,
    custom_filters,
    define_custom_field,
    parse_custom_pairs,
    parse_field_type,
)
from leadline.domain.errors import ValidationError
from tests.unit.builders import make_definition, make_tier_field, raises_error


def refused(definition):
    """The error expected from ``definition``: a validation failure naming its custom field."""
    return raises_error(ValidationError, code="VALIDATION_FAILED", field=f"custom.{definition.name}")


def test_a_text_value_is_stripped():
    assert make_definition(type=CustomFieldType.TEXT).coerce("  met at the fair ") == "met at the fair"


def test_a_text_value_over_a_thousand_characters_is_refused():
    definition = make_definition(type=CustomFieldType.TEXT)

    assert definition.coerce("x" * 1000) == "x" * 1000
    with refused(definition):
        definition.coerce("x" * 1001)


def test_a_text_field_refuses_a_value_that_is_not_text():
    definition = make_definition(type=CustomFieldType.TEXT)

    with refused(definition):
        definition.coerce(42)


@pytest.mark.parametrize(("given", "expected"), [("12.5", Decimal("12.5")), (" -3 ", Decimal("-3")), (7, Decimal(7)),
                                                 (Decimal("0.25"), Decimal("0.25"))])
def test_a_number_value_becomes_a_decimal(given, expected):
    value = make_definition(name="seats", type=CustomFieldType.NUMBER).coerce(given)

    assert value == expected
    assert isinstance(value, Decimal)


@pytest.mark.parametrize("given", ["twelve", 12.5, True, "NaN", "Infinity"])
def test_a_number_field_refuses_what_is_not_a_finite_decimal(given):
    definition = make_definition(name="seats", type=CustomFieldType.NUMBER)

    with refused(definition):
        definition.coerce(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2025-06-30", date(2025, 6, 30)), (date(2025, 6, 30), date(2025, 6, 30)),
     (datetime(2025, 6, 30, 23, 59, tzinfo=UTC), date(2025, 6, 30))],
)
def test_a_date_value_becomes_a_date(given, expected):
    value = make_definition(name="renewal_on", type=CustomFieldType.DATE).coerce(given)

    assert value == expected
    assert type(value) is date


@pytest.mark.parametrize("given", ["30/06/2025", "2025-13-01", "soon"])
def test_a_date_field_refuses_what_is_not_an_iso_date(given):
    definition = make_definition(name="renewal_on", type=CustomFieldType.DATE)

    with refused(definition):
        definition.coerce(given)


@pytest.mark.parametrize(
    ("given", "expected"),
    [(True, True), (False, False), ("yes", True), ("Y", True), ("on", True), ("1", True), (" TRUE ", True),
     ("no", False), ("n", False), ("off", False), ("0", False), ("False", False)],
)
def test_a_boolean_value_accepts_the_usual_spellings(given, expected):
    assert make_definition(name="is_partner", type=CustomFieldType.BOOLEAN).coerce(given) is expected


@pytest.mark.parametrize("given", ["maybe", "2", "si"])
def test_a_boolean_field_refuses_other_words(given):
    definition = make_definition(name="is_partner", type=CustomFieldType.BOOLEAN)

    with refused(definition):
        definition.coerce(given)


@pytest.mark.parametrize("given", ["Gold", "gold", " SILVER ", "bronze"])
def test_a_pick_list_value_matches_ignoring_case_and_returns_the_canonical_option(given):
    assert make_tier_field().coerce(given) == given.strip().capitalize()


def test_a_pick_list_refuses_a_value_that_is_not_an_option():
    definition = make_tier_field()

    with refused(definition) as caught:
        definition.coerce("Platinum")

    assert "Gold, Silver, Bronze" in caught.value.message


@pytest.mark.parametrize("field_type", list(CustomFieldType))
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_value_of_an_optional_field_is_none(field_type, empty):
    definition = make_definition(type=field_type, options=["Gold"] if field_type is CustomFieldType.PICKLIST else [])

    assert definition.coerce(empty) is None


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_value_of_a_required_field_is_refused(empty):
    definition = make_definition(required=True)

    with refused(definition) as caught:
        definition.coerce(empty)

    assert caught.value.message == "is required"


def test_custom_values_are_coerced_by_their_definitions():
    definitions = [make_definition(name="seats", type=CustomFieldType.NUMBER), make_tier_field()]

    assert coerce_custom_values(definitions, {"seats": "40", "tier": "gold"}, creating=True) == {
        "seats": Decimal("40"), "tier": "Gold",
    }


def test_an_unknown_custom_field_is_refused_by_name():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.teir"):
        coerce_custom_values([make_tier_field()], {"teir": "Gold"}, creating=False)


def test_a_value_for_an_inactive_custom_field_is_refused_as_unknown():
    definitions = [make_tier_field(is_active=False)]

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.tier"):
        coerce_custom_values(definitions, {"tier": "Gold"}, creating=False)


def test_a_required_custom_field_must_be_given_when_creating():
    definitions = [make_tier_field(required=True), make_definition(name="note")]

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.tier"):
        coerce_custom_values(definitions, {"note": "hello"}, creating=True)


def test_a_required_custom_field_may_be_left_out_of_an_update():
    definitions = [make_tier_field(required=True), make_definition(name="note")]

    assert coerce_custom_values(definitions, {"note": "hello"}, creating=False) == {"note": "hello"}


def test_a_required_custom_field_cannot_be_cleared_by_an_update():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.tier"):
        coerce_custom_values([make_tier_field(required=True)], {"tier": ""}, creating=False)


def test_a_new_definition_has_a_machine_name_and_a_label():
    definition = define_custom_field(501, RecordType.LEAD, " Seats ", " Seats bought ", CustomFieldType.NUMBER)

    assert (definition.name, definition.label, definition.options) == ("seats", "Seats bought", ())
    assert definition.is_active is True
    assert definition.required is False


@pytest.mark.parametrize("name", ["1seats", "seats bought", "sièges", "", "_seats", "x" * 64])
def test_a_definition_name_must_be_a_machine_name(name):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        define_custom_field(501, RecordType.LEAD, name, "Seats", CustomFieldType.NUMBER)


def test_a_definition_needs_a_label():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="label"):
        define_custom_field(501, RecordType.LEAD, "seats", "  ", CustomFieldType.NUMBER)


def test_a_pick_list_keeps_its_options_stripped_and_drops_blank_ones():
    definition = define_custom_field(
        502, RecordType.ACCOUNT, "tier", "Tier", CustomFieldType.PICKLIST, options=[" Gold ", "", "Silver", "  "]
    )

    assert definition.options == ("Gold", "Silver")


def test_a_pick_list_needs_at_least_one_option():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="options"):
        define_custom_field(502, RecordType.LEAD, "tier", "Tier", CustomFieldType.PICKLIST, options=["  "])


def test_pick_list_options_must_be_unique_ignoring_case():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="options"):
        define_custom_field(502, RecordType.LEAD, "tier", "Tier", CustomFieldType.PICKLIST, options=["Gold", "GOLD"])


@pytest.mark.parametrize("field_type", [t for t in CustomFieldType if t is not CustomFieldType.PICKLIST])
def test_only_a_pick_list_takes_options(field_type):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="options"):
        define_custom_field(503, RecordType.LEAD, "tier", "Tier", field_type, options=["Gold"])


@pytest.mark.parametrize(
    ("given", "expected"), [("PickList", CustomFieldType.PICKLIST), (" number ", CustomFieldType.NUMBER)]
)
def test_a_field_type_is_parsed_ignoring_case(given, expected):
    assert parse_field_type(given) is expected


def test_an_unknown_field_type_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="type"):
        parse_field_type("json")


def test_name_value_pairs_are_read_for_setting_and_filtering():
    assert parse_custom_pairs(["tier=Gold", " custom.note = a=b", "empty="]) == {
        "tier": "Gold", "note": " a=b", "empty": ""}


@pytest.mark.parametrize(("pairs", "field"), [(["tier"], "custom"), (["=Gold"], "custom"),
                                              (["tier=Gold", "tier=Silver"], "custom.tier")])
def test_a_pair_without_a_name_or_given_twice_is_refused(pairs, field):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        parse_custom_pairs(pairs)


def test_a_filter_value_is_read_as_its_field_type():
    seats = make_definition(id=503, name="seats", type=CustomFieldType.NUMBER)

    assert custom_filters([make_tier_field(), seats], {"tier": "gold", "seats": "12.50"}) == (
        CustomFilter(502, CustomFieldType.PICKLIST, "Gold"), CustomFilter(503, CustomFieldType.NUMBER, Decimal("12.5")))


@pytest.mark.parametrize(("values", "field"), [({"tier": "Platinum"}, "custom.tier"), ({"tier": " "}, "custom.tier"),
                                               ({"nope": "x"}, "custom.nope"), ({"old": "x"}, "custom.old")])
def test_a_filter_on_an_unknown_or_inactive_field_or_a_bad_value_is_refused(values, field):
    definitions = [make_tier_field(required=True), make_definition(id=504, name="old", is_active=False)]
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        custom_filters(definitions, values)
