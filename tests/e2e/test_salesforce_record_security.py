"""Record-level security on the Salesforce-compatible API's less travelled paths, through the real
simple-salesforce client on SQLite and PostgreSQL: a contact role is shown (GET, SOQL, child
subqueries, ``deleted/``) only to whoever may read its opportunity and its contact
(docs/adr/0058-contact-roles-read-with-both-parents.md), ``deleted/`` tells nothing of
deletions the caller could not read, and an activity's ``Who``/``What`` name nothing the caller
may not read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from leadline.domain.salesforce.ids import salesforce_id
from leadline.services.context import ServiceContext
from leadline.services.security.sharing import set_sharing
from tests.e2e import test_salesforce_api as shared
from tests.e2e.api_support import add_rep, token_for

base, sf, session_to = shared.base, shared.sf, shared.session_to  # the served app and the signed-in client


def _as(base: str, ctx: ServiceContext, admin_id: int, user: int) -> Salesforce:
    return Salesforce(session_id=token_for(ctx, admin_id, user), instance_url=base.replace("http:", "https:"),
                      session=session_to(base))


def test_a_contact_role_on_a_contact_the_rep_may_not_read_is_never_shown_nor_its_removal(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    set_sharing(ctx, admin_id, "account", "public_read_write")
    set_sharing(ctx, admin_id, "opportunity", "public_read_only")  # the rep reads every deal
    set_sharing(ctx, admin_id, "contact", "private")  # but only their own contacts
    sam = add_rep(ctx, admin_id, "sam@example.com")
    rep = _as(base, ctx, admin_id, sam)
    account = sf.Account.create({"Name": "Acme"})["id"]
    secret = sf.Contact.create({"LastName": "Secret", "AccountId": account})["id"]
    own = rep.Contact.create({"LastName": "Known", "AccountId": account})["id"]
    deal = sf.Opportunity.create({"Name": "Acme deal", "AccountId": account, "CloseDate": "2026-06-30"})["id"]
    hidden = sf.OpportunityContactRole.create({"OpportunityId": deal, "ContactId": secret, "Role": "Champion"})["id"]
    shown = sf.OpportunityContactRole.create({"OpportunityId": deal, "ContactId": own, "Role": "Evaluator"})["id"]
    with pytest.raises(SalesforceResourceNotFound):
        rep.OpportunityContactRole.get(hidden)
    assert rep.OpportunityContactRole.get(shown)["ContactId"] == own
    assert [r["Id"] for r in rep.query("SELECT Id FROM OpportunityContactRole")["records"]] == [shown]
    children = rep.query(f"SELECT (SELECT Id FROM OpportunityContactRoles) FROM Opportunity WHERE Id = '{deal}'")
    assert [r["Id"] for r in children["records"][0]["OpportunityContactRoles"]["records"]] == [shown]
    now = ctx.now()
    window = (now - timedelta(days=1), now + timedelta(days=1))
    for role in (hidden, shown):
        assert sf.OpportunityContactRole.delete(role) == 204
    assert [r["id"] for r in rep.OpportunityContactRole.deleted(*window)["deletedRecords"]] == [shown]
    again = sf.OpportunityContactRole.create({"OpportunityId": deal, "ContactId": secret, "Role": "Champion"})["id"]
    assert sf.Opportunity.delete(deal) == 204  # its roles go with it: still not the rep's to learn of
    assert [r["id"] for r in rep.OpportunityContactRole.deleted(*window)["deletedRecords"]] == [shown]
    assert [r["id"] for r in rep.Opportunity.deleted(*window)["deletedRecords"]] == [deal]
    assert sorted(r["id"] for r in sf.OpportunityContactRole.deleted(*window)["deletedRecords"]) == sorted(
        [hidden, shown, again])  # the admin reads every contact


def test_deleted_dates_its_earliest_record_among_those_the_caller_could_read(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int, clock: Any) -> None:
    now = ctx.now()
    window = (now - timedelta(days=1), now + timedelta(days=1))
    gone = sf.Lead.create({"LastName": "Gone", "Company": "Acme"})["id"]
    assert sf.Lead.delete(gone) == 204  # leads are private: the rep could not read it
    clock.advance(hours=1)
    admins = sf.Lead.deleted(*window)
    assert admins["earliestDateAvailable"] == admins["deletedRecords"][0]["deletedDate"]
    sam = add_rep(ctx, admin_id, "sam@example.com")
    reps = _as(base, ctx, admin_id, sam).Lead.deleted(*window)
    assert reps["deletedRecords"] == [] and admins["earliestDateAvailable"] not in str(reps)
    assert reps["earliestDateAvailable"] == reps["latestDateCovered"]  # as when nothing was ever deleted


def test_who_and_what_read_the_name_and_type_of_the_record_an_activity_links(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    account = sf.Account.create({"Name": "Acme"})["id"]
    contact = sf.Contact.create({"FirstName": "Ann", "LastName": "Lee", "AccountId": account})["id"]
    deal = sf.Opportunity.create({"Name": "Acme deal", "AccountId": account, "CloseDate": "2026-06-30"})["id"]
    lead = sf.Lead.create({"FirstName": "Pat", "LastName": "Prospect", "Company": "Acme"})["id"]
    task = sf.Task.create({"Subject": "Call back", "WhoId": contact, "WhatId": deal})["id"]
    event = sf.Event.create({"Subject": "Demo", "WhoId": lead, "WhatId": account,
                             "ActivityDateTime": "2026-07-02T09:30:00.000+0000"})["id"]
    found = sf.query("SELECT Id, WhoId, Who.Id, Who.Name, Who.Type, What.Name, What.Type FROM Task")["records"]
    assert [(r["Id"], r["WhoId"]) for r in found] == [(task, contact)]
    who, what = found[0]["Who"], found[0]["What"]
    assert (who["attributes"]["type"], who["Id"], who["Name"], who["Type"]) == ("Name", contact, "Ann Lee", "Contact")
    assert who["attributes"]["url"].endswith(f"/sobjects/Contact/{contact}")
    assert (what["attributes"]["type"], what["Name"], what["Type"]) == ("Name", "Acme deal", "Opportunity")
    assert what["attributes"]["url"].endswith(f"/sobjects/Opportunity/{deal}")
    met = sf.query(f"SELECT Who.Name, What.Name, What.Type FROM Event WHERE Id = '{event}'")["records"][0]
    assert (met["Who"]["Name"], met["What"]["Name"], met["What"]["Type"]) == ("Pat Prospect", "Acme", "Account")
    alone = sf.Task.create({"Subject": "No one", "WhatId": account})["id"]
    assert [(r["Id"], r["Who"]) for r in sf.query(
        "SELECT Id, Who.Name FROM Task WHERE What.Type = 'Account'")["records"]] == [(alone, None)]
    assert [r["Id"] for r in sf.query("SELECT Id FROM Task WHERE Who.Name LIKE 'ann%' AND Who.Type = 'Contact' "
                                      "ORDER BY What.Name DESC NULLS LAST")["records"]] == [task]
    with pytest.raises(SalesforceMalformedRequest):  # the Name object reads Id, Name and Type only
        sf.query("SELECT Who.Account.Name FROM Task")
    sam = add_rep(ctx, admin_id, "sam@example.com")  # the rep's own task on the admin's private lead
    given = sf.Task.create({"Subject": "Yours", "WhoId": lead, "WhatId": account,
                            "OwnerId": salesforce_id("User", sam)})["id"]
    rep = _as(base, ctx, admin_id, sam)
    seen = rep.query("SELECT Id, WhoId, Who.Name, Who.Type, What.Name FROM Task")["records"]
    assert [(r["Id"], r["WhoId"], r["Who"], r["What"]) for r in seen] == [(given, None, None, None)]
    assert rep.query("SELECT COUNT() FROM Task WHERE Who.Name = 'Pat Prospect'")["totalSize"] == 0
    assert "Prospect" not in str(rep.query("SELECT Who.Name, COUNT(Id) FROM Task GROUP BY Who.Name")["records"])
