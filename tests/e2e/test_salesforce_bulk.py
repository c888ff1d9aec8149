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
