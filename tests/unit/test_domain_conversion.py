"""Lead conversion as data: the field mapping, the opportunity criteria, the name and the status it sets."""

from dataclasses import fields
from decimal import Decimal

import pytest

from leadline.domain.accounts import Account, Contact
from leadline.domain.conversion import (
    LEAD_TO_ACCOUNT,
    LEAD_TO_CONTACT,
    LEAD_TO_OPPORTUNITY,
    converted_status,
    mapped_values,
    opportunity_name,
)
from leadline.domain.errors import ConfigurationError
from leadline.domain.leads import Lead, ProductInterest
from leadline.domain.opportunities import Opportunity
from leadline.domain.statuses import StatusKind
from tests.unit.builders import make_lead, make_status, make_statuses, raises_error


def names(record_type):
    return {f.name for f in fields(record_type)}


@pytest.mark.parametrize(
    ("mapping", "target"),
    [(LEAD_TO_ACCOUNT, Account), (LEAD_TO_CONTACT, Contact), (LEAD_TO_OPPORTUNITY, Opportunity)],
    ids=["account", "contact", "opportunity"],
)
def test_every_mapping_reads_a_lead_field_and_fills_a_field_of_its_target(mapping, target):
    sources = {source for source, _ in mapping}
    targets = [t for _, t in mapping]

    assert sources <= names(Lead)
    assert set(targets) <= names(target)
    assert len(targets) == len(set(targets)), "a target field is filled twice"


def test_the_mapped_values_are_taken_from_the_lead():
    lead = make_lead(company="Analytical Engines", city="London", budget_amount=Decimal("5000.0000"), currency="GBP")

    account = mapped_values(lead, LEAD_TO_ACCOUNT)
    opportunity = mapped_values(lead, LEAD_TO_OPPORTUNITY)

    assert (account["name"], account["billing_city"]) == ("Analytical Engines", "London")
    assert (opportunity["amount"], opportunity["currency"]) == (Decimal("5000.0000"), "GBP")


def test_an_opportunity_is_named_after_the_company_and_its_first_product():
    assert opportunity_name(make_lead(products=[ProductInterest("Widget"), ProductInterest("Gadget")])) == (
        "Analytical Engines - Widget"
    )
    assert opportunity_name(make_lead()) == "Analytical Engines - New business"


def test_an_opportunity_name_is_cut_to_255_characters():
    assert len(opportunity_name(make_lead(company="x" * 300))) == 255


def test_conversion_sets_the_first_active_converted_status_by_order():
    statuses = make_statuses()
    statuses.append(make_status(id=6, label="Converted (partner)", order=0, kind=StatusKind.CONVERTED))
    statuses.append(make_status(id=7, label="Converted (old)", order=-1, kind=StatusKind.CONVERTED, is_active=False))

    assert converted_status(statuses).label == "Converted (partner)"
    assert converted_status(statuses, "converted").label == "Converted"
    assert converted_status(statuses, "6").label == "Converted (partner)"


@pytest.mark.parametrize("chosen", ["Qualified", "Converted (old)", "Nope"])
def test_a_converted_status_that_is_not_an_active_converted_status_is_refused(chosen):
    statuses = make_statuses()
    statuses.append(make_status(id=7, label="Converted (old)", order=9, kind=StatusKind.CONVERTED, is_active=False))

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="converted_status"):
        converted_status(statuses, chosen)
