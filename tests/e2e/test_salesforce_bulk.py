"""Bulk API 2.0 driven by the real simple-salesforce client (``sf.bulk2.Lead.insert/update/upsert/
delete/query``) against the served application, on SQLite and PostgreSQL. Ingest jobs run on the
streaming importer, so rules, duplicate rules and record-level security apply as on an import."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound
from sqlalchemy.engine import Engine

from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.security import auth
from tests.e2e.api_support import add_rep
from tests.e2e.test_salesforce_api import ADA, PASSWORD, session_to
from tests.e2e.web_support import served

WAIT = 0  # the client's first pause before it polls the job (seconds)


@pytest.fixture
def base(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[str]:
    auth.set_password(ctx, admin_id, admin_id, PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as url:
        yield url


@pytest.fixture
def sf(base: str) -> Salesforce:
    return Salesforce(username=ADA, password=PASSWORD, security_token="", session=session_to(base))


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def lead_rows(count: int, *, start: int = 0) -> list[dict[str, str]]:
    return [{"FirstName": f"Bulk{n}", "LastName": f"Lead {n:04d}", "Company": f"Bulk Co {n}",
             "Email": f"bulk{n}@bulk.example", "Rating": "Hot"} for n in range(start, start + count)]


def test_an_insert_job_creates_each_valid_row_and_reports_each_failed_one(sf: Salesforce, ctx: ServiceContext,
                                                                          admin_id: int) -> None:
    records = lead_rows(300)
    for n in (7, 150, 299):
        records[n]["Company"] = ""  # Company is required: these rows fail, the others go in
    answers = sf.bulk2.Lead.insert(records=records, wait=WAIT)
    assert len(answers) == 1
    assert (answers[0]["numberRecordsProcessed"], answers[0]["numberRecordsFailed"]) == (300, 3)
    job = answers[0]["job_id"]
    successful = rows_of(sf.bulk2.Lead.get_successful_records(job))
    assert len(successful) == 297 and all(r["sf__Created"] == "true" for r in successful)
    first = successful[0]
    assert first["LastName"] == "Lead 0000" and parse_salesforce_id(first["sf__Id"]).sobject == "Lead"
    stored = leads.get_lead(ctx, admin_id, parse_salesforce_id(first["sf__Id"]).record_id).lead
    assert (stored.last_name, stored.company, stored.email, stored.rating.value) == (
        "Lead 0000", "Bulk Co 0", "bulk0@bulk.example", "hot")
    failed = rows_of(sf.bulk2.Lead.get_failed_records(job))
    assert [r["LastName"] for r in failed] == ["Lead 0007", "Lead 0150", "Lead 0299"]
    assert all(r["sf__Error"].startswith("REQUIRED_FIELD_MISSING:") and r["sf__Id"] == "" for r in failed)
    assert rows_of(sf.bulk2.Lead.get_unprocessed_records(job)) == []
    assert sf.query("SELECT COUNT() FROM Lead WHERE Email LIKE '%@bulk.example'")["totalSize"] == 297


def test_update_and_delete_jobs_change_rows_by_id_and_fail_unknown_ids(sf: Salesforce, ctx: ServiceContext,
                                                                       admin_id: int) -> None:
    job = sf.bulk2.Lead.insert(records=lead_rows(40), wait=WAIT)[0]["job_id"]
    ids = [r["sf__Id"] for r in rows_of(sf.bulk2.Lead.get_successful_records(job))]
    missing = salesforce_id("Lead", 12345)
    changes = [{"Id": i, "Title": "CTO", "Rating": "Cold"} for i in ids[:20]]
    changes += [{"Id": missing, "Title": "Nobody"}, {"Id": "not-an-id", "Title": "Nobody"}]
    answer = sf.bulk2.Lead.update(records=changes, wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (22, 2)
    done = rows_of(sf.bulk2.Lead.get_successful_records(answer["job_id"]))
    assert [r["sf__Id"] for r in done] == ids[:20] and {r["sf__Created"] for r in done} == {"false"}
    lead = leads.get_lead(ctx, admin_id, parse_salesforce_id(ids[0]).record_id).lead
    assert (lead.title, lead.rating.value, lead.company) == ("CTO", "cold", "Bulk Co 0")  # blank cells change nothing
    failed = rows_of(sf.bulk2.Lead.get_failed_records(answer["job_id"]))
    assert [(r["sf__Id"], r["sf__Error"].split(":")[0]) for r in failed] == [
        (missing, "INVALID_CROSS_REFERENCE_KEY"), ("not-an-id", "MALFORMED_ID")]
    removed = sf.bulk2.Lead.delete(records=[{"Id": i} for i in ids[30:]], wait=WAIT)[0]
    assert (removed["numberRecordsProcessed"], removed["numberRecordsFailed"]) == (10, 0)
    assert sf.query("SELECT COUNT() FROM Lead WHERE Email LIKE '%@bulk.example'")["totalSize"] == 30
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get(ids[-1])


def test_an_upsert_job_updates_the_record_its_external_id_names_and_creates_the_rest(
        sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    sf.Lead.create({"LastName": "Old", "Company": "Old Co", "erp_key__c": "E-1"})
    sf.Lead.create({"LastName": "Twin A", "Company": "Twin Co", "erp_key__c": "E-9"})
    sf.Lead.create({"LastName": "Twin B", "Company": "Twin Co", "erp_key__c": "e-9"})
    records = [{"erp_key__c": "e-1", "LastName": "Renamed", "Company": "Old Co"},
               {"erp_key__c": "E-2", "LastName": "New", "Company": "New Co"},
               {"erp_key__c": "E-9", "LastName": "Either", "Company": "Twin Co"}]
    answer = sf.bulk2.Lead.upsert(records=records, external_id_field="erp_key__c", wait=WAIT)[0]
    assert (answer["numberRecordsProcessed"], answer["numberRecordsFailed"]) == (3, 1)
    done = {r["erp_key__c"]: r for r in rows_of(sf.bulk2.Lead.get_successful_records(answer["job_id"]))}
    assert (done["e-1"]["sf__Created"], done["E-2"]["sf__Created"]) == ("false", "true")
    assert sf.Lead.get_by_custom_id("erp_key__c", "E-1")["LastName"] == "Renamed"
    assert sf.Lead.get(done["E-2"]["sf__Id"])["erp_key__c"] == "E-2"
    failed = rows_of(sf.bulk2.Lead.get_failed_records(answer["job_id"]))
    assert [r["sf__Error"].split(":")[0] for r in failed] == ["DUPLICATE_EXTERNAL_ID"]


def test_a_query_job_pages_csv_with_locators_and_reads_only_what_the_user_may(
        base: str, sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    rep = add_rep(ctx, admin_id, "sam@example.com")
    auth.set_password(ctx, admin_id, rep, PASSWORD)
    sf.bulk2.Lead.insert(records=lead_rows(250), wait=WAIT)
    as_rep = Salesforce(username="sam@example.com", password=PASSWORD, security_token="", session=session_to(base))
    as_rep.bulk2.Lead.insert(records=lead_rows(5, start=1000), wait=WAIT)
    soql = "SELECT Id, LastName, Owner.Email FROM Lead WHERE Email LIKE '%@bulk.example' ORDER BY LastName"
    pages = list(sf.bulk2.Lead.query(soql, max_records=100, wait=WAIT))
    assert len(pages) == 3
    found = [row for page in pages for row in rows_of(page)]
    assert [r["LastName"] for r in found] == sorted(f"Lead {n:04d}" for n in [*range(250), *range(1000, 1005)])
    assert found[0]["Owner.Email"] == ADA and found[-1]["Owner.Email"] == "sam@example.com"
    assert all(parse_salesforce_id(r["Id"]).sobject == "Lead" for r in found)
    own = [row for page in as_rep.bulk2.Lead.query(soql, wait=WAIT) for row in rows_of(page)]
    assert [r["LastName"] for r in own] == [f"Lead {n:04d}" for n in range(1000, 1005)]  # the rep's own leads
    with pytest.raises(SalesforceMalformedRequest):
        list(sf.bulk2.Lead.query("SELECT Id, (SELECT Id FROM Contacts) FROM Account", wait=WAIT))
    with pytest.raises(SalesforceMalformedRequest):
        list(sf.bulk2.Lead.query("SELECT Id FROM Lead WHERE", wait=WAIT))


def call(sf: Salesforce, method: str, path: str, body: Any = None, data: bytes | None = None) -> requests.Response:
    headers = {**sf.headers, "Content-Type": "text/csv" if data is not None else "application/json"}
    return sf.session.request(method, f"{sf.bulk2_url}{path}", headers=headers,
                              data=data if data is not None else json.dumps(body) if body is not None else None)


def test_a_job_moves_through_its_states_and_refuses_what_its_state_forbids(sf: Salesforce) -> None:
    refused = call(sf, "POST", "ingest", {"object": "Lead", "operation": "merge"})
    assert (refused.status_code, refused.json()[0]["errorCode"]) == (400, "INVALIDJOB")
    assert call(sf, "POST", "ingest", {"object": "Nothing", "operation": "insert"}).status_code == 400
    job = call(sf, "POST", "ingest", {"object": "Lead", "operation": "insert", "lineEnding": "LF"}).json()
    assert (job["state"], job["object"], job["operation"], job["contentType"]) == ("Open", "Lead", "insert", "CSV")
    assert job["id"].startswith("750") and job["contentUrl"].endswith(f"/jobs/ingest/{job['id']}/batches")
    early = call(sf, "PATCH", f"ingest/{job['id']}", {"state": "UploadComplete"})
    assert (early.status_code, early.json()[0]["errorCode"]) == (400, "INVALIDJOBSTATE")  # no data yet
    assert call(sf, "PUT", f"ingest/{job['id']}/batches", data=b"LastName,Company\nA,B\nC,D\n").status_code == 201
    again = call(sf, "PUT", f"ingest/{job['id']}/batches", data=b"LastName,Company\nE,F\n")
    assert again.status_code == 400  # one upload per job
    aborted = call(sf, "PATCH", f"ingest/{job['id']}", {"state": "Aborted"}).json()
    assert aborted["state"] == "Aborted"
    unprocessed = rows_of(call(sf, "GET", f"ingest/{job['id']}/unprocessedrecords/").text)
    assert unprocessed == [{"LastName": "A", "Company": "B"}, {"LastName": "C", "Company": "D"}]
    listed = call(sf, "GET", "ingest").json()
    assert listed["done"] is True and job["id"] in [j["id"] for j in listed["records"]]
    assert call(sf, "DELETE", f"ingest/{job['id']}").status_code == 204
    assert call(sf, "GET", f"ingest/{job['id']}").status_code == 404
    large = call(sf, "POST", "ingest", {"object": "Lead", "operation": "insert"}).json()
    body = b"LastName,Company,Description\n" + b"A,B,%s\n" % (b"x" * 12_000_000)  # beyond the 10 MB of a request
    assert call(sf, "PUT", f"ingest/{large['id']}/batches", data=body).status_code == 201
    assert call(sf, "PATCH", f"ingest/{large['id']}", {"state": "Aborted"}).json()["state"] == "Aborted"


def test_a_header_naming_an_unknown_field_fails_the_job_with_salesforces_message(sf: Salesforce) -> None:
    job = call(sf, "POST", "ingest", {"object": "Lead", "operation": "insert"}).json()
    call(sf, "PUT", f"ingest/{job['id']}/batches", data=b"LastName,Company,Shoe__c\nA,B,42\n")
    closed = call(sf, "PATCH", f"ingest/{job['id']}", {"state": "UploadComplete"}).json()
    assert closed["state"] == "Failed"
    assert closed["errorMessage"] == "InvalidBatch : Field name not found : Shoe__c"
    assert rows_of(call(sf, "GET", f"ingest/{job['id']}/unprocessedrecords").text) == [
        {"LastName": "A", "Company": "B", "Shoe__c": "42"}]
