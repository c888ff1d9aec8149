"""Salesforce-style ids: key prefixes, the case-safe suffix, and the mapping to Leadline ids."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadline.domain.errors import MalformedIdError
from leadline.domain.ids import MAX_ID, new_id
from leadline.domain.salesforce.ids import (
    KEY_PREFIXES,
    SalesforceId,
    case_safe_suffix,
    is_salesforce_id,
    parse_salesforce_id,
    salesforce_id,
    to_18,
)
from tests.unit.builders import raises_error


@pytest.mark.parametrize(("id15", "id18"), [
    # real ids published with their 18-character forms
    ("0019000000B98de", "0019000000B98deAAB"),
    ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
    ("001000000000000", "001000000000000AAA"),
])
def test_the_suffix_matches_salesforces_own(id15: str, id18: str) -> None:
    assert to_18(id15) == id18
    assert case_safe_suffix(id15) == id18[15:]


def test_every_upper_case_letter_in_a_chunk_sets_its_bit() -> None:
    assert case_safe_suffix("AAAAAAAAAAAAAAA") == "555"
    assert case_safe_suffix("0000A0000A0000A") == "QQQ"


@pytest.mark.parametrize(("sobject", "prefix"), [
    ("Lead", "00Q"), ("Contact", "003"), ("Account", "001"), ("Opportunity", "006"), ("User", "005"),
    ("OpportunityLineItem", "00k"), ("OpportunityContactRole", "00K"), ("Product2", "01t"), ("Task", "00T"),
    ("Event", "00U"), ("Campaign", "701"),
])
def test_each_object_has_its_standard_key_prefix(sobject: str, prefix: str) -> None:
    assert salesforce_id(sobject, new_id()).startswith(prefix)
    assert KEY_PREFIXES[sobject] == prefix


def test_an_id_is_18_characters_and_stable() -> None:
    record = new_id()
    assert len(salesforce_id("Lead", record)) == 18
    assert salesforce_id("Lead", record) == salesforce_id("Lead", record)


@given(st.integers(min_value=1, max_value=MAX_ID), st.sampled_from(sorted(KEY_PREFIXES)))
def test_both_forms_map_back_to_the_leadline_id(record: int, sobject: str) -> None:
    long = salesforce_id(sobject, record)
    assert parse_salesforce_id(long) == SalesforceId(sobject, record)
    assert parse_salesforce_id(long[:15]) == SalesforceId(sobject, record)


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_an_18_character_id_is_read_whatever_its_case(record: int) -> None:
    long = salesforce_id("OpportunityContactRole", record)
    assert parse_salesforce_id(long.lower()).record_id == record
    assert parse_salesforce_id(long.upper()) == SalesforceId("OpportunityContactRole", record)


def test_the_15_character_form_is_case_sensitive() -> None:
    long = salesforce_id("Lead", 61)  # ...z
    assert long[:15].endswith("z")
    assert parse_salesforce_id(long[:15][:-1] + "Z").record_id == 35


@pytest.mark.parametrize("text", ["", "00Q", "00Q00000000000", "00Q000000000001AA", "00Q00000000000!AAA",
                                  "00Q000000000001AA9", "zzz000000000001AAA", "  ",
                                  "003zzzzzzzzzzzz"])  # past a 64-bit record id
def test_a_malformed_id_is_refused(text: str) -> None:
    with raises_error(MalformedIdError, code="MALFORMED_ID", field="Id"):
        parse_salesforce_id(text)
    assert not is_salesforce_id(text)


def test_an_id_of_another_object_is_refused_where_one_kind_is_expected() -> None:
    contact = salesforce_id("Contact", 7)
    with raises_error(MalformedIdError, code="MALFORMED_ID", field="AccountId"):
        parse_salesforce_id(contact, expected="Account", field="AccountId")
