"""Bulk API 2.0 upserts by external id through the real simple-salesforce client, on SQLite and
PostgreSQL: a job finds its records as the REST API's upsert does (only among those the user may
read, and changes only those they may edit), and rows of one block naming the same external id
fail as Salesforce's DUPLICATE_VALUE, while a later block updates what an earlier one created."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceRefusedRequest

from leadline.domain.salesforce.ids import parse_salesforce_id
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.security import auth
from leadline.services.security.sharing import set_sharing
from tests.e2e import test_salesforce_bulk as shared
from tests.e2e.api_support import add_rep
from tests.e2e.test_salesforce_api import PASSWORD, session_to

base, sf, rows_of, WAIT = shared.base, shared.sf, shared.rows_of, shared.WAIT


def _rep(base: str, ctx: ServiceContext, admin_id: int) -> Salesforce:
    rep = add_rep(ctx, admin_id, "sam@example.com")
    auth.set_password(ctx, admin_id, rep, PASSWORD)
    return Salesforce(username="sam@example.com", password=PASSWORD, security_token="", session=session_to(base))


def _last_name(ctx: ServiceContext, admin_id: int, salesforce_id: str) -> str:
    return leads.get_lead(ctx, admin_id, parse_salesforce_id(salesforce_id).record_id).lead.last_name


def test_an_upsert_job_never_matches_a_record_the_user_may_not_read(base: str, sf: Salesforce,
                                                                    ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    secret = sf.Lead.create({"LastName": "Secret", "Company": "Hidden Co", "erp_key__c": "S-1"})["id"]
    hidden = sf.Lead.create({"LastName": "Hidden", "Company": "Hidden Co", "erp_key__c": "S-2"})["id"]
    rep = _rep(base, ctx, admin_id)  # leads are private: the rep reads none of the admin's
    assert rep.Lead.upsert("erp_key__c/S-1", {"LastName": "By REST", "Company": "Rep Co"}) == 201  # REST: a new one
    own = rep.query("SELECT Id FROM Lead WHERE erp_key__c = 'S-1'")["records"][0]["Id"]
    records = [{"erp_key__c": "S-1", "LastName": "By bulk", "Company": "Rep Co"},
               {"erp_key__c": "s-2", "LastName": "Taken", "Company": "Rep Co"}]
    answer = rep.bulk2.Lead.upsert(records=records, external_id_field="erp_key__c", wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (2, 0)  # no DUPLICATE_EXTERNAL_ID
    done = {r["erp_key__c"]: r for r in rows_of(rep.bulk2.Lead.get_successful_records(answer["job_id"]))}
    assert (done["S-1"]["sf__Id"], done["S-1"]["sf__Created"]) == (own, "false")  # the rep's own lead, as REST
    assert done["s-2"]["sf__Created"] == "true" and done["s-2"]["sf__Id"] != hidden
    assert (_last_name(ctx, admin_id, secret), _last_name(ctx, admin_id, hidden)) == ("Secret", "Hidden")
    assert _last_name(ctx, admin_id, own) == "By bulk"


def test_an_upsert_job_fails_the_row_of_a_record_the_user_may_read_but_not_edit_as_rest_does(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    shown = sf.Lead.create({"LastName": "Shown", "Company": "Read Co", "erp_key__c": "R-1", "Title": "CEO"})["id"]
    set_sharing(ctx, admin_id, "lead", "public_read_only")
    rep = _rep(base, ctx, admin_id)
    with pytest.raises(SalesforceRefusedRequest) as refused:
        rep.Lead.upsert("erp_key__c/R-1", {"LastName": "By REST"})
    rest = refused.value.content[0]
    answer = rep.bulk2.Lead.upsert(records=[{"erp_key__c": "r-1", "LastName": "By bulk", "Company": "Read Co"}],
                                   external_id_field="erp_key__c", wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (1, 1)
    failed = rows_of(rep.bulk2.Lead.get_failed_records(answer["job_id"]))
    assert failed == [{"sf__Id": "", "sf__Error": f"{rest['errorCode']}:{rest['message']}:lead --",
                       "erp_key__c": "r-1", "LastName": "By bulk", "Company": "Read Co"}]  # none of its fields
    assert rest["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    assert _last_name(ctx, admin_id, shown) == "Shown"


def test_rows_of_one_upsert_job_naming_the_same_external_id_all_fail_as_duplicate_values(
        sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    held = sf.Lead.create({"LastName": "Held", "Company": "Held Co", "erp_key__c": "H-1"})["id"]
    records = [{"erp_key__c": "N-1", "LastName": "First", "Company": "New Co"},
               {"erp_key__c": "H-1", "LastName": "Changed", "Company": "Held Co"},
               {"erp_key__c": "n-1", "LastName": "Second", "Company": "New Co"},
               {"erp_key__c": "N-2", "LastName": "Alone", "Company": "New Co"},
               {"erp_key__c": "h-1", "LastName": "Again", "Company": "Held Co"}]
    answer = sf.bulk2.Lead.upsert(records=records, external_id_field="erp_key__c", wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (5, 4)
    failed = rows_of(sf.bulk2.Lead.get_failed_records(answer["job_id"]))
    assert [(r["LastName"], r["sf__Error"]) for r in failed] == [
        ("First", "DUPLICATE_VALUE:Duplicate external id specified: N-1:erp_key --"),
        ("Changed", "DUPLICATE_VALUE:Duplicate external id specified: H-1:erp_key --"),
        ("Second", "DUPLICATE_VALUE:Duplicate external id specified: n-1:erp_key --"),
        ("Again", "DUPLICATE_VALUE:Duplicate external id specified: h-1:erp_key --")]
    assert [r["LastName"] for r in rows_of(sf.bulk2.Lead.get_successful_records(answer["job_id"]))] == ["Alone"]
    assert sf.query("SELECT COUNT() FROM Lead WHERE erp_key__c = 'N-1'")["totalSize"] == 0  # neither was written
    assert _last_name(ctx, admin_id, held) == "Held"


def test_a_hard_delete_job_deletes_as_delete_does_and_only_for_an_admin(base: str, sf: Salesforce,
                                                                        ctx: ServiceContext, admin_id: int) -> None:
    ids = [sf.Lead.create({"LastName": f"Gone {n}", "Company": "Acme"})["id"] for n in range(3)]
    now = ctx.now()
    answer = sf.bulk2.Lead.hard_delete(records=[{"Id": i} for i in ids[:2]], wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (2, 0)
    done = rows_of(sf.bulk2.Lead.get_successful_records(answer["job_id"]))
    assert [(r["sf__Id"], r["sf__Created"]) for r in done] == [(i, "false") for i in ids[:2]]
    assert [r["Id"] for r in sf.query("SELECT Id FROM Lead")["records"]] == ids[2:]
    window = sf.Lead.deleted(now - timedelta(days=1), now + timedelta(days=1))  # kept for deleted/, as a delete
    assert sorted(r["id"] for r in window["deletedRecords"]) == sorted(ids[:2])
    rep = _rep(base, ctx, admin_id)
    own = rep.Lead.create({"LastName": "Mine", "Company": "Rep Co"})["id"]
    with pytest.raises(SalesforceRefusedRequest) as refused:  # the Bulk API Hard Delete permission is an admin's
        rep.bulk2.Lead.hard_delete(records=[{"Id": own}], wait=WAIT)
    assert refused.value.content[0]["errorCode"] == "INSUFFICIENT_ACCESS_OR_READONLY"
    assert rep.Lead.get(own)["LastName"] == "Mine"
    assert rep.bulk2.Lead.delete(records=[{"Id": own}], wait=WAIT)[0]["numberRecordsFailed"] == 0  # a delete is not


def test_a_later_block_of_an_upsert_job_updates_what_an_earlier_block_created(
        sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    first = [{**row, "erp_key__c": f"K-{n:04d}"} for n, row in enumerate(shared.lead_rows(1000))]  # block one
    again = [{"erp_key__c": "k-0005", "LastName": "Renamed", "Company": "Bulk Co 5"},  # block two, by external id
             {"erp_key__c": "K-0999", "LastName": "Also renamed", "Company": "Bulk Co 999"}]
    answer = sf.bulk2.Lead.upsert(records=first + again, external_id_field="erp_key__c", wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (1002, 0)
    done = rows_of(sf.bulk2.Lead.get_successful_records(answer["job_id"]))
    made = {r["erp_key__c"]: r["sf__Id"] for r in done if r["sf__Created"] == "true"}
    updated = [(r["erp_key__c"], r["sf__Id"]) for r in done if r["sf__Created"] == "false"]
    assert len(made) == 1000 and updated == [("k-0005", made["K-0005"]), ("K-0999", made["K-0999"])]
    assert sf.query("SELECT COUNT() FROM Lead")["totalSize"] == 1000  # no duplicate of either
    assert (_last_name(ctx, admin_id, made["K-0005"]), _last_name(ctx, admin_id, made["K-0999"])) == (
        "Renamed", "Also renamed")


@pytest.mark.parametrize("sobject", ["OpportunityContactRole", "OpportunityLineItem", "Task", "Product2"])
def test_a_job_on_an_object_bulk_jobs_do_not_take_is_refused_when_made(base: str, sf: Salesforce,
                                                                       sobject: str) -> None:
    answer = requests.post(f"{base}/services/data/v62.0/jobs/ingest/", json={
        "object": sobject, "operation": "insert"}, headers={"Authorization": f"Bearer {sf.session_id}"})
    assert answer.status_code == 400
    assert answer.json()[0]["errorCode"] == "INVALIDJOB" and sobject in answer.json()[0]["message"]
    jobs = requests.get(f"{base}/services/data/v62.0/jobs/ingest/",
                        headers={"Authorization": f"Bearer {sf.session_id}"})
    assert jobs.json()["records"] == []  # no job was made
