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

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    ID = "id"
    STRING = "string"
    TEXTAREA = "textarea"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    PICKLIST = "picklist"
    BOOLEAN = "boolean"
    INT = "int"
    DOUBLE = "double"
    CURRENCY = "currency"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"
    REFERENCE = "reference"


class Source(StrEnum):
    COLUMN = "column"
    REFERENCE = "reference"
    LABEL = "label"
    ENUM = "enum"
    DERIVED = "derived"


class Picklist(StrEnum):
    STATUSES = "statuses"
    SOURCES = "sources"
    STAGES = "stages"
    RATINGS = "ratings"
    FORECAST_CATEGORIES = "forecast_categories"
    OPPORTUNITY_TYPES = "opportunity_types"


#: Salesforce's labels of the domain enumerations' values (the configured picklists are read live).
ENUM_LABELS: dict[Picklist, dict[str, str]] = {
    Picklist.RATINGS: {"hot": "Hot", "warm": "Warm", "cold": "Cold"},
    Picklist.FORECAST_CATEGORIES: {"omitted": "Omitted", "pipeline": "Pipeline", "best_case": "Best Case",
                                   "commit": "Commit", "closed": "Closed"},
    Picklist.OPPORTUNITY_TYPES: {"new_business": "New Business", "existing_business": "Existing Business",
                                 "renewal": "Renewal", "upsell": "Upsell"},
}


@dataclass(frozen=True)
class SObjectField:
    name: str
    type: FieldType
    label: str
    attribute: str | None
    source: Source = Source.COLUMN
    write_as: str | None = None
    required: bool = False
    reference_to: str | None = None
    picklist: Picklist | None = None
    expression: str | None = None
    length: int = 0
    custom: bool = False


@dataclass(frozen=True)
class SObjectMap:
    name: str
    label: str
    label_plural: str
    record_type: str
    fields: tuple[SObjectField, ...]
    createable: bool = True

    def field(self, name: str) -> SObjectField | None:
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)


def _text(name: str, label: str, attribute: str, length: int, *, kind: FieldType = FieldType.STRING,
          required: bool = False, writable: bool = True) -> SObjectField:
    return SObjectField(name, kind, label, attribute, write_as=attribute if writable else None, required=required,
                        length=length)


def _ref(name: str, label: str, attribute: str, to: str, write_as: str | None = None,
         required: bool = False) -> SObjectField:
    return SObjectField(name, FieldType.REFERENCE, label, attribute, Source.REFERENCE, write_as=write_as,
                        required=required, reference_to=to, length=18)


def _system() -> tuple[SObjectField, ...]:
    return (
        _ref("OwnerId", "Owner ID", "owner_id", "User", "owner"),
        SObjectField("IsDeleted", FieldType.BOOLEAN, "Deleted", None, Source.DERIVED, expression="false"),
        SObjectField("CreatedDate", FieldType.DATETIME, "Created Date", "created_at"),
        SObjectField("LastModifiedDate", FieldType.DATETIME, "Last Modified Date", "updated_at"),
        SObjectField("SystemModstamp", FieldType.DATETIME, "System Modstamp", "updated_at"),
    )


def _id(sobject: str) -> SObjectField:
    return SObjectField("Id", FieldType.ID, f"{sobject} ID", "id", Source.REFERENCE, reference_to=sobject, length=18)


def _full_name() -> SObjectField:
    return SObjectField("Name", FieldType.STRING, "Full Name", None, Source.DERIVED,
                        expression="first_name || ' ' || last_name", length=121)


LEAD = SObjectMap("Lead", "Lead", "Leads", "lead", (
    _id("Lead"), _full_name(),
    _text("FirstName", "First Name", "first_name", 40),
    _text("LastName", "Last Name", "last_name", 80, required=True),
    _text("Company", "Company", "company", 255, required=True),
    _text("Title", "Title", "title", 128),
    _text("Email", "Email", "email", 80, kind=FieldType.EMAIL),
    _text("Phone", "Phone", "phone", 40, kind=FieldType.PHONE),
    _text("Website", "Website", "website", 255, kind=FieldType.URL),
    _text("Industry", "Industry", "industry", 255),
    _text("Street", "Street", "street", 255, kind=FieldType.TEXTAREA),
    _text("City", "City", "city", 40),
    _text("State", "State/Province", "state", 80),
    _text("PostalCode", "Zip/Postal Code", "postal_code", 20),
    _text("Country", "Country", "country", 80),
    SObjectField("AnnualRevenue", FieldType.CURRENCY, "Annual Revenue", "annual_revenue", write_as="annual_revenue"),
    SObjectField("NumberOfEmployees", FieldType.INT, "Employees", "number_of_employees",
                 write_as="number_of_employees"),
    SObjectField("LeadSource", FieldType.PICKLIST, "Lead Source", "source_id", Source.LABEL, write_as="source",
                 picklist=Picklist.SOURCES),
    SObjectField("Status", FieldType.PICKLIST, "Status", "status_id", Source.LABEL, write_as="status",
                 picklist=Picklist.STATUSES),
    SObjectField("Rating", FieldType.PICKLIST, "Rating", "rating", Source.ENUM, write_as="rating",
                 picklist=Picklist.RATINGS),
    _text("Description", "Description", "description", 32000, kind=FieldType.TEXTAREA),
    SObjectField("IsConverted", FieldType.BOOLEAN, "Converted", "converted_at", Source.DERIVED,
                 expression="converted_at IS NOT NULL"),
    SObjectField("ConvertedDate", FieldType.DATE, "Converted Date", "converted_at", Source.DERIVED,
                 expression="date(converted_at)"),
    _ref("ConvertedAccountId", "Converted Account ID", "converted_account_id", "Account"),
    _ref("ConvertedContactId", "Converted Contact ID", "converted_contact_id", "Contact"),
    _ref("ConvertedOpportunityId", "Converted Opportunity ID", "converted_opportunity_id", "Opportunity"),
    _ref("CampaignId", "Campaign ID", "campaign_id", "Campaign"),
    *_system(),
))

CONTACT = SObjectMap("Contact", "Contact", "Contacts", "contact", (
    _id("Contact"), _full_name(),
    _ref("AccountId", "Account ID", "account_id", "Account", "account_id", required=True),
    _text("FirstName", "First Name", "first_name", 40),
    _text("LastName", "Last Name", "last_name", 80, required=True),
    _text("Title", "Title", "title", 128),
    _text("Email", "Email", "email", 80, kind=FieldType.EMAIL),
    _text("Phone", "Business Phone", "phone", 40, kind=FieldType.PHONE),
    SObjectField("LeadSource", FieldType.PICKLIST, "Lead Source", "lead_source_id", Source.LABEL,
                 picklist=Picklist.SOURCES),
    *_system(),
))

ACCOUNT = SObjectMap("Account", "Account", "Accounts", "account", (
    _id("Account"),
    _text("Name", "Account Name", "name", 255, required=True),
    _text("Website", "Website", "website", 255, kind=FieldType.URL),
    _text("Industry", "Industry", "industry", 255),
    SObjectField("NumberOfEmployees", FieldType.INT, "Employees", "number_of_employees",
                 write_as="number_of_employees"),
    _text("BillingStreet", "Billing Street", "billing_street", 255, kind=FieldType.TEXTAREA),
    _text("BillingCity", "Billing City", "billing_city", 40),
    _text("BillingState", "Billing State/Province", "billing_state", 80),
    _text("BillingPostalCode", "Billing Zip/Postal Code", "billing_postal_code", 20),
    _text("BillingCountry", "Billing Country", "billing_country", 80),
    _ref("ParentId", "Parent Account ID", "parent_id", "Account", "parent_id"),
    *_system(),
))

OPPORTUNITY = SObjectMap("Opportunity", "Opportunity", "Opportunities", "opportunity", (
    _id("Opportunity"),
    _ref("AccountId", "Account ID", "account_id", "Account", "account_id", required=True),
    _text("Name", "Name", "name", 120, required=True),
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
    _text("NextStep", "Next Step", "next_step", 255),
    _text("Description", "Description", "description", 32000, kind=FieldType.TEXTAREA),
    SObjectField("IsClosed", FieldType.BOOLEAN, "Closed", "outcome", Source.DERIVED, expression="outcome != 'open'"),
    SObjectField("IsWon", FieldType.BOOLEAN, "Won", "outcome", Source.DERIVED, expression="outcome = 'won'"),
    _ref("CampaignId", "Campaign ID", "campaign_id", "Campaign"),
    *_system(),
))

USER = SObjectMap("User", "User", "Users", "user", (
    _id("User"),
    _text("Name", "Full Name", "name", 121, writable=False),
    _text("Email", "Email", "email", 128, kind=FieldType.EMAIL, writable=False),
    _text("Username", "Username", "email", 80, writable=False),
    SObjectField("IsActive", FieldType.BOOLEAN, "Active", "active"),
    _ref("ManagerId", "Manager ID", "manager_id", "User"),
    SObjectField("IsDeleted", FieldType.BOOLEAN, "Deleted", None, Source.DERIVED, expression="false"),
    *(SObjectField(name, FieldType.DATETIME, label, "id", Source.DERIVED,
                   expression="the moment in the id (domain/ids.py id_created_at_ms)")
      for name, label in (("CreatedDate", "Created Date"), ("LastModifiedDate", "Last Modified Date"),
                          ("SystemModstamp", "System Modstamp"))),
), createable=False)

#: Every mapped object, by its Salesforce name.
SOBJECTS: dict[str, SObjectMap] = {m.name: m for m in (LEAD, CONTACT, ACCOUNT, OPPORTUNITY, USER)}

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
