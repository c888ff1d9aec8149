"""The Salesforce field map: names, types and where each value lives in Leadline."""

from __future__ import annotations

import dataclasses

import pytest

from leadline.domain.accounts import Account, Contact
from leadline.domain.activities import Activity
from leadline.domain.campaigns.campaign import Campaign
from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.opportunities.products import LineItem, Product
from leadline.domain.salesforce.fields import (
    SOBJECTS,
    FieldType,
    Source,
    custom_field,
    find_field,
    find_sobject,
    leadline_custom_name,
)
from leadline.domain.salesforce.ids import KEY_PREFIXES
from leadline.domain.security.users import User
from leadline.persistence.opportunities.rows import ContactRoleRow

DOMAIN = {"Lead": Lead, "Contact": Contact, "Account": Account, "Opportunity": Opportunity, "User": User,
          "OpportunityLineItem": LineItem, "Product2": Product, "Task": Activity, "Event": Activity,
          "Campaign": Campaign}


@pytest.mark.parametrize("sobject", sorted(SOBJECTS))
def test_every_mapped_attribute_exists_on_the_domain_object(sobject: str) -> None:
    """A contact role has no domain object (the use cases pass its values): its row's columns."""
    attributes = ({f.name for f in dataclasses.fields(DOMAIN[sobject])} if sobject in DOMAIN
                  else set(ContactRoleRow.__table__.c.keys()))
    for field in SOBJECTS[sobject].fields:
        if field.attribute is not None:
            assert field.attribute in attributes, f"{sobject}.{field.name} -> {field.attribute}"


@pytest.mark.parametrize("sobject", sorted(SOBJECTS))
def test_every_object_has_an_id_a_key_prefix_and_unique_field_names(sobject: str) -> None:
    names = [f.name.lower() for f in SOBJECTS[sobject].fields]
    assert len(names) == len(set(names))
    assert SOBJECTS[sobject].fields[0].type is FieldType.ID
    assert sobject in KEY_PREFIXES


def test_the_issues_named_fields_are_mapped() -> None:
    named = {"Lead": ["FirstName", "LastName", "Company", "Email", "LeadSource", "Status", "IsConverted",
                      "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId", "ConvertedDate",
                      "OwnerId", "CreatedDate", "LastModifiedDate", "SystemModstamp"],
             "Opportunity": ["StageName", "Amount", "CloseDate", "Probability", "ForecastCategoryName",
                             "IsClosed", "IsWon", "AccountId"]}
    for sobject, fields in named.items():
        for name in fields:
            assert find_field(SOBJECTS[sobject], name) is not None, name


def test_references_name_their_object_and_derived_fields_say_how() -> None:
    for sobject in SOBJECTS.values():
        for field in sobject.fields:
            if field.source is Source.REFERENCE:
                assert field.reference_to in KEY_PREFIXES
            if field.source is Source.DERIVED:
                assert field.expression


def test_names_are_found_whatever_their_case() -> None:
    lead = find_sobject("lead")
    assert lead is not None and lead.name == "Lead"
    assert find_field(lead, "firstname") is find_field(lead, "FirstName")
    assert find_sobject("Widget") is None


def test_a_custom_field_is_name__c_and_says_it_is_custom() -> None:
    field = custom_field("region", "Region", "picklist")
    assert (field.name, field.type, field.custom, field.write_as) == ("region__c", FieldType.PICKLIST, True, "region")
    assert leadline_custom_name("Region__c") == "Region"
    assert leadline_custom_name("Company") is None
