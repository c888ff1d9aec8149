"""Small shared value rules: text, timestamps, machine names, addresses, sources and activities."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from leadline.domain.activities import Activity, ActivityKind
from leadline.domain.common import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_POSITION,
    Address,
    clean_text,
    counted,
    date_field,
    ensure_aware_utc,
    iso_day,
    iso_moment,
    parse_api_name,
    parse_position,
)
from leadline.domain.configuration.sources import DEFAULT_LEAD_SOURCES, LeadSource, ensure_selectable, find_source
from leadline.domain.errors import ValidationError
from tests.unit.builders import NOW, raises_error


def test_text_is_stripped_and_empty_text_is_none():
    assert clean_text("  Paris ", field="city") == "Paris"
    assert clean_text("   ", field="city") is None
    assert clean_text(None, field="city") is None


def test_required_text_must_be_present():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="last_name"):
        clean_text("  ", field="last_name", required=True)


def test_tabs_and_newlines_are_kept_but_other_control_characters_are_refused():
    assert clean_text("line one\n\tline two", field="description") == "line one\n\tline two"
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="description"):
        clean_text("bell\x07", field="description")


def test_an_aware_timestamp_is_converted_to_utc():
    paris = timezone(timedelta(hours=1))

    converted = ensure_aware_utc(datetime(2025, 3, 3, 10, 30, tzinfo=paris))

    assert converted == NOW
    assert converted.tzinfo is UTC


def test_a_naive_timestamp_is_refused_not_guessed():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="due_at"):
        ensure_aware_utc(datetime(2025, 3, 3, 9, 30), field="due_at")


@pytest.mark.parametrize(("given", "name"), [("seats", "seats"), (" Renewal_On ", "renewal_on"), ("a1", "a1")])
def test_a_machine_name_is_lower_case_letters_digits_and_underscores(given, name):
    assert parse_api_name(given) == name


@pytest.mark.parametrize("given", ["", "9lives", "seats-bought", "x" * 64])
def test_a_machine_name_that_breaks_the_pattern_is_refused(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        parse_api_name(given)


def test_an_address_names_its_parts_with_the_prefix_given():
    assert Address.build("billing_", city=" Paris ", country="FR") == Address(city="Paris", country="FR")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="billing_postal_code"):
        Address.build("billing_", postal_code="x" * 21)


def test_an_address_with_no_parts_is_empty():
    assert Address.build(street=" ").is_empty() is True
    assert Address.build(city="Paris").is_empty() is False


def sources():
    return [LeadSource(id=number, label=label, order=number) for number, label in enumerate(DEFAULT_LEAD_SOURCES, 1)]


@pytest.mark.parametrize("wanted", ["Trade show", "TRADE SHOW", 7, "7"])
def test_a_lead_source_is_found_by_label_in_any_case_or_by_id(wanted):
    assert find_source(sources(), wanted).label == "Trade show"


def test_an_unknown_lead_source_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="source"):
        find_source(sources(), "Carrier pigeon")


def test_an_inactive_lead_source_is_not_offered_for_new_leads():
    ensure_selectable(LeadSource(1, "Website form"))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="source"):
        ensure_selectable(LeadSource(2, "Fax", is_active=False))


def test_only_an_uncompleted_task_is_an_open_task():
    assert Activity(1, ActivityKind.TASK, "Call back", NOW).is_open_task() is True
    assert Activity(2, ActivityKind.TASK, "Call back", NOW, completed_at=NOW).is_open_task() is False
    assert Activity(3, ActivityKind.CALL, "Called", NOW).is_open_task() is False


def test_a_count_names_one_thing_in_the_singular_and_others_in_the_plural():
    assert [counted(n, "opportunity", "opportunities") for n in (0, 1, 2)] == [
        "0 opportunities", "1 opportunity", "2 opportunities"]
    assert (counted(1, "lead"), counted(3, "lead")) == ("1 lead", "3 leads")


@pytest.mark.parametrize("given", [-1, 10_001, 2**31, 2**63, "-1", "2147483648", True, "１２", "first"])
def test_a_position_outside_0_to_10000_or_not_a_whole_number_is_refused_naming_the_field(given):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="position"):
        parse_position(given)


@pytest.mark.parametrize(("given", "position"), [(0, 0), ("7", 7), (" 12 ", 12), (MAX_POSITION, MAX_POSITION)])
def test_a_position_from_0_to_10000_is_accepted(given, position):
    assert parse_position(given) == position


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_a_business_date_outside_the_years_1900_to_2999_is_refused_naming_the_field(day):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="close_date"):
        date_field(day, "close_date")


def test_the_first_and_last_days_of_the_business_years_are_dates():
    assert date_field("1900-01-01", "close_date") == date(EARLIEST_YEAR, 1, 1)
    assert date_field(datetime(LATEST_YEAR, 12, 31, 23, tzinfo=UTC), "close_date") == date(2999, 12, 31)


def test_a_moment_at_the_ends_of_the_calendar_is_refused_before_it_overflows_in_utc():
    for moment in (datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
                   datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-14)))):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="created_from"):
            ensure_aware_utc(moment, field="created_from")


@pytest.mark.parametrize("text", ["20260301", "2026-W09-7", "2026-060", "2026-3-1", "01/03/2026", "2026-03-01T00:00",
                                  " 2026-0301", "2026-02-30", "２０２６-03-01"])
def test_a_date_is_only_ever_written_yyyy_mm_dd_and_the_refusal_names_the_field_and_the_form(text: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="purchase_timeframe") as refused:
        date_field(text, "purchase_timeframe")
    assert "YYYY-MM-DD, 1900 to 2999" in str(refused.value)
    assert iso_day(text) is None


def test_a_date_written_yyyy_mm_dd_reads_with_its_spaces_trimmed() -> None:
    assert date_field(" 2026-03-01 ", "close_date") == date(2026, 3, 1) == iso_day("2026-03-01")


@pytest.mark.parametrize("text", ["2026-03-01T0930", "20260301T09:30", "2026-3-1T09:30", "2026-03-01",
                                  "2026-03-01T9:30", "2026-02-30T09:30", "2026-03-01T24:30", "2026-03-01T09:30+1",
                                  "2026-03-01T09:30:00.1234567", "2026-W09-7T09:30", "２０２６-03-01T09:30",
                                  "2026-03-01T09:30 junk"])
def test_a_moment_is_only_ever_written_yyyy_mm_dd_then_hh_mm(text: str) -> None:
    assert iso_moment(text) is None


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-03-01T09:30", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
    (" 2026-03-01 09:30:15 ", datetime(2026, 3, 1, 9, 30, 15, tzinfo=UTC)),
    ("2026-03-01T09:30:00.000Z", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
    ("2026-03-01T09:30:00.000+0000", datetime(2026, 3, 1, 9, 30, tzinfo=UTC)),
    ("2026-03-01T09:30:00.5-02:00", datetime(2026, 3, 1, 11, 30, 0, 500000, tzinfo=UTC)),
])
def test_a_moment_reads_as_utc_with_or_without_its_offset(text: str, moment: datetime) -> None:
    found = iso_moment(text)
    assert found == moment and found is not None and found.tzinfo is UTC
