"""The objects around the records through the real simple-salesforce client (SQLite and
PostgreSQL): line items, contact roles, products, tasks, events and campaigns, each written by
its Leadline use case and read (REST and SOQL) under record-level security."""

from __future__ import annotations

from datetime import timedelta

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.services.activities import list_activities
from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import list_contact_roles, list_line_items, set_list_price
from leadline.services.records import delete_record
from tests.e2e import test_salesforce_api as shared
from tests.e2e.api_support import add_rep, token_for

base, sf, session_to = shared.base, shared.sf, shared.session_to  # the served app and the signed-in client


def _deal(sf: Salesforce) -> tuple[str, str, str]:
    account = sf.Account.create({"Name": "Acme"})["id"]
    contact = sf.Contact.create({"LastName": "Lee", "AccountId": account})["id"]
    opportunity = sf.Opportunity.create({"Name": "Acme deal", "AccountId": account, "CloseDate": "2026-06-30"})["id"]
    return account, contact, opportunity


def _leadline(salesforce_id: str) -> int:
    return parse_salesforce_id(salesforce_id).record_id


def _rep(base: str, ctx: ServiceContext, admin_id: int) -> Salesforce:
    sam = add_rep(ctx, admin_id, "sam@example.com")
    return Salesforce(session_id=token_for(ctx, admin_id, sam), instance_url=base.replace("http:", "https:"),
                      session=session_to(base))


def test_products_and_line_items_go_through_their_use_cases_and_set_the_amount(
        sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    _, _, opportunity = _deal(sf)
    product = sf.Product2.create({"Name": "Widget", "ProductCode": "W-1", "Family": "Hardware"})["id"]
    assert product.startswith("01t")
    assert sf.Product2.get(product)["ProductCode"] == "W-1" and sf.Product2.get(product)["IsActive"] is True
    set_list_price(ctx, admin_id, product_id=_leadline(product), currency="USD", unit_price="100")
    item = sf.OpportunityLineItem.create({"OpportunityId": opportunity, "Product2Id": product, "Quantity": 3,
                                          "Discount": 10})["id"]
    read = sf.OpportunityLineItem.get(item)
    assert (read["Id"], read["Name"], read["Quantity"], read["UnitPrice"], read["Discount"]) == (
        item, "Widget", 3, 100, 10)
    assert read["OpportunityId"] == opportunity and read["Product2Id"] == product
    assert sf.Opportunity.get(opportunity)["Amount"] == 270  # the use case summed the lines
    stored = list_line_items(ctx, admin_id, _leadline(opportunity))
    assert [i.id for i in stored] == [_leadline(item)]
    rows = sf.query("SELECT Id, Quantity, Product2.Name FROM OpportunityLineItem "
                    f"WHERE OpportunityId = '{opportunity}'")["records"]
    assert [(r["Id"], r["Quantity"], r["Product2"]["Name"]) for r in rows] == [(item, 3, "Widget")]
    nested = sf.query(f"SELECT Id, (SELECT Id, Quantity FROM OpportunityLineItems) FROM Opportunity "
                      f"WHERE Id = '{opportunity}'")["records"][0]
    assert [r["Id"] for r in nested["OpportunityLineItems"]["records"]] == [item]
    with pytest.raises(SalesforceMalformedRequest) as caught:  # the domain refuses a quantity of zero
        sf.OpportunityLineItem.create({"OpportunityId": opportunity, "Product2Id": product, "Quantity": 0})
    assert caught.value.content[0]["fields"] == ["Quantity"]
    assert sf.OpportunityLineItem.update(item, {"Quantity": 4, "UnitPrice": 90}) == 204
    assert (sf.OpportunityLineItem.get(item)["Quantity"], sf.Opportunity.get(opportunity)["Amount"]) == (4, 324)
    with pytest.raises(SalesforceMalformedRequest):  # the domain refuses a negative price
        sf.OpportunityLineItem.update(item, {"UnitPrice": -1})
    with pytest.raises(SalesforceMalformedRequest):  # the product of a line is not changed
        sf.OpportunityLineItem.update(item, {"Product2Id": product})
    assert sf.Product2.update(product, {"Family": "Tools", "IsActive": False}) == 204
    assert (sf.Product2.get(product)["Family"], sf.Product2.get(product)["IsActive"]) == ("Tools", False)
    assert sf.OpportunityLineItem.delete(item) == 204
    assert list_line_items(ctx, admin_id, _leadline(opportunity)) == []
    with pytest.raises(SalesforceResourceNotFound):
        sf.OpportunityLineItem.get(item)


def test_contact_roles_are_added_read_queried_and_removed(sf: Salesforce, ctx: ServiceContext,
                                                          admin_id: int) -> None:
    _, contact, opportunity = _deal(sf)
    role = sf.OpportunityContactRole.create({"OpportunityId": opportunity, "ContactId": contact,
                                             "Role": "Decision Maker", "IsPrimary": True})["id"]
    read = sf.OpportunityContactRole.get(role)
    assert (read["ContactId"], read["Role"], read["IsPrimary"]) == (contact, "Decision Maker", True)
    assert list_contact_roles(ctx, admin_id, _leadline(opportunity)) == [
        {"contact_id": _leadline(contact), "role": "decision_maker", "is_primary": True}]
    found = sf.query(f"SELECT Contact.LastName, Role FROM OpportunityContactRole WHERE Role = 'Decision Maker' "
                     f"AND OpportunityId = '{opportunity}'")["records"]
    assert [(r["Contact"]["LastName"], r["Role"]) for r in found] == [("Lee", "Decision Maker")]
    with pytest.raises(SalesforceMalformedRequest):
        sf.OpportunityContactRole.create({"OpportunityId": opportunity, "ContactId": contact, "Role": "Boss"})
    assert sf.OpportunityContactRole.delete(role) == 204
    assert list_contact_roles(ctx, admin_id, _leadline(opportunity)) == []


def test_tasks_and_events_are_activities_linked_by_who_and_what(sf: Salesforce, ctx: ServiceContext,
                                                                admin_id: int) -> None:
    _, contact, opportunity = _deal(sf)
    task = sf.Task.create({"Subject": "Call back", "WhoId": contact, "WhatId": opportunity,
                           "ActivityDate": "2026-07-01", "TaskSubtype": "Call"})["id"]
    statuses = {f["name"]: f for f in sf.Task.describe()["fields"]}["Status"]["picklistValues"]
    assert [p["value"] for p in statuses] == ["Not Started", "Completed"]
    read = sf.Task.get(task)
    assert (read["Subject"], read["ActivityDate"], read["Status"], read["IsClosed"], read["TaskSubtype"]) == (
        "Call back", "2026-07-01", "Not Started", False, "Call")
    linked = list_activities(ctx, admin_id, "opportunity", _leadline(opportunity))
    assert [(a.subject, a.kind.value) for a in linked] == [("Call back", "call")]
    assert sf.Task.update(task, {"Status": "Completed"}) == 204
    assert sf.Task.get(task)["IsClosed"] is True
    with pytest.raises(SalesforceRefusedRequest):
        sf.Task.update(task, {"Subject": "Other"})
    event = sf.Event.create({"Subject": "Demo", "WhatId": opportunity,
                             "ActivityDateTime": "2026-07-02T09:30:00.000+0000"})["id"]
    assert sf.Event.get(event)["StartDateTime"] == "2026-07-02T09:30:00.000+0000"
    assert [r["Id"] for r in sf.query("SELECT Id FROM Event")["records"]] == [event]
    assert [r["Id"] for r in sf.query("SELECT Id FROM Task WHERE IsClosed = TRUE")["records"]] == [task]
    with pytest.raises(SalesforceMalformedRequest):  # an activity belongs to a record
        sf.Task.create({"Subject": "Nowhere"})
    with pytest.raises(SalesforceRefusedRequest):
        sf.Task.delete(task)


def test_an_activitys_who_and_what_are_read_back_by_get_describe_and_soql(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    _, contact, opportunity = _deal(sf)
    lead = sf.Lead.create({"LastName": "Prospect", "Company": "Acme"})["id"]
    task = sf.Task.create({"Subject": "Call back", "WhoId": contact, "WhatId": opportunity})["id"]
    event = sf.Event.create({"Subject": "Demo", "WhoId": lead, "ActivityDateTime": "2026-07-02T09:30:00.000+0000"})
    read = sf.Task.get(task)
    assert (read["WhoId"], read["WhatId"]) == (contact, opportunity)
    assert (sf.Event.get(event["id"])["WhoId"], sf.Event.get(event["id"])["WhatId"]) == (lead, None)
    fields = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert (fields["WhoId"]["referenceTo"], fields["WhatId"]["referenceTo"]) == (["Contact", "Lead"],
                                                                                 ["Account", "Opportunity"])
    assert fields["WhoId"]["polymorphicForeignKey"] is True and fields["OwnerId"]["polymorphicForeignKey"] is False
    found = sf.query(f"SELECT Id, WhoId, WhatId FROM Task WHERE WhoId = '{contact}'")["records"]
    assert [(r["Id"], r["WhoId"], r["WhatId"]) for r in found] == [(task, contact, opportunity)]
    assert sf.query(f"SELECT Id FROM Task WHERE WhoId = '{lead}'")["totalSize"] == 0
    assert [r["Id"] for r in sf.query(f"SELECT Id FROM Task WHERE WhoId != '{lead}'")["records"]] == [task]
    with pytest.raises(SalesforceMalformedRequest):  # polymorphic: compared with ids, not a semi join
        sf.query("SELECT Id FROM Task WHERE WhoId IN (SELECT Id FROM Contact)")
    assert [r["WhoId"] for r in sf.query(f"SELECT WhoId FROM Event WHERE WhoId IN ('{lead}', '{contact}')")
            ["records"]] == [lead]
    sam = add_rep(ctx, admin_id, "sam@example.com")  # the rep owns a task on the admin's private lead
    given = sf.Task.create({"Subject": "Yours", "WhoId": lead, "OwnerId": salesforce_id("User", sam)})["id"]
    rep = Salesforce(session_id=token_for(ctx, admin_id, sam), instance_url=base.replace("http:", "https:"),
                     session=session_to(base))
    assert rep.Task.get(given)["WhoId"] is None  # a link to a record the rep may not read reads as null
    assert [r["WhoId"] for r in rep.query("SELECT WhoId FROM Task")["records"]] == [None]


def test_campaigns_are_created_changed_and_queried(sf: Salesforce) -> None:
    campaign = sf.Campaign.create({"Name": "Spring webinar", "Type": "Webinar", "BudgetedCost": 1500,
                                   "StartDate": "2026-03-01"})["id"]
    assert campaign.startswith("701")
    assert sf.Campaign.update(campaign, {"Status": "In Progress"}) == 204
    read = sf.Campaign.get(campaign)
    assert (read["Type"], read["Status"], read["IsActive"], read["BudgetedCost"]) == (
        "Webinar", "In Progress", True, 1500)
    found = sf.query("SELECT Name, Status FROM Campaign WHERE IsActive = TRUE")["records"]
    assert [(r["Name"], r["Status"]) for r in found] == [("Spring webinar", "In Progress")]
    with pytest.raises(SalesforceMalformedRequest):
        sf.Campaign.create({"Name": "No type"})
    with pytest.raises(SalesforceRefusedRequest):
        sf.Campaign.delete(campaign)


def test_a_rep_sees_no_part_of_another_reps_deal(base: str, sf: Salesforce, ctx: ServiceContext,
                                                 admin_id: int) -> None:
    _, contact, opportunity = _deal(sf)
    product = sf.Product2.create({"Name": "Widget"})["id"]
    item = sf.OpportunityLineItem.create({"OpportunityId": opportunity, "Product2Id": product, "Quantity": 1,
                                          "UnitPrice": 50})["id"]
    role = sf.OpportunityContactRole.create({"OpportunityId": opportunity, "ContactId": contact,
                                             "Role": "Champion"})["id"]
    task = sf.Task.create({"Subject": "Admin's call", "WhatId": opportunity})["id"]
    rep = _rep(base, ctx, admin_id)
    for sobject, record in (("OpportunityLineItem", item), ("OpportunityContactRole", role), ("Task", task)):
        with pytest.raises(SalesforceResourceNotFound):
            getattr(rep, sobject).get(record)
        assert rep.query(f"SELECT Id FROM {sobject}")["totalSize"] == 0
    assert rep.Product2.get(product)["Name"] == "Widget"  # the catalogue is everyone's
    with pytest.raises(SalesforceRefusedRequest):  # products are the admins'
        rep.Product2.create({"Name": "Gadget"})


def test_deleted_answers_the_records_deleted_in_the_window_that_the_caller_could_read(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    now = ctx.now()
    gone = sf.Lead.create({"LastName": "Gone", "Company": "Acme"})["id"]
    kept = sf.Lead.create({"LastName": "Kept", "Company": "Acme"})["id"]
    account = sf.Account.create({"Name": "Native"})["id"]
    assert sf.Lead.delete(gone) == 204
    delete_record(ctx, admin_id, "account", _leadline(account))  # the native use case keeps it too
    window = sf.Lead.deleted(now - timedelta(days=1), now + timedelta(days=1))
    assert [r["id"] for r in window["deletedRecords"]] == [gone] and kept not in str(window)
    assert window["deletedRecords"][0]["deletedDate"].endswith("+0000")
    assert window["earliestDateAvailable"] == window["deletedRecords"][0]["deletedDate"]
    assert [r["id"] for r in sf.Account.deleted(now - timedelta(days=1), now + timedelta(days=1))
            ["deletedRecords"]] == [account]
    assert sf.Lead.deleted(now + timedelta(days=1), now + timedelta(days=2))["deletedRecords"] == []
    rep = _rep(base, ctx, admin_id)  # a rep could not read the admin's lead: its deletion is not theirs
    assert rep.Lead.deleted(now - timedelta(days=1), now + timedelta(days=1))["deletedRecords"] == []
    own = rep.Lead.create({"LastName": "Mine", "Company": "Acme"})["id"]
    assert rep.Lead.delete(own) == 204  # but the deletion of a lead the rep could read is
    assert [r["id"] for r in rep.Lead.deleted(now - timedelta(days=1), now + timedelta(days=1))
            ["deletedRecords"]] == [own]
    with pytest.raises(SalesforceMalformedRequest):  # the window must end after it starts
        sf.Lead.deleted(now, now - timedelta(days=1))


def test_an_opportunitys_line_items_deleted_with_it_are_listed_as_deleted(sf: Salesforce,
                                                                          ctx: ServiceContext) -> None:
    now = ctx.now()
    _, _, opportunity = _deal(sf)
    product = sf.Product2.create({"Name": "Widget"})["id"]
    item = sf.OpportunityLineItem.create({"OpportunityId": opportunity, "Product2Id": product, "Quantity": 1,
                                          "UnitPrice": 50})["id"]
    assert sf.Opportunity.delete(opportunity) == 204
    window = (now - timedelta(days=1), now + timedelta(days=1))
    assert [r["id"] for r in sf.OpportunityLineItem.deleted(*window)["deletedRecords"]] == [item]
    assert [r["id"] for r in sf.Opportunity.deleted(*window)["deletedRecords"]] == [opportunity]


def test_contact_roles_removed_or_deleted_with_their_opportunity_are_listed_as_deleted(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    now = ctx.now()
    window = (now - timedelta(days=1), now + timedelta(days=1))
    account, contact, opportunity = _deal(sf)
    removed = sf.OpportunityContactRole.create({"OpportunityId": opportunity, "ContactId": contact,
                                                "Role": "Champion"})["id"]
    kept = sf.OpportunityContactRole.create({"OpportunityId": opportunity, "ContactId": contact,
                                             "Role": "Decision Maker"})["id"]
    assert sf.OpportunityContactRole.delete(removed) == 204
    assert [r["id"] for r in sf.OpportunityContactRole.deleted(*window)["deletedRecords"]] == [removed]
    other = sf.Opportunity.create({"Name": "Second deal", "AccountId": account, "CloseDate": "2026-06-30"})["id"]
    cascaded = sf.OpportunityContactRole.create({"OpportunityId": other, "ContactId": contact,
                                                 "Role": "Champion"})["id"]
    assert sf.Opportunity.delete(other) == 204  # its roles go with it (the cascade), kept as deleted
    listed = sf.OpportunityContactRole.deleted(*window)
    assert sorted(r["id"] for r in listed["deletedRecords"]) == sorted([removed, cascaded]) and kept not in str(listed)
    assert listed["earliestDateAvailable"] == listed["deletedRecords"][0]["deletedDate"]
    rep = _rep(base, ctx, admin_id)  # the rep could not read the admin's deals: nor learn of their roles' removal
    assert rep.OpportunityContactRole.deleted(*window)["deletedRecords"] == []


def test_limits_count_the_days_api_requests_down(sf: Salesforce) -> None:
    first = sf.limits()["DailyApiRequests"]
    sf.Lead.describe()
    sf.query("SELECT COUNT() FROM Lead")
    then = sf.limits()["DailyApiRequests"]
    assert first["Max"] == then["Max"] > 0
    assert first["Remaining"] - then["Remaining"] == 3  # describe, query and this limits call


def test_updated_lists_the_parts_changed_in_the_window(sf: Salesforce, ctx: ServiceContext) -> None:
    now = ctx.now()
    campaign = sf.Campaign.create({"Name": "Autumn", "Type": "Email"})["id"]
    _, contact, _ = _deal(sf)
    task = sf.Task.create({"Subject": "Write", "WhoId": contact})["id"]
    window = (now - timedelta(days=1), now + timedelta(days=1))
    assert sf.Campaign.updated(*window)["ids"] == [campaign]
    assert sf.Task.updated(*window)["ids"] == [task] and sf.Event.updated(*window)["ids"] == []
    assert sf.Campaign.updated(now + timedelta(days=1), now + timedelta(days=2))["ids"] == []
    with pytest.raises(SalesforceMalformedRequest):  # a product keeps no time of change
        sf.Product2.updated(*window)
