"""The lead record: required fields, read-only once converted, statuses set by hand."""

from decimal import Decimal

import pytest

from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.errors import (
    InvalidStatusError,
    LeadAlreadyConvertedError,
    LeadReadOnlyError,
    ValidationError,
)
from leadline.domain.leads.lead import ensure_complete
from leadline.domain.money import Money
from tests.unit.builders import NOW, make_converted_lead, make_lead, make_status, raises_error


def test_a_lead_is_named_by_first_and_last_name():
    assert make_lead(first_name="Ada", last_name="Lovelace").name == "Ada Lovelace"
    assert make_lead(first_name=None, last_name="Lovelace").name == "Lovelace"


def test_a_lead_budget_is_money_in_the_lead_currency():
    assert make_lead(budget_amount=Decimal("5000.0000"), currency="EUR").budget == Money(Decimal("5000"), "EUR")
    assert make_lead(budget_amount=None).budget is None


def test_an_unconverted_lead_can_be_edited():
    lead = make_lead()

    assert lead.is_converted() is False
    assert lead.can_edit() is True
    lead.ensure_editable()


def test_applying_changes_sets_them_and_returns_the_old_values():
    lead = make_lead(title=None, city="London")

    before = lead.apply({"title": "Countess", "city": "Paris"})

    assert before == {"title": None, "city": "London"}
    assert (lead.title, lead.city) == ("Countess", "Paris")


def test_a_converted_lead_refuses_edits_and_keeps_its_fields():
    lead = make_converted_lead(title="Analyst")

    assert lead.can_edit() is False
    with raises_error(LeadReadOnlyError, code="LEAD_READ_ONLY", field="lead"):
        lead.apply({"title": "Countess"})

    assert lead.title == "Analyst"


def test_a_converted_lead_refuses_a_status_change():
    lead = make_converted_lead(status_id=5)
    working = make_status(id=2, kind=StatusKind.WORKING)

    assert lead.can_set_status(working) is False
    with raises_error(LeadReadOnlyError, code="LEAD_READ_ONLY", field="lead"):
        lead.set_status(working)

    assert lead.status_id == 5


@pytest.mark.parametrize(("name", "field"), [("last_name", "last_name"), ("company", "company")])
@pytest.mark.parametrize("empty", [None, ""])
def test_clearing_a_required_field_is_refused_and_leaves_the_lead_unchanged(name, field, empty):
    # given a complete lead
    lead = make_lead(title="Analyst")

    # when a change clears a required field along with another change, it is refused
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        lead.apply({"title": "Countess", name: empty})

    # then neither change is left behind
    assert (lead.last_name, lead.company, lead.title) == ("Lovelace", "Analytical Engines", "Analyst")


def test_a_lead_needs_a_last_name_and_a_company():
    ensure_complete("Lovelace", "Analytical Engines")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="last_name"):
        ensure_complete(None, "Analytical Engines")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="company"):
        ensure_complete("Lovelace", "")


def test_a_working_status_can_be_set_by_hand():
    lead = make_lead(status_id=1)
    working = make_status(id=2, kind=StatusKind.WORKING)

    assert lead.can_set_status(working) is True
    lead.set_status(working)

    assert lead.status_id == 2


def test_a_converted_status_cannot_be_set_by_hand():
    lead = make_lead(status_id=1)
    converted = make_status(id=5, label="Converted", kind=StatusKind.CONVERTED)

    assert lead.can_set_status(converted) is False
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status") as caught:
        lead.set_status(converted)

    assert "converting" in caught.value.message
    assert lead.status_id == 1


def test_an_inactive_status_is_refused():
    lead = make_lead(status_id=1)
    retired = make_status(id=6, label="Nurturing", kind=StatusKind.WORKING, is_active=False)

    assert lead.can_set_status(retired) is False
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status") as caught:
        lead.set_status(retired)

    assert "inactive" in caught.value.message
    assert lead.status_id == 1


def test_converting_a_lead_records_its_lineage_and_makes_it_read_only():
    # given an open lead and the converted status
    lead = make_lead(status_id=1)
    converted = make_status(id=5, label="Converted", kind=StatusKind.CONVERTED)

    # when it is marked converted
    assert lead.can_convert() is True
    lead.mark_converted(converted, NOW, account_id=2001, contact_id=3001, opportunity_id=None)

    # then it carries the status and the records it became, and no longer changes
    assert (lead.status_id, lead.converted_at, lead.updated_at) == (5, NOW, NOW)
    assert (lead.converted_account_id, lead.converted_contact_id, lead.converted_opportunity_id) == (2001, 3001, None)
    assert lead.can_convert() is False
    with raises_error(LeadReadOnlyError, code="LEAD_READ_ONLY", field="lead"):
        lead.apply({"title": "Countess"})


def test_a_lead_converts_only_once():
    lead = make_converted_lead(converted_opportunity_id=4001)
    converted = make_status(id=5, label="Converted", kind=StatusKind.CONVERTED)

    with raises_error(LeadAlreadyConvertedError, code="LEAD_ALREADY_CONVERTED", field="lead"):
        lead.mark_converted(converted, NOW, account_id=2002, contact_id=3002, opportunity_id=4002)

    assert lead.converted_opportunity_id == 4001


@pytest.mark.parametrize(
    "status",
    [make_status(id=3, label="Qualified", kind=StatusKind.QUALIFIED),
     make_status(id=6, label="Converted (old)", kind=StatusKind.CONVERTED, is_active=False)],
    ids=["not a converted status", "an inactive converted status"],
)
def test_conversion_sets_only_an_active_converted_status(status):
    lead = make_lead(status_id=1)

    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status"):
        lead.mark_converted(status, NOW, account_id=2001, contact_id=3001, opportunity_id=None)

    assert (lead.status_id, lead.converted_at) == (1, None)
