"""The Salesforce-compatible API driven by the real simple-salesforce client, against the served
application (uvicorn in a thread) on SQLite and PostgreSQL. The client speaks https to
``*.salesforce.com`` and to the instance; a requests adapter routes those to the local server."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce, SalesforceLogin
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)
from sqlalchemy.engine import Engine

from leadline.asgi import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.domain.imports.job import ImportOptions
from leadline.domain.salesforce.ids import parse_salesforce_id
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.imports.files import inspect_file
from leadline.services.imports.leads import import_leads
from leadline.services.leads import records as leads
from leadline.services.security import auth
from tests.e2e.api_support import add_rep, lent_app, token_for
from tests.e2e.web_support import served

PASSWORD = "correct horse battery"
ADA = "ada@example.com"


class ToLocal(HTTPAdapter):
    """Sends every https request to the local server, keeping its path and query."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, *args, **kwargs)


@pytest.fixture
def base(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[str]:
    auth.set_password(ctx, admin_id, admin_id, PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as url:
        yield url


def session_to(base: str) -> requests.Session:
    session = requests.Session()
    session.mount("https://", ToLocal(base))
    return session


@pytest.fixture
def sf(base: str) -> Salesforce:
    """Signed in as simple-salesforce does by default: the SOAP login with a security token."""
    return Salesforce(username=ADA, password=PASSWORD, security_token="", session=session_to(base))


def errors_of(caught: pytest.ExceptionInfo[Any]) -> list[tuple[str, list[str]]]:
    return [(e["errorCode"], e["fields"]) for e in caught.value.content]


def test_the_soap_login_with_a_security_token_answers_a_session_and_the_instance(
        base: str, ctx: ServiceContext, admin_id: int) -> None:
    security_token = token_for(ctx, admin_id, admin_id)
    sf = Salesforce(username=ADA, password=PASSWORD, security_token=security_token, session=session_to(base))
    assert sf.session_id.startswith("ll_") and sf.sf_instance == urlsplit(base).netloc
    assert auth.authenticate_token(ctx, sf.session_id) == admin_id
    session_id, instance = SalesforceLogin(username=ADA, password=PASSWORD, security_token="", scratch_url=base)
    assert auth.authenticate_token(ctx, session_id) == admin_id and instance == urlsplit(base).netloc
    with pytest.raises(SalesforceAuthenticationFailed):
        Salesforce(username=ADA, password="wrong" * 4, security_token="", session=session_to(base))
    other = token_for(ctx, admin_id, add_rep(ctx, admin_id, "sam@example.com"))
    with pytest.raises(SalesforceAuthenticationFailed):
        Salesforce(username=ADA, password=PASSWORD, security_token=other, session=session_to(base))


def test_oauth_password_refresh_and_client_credentials_grants_issue_leadline_tokens(
        base: str, ctx: ServiceContext, admin_id: int) -> None:
    sf = Salesforce(username=ADA, password=PASSWORD, consumer_key="any", consumer_secret="any",
                    session=session_to(base))
    assert sf.Lead.describe()["name"] == "Lead"
    http = session_to(base)
    answer = http.post("https://login.salesforce.com/services/oauth2/token",
                       data={"grant_type": "password", "username": ADA, "password": PASSWORD}).json()
    assert answer["instance_url"] == base and answer["token_type"] == "Bearer"
    refreshed = http.post("https://login.salesforce.com/services/oauth2/token",
                          data={"grant_type": "refresh_token", "refresh_token": answer["refresh_token"]}).json()
    assert auth.authenticate_token(ctx, refreshed["access_token"]) == admin_id
    app = Salesforce(consumer_key="any", consumer_secret=token_for(ctx, admin_id, admin_id), domain="leadline",
                     session=session_to(base))
    assert app.describe()["sobjects"]
    refused = http.post("https://login.salesforce.com/services/oauth2/token",
                        data={"grant_type": "password", "username": ADA, "password": "nope"})
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    with pytest.raises(SalesforceAuthenticationFailed):
        Salesforce(username=ADA, password="nope", consumer_key="any", consumer_secret="any", session=session_to(base))


def test_a_lead_is_created_read_updated_and_deleted(sf: Salesforce, ctx: ServiceContext, admin_id: int) -> None:
    created = sf.Lead.create({"FirstName": "Ann", "LastName": "Lee", "Company": "Acme", "Email": "ann@acme.example",
                              "LeadSource": "Website form"})
    assert created["success"] and created["errors"] == [] and created["id"].startswith("00Q")
    assert len(created["id"]) == 18
    lead = sf.Lead.get(created["id"])
    assert (lead["attributes"]["type"], lead["Id"], lead["Name"], lead["Company"], lead["LeadSource"]) == (
        "Lead", created["id"], "Ann Lee", "Acme", "Website form")
    assert lead["IsConverted"] is False and lead["OwnerId"].startswith("005") and lead["Status"]
    assert lead["CreatedDate"].endswith("+0000")
    stored = leads.get_lead(ctx, admin_id, parse_salesforce_id(created["id"]).record_id)
    assert stored.lead.email == "ann@acme.example"  # the same record the native API sees
    assert sf.Lead.get(created["id"][:15])["Id"] == created["id"]
    assert sf.Lead.update(created["id"], {"Title": "CTO", "Company": "Acme Ltd"}) == 204
    some = sf.session.get(f"{sf.base_url}sobjects/Lead/{created['id']}?fields=Title,Company",
                          headers=sf.headers).json()
    assert {k: v for k, v in some.items() if k != "attributes"} == {"Title": "CTO", "Company": "Acme Ltd"}
    assert sf.Lead.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get(created["id"])


def test_accounts_contacts_and_opportunities_go_through_their_use_cases(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "Acme", "Website": "https://acme.example"})["id"]
    contact = sf.Contact.create({"LastName": "Lee", "AccountId": account, "Email": "lee@acme.example"})["id"]
    assert sf.Contact.get(contact)["AccountId"] == account
    opportunity = sf.Opportunity.create({"Name": "Acme deal", "AccountId": account, "Amount": 5000,
                                         "CloseDate": "2026-06-30"})["id"]
    read = sf.Opportunity.get(opportunity)
    assert (read["Amount"], read["CloseDate"], read["IsClosed"], read["IsWon"]) == (5000, "2026-06-30", False, False)
    assert read["StageName"] and read["ForecastCategoryName"] in ("Pipeline", "Omitted", "Best Case", "Commit")
    with pytest.raises(SalesforceGeneralError) as caught:  # an account with children is kept
        sf.Account.delete(account)
    assert caught.value.status == 409
    assert sf.Opportunity.delete(opportunity) == 204


def test_custom_fields_serve_as_external_ids_for_get_and_upsert(sf: Salesforce, ctx: ServiceContext,
                                                                 admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "erp_key", "ERP key", "text")
    created = sf.Lead.upsert("erp_key__c/E-1", {"LastName": "Lee", "Company": "Acme"})
    assert created == 201
    found = sf.Lead.get_by_custom_id("erp_key__c", "E-1")
    assert (found["LastName"], found["erp_key__c"]) == ("Lee", "E-1")
    assert sf.Lead.upsert("erp_key__c/E-1", {"Company": "Acme Ltd"}) == 204
    assert sf.Lead.get_by_custom_id("erp_key__c", "E-1")["Company"] == "Acme Ltd"
    sf.Lead.create({"LastName": "Twin", "Company": "Acme", "erp_key__c": "E-1"})
    with pytest.raises(SalesforceMoreThanOneRecord):
        sf.Lead.get_by_custom_id("erp_key__c", "E-1")
    with pytest.raises(SalesforceMoreThanOneRecord):
        sf.Lead.upsert("erp_key__c/E-1", {"Company": "Either"})
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get_by_custom_id("erp_key__c", "nope")
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get_by_custom_id("Company", "Acme")  # not an external id field


def test_describes_name_fields_types_picklists_and_custom_fields(sf: Salesforce, ctx: ServiceContext,
                                                                  admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "region", "Region", "picklist", options=["EMEA", "APAC"])
    names = {s["name"]: s["keyPrefix"] for s in sf.describe()["sobjects"]}
    assert names == {"Lead": "00Q", "Contact": "003", "Account": "001", "Opportunity": "006", "User": "005",
                     "OpportunityLineItem": "00k", "OpportunityContactRole": "00K", "Product2": "01t", "Task": "00T",
                     "Event": "00U", "Campaign": "701"}
    fields = {f["name"]: f for f in sf.Lead.describe()["fields"]}
    assert fields["Status"]["type"] == "picklist" and "Open" in {p["value"] for p in fields["Status"]["picklistValues"]}
    assert "Website form" in {p["value"] for p in fields["LeadSource"]["picklistValues"]}
    assert (fields["region__c"]["custom"], fields["Company"]["custom"]) == (True, False)
    assert [p["value"] for p in fields["region__c"]["picklistValues"]] == ["EMEA", "APAC"]
    assert fields["OwnerId"]["referenceTo"] == ["User"] and fields["IsConverted"]["createable"] is False
    stages = {f["name"]: f for f in sf.Opportunity.describe()["fields"]}["StageName"]["picklistValues"]
    assert stages and sf.Opportunity.metadata()["objectDescribe"]["keyPrefix"] == "006"


def test_each_error_is_salesforces_with_the_clients_own_exception(base: str, sf: Salesforce, ctx: ServiceContext,
                                                                  admin_id: int) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"FirstName": "Ann"})
    assert errors_of(caught) == [("REQUIRED_FIELD_MISSING", ["LastName", "Company"])]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "Lee", "Company": "Acme", "Shoe_Size": 9})
    assert errors_of(caught) == [("INVALID_FIELD", ["Shoe_Size"])]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": "Lee", "AccountId": "001notanid"})
    assert errors_of(caught) == [("MALFORMED_ID", ["AccountId"])]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Contact.create({"LastName": "Lee", "AccountId": "001000000000001AAA"})
    assert errors_of(caught) == [("INVALID_CROSS_REFERENCE_KEY", ["AccountId"])]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "Lee", "Company": "Acme", "OwnerId": "005000000000001AAA"})
    assert errors_of(caught) == [("INVALID_CROSS_REFERENCE_KEY", ["OwnerId"])]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "Lee", "Company": "Acme", "Email": "not an address"})
    assert errors_of(caught) == [("FIELD_CUSTOM_VALIDATION_EXCEPTION", ["Email"])]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "Lee", "Company": "Acme", "IsConverted": True})
    assert errors_of(caught) == [("INVALID_FIELD_FOR_INSERT_UPDATE", ["IsConverted"])]
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get("00Q000000000001AAA")
    user = sf.User.get(sf.Lead.get(sf.Lead.create({"LastName": "L", "Company": "C"})["id"])["OwnerId"])
    assert user["Email"] == ADA
    with pytest.raises(SalesforceRefusedRequest):
        sf.User.update(user["Id"], {"IsActive": False})
    expired = Salesforce(session_id="ll_not-a-token", instance_url=base.replace("http:", "https:"),
                         session=session_to(base))
    with pytest.raises(SalesforceExpiredSession) as refused:
        expired.Lead.describe()
    assert errors_of(refused) == [("INVALID_SESSION_ID", [])]


def test_a_converted_lead_is_409_and_another_reps_lead_does_not_exist(base: str, sf: Salesforce,
                                                                     ctx: ServiceContext, admin_id: int) -> None:
    lead_id = sf.Lead.create({"LastName": "Lee", "Company": "Acme"})["id"]
    convert_lead(ctx, admin_id, parse_salesforce_id(lead_id).record_id, qualification_override_reason="test",
                 override_reason="test")
    converted = sf.Lead.get(lead_id)
    assert converted["IsConverted"] is True and converted["ConvertedAccountId"].startswith("001")
    with pytest.raises(SalesforceGeneralError) as caught:
        sf.Lead.update(lead_id, {"Title": "CTO"})
    assert caught.value.status == 409
    assert errors_of(caught)[0][0] == "CANNOT_UPDATE_CONVERTED_LEAD"
    sam = add_rep(ctx, admin_id, "sam@example.com")
    rep = Salesforce(session_id=token_for(ctx, admin_id, sam), instance_url=base.replace("http:", "https:"),
                     session=session_to(base))
    with pytest.raises(SalesforceResourceNotFound):
        rep.Lead.get(lead_id)  # record-level security: a rep sees only their own
    mine = rep.Lead.create({"LastName": "Own", "Company": "Rep Co"})["id"]
    assert rep.Lead.get(mine)["OwnerId"] == sf.User.get(rep.Lead.get(mine)["OwnerId"])["Id"]


def test_versions_and_the_updated_ids_of_a_window(base: str, sf: Salesforce, clock: Any) -> None:
    listed = requests.get(f"{base}/services/data").json()
    assert [v["version"] for v in listed] == [f"{n}.0" for n in range(40, 63)]
    assert listed[0]["label"] == "Summer '17" and listed[-1]["label"] == "Winter '25"
    assert requests.get(f"{base}/services/data/v39.0/sobjects", headers=sf.headers).status_code == 404
    assert requests.get(f"{base}/services/data/v63.0/sobjects", headers=sf.headers).status_code == 404
    start = clock() - timedelta(days=1)
    first = sf.Lead.create({"LastName": "Lee", "Company": "Acme"})["id"]
    window = sf.Lead.updated(start, clock() + timedelta(days=1))
    assert first in window["ids"]
    assert sf.Lead.updated(start - timedelta(days=5), start)["ids"] == []


def test_convert_lead_runs_leadlines_one_conversion_use_case(sf: Salesforce) -> None:
    lead = sf.Lead.create({"LastName": "Lee", "Company": "Convert Co"})["id"]
    url = "actions/standard/convertLead"
    inputs = [{"leadId": lead, "qualificationOverrideReason": "met at the fair", "overrideReason": "met at the fair"}]
    done = sf.restful(url, method="POST", data=json.dumps({"inputs": inputs}))
    assert done[0]["isSuccess"] is True
    outputs = done[0]["outputValues"]
    assert outputs["accountId"].startswith("001") and outputs["contactId"].startswith("003")
    assert sf.Lead.get(lead)["ConvertedAccountId"] == outputs["accountId"]
    assert sf.Contact.get(outputs["contactId"])["AccountId"] == outputs["accountId"]
    with pytest.raises(SalesforceMalformedRequest) as caught:  # converting twice is refused
        sf.restful(url, method="POST", data=json.dumps({"inputs": inputs}))
    assert caught.value.content[0]["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                 max_size=3), max_leaves=8)
FIELD_NAMES = st.sampled_from(["LastName", "Company", "Email", "Status", "LeadSource", "OwnerId", "AccountId",
                               "Amount", "CloseDate", "StageName", "IsConverted", "Name", "Rating", "x__c", "Id"])


@pytest.fixture
def in_process(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    application = Application(Settings(rate_limit_per_minute=0), ctx, engine)
    with lent_app(application, create_app) as app, TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token_for(ctx, admin_id, admin_id)}"
        yield client


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(method=st.sampled_from(["POST", "PATCH", "GET", "DELETE"]),
       sobject=st.sampled_from(["Lead", "Contact", "Account", "Opportunity", "User", "Widget"]),
       record=st.one_of(st.just(""), st.text(min_size=1, max_size=20).filter(lambda t: "/" not in t and "?" not in t),
                        st.sampled_from(["00Q000000000001AAA", "003zzzzzzzzzzzz", "001000000000000"])),
       body=st.one_of(st.dictionaries(FIELD_NAMES, JSON, max_size=4), JSON))
def test_malformed_requests_never_fail_the_server(in_process: TestClient[Any], method: str, sobject: str,
                                                  record: str, body: Any) -> None:
    """Whatever the body, field values and ids: a Salesforce answer, never a 500 nor a problem document."""
    path = f"/services/data/v59.0/sobjects/{sobject}/" + quote(record, safe="")
    answer = in_process.request(method, path, content=json.dumps(body))
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert {"message", "errorCode", "fields"} <= set(answer.json()[0]), answer.text


def test_composite_sobjects_saves_each_record_and_answers_each_in_order(sf: Salesforce) -> None:
    records = [{"attributes": {"type": "Lead"}, "LastName": f"Lee {n}", "Company": "Acme"} for n in range(3)]
    records.insert(1, {"attributes": {"type": "Lead"}, "FirstName": "No last name"})
    created = sf.restful("composite/sobjects", method="POST", data=json.dumps({"allOrNone": False,
                                                                                "records": records}))
    assert [r["success"] for r in created] == [True, False, True, True]
    assert created[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    ids = [r["id"] for r in created if r["success"]]
    changes = [{"attributes": {"type": "Lead"}, "id": i, "Title": "CTO"} for i in ids]
    assert all(r["success"] for r in sf.restful("composite/sobjects", method="PATCH",
                                                data=json.dumps({"records": changes})))
    assert {sf.Lead.get(i)["Title"] for i in ids} == {"CTO"}
    removed = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join([*ids, "00Q000000000001"])})
    assert [r["success"] for r in removed] == [True, True, True, False]
    with pytest.raises(SalesforceResourceNotFound):
        sf.Lead.get(ids[0])


def test_composite_sub_requests_name_earlier_answers_by_reference(sf: Salesforce) -> None:
    base = f"/services/data/v{sf.sf_version}/sobjects"
    requests_ = [
        {"method": "POST", "url": f"{base}/Account", "referenceId": "acme", "body": {"Name": "Acme"}},
        {"method": "POST", "url": f"{base}/Contact", "referenceId": "ann",
         "body": {"LastName": "Lee", "AccountId": "@{acme.id}"}},
        {"method": "GET", "url": f"{base}/Contact/@{{ann.id}}?fields=AccountId", "referenceId": "read"},
        {"method": "POST", "url": f"{base}/Lead", "referenceId": "bad", "body": {"FirstName": "No last name"}},
        {"method": "PATCH", "url": f"{base}/Lead/@{{bad.id}}", "referenceId": "halted", "body": {"Title": "x"}},
    ]
    answers = sf.restful("composite", method="POST", data=json.dumps({"allOrNone": False,
                                                                      "compositeRequest": requests_}))
    results = {r["referenceId"]: r for r in answers["compositeResponse"]}
    assert [r["httpStatusCode"] for r in answers["compositeResponse"]] == [201, 201, 200, 400, 400]
    assert results["read"]["body"]["AccountId"] == results["acme"]["body"]["id"]
    assert results["bad"]["body"][0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert results["halted"]["body"][0]["errorCode"] == "PROCESSING_HALTED"


def imported_leads(ctx: ServiceContext, actor: int, path: Path, count: int) -> None:
    """``count`` leads through the streaming importer (one job, not ``count`` HTTP calls)."""
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["LastName", "Company", "Email"])
        writer.writerows([f"Paged {n:05d}", f"Paged Co {n}", f"p{n}@paging.example"] for n in range(count))
    assert import_leads(ctx, actor, inspect_file(path), options=ImportOptions()).counts.imported == count


def test_query_and_query_all_page_over_5000_records_with_next_records_urls(sf: Salesforce, ctx: ServiceContext,
                                                                           admin_id: int, tmp_path: Path) -> None:
    imported_leads(ctx, admin_id, tmp_path / "leads.csv", 5_001)
    soql = "SELECT Id, LastName, Email FROM Lead WHERE Email LIKE '%@paging.example' ORDER BY LastName"
    first = sf.query(soql)
    assert (first["totalSize"], first["done"], len(first["records"])) == (5_001, False, 2_000)
    assert first["nextRecordsUrl"].startswith("/services/data/v")
    assert "/query/" in first["nextRecordsUrl"]
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert (second["done"], second["records"][0]["LastName"]) == (False, "Paged 02000")
    everything = sf.query_all(soql)
    names = [r["LastName"] for r in everything["records"]]
    assert (everything["totalSize"], names) == (5_001, [f"Paged {n:05d}" for n in range(5_001)])
    ids = {r["Id"] for r in everything["records"]}
    assert len(ids) == 5_001 and all(len(i) == 18 and parse_salesforce_id(i).sobject == "Lead" for i in ids)
    assert everything["records"][0]["attributes"]["type"] == "Lead"
    deleted_too = sf.query_all(soql, include_deleted=True)  # queryAll, its own nextRecordsUrl
    assert deleted_too["totalSize"] == 5_001 and len(deleted_too["records"]) == 5_001
    assert sf.query("SELECT COUNT() FROM Lead WHERE Email LIKE '%@paging.example'")["totalSize"] == 5_001


def test_queries_read_parent_fields_and_child_subqueries_with_salesforce_ids(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "Acme"})["id"]
    for name in ("Lee", "Abe"):
        sf.Contact.create({"LastName": name, "AccountId": account, "Email": f"{name.lower()}@acme.example"})
    contacts = sf.query(f"SELECT Id, LastName, Account.Name, Owner.Email FROM Contact WHERE AccountId = '{account}' "
                        "ORDER BY LastName")
    assert [(r["LastName"], r["Account"]["Name"], r["Owner"]["Email"]) for r in contacts["records"]] == [
        ("Abe", "Acme", ADA), ("Lee", "Acme", ADA)]
    assert contacts["records"][0]["Account"]["attributes"]["type"] == "Account"
    accounts = sf.query(f"SELECT Id, Name, (SELECT LastName FROM Contacts ORDER BY LastName) FROM Account "
                        f"WHERE Id = '{account[:15]}'")  # the 15-character form names the same record
    (found,) = accounts["records"]
    assert found["Id"] == account
    assert [c["LastName"] for c in found["Contacts"]["records"]] == ["Abe", "Lee"]
    assert found["Contacts"]["totalSize"] == 2


def test_a_refused_query_is_the_clients_malformed_request_with_its_position(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM Lead WHERE")
    assert errors_of(caught) == [("MALFORMED_QUERY", [])]
    assert "Row:1:Column:" in caught.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id, Nope FROM Lead")
    assert errors_of(caught)[0][0] == "INVALID_FIELD" and "Nope" in caught.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query("SELECT Id FROM Widget")
    assert errors_of(caught)[0][0] == "INVALID_TYPE"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query_more("not-a-locator")
    assert errors_of(caught)[0][0] == "INVALID_QUERY_LOCATOR"


SOQL_WORDS = st.sampled_from(["SELECT", "Id", "Name", "Account.Name", "Owner.Email", "(SELECT Id FROM Contacts)",
                              "COUNT()", "SUM(Amount)", "FROM", "Lead", "Account", "Opportunity", "Widget", "WHERE",
                              "AND", "OR", "NOT", "(", ")", "=", "!=", "<", "LIKE", "IN", "'x'", "'00Q000000000001'",
                              "NULL", "TRUE", "TODAY", "LAST_N_DAYS:3", "2024-01-01", "ORDER BY", "DESC",
                              "NULLS LAST", "LIMIT", "OFFSET", "5", "-1", "GROUP BY", ",", "'", "\\"])


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(words=st.lists(SOQL_WORDS, max_size=12), noise=st.text(max_size=8), resource=st.sampled_from(
    ["query", "queryAll"]))
def test_any_query_text_is_an_answer_or_salesforces_400_never_a_failure(in_process: TestClient[Any], words: list[str],
                                                                         noise: str, resource: str) -> None:
    answer = in_process.get(f"/services/data/v59.0/{resource}/", params={"q": " ".join(words) + noise})
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        (error,) = answer.json()
        assert error["errorCode"] in ("MALFORMED_QUERY", "INVALID_FIELD", "INVALID_TYPE",
                                      "INVALID_QUERY_FILTER_OPERATOR")
    locator = in_process.get(f"/services/data/v59.0/{resource}/{quote(noise, safe='') or 'x'}")
    assert (locator.status_code, locator.json()[0]["errorCode"]) in ((400, "INVALID_QUERY_LOCATOR"),
                                                                     (404, "NOT_FOUND"))
