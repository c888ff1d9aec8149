"""Lead conversion around the Salesforce-compatible API, through the real simple-salesforce client
(SQLite and PostgreSQL): what undoing a conversion removes, and the records a merge merges away,
are listed by ``deleted/`` as any deletion is, to whoever could read them; and ``convertLead``
takes the reason that lets a lead a ``block`` duplicate rule refuses convert, kept in the lead's
history
(docs/adr/0066-undo-deletions-and-convertlead-duplicate-reason.md)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion.undo import undo_conversion
from leadline.services.duplicates.merge import merge_records, undo_merge
from leadline.services.duplicates.rules import set_duplicate_rule
from leadline.services.leads import records as leads
from leadline.services.opportunities.parts import create_product
from tests.conftest import FakeClock
from tests.e2e import test_salesforce_api as shared
from tests.e2e.api_support import add_rep, token_for
from tests.integration.conversion_support import WHY, new_lead

base, sf, session_to = shared.base, shared.sf, shared.session_to  # the served app and the signed-in client
CONVERT = "actions/standard/convertLead"
#: every kind a conversion may make, as Salesforce names it
MADE = ("Account", "Contact", "Opportunity", "OpportunityContactRole", "OpportunityLineItem")


def _client(base: str, ctx: ServiceContext, admin_id: int, user_id: int) -> Salesforce:
    return Salesforce(session_id=token_for(ctx, admin_id, user_id), instance_url=base.replace("http:", "https:"),
                      session=session_to(base))


def _convert(client: Salesforce, given: dict[str, Any]) -> dict[str, Any]:
    done: list[dict[str, Any]] = client.restful(CONVERT, method="POST", data=json.dumps({"inputs": [given]}))
    return done[0]


def _deleted(client: Salesforce, sobject: str, since: datetime) -> list[str]:
    window = getattr(client, sobject).deleted(since - timedelta(days=1), since + timedelta(days=1))
    return sorted(r["id"] for r in window["deletedRecords"])


def test_undoing_a_conversion_lists_what_it_made_as_deleted_to_whoever_could_read_it(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    now = ctx.now()
    create_product(ctx, admin_id, name="Widget")
    sam, ann = add_rep(ctx, admin_id, "sam@example.com"), add_rep(ctx, admin_id, "ann@example.com")
    sams = _client(base, ctx, admin_id, sam)
    lead = salesforce_id("Lead", new_lead(ctx, sam))  # a Widget line: the new deal gets a line item
    made = _convert(sams, {"leadId": lead, "overrideReason": WHY, "qualificationOverrideReason": WHY})["outputValues"]
    deal = made["opportunityId"]
    role = [r["Id"] for r in sams.query(f"SELECT Id FROM OpportunityContactRole WHERE OpportunityId = '{deal}'")
            ["records"]]
    item = [r["Id"] for r in sams.query(f"SELECT Id FROM OpportunityLineItem WHERE OpportunityId = '{deal}'")
            ["records"]]
    assert len(role) == len(item) == 1
    assert all(_deleted(sf, sobject, now) == [] for sobject in MADE)

    undo_conversion(ctx, sam, parse_salesforce_id(lead).record_id)

    expected = {"Account": [made["accountId"]], "Contact": [made["contactId"]], "Opportunity": [deal],
                "OpportunityContactRole": role, "OpportunityLineItem": item}
    assert {sobject: _deleted(sams, sobject, now) for sobject in MADE} == expected  # the owner's
    assert {sobject: _deleted(sf, sobject, now) for sobject in MADE} == expected  # an admin reads all
    anns = _client(base, ctx, admin_id, ann)  # a rep who could read none of them learns of none
    assert {sobject: _deleted(anns, sobject, now) for sobject in MADE} == {sobject: [] for sobject in MADE}
    assert _deleted(sams, "Lead", now) == [] and sams.Lead.get(lead)["IsConverted"] is False


def test_convert_lead_takes_a_reason_to_make_a_contact_a_blocking_duplicate_rule_refuses(
        sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Globex"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Scorpio",
                                                     "email": "hank@globex.example"}).id
    set_duplicate_rule(ctx, admin_id, "contact", "email", action="block")
    lead = salesforce_id("Lead", new_lead(ctx, admin_id, company="Initech", website="initech.example",
                                          email="hank@globex.example"))
    given = {"leadId": lead, "doNotCreateOpportunity": True, "qualificationOverrideReason": WHY}

    with pytest.raises(SalesforceMalformedRequest) as refused:
        _convert(sf, given)
    [error] = refused.value.content[0]["errors"]
    assert (error["statusCode"], error["fields"]) == ("DUPLICATES_DETECTED", ["duplicateOverrideReason"])
    allowing = {"Sforce-Duplicate-Rule-Header": "allowSave=true"}  # bypasses alerts in Salesforce, never a block
    with pytest.raises(SalesforceMalformedRequest):
        sf.restful(CONVERT, method="POST", data=json.dumps({"inputs": [given]}), headers=allowing)
    assert sf.Lead.get(lead)["IsConverted"] is False

    done = _convert(sf, {**given, "duplicateOverrideReason": "Hank's assistant shares his inbox"})

    assert done["isSuccess"] is True and sf.Lead.get(lead)["IsConverted"] is True
    assert done["outputValues"]["contactId"] != salesforce_id("Contact", contact)
    history = {c.field: c.new_value for c in leads.lead_history(ctx, admin_id, parse_salesforce_id(lead).record_id)}
    assert history["duplicate_override"] == "Hank's assistant shares his inbox"


def test_a_merge_lists_the_records_merged_away_as_deleted_until_it_is_undone(
        sf: Salesforce, ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    start = clock()
    kept, merged = (sf.Lead.create({"LastName": name, "Company": "Acme"})["id"] for name in ("Kept", "Merged"))
    merge = merge_records(ctx, admin_id, "lead", [parse_salesforce_id(i).record_id for i in (kept, merged)],
                          keep=parse_salesforce_id(kept).record_id)
    window = sf.Lead.deleted(start, start + timedelta(days=1))  # gone from the lists and queries: deleted here
    assert [(r["id"], r["deletedDate"]) for r in window["deletedRecords"]] == [(merged, _salesforce_time(start))]
    with pytest.raises(SalesforceResourceNotFound) as refused:  # deleted already, as Salesforce answers it
        sf.Lead.delete(merged)
    assert [e["errorCode"] for e in refused.value.content] == ["ENTITY_IS_DELETED"]
    assert f"merged into lead {parse_salesforce_id(kept).record_id}" in refused.value.content[0]["message"]

    undone_at = clock.advance(hours=2)
    undo_merge(ctx, admin_id, merge.id)

    assert sf.Lead.deleted(start, start + timedelta(days=1))["deletedRecords"] == []  # it lives again
    assert merged in sf.Lead.updated(undone_at, undone_at + timedelta(days=1))["ids"]  # a replica fetches it again
    assert sf.Lead.get(merged)["Id"] == merged
    again = merge_records(ctx, admin_id, "lead", [parse_salesforce_id(i).record_id for i in (kept, merged)],
                          keep=parse_salesforce_id(kept).record_id)
    assert again.merged_ids == [parse_salesforce_id(merged).record_id]
    assert [r["id"] for r in sf.Lead.deleted(start, start + timedelta(days=1))["deletedRecords"]] == [merged]


def _salesforce_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
