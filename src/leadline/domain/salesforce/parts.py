"""The field maps of the objects around the lead-to-deal records: an opportunity's line items and
contact roles, products, activities (Task: tasks, calls, e-mails; Event: meetings) and campaigns.

Each is read and written through Leadline's use cases of that part (``services/opportunities/parts.py``,
``services/activities.py``, ``services/campaigns/records.py``); ``updateable``/``deletable`` say
which verbs Leadline has a use case for. ``WhoId``/``WhatId`` of an activity are its links (a lead
or contact; an account or opportunity), given on create: not columns but polymorphic references
(``LINK_OBJECTS``), which SOQL reads from the links (``persistence/salesforce/soql/catalog_parts.py``).
"""

from __future__ import annotations

from leadline.domain.salesforce.schema import (
    FieldType,
    Picklist,
    SObjectField,
    SObjectMap,
    Source,
    id_field,
    reference_field,
    text_field,
)

#: the attribute of the fields that are an activity's links (not a column)
LINKS = "links"
#: the objects each link field of an activity may hold the id of (a polymorphic reference)
LINK_OBJECTS: dict[str, tuple[str, ...]] = {"WhoId": ("Contact", "Lead"), "WhatId": ("Account", "Opportunity")}


def _deleted() -> SObjectField:
    return SObjectField("IsDeleted", FieldType.BOOLEAN, "Deleted", None, Source.DERIVED, expression="false")


def _dated() -> tuple[SObjectField, ...]:
    return (SObjectField("CreatedDate", FieldType.DATETIME, "Created Date", "created_at"),
            SObjectField("LastModifiedDate", FieldType.DATETIME, "Last Modified Date", "updated_at"),
            SObjectField("SystemModstamp", FieldType.DATETIME, "System Modstamp", "updated_at"))


LINE_ITEM = SObjectMap("OpportunityLineItem", "Opportunity Product", "Opportunity Product", "line_item", (
    id_field("OpportunityLineItem"),
    reference_field("OpportunityId", "Opportunity ID", "opportunity_id", "Opportunity", "opportunity_id",
                    required=True),
    reference_field("Product2Id", "Product ID", "product_id", "Product2", "product_id", required=True),
    text_field("Name", "Opportunity Product Name", "product_name", 376, writable=False),
    SObjectField("Quantity", FieldType.DOUBLE, "Quantity", "quantity", write_as="quantity", required=True),
    SObjectField("UnitPrice", FieldType.CURRENCY, "Sales Price", "unit_price", write_as="unit_price"),
    SObjectField("Discount", FieldType.PERCENT, "Discount", "discount_percent", write_as="discount_percent"),
    _deleted(),
))

CONTACT_ROLE = SObjectMap("OpportunityContactRole", "Opportunity Contact Role", "Opportunity Contact Role",
                          "contact_role", (
    id_field("OpportunityContactRole"),
    reference_field("OpportunityId", "Opportunity ID", "opportunity_id", "Opportunity", "opportunity_id",
                    required=True),
    reference_field("ContactId", "Contact ID", "contact_id", "Contact", "contact_id", required=True),
    SObjectField("Role", FieldType.PICKLIST, "Role", "role", Source.ENUM, write_as="role", required=True,
                 picklist=Picklist.CONTACT_ROLES),
    SObjectField("IsPrimary", FieldType.BOOLEAN, "Primary", "is_primary", write_as="is_primary"),
    _deleted(),
), updateable=False)

PRODUCT = SObjectMap("Product2", "Product", "Products", "product", (
    id_field("Product2"),
    text_field("Name", "Product Name", "name", 255, required=True),
    text_field("ProductCode", "Product Code", "code", 80),
    text_field("Family", "Product Family", "family", 80),
    SObjectField("IsActive", FieldType.BOOLEAN, "Active", "is_active", write_as="is_active"),
    _deleted(),
), deletable=False)


def _activity(name: str, label: str, plural: str, kind: str, when: tuple[SObjectField, ...],
              extra: tuple[SObjectField, ...]) -> SObjectMap:
    return SObjectMap(name, label, plural, kind, (
        id_field(name),
        text_field("Subject", "Subject", "subject", 255, required=True),
        text_field("Description", "Description", "body", 32000, kind=FieldType.TEXTAREA),
        *when, *extra,
        SObjectField("WhoId", FieldType.REFERENCE, "Name ID", LINKS, Source.REFERENCE, write_as="who",
                     reference_to="Lead", length=18),
        SObjectField("WhatId", FieldType.REFERENCE, "Related To ID", LINKS, Source.REFERENCE, write_as="what",
                     reference_to="Opportunity", length=18),
        reference_field("OwnerId", "Assigned To ID", "owner_id", "User", "owner"),
        _deleted(),
        SObjectField("CreatedDate", FieldType.DATETIME, "Created Date", "created_at"),
    ), deletable=False)


TASK = _activity("Task", "Task", "Tasks", "task", (
    SObjectField("ActivityDate", FieldType.DATE, "Due Date Only", "due_at", Source.DERIVED, write_as="due_at",
                 expression="date(due_at)"),
), (
    SObjectField("Status", FieldType.PICKLIST, "Status", "completed_at", Source.DERIVED, write_as="status",
                 picklist=Picklist.TASK_STATUSES, expression="completed_at IS NOT NULL"),
    SObjectField("IsClosed", FieldType.BOOLEAN, "Closed", "completed_at", Source.DERIVED,
                 expression="completed_at IS NOT NULL"),
    SObjectField("TaskSubtype", FieldType.PICKLIST, "Task Subtype", "kind", Source.ENUM, write_as="kind",
                 picklist=Picklist.TASK_SUBTYPES),
    SObjectField("CompletedDateTime", FieldType.DATETIME, "Completed Date/Time", "completed_at"),
))

EVENT = _activity("Event", "Event", "Events", "meeting", (
    SObjectField("ActivityDateTime", FieldType.DATETIME, "Due Date Time", "due_at", write_as="due_at"),
    SObjectField("StartDateTime", FieldType.DATETIME, "Start Date Time", "due_at"),
), ())

CAMPAIGN = SObjectMap("Campaign", "Campaign", "Campaigns", "campaign", (
    id_field("Campaign"),
    text_field("Name", "Name", "name", 80, required=True),
    SObjectField("Type", FieldType.PICKLIST, "Type", "type", Source.ENUM, write_as="type", required=True,
                 picklist=Picklist.CAMPAIGN_TYPES),
    SObjectField("Status", FieldType.PICKLIST, "Status", "status", Source.ENUM, write_as="status",
                 picklist=Picklist.CAMPAIGN_STATUSES),
    SObjectField("StartDate", FieldType.DATE, "Start Date", "start_date", write_as="start_date"),
    SObjectField("EndDate", FieldType.DATE, "End Date", "end_date", write_as="end_date"),
    SObjectField("BudgetedCost", FieldType.CURRENCY, "Budgeted Cost in Campaign", "budget_amount",
                 write_as="budget_amount"),
    SObjectField("ActualCost", FieldType.CURRENCY, "Actual Cost in Campaign", "actual_cost_amount",
                 write_as="actual_cost_amount"),
    reference_field("ParentId", "Parent Campaign ID", "parent_id", "Campaign", "parent"),
    text_field("Description", "Description", "description", 32000, kind=FieldType.TEXTAREA, writable=False),
    SObjectField("IsActive", FieldType.BOOLEAN, "Active", "status", Source.DERIVED, expression="status = 'active'"),
    reference_field("OwnerId", "Owner ID", "owner_id", "User"),
    _deleted(),
    *_dated(),
), deletable=False)

#: the objects of this module, in the global describe's order
PARTS: tuple[SObjectMap, ...] = (LINE_ITEM, CONTACT_ROLE, PRODUCT, TASK, EVENT, CAMPAIGN)
