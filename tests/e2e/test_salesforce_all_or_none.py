"""``allOrNone: true`` through the real simple-salesforce client (SQLite and PostgreSQL): the
records of composite/sobjects and the sub-requests of composite are kept all, or none."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from simple_salesforce import Salesforce

from leadline.services.context import ServiceContext
from tests.e2e import test_salesforce_api as shared

base, sf = shared.base, shared.sf  # the served app and the signed-in client

ROLLED_BACK = "ALL_OR_NONE_OPERATION_ROLLED_BACK"


def _leads(n: int, **extra: Any) -> list[dict[str, Any]]:
    return [{"attributes": {"type": "Lead"}, "LastName": f"Lee {i}", "Company": "Acme", **extra} for i in range(n)]


def _count(sf: Salesforce, where: str) -> int:
    return int(sf.query(f"SELECT COUNT() FROM Lead WHERE {where}")["totalSize"])


def _codes(outcome: dict[str, Any]) -> list[str]:
    return [e["statusCode"] for e in outcome["errors"]]


def test_composite_sobjects_all_or_none_keeps_every_record_or_none(sf: Salesforce, ctx: ServiceContext) -> None:
    created = sf.restful("composite/sobjects", method="POST",
                         data=json.dumps({"allOrNone": True, "records": _leads(3)}))
    assert [r["success"] for r in created] == [True, True, True] and _count(sf, "Company = 'Acme'") == 3
    records = _leads(3, Company="Rolled")
    records.insert(1, {"attributes": {"type": "Lead"}, "FirstName": "No last name"})
    refused = sf.restful("composite/sobjects", method="POST", data=json.dumps({"allOrNone": True, "records": records}))
    assert [_codes(r) for r in refused] == [[ROLLED_BACK], ["REQUIRED_FIELD_MISSING"], [ROLLED_BACK], [ROLLED_BACK]]
    assert _count(sf, "Company = 'Rolled'") == 0  # the first record, saved before the failure, was rolled back
    ids = [r["id"] for r in created]
    changes = [{"attributes": {"type": "Lead"}, "id": i, "Title": "CTO"} for i in ids]
    changes.append({"attributes": {"type": "Lead"}, "id": ids[0], "Status": "No such status"})
    changed = sf.restful("composite/sobjects", method="PATCH", data=json.dumps({"allOrNone": True,
                                                                               "records": changes}))
    assert [r["success"] for r in changed] == [False] * 4 and _count(sf, "Title = 'CTO'") == 0
    now = ctx.now()
    removed = sf.restful("composite/sobjects", method="DELETE",
                         params={"ids": ",".join([*ids, "00Q000000000001"]), "allOrNone": "true"})
    assert [_codes(r) for r in removed][:3] == [[ROLLED_BACK]] * 3 and _count(sf, "Company = 'Acme'") == 3
    assert sf.Lead.deleted(now - timedelta(days=1), now + timedelta(days=1))["deletedRecords"] == []
    removed = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids), "allOrNone": "true"})
    assert all(r["success"] for r in removed) and _count(sf, "Company = 'Acme'") == 0
    assert len(sf.Lead.deleted(now - timedelta(days=1), now + timedelta(days=1))["deletedRecords"]) == 3


def test_composite_all_or_none_runs_sub_requests_in_one_transaction(sf: Salesforce) -> None:
    url = f"/services/data/v{sf.sf_version}/sobjects"
    requests_ = [
        {"method": "POST", "url": f"{url}/Account", "referenceId": "acme", "body": {"Name": "Kept Co"}},
        {"method": "POST", "url": f"{url}/Contact", "referenceId": "ann",
         "body": {"LastName": "Lee", "AccountId": "@{acme.id}"}},
        {"method": "GET", "url": f"{url}/Contact/@{{ann.id}}?fields=AccountId", "referenceId": "read"},
        {"method": "POST", "url": f"{url}/Lead", "referenceId": "lead", "body": {"LastName": "Lee", "Company": "Kept"}},
        {"method": "GET", "url": f"{url}/Lead/@{{lead.id}}", "referenceId": "again"},
    ]
    answers = sf.restful("composite", method="POST", data=json.dumps({"allOrNone": True,
                                                                      "compositeRequest": requests_}))
    statuses = [r["httpStatusCode"] for r in answers["compositeResponse"]]
    assert statuses == [201, 201, 200, 201, 200], answers  # reads see the writes before them
    results = {r["referenceId"]: r["body"] for r in answers["compositeResponse"]}
    assert results["read"]["AccountId"] == results["acme"]["id"] and results["again"]["Company"] == "Kept"
    assert sf.Account.get(results["acme"]["id"])["Name"] == "Kept Co"
    failing = [{**r, "body": {**r["body"], "Name": "Rolled Co"}} if r["referenceId"] == "acme" else r
               for r in requests_[:2]]
    failing.append({"method": "POST", "url": f"{url}/Lead", "referenceId": "bad", "body": {"FirstName": "x"}})
    answers = sf.restful("composite", method="POST", data=json.dumps({"allOrNone": True,
                                                                      "compositeRequest": failing}))
    assert [(r["httpStatusCode"], r["body"][0]["errorCode"]) for r in answers["compositeResponse"]] == [
        (400, "PROCESSING_HALTED"), (400, "PROCESSING_HALTED"), (400, "REQUIRED_FIELD_MISSING")]
    assert sf.query("SELECT Id FROM Account WHERE Name = 'Rolled Co'")["totalSize"] == 0
