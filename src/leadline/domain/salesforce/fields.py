"""The field map of each Salesforce object Leadline answers for, written out as data.

For every field: its Salesforce API name, type and label, and where its value lives in Leadline
(``attribute``: the domain object's attribute, which is also its column's name, docs/ARCHITECTURE.md
"rows map to domain objects by field name"). ``source`` says how the value is read:

* ``COLUMN``: the attribute as it is (text, number, date, time);
* ``REFERENCE``: the attribute holds a Leadline id; Salesforce sees the 18-character id of
  ``reference_to`` (``domain/salesforce/ids.py``);
* ``LABEL``: the attribute holds the id of a configured value (a status, source, stage); Salesforce
  sees its label, from the configuration named by ``picklist``;
* ``ENUM``: the attribute holds a domain enumeration's value; Salesforce sees the label
  ``ENUM_LABELS[picklist]`` gives it;
* ``DERIVED``: computed; ``expression`` says from what (a query compiler builds the same).

``write_as`` is the key the use case takes the value under (None: read-only). Custom fields are
``<name>__c`` (``custom_field_name``), ``custom: true`` in a describe.

The query compiler finds a field with ``find_field(sobject, name)`` and an object with
``find_sobject(name)``; both ignore case, as Salesforce does.
"""

from __future__ import annotations

from leadline.domain.salesforce.parts import PARTS
from leadline.domain.salesforce.schema import (
    ENUM_LABELS,
    FieldType,
    Picklist,
    SObjectField,
    SObjectMap,
    Source,
    full_name_field,
    id_field,
    reference_field,
    system_fields,
    text_field,
)

__all__ = ["CUSTOM_SUFFIX", "CUSTOM_TYPES", "ENUM_LABELS", "SOBJECTS", "FieldType", "Picklist", "SObjectField",
           "SObjectMap", "Source", "custom_field", "custom_field_name", "find_field", "find_sobject",
           "leadline_custom_name"]

LEAD = SObjectMap("Lead", "Lead", "Leads", "lead", (
    id_field("Lead"), full_name_field(),
    text_field("FirstName", "First Name", "first_name", 40),
    text_field("LastName", "Last Name", "last_name", 80, required=True),
    text_field("Company", "Company", "company", 255, required=True),
    text_field("Title", "Title", "title", 128),
    text_field("Email", "Email", "email", 80, kind=FieldType.EMAIL),
    text_field("Phone", "Phone", "phone", 40, kind=FieldType.PHONE),
    text_field("Website", "Website", "website", 255, kind=FieldType.URL),
    text_field("Industry", "Industry", "industry", 255),
    text_field("Street", "Street", "street", 255, kind=FieldType.TEXTAREA),
    text_field("City", "City", "city", 40),
    text_field("State", "State/Province", "state", 80),
    text_field("PostalCode", "Zip/Postal Code", "postal_code", 20),
    text_field("Country", "Country", "country", 80),
    SObjectField("AnnualRevenue", FieldType.CURRENCY, "Annual Revenue", "annual_revenue", write_as="annual_revenue"),
    SObjectField("NumberOfEmployees", FieldType.INT, "Employees", "number_of_employees",
                 write_as="number_of_employees"),
    SObjectField("LeadSource", FieldType.PICKLIST, "Lead Source", "source_id", Source.LABEL, write_as="source",
                 picklist=Picklist.SOURCES),
    SObjectField("Status", FieldType.PICKLIST, "Status", "status_id", Source.LABEL, write_as="status",
                 picklist=Picklist.STATUSES),
    SObjectField("Rating", FieldType.PICKLIST, "Rating", "rating", Source.ENUM, write_as="rating",
                 picklist=Picklist.RATINGS),
    text_field("Description", "Description", "description", 32000, kind=FieldType.TEXTAREA),
    SObjectField("IsConverted", FieldType.BOOLEAN, "Converted", "converted_at", Source.DERIVED,
                 expression="converted_at IS NOT NULL"),
    SObjectField("ConvertedDate", FieldType.DATE, "Converted Date", "converted_at", Source.DERIVED,
                 expression="date(converted_at)"),
    reference_field("ConvertedAccountId", "Converted Account ID", "converted_account_id", "Account"),
    reference_field("ConvertedContactId", "Converted Contact ID", "converted_contact_id", "Contact"),
    reference_field("ConvertedOpportunityId", "Converted Opportunity ID", "converted_opportunity_id", "Opportunity"),
    reference_field("CampaignId", "Campaign ID", "campaign_id", "Campaign"),
    *system_fields(),
))

CONTACT = SObjectMap("Contact", "Contact", "Contacts", "contact", (
    id_field("Contact"), full_name_field(),
    reference_field("AccountId", "Account ID", "account_id", "Account", "account_id", required=True),
    text_field("FirstName", "First Name", "first_name", 40),
    text_field("LastName", "Last Name", "last_name", 80, required=True),
    text_field("Title", "Title", "title", 128),
    text_field("Email", "Email", "email", 80, kind=FieldType.EMAIL),
    text_field("Phone", "Business Phone", "phone", 40, kind=FieldType.PHONE),
    SObjectField("LeadSource", FieldType.PICKLIST, "Lead Source", "lead_source_id", Source.LABEL,
                 picklist=Picklist.SOURCES),
    *system_fields(),
))

ACCOUNT = SObjectMap("Account", "Account", "Accounts", "account", (
    id_field("Account"),
    text_field("Name", "Account Name", "name", 255, required=True),
    text_field("Website", "Website", "website", 255, kind=FieldType.URL),
    text_field("Industry", "Industry", "industry", 255),
    SObjectField("NumberOfEmployees", FieldType.INT, "Employees", "number_of_employees",
                 write_as="number_of_employees"),
    text_field("BillingStreet", "Billing Street", "billing_street", 255, kind=FieldType.TEXTAREA),
    text_field("BillingCity", "Billing City", "billing_city", 40),
    text_field("BillingState", "Billing State/Province", "billing_state", 80),
    text_field("BillingPostalCode", "Billing Zip/Postal Code", "billing_postal_code", 20),
    text_field("BillingCountry", "Billing Country", "billing_country", 80),
    reference_field("ParentId", "Parent Account ID", "parent_id", "Account", "parent_id"),
    *system_fields(),
))

OPPORTUNITY = SObjectMap("Opportunity", "Opportunity", "Opportunities", "opportunity", (
    id_field("Opportunity"),
    reference_field("AccountId", "Account ID", "account_id", "Account", "account_id", required=True),
    text_field("Name", "Name", "name", 120, required=True),
    SObjectField("StageName", FieldType.PICKLIST, "Stage", "stage_id", Source.LABEL, write_as="stage",
                 picklist=Picklist.STAGES),
    SObjectField("Amount", FieldType.CURRENCY, "Amount", "amount", write_as="amount"),
    SObjectField("CloseDate", FieldType.DATE, "Close Date", "close_date", write_as="close_date"),
    SObjectField("Probability", FieldType.PERCENT, "Probability (%)", "probability", write_as="probability"),
    SObjectField("ForecastCategoryName", FieldType.PICKLIST, "Forecast Category", "forecast_category", Source.ENUM,
                 write_as="forecast_category", picklist=Picklist.FORECAST_CATEGORIES),
    SObjectField("Type", FieldType.PICKLIST, "Opportunity Type", "type", Source.ENUM, write_as="type",
                 picklist=Picklist.OPPORTUNITY_TYPES),
    SObjectField("LeadSource", FieldType.PICKLIST, "Lead Source", "lead_source_id", Source.LABEL,
                 write_as="lead_source", picklist=Picklist.SOURCES),
    text_field("NextStep", "Next Step", "next_step", 255),
    text_field("Description", "Description", "description", 32000, kind=FieldType.TEXTAREA),
    SObjectField("IsClosed", FieldType.BOOLEAN, "Closed", "outcome", Source.DERIVED, expression="outcome != 'open'"),
    SObjectField("IsWon", FieldType.BOOLEAN, "Won", "outcome", Source.DERIVED, expression="outcome = 'won'"),
    reference_field("CampaignId", "Campaign ID", "campaign_id", "Campaign"),
    *system_fields(),
))

USER = SObjectMap("User", "User", "Users", "user", (
    id_field("User"),
    text_field("Name", "Full Name", "name", 121, writable=False),
    text_field("Email", "Email", "email", 128, kind=FieldType.EMAIL, writable=False),
    text_field("Username", "Username", "email", 80, writable=False),
    SObjectField("IsActive", FieldType.BOOLEAN, "Active", "active"),
    reference_field("ManagerId", "Manager ID", "manager_id", "User"),
    SObjectField("IsDeleted", FieldType.BOOLEAN, "Deleted", None, Source.DERIVED, expression="false"),
    *(SObjectField(name, FieldType.DATETIME, label, "id", Source.DERIVED,
                   expression="the moment in the id (domain/ids.py id_created_at_ms)")
      for name, label in (("CreatedDate", "Created Date"), ("LastModifiedDate", "Last Modified Date"),
                          ("SystemModstamp", "System Modstamp"))),
), createable=False)

#: Every mapped object, by its Salesforce name (the parts of an opportunity, products, activities
#: and campaigns in ``parts.py``).
SOBJECTS: dict[str, SObjectMap] = {m.name: m for m in (LEAD, CONTACT, ACCOUNT, OPPORTUNITY, USER, *PARTS)}

CUSTOM_SUFFIX = "__c"
#: Leadline's custom field types as Salesforce's.
CUSTOM_TYPES: dict[str, FieldType] = {"text": FieldType.STRING, "number": FieldType.DOUBLE, "date": FieldType.DATE,
                                      "boolean": FieldType.BOOLEAN, "picklist": FieldType.PICKLIST}


def find_sobject(name: str) -> SObjectMap | None:
    """The object named ``name`` (any case), or None."""
    lowered = name.lower()
    return next((m for m in SOBJECTS.values() if m.name.lower() == lowered), None)


def find_field(sobject: SObjectMap, name: str) -> SObjectField | None:
    """A standard field of ``sobject`` by its Salesforce name (any case), or None: custom fields
    (``Region__c``) come from the configuration, ``custom_field``."""
    return sobject.field(name)


def custom_field_name(leadline_name: str) -> str:
    """``region`` -> ``region__c``: the Salesforce name of a Leadline custom field."""
    return leadline_name + CUSTOM_SUFFIX


def custom_field(name: str, label: str, field_type: str, *, required: bool = False) -> SObjectField:
    """The Salesforce field of a configured custom field (``name`` as Leadline names it)."""
    kind = CUSTOM_TYPES[field_type]
    return SObjectField(custom_field_name(name), kind, label, name, write_as=name, required=required,
                        custom=True, length=255 if kind is FieldType.STRING else 0)


def leadline_custom_name(salesforce_name: str) -> str | None:
    """``Region__c`` -> ``Region``: the Leadline name a custom field's Salesforce name stands for
    (matched against the configuration ignoring case), or None for a standard name."""
    if len(salesforce_name) > len(CUSTOM_SUFFIX) and salesforce_name.lower().endswith(CUSTOM_SUFFIX):
        return salesforce_name[: -len(CUSTOM_SUFFIX)]
    return None
