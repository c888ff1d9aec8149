"""Accounts and contacts: matching by web domain and by company name, and a parent hierarchy without loops."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadline.domain.accounts import (
    Contact,
    ensure_account_given,
    ensure_valid_parent,
    normalise_company_name,
    website_domain,
)
from leadline.domain.errors import ValidationError
from tests.unit.builders import NOW, raises_error


@pytest.mark.parametrize(
    ("website", "domain"),
    [
        ("https://www.Acme.com/x", "acme.com"),
        ("acme.com", "acme.com"),
        ("  www.acme.com  ", "acme.com"),
        ("http://shop.Acme.co.uk:8080/cart?x=1", "shop.acme.co.uk"),
        ("https://acme.com./", "acme.com"),
        ("https://user@acme.com", "acme.com"),
    ],
)
def test_the_domain_of_a_website_is_its_bare_lower_case_host(website, domain):
    assert website_domain(website) == domain


@pytest.mark.parametrize("website", [None, "", "https://", "http://[acme.com", "[acme.com"])
def test_a_website_without_a_readable_host_has_no_domain(website):
    assert website_domain(website) is None


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("ACME, Inc.", "acme"),
        ("Acme Corporation", "acme"),
        ("Acme Ltd.", "acme"),
        ("  Globex   GmbH ", "globex"),
        ("Initech LLC", "initech"),
        ("AT&T", "at and t"),
        ("Société Générale S.A.", "société générale"),
        ("Philips N.V", "philips"),
        ("J.P. Morgan L.L.C.", "jp morgan"),
        ("acme.com", "acme com"),
        ("Analytical Engines", "analytical engines"),
    ],
)
def test_a_company_name_loses_case_punctuation_and_legal_suffixes(name, normalised):
    assert normalise_company_name(name) == normalised


def test_two_spellings_of_one_company_match():
    assert normalise_company_name("Acme Inc") == normalise_company_name("ACME, INC.")
    assert normalise_company_name("Acme Inc") != normalise_company_name("Acme Rockets Inc")


def test_an_account_cannot_be_its_own_parent():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="parent"):
        ensure_valid_parent(10, 10, {}.get)


def test_a_parent_that_descends_from_the_account_is_refused_as_a_loop():
    # given 11 is a child of 12, and 12 a child of 10
    parent_of = {11: 12, 12: 10}.get

    # when 10 is to become a child of 11, then it is refused: 10 -> 11 -> 12 -> 10
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="parent") as caught:
        ensure_valid_parent(10, 11, parent_of)

    assert "loop" in caught.value.message


def test_a_chain_of_parents_is_accepted():
    assert ensure_valid_parent(10, 11, {11: 12, 12: None}.get) is None


def test_an_account_without_a_parent_or_a_new_account_is_accepted():
    assert ensure_valid_parent(10, None, {}.get) is None
    assert ensure_valid_parent(None, 11, {11: 12}.get) is None


def test_a_loop_already_stored_elsewhere_does_not_hang_the_check():
    assert ensure_valid_parent(10, 11, {11: 12, 12: 11}.get) is None


def test_a_contact_is_named_by_first_and_last_name():
    contact = Contact(3001, 2001, "Lovelace", NOW, NOW, first_name="Ada")

    assert contact.name == "Ada Lovelace"
    assert Contact(3002, 2001, "Babbage", NOW, NOW).name == "Babbage"


def _domain_by_urlsplit(website: str | None) -> str | None:
    """The reference reading: the host as urlsplit finds it (the fast path must agree)."""
    from urllib.parse import urlsplit

    if not website or not website.strip():
        return None
    text = website.strip()
    text = text if "://" in text else "http://" + text
    try:
        host = (urlsplit(text).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    host = host[4:] if host.startswith("www.") else host
    return host or None


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(max_size=40),
    st.builds(lambda scheme, host, tail: scheme + host + tail,
              st.sampled_from(["", "http://", "https://", "HTTPS://", "ftp://", "http:/", " https://"]),
              st.from_regex(r"[A-Za-z0-9.\-@:\[\]_~%]{0,25}", fullmatch=True),
              st.sampled_from(["", "/", "/x?y=1", "?q", "#f", ":8080/a", " ", "\t", "/\n"])),
))
def test_the_domain_is_the_host_urlsplit_reads(website):
    assert website_domain(website) == _domain_by_urlsplit(website)


def test_a_contact_or_opportunity_needs_its_account_given():
    for missing in (None, "", "  "):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="account_id"):
            ensure_account_given(missing)
    ensure_account_given(7)
    ensure_account_given("7")
