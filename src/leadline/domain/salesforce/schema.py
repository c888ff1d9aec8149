"""The vocabulary of a Salesforce field map: field types, how a value is read (``Source``), the
picklists, the field and object records, and the helpers the maps (``fields.py``, ``parts.py``) are
written with. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldType(StrEnum):
    """Salesforce's field types (the ``type`` of a describe); the one list the transport and the
    SOQL compiler both read."""

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

    @property
    def is_text(self) -> bool:
        return self in _TEXT

    @property
    def is_number(self) -> bool:
        return self in _NUMBER

    @property
    def is_id(self) -> bool:
        return self in (FieldType.ID, FieldType.REFERENCE)


_TEXT = frozenset({FieldType.STRING, FieldType.PICKLIST, FieldType.TEXTAREA, FieldType.EMAIL, FieldType.PHONE,
                   FieldType.URL})
_NUMBER = frozenset({FieldType.INT, FieldType.DOUBLE, FieldType.CURRENCY, FieldType.PERCENT})


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
    CONTACT_ROLES = "contact_roles"
    CAMPAIGN_TYPES = "campaign_types"
    CAMPAIGN_STATUSES = "campaign_statuses"
    TASK_SUBTYPES = "task_subtypes"
    TASK_STATUSES = "task_statuses"


#: Salesforce's labels of the domain enumerations' values (the configured picklists are read live).
ENUM_LABELS: dict[Picklist, dict[str, str]] = {
    Picklist.RATINGS: {"hot": "Hot", "warm": "Warm", "cold": "Cold"},
    Picklist.FORECAST_CATEGORIES: {"omitted": "Omitted", "pipeline": "Pipeline", "best_case": "Best Case",
                                   "commit": "Commit", "closed": "Closed"},
    Picklist.OPPORTUNITY_TYPES: {"new_business": "New Business", "existing_business": "Existing Business",
                                 "renewal": "Renewal", "upsell": "Upsell"},
    Picklist.CONTACT_ROLES: {"decision_maker": "Decision Maker", "economic_buyer": "Economic Buyer",
                             "champion": "Champion", "influencer": "Influencer", "evaluator": "Evaluator",
                             "other": "Other"},
    Picklist.CAMPAIGN_TYPES: {"ad": "Advertisement", "trade_show": "Trade Show", "webinar": "Webinar",
                              "email": "Email", "referral_programme": "Referral Program", "social": "Social",
                              "other": "Other"},
    Picklist.CAMPAIGN_STATUSES: {"planned": "Planned", "active": "In Progress", "completed": "Completed",
                                 "aborted": "Aborted"},
    #: a Task is a Leadline task, call or e-mail (a meeting is an Event; notes are not activities there)
    Picklist.TASK_SUBTYPES: {"task": "Task", "call": "Call", "email": "Email"},
    #: a task's status is whether it is done (``completed_at``)
    Picklist.TASK_STATUSES: {"open": "Not Started", "completed": "Completed"},
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
    #: ``updateable``/``deletable``: whether Leadline has the use case (False: 403 on the verb)
    updateable: bool = True
    deletable: bool = True

    def field(self, name: str) -> SObjectField | None:
        lowered = name.lower()
        return next((f for f in self.fields if f.name.lower() == lowered), None)


def text_field(name: str, label: str, attribute: str, length: int, *, kind: FieldType = FieldType.STRING,
          required: bool = False, writable: bool = True) -> SObjectField:
    return SObjectField(name, kind, label, attribute, write_as=attribute if writable else None, required=required,
                        length=length)


def reference_field(name: str, label: str, attribute: str, to: str, write_as: str | None = None,
         required: bool = False) -> SObjectField:
    return SObjectField(name, FieldType.REFERENCE, label, attribute, Source.REFERENCE, write_as=write_as,
                        required=required, reference_to=to, length=18)


def system_fields() -> tuple[SObjectField, ...]:
    return (
        reference_field("OwnerId", "Owner ID", "owner_id", "User", "owner"),
        SObjectField("IsDeleted", FieldType.BOOLEAN, "Deleted", None, Source.DERIVED, expression="false"),
        SObjectField("CreatedDate", FieldType.DATETIME, "Created Date", "created_at"),
        SObjectField("LastModifiedDate", FieldType.DATETIME, "Last Modified Date", "updated_at"),
        SObjectField("SystemModstamp", FieldType.DATETIME, "System Modstamp", "updated_at"),
    )


def id_field(sobject: str) -> SObjectField:
    return SObjectField("Id", FieldType.ID, f"{sobject} ID", "id", Source.REFERENCE, reference_to=sobject, length=18)


def full_name_field() -> SObjectField:
    return SObjectField("Name", FieldType.STRING, "Full Name", None, Source.DERIVED,
                        expression="first_name || ' ' || last_name", length=121)
