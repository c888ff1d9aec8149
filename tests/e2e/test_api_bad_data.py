"""Bad data the API refuses with 422 naming the field, on both databases (issue 14, items 6 and 9):
currencies outside ISO 4217, positions out of range, non-ASCII digits in numbers, an over-long
e-mail local part; and a phone extension kept, not dropped."""

from __future__ import annotations

import pytest

from tests.e2e.api_support import Caller
from tests.e2e.test_api import assert_problem

LEAD = {"last_name": "Lovelace", "company": "Analytical Engines"}


@pytest.mark.parametrize("position", [-1, 2**31, 2**63, 10**30])
def test_a_status_or_stage_position_out_of_range_is_refused_naming_the_field(admin: Caller, position: int) -> None:
    status = admin("POST", "/config/statuses", json={"label": "Parked", "kind": "working", "position": position})
    assert_problem(status, 422, "VALIDATION_FAILED", "position")
    stage = admin("POST", "/config/stages", json={"label": "Pilot", "probability": 40, "position": position})
    assert_problem(stage, 422, "VALIDATION_FAILED", "position")
    within = admin("POST", "/config/statuses", json={"label": "Parked", "kind": "working", "position": 7})
    assert (within.status_code, within.json()["order"]) == (201, 7)


def test_a_currency_outside_iso_4217_is_refused_on_every_record_that_takes_one(admin: Caller) -> None:
    assert_problem(admin("POST", "/leads", json={**LEAD, "currency": "ZZZ"}), 422, "VALIDATION_FAILED", "currency")
    lead = admin("POST", "/leads", json={**LEAD, "currency": "eur"})
    assert (lead.status_code, lead.json()["currency"]) == (201, "EUR")
    assert_problem(admin("PATCH", f"/leads/{lead.json()['id']}", json={"currency": "ZZZ"}), 422,
                   "VALIDATION_FAILED", "currency")
    account = admin("POST", "/accounts", json={"name": "Engines"}).json()["id"]
    deal = {"account_id": account, "name": "Engine", "amount": "1000", "currency": "ZZZ"}
    assert_problem(admin("POST", "/opportunities", json=deal), 422, "VALIDATION_FAILED", "currency")
    assert_problem(admin("PUT", "/config/exchange-rates/ZZZ/2026-01-01", json={"rate": "1.1"}), 422,
                   "VALIDATION_FAILED", "currency")
    assert admin("PUT", "/config/exchange-rates/EUR/2026-01-01", json={"rate": "1.1"}).status_code == 200


@pytest.mark.parametrize("digits", ["１２", "١٢", "۱۲", "１,２００"])
def test_amounts_and_quantities_in_non_ascii_digits_are_refused_naming_the_field(admin: Caller, digits: str) -> None:
    for field in ("budget_amount", "annual_revenue"):
        assert_problem(admin("POST", "/leads", json={**LEAD, field: digits}), 422, "VALIDATION_FAILED", field)
    line = {"product": "Engine", "quantity": digits}
    assert_problem(admin("POST", "/leads", json={**LEAD, "products": [line]}), 422, "VALIDATION_FAILED",
                   "products[0].quantity")
    account = admin("POST", "/accounts", json={"name": "Engines"}).json()["id"]
    deal = {"account_id": account, "name": "Engine", "amount": digits}
    assert_problem(admin("POST", "/opportunities", json=deal), 422, "VALIDATION_FAILED", "amount")
    assert_problem(admin("PUT", "/config/exchange-rates/EUR/2026-01-01", json={"rate": digits}), 422,
                   "VALIDATION_FAILED", "rate")
    assert admin("POST", "/leads", json={**LEAD, "budget_amount": "12"}).json()["budget_amount"] == "12.00"


def test_an_email_local_part_over_64_characters_is_refused(admin: Caller) -> None:
    too_long = {**LEAD, "email": "a" * 65 + "@example.com"}
    assert_problem(admin("POST", "/leads", json=too_long), 422, "VALIDATION_FAILED", "email")
    assert admin("POST", "/leads", json={**LEAD, "email": "a" * 64 + "@example.com"}).status_code == 201


def test_a_phone_extension_is_kept_and_shown_back(admin: Caller) -> None:
    lead = admin("POST", "/leads", json={**LEAD, "phone": "+1 (415) 555-0100 ext 99"})
    assert (lead.status_code, lead.json()["phone"]) == (201, "+14155550100;ext=99"), lead.text
    again = admin("GET", f"/leads/{lead.json()['id']}").json()
    assert again["phone"] == "+14155550100;ext=99"

