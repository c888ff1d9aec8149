"""``/api/v1/imports`` on both databases: upload a file (multipart, streamed), the job runs in the
background and answers 202; poll it; fetch its error report as CSV."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from tests.e2e.api_support import Caller
from tests.e2e.test_api import assert_problem


def wait_for(admin: Caller, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job: dict[str, Any] = admin("GET", f"/imports/{job_id}").json()
        if job["status"] != "running":
            return job
        time.sleep(0.05)
    raise AssertionError("the import did not end")


def test_an_uploaded_file_is_imported_in_the_background_and_its_errors_come_back_as_csv(admin: Caller) -> None:
    body = "FirstName,LastName,Company,Email\nAda,Lovelace,Analytical,ada@engine.example\n,,Nobody Inc,bad\n"
    sent = admin("POST", "/imports/leads", files={"file": ("leads.csv", body.encode(), "text/csv")},
                 data={"on_duplicate": "skip"})
    assert sent.status_code == 202, sent.text
    assert sent.headers["Location"] == f"/api/v1/imports/{sent.json()['id']}"
    job = wait_for(admin, sent.json()["id"])
    assert (job["status"], job["read"], job["imported"], job["failed"]) == ("completed", 2, 1, 1)
    report = admin("GET", f"/imports/{job['id']}/errors")
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(report.text))) == [
        ["FirstName", "LastName", "Company", "Email", "_row", "_field", "_error"],
        ["", "", "Nobody Inc", "bad", "3", "email",
         "'bad' is not a valid e-mail address (An email address must have an @-sign.)"]]
    leads = admin("GET", "/leads").json()["items"]
    assert [lead["email"] for lead in leads] == ["ada@engine.example"]


def test_a_dry_run_upload_writes_no_lead_and_bad_uploads_are_refused(admin: Caller) -> None:
    body = b"LastName,Company\nLovelace,Analytical\n"
    sent = admin("POST", "/imports/leads", files={"file": ("leads.csv", body, "text/csv")}, data={"dry_run": "true"})
    job = wait_for(admin, sent.json()["id"])
    assert (job["dry_run"], job["imported"]) == (True, 1)
    assert admin("GET", "/leads").json()["items"] == []
    assert_problem(admin("POST", "/imports/leads", json={"file": "x"}), 400, "MALFORMED_REQUEST")
    no_file = admin("POST", "/imports/leads", files={"other": ("x.csv", body, "text/csv")})
    assert no_file.status_code == 400
    refused = admin("POST", "/imports/leads", files={"file": ("x.csv", body, "text/csv")},
                    data={"on_duplicate": "merge"})
    assert_problem(refused, 422, "VALIDATION_FAILED")
    assert_problem(admin("GET", "/imports/12345"), 404, "NOT_FOUND")


def test_accounts_and_contacts_upload_like_leads_and_a_contact_names_its_account(admin: Caller) -> None:
    sent = admin("POST", "/imports/accounts", files={"file": ("a.csv", b"Name,Website\nAcme,acme.example\n",
                                                              "text/csv")})
    assert sent.status_code == 202, sent.text
    assert wait_for(admin, sent.json()["id"])["imported"] == 1
    body = b"LastName,Email,AccountName\nArcher,ann@acme.example,Acme\nCole,cy@x.example,Nowhere\n"
    sent = admin("POST", "/imports/contacts", files={"file": ("c.csv", body, "text/csv")})
    job = wait_for(admin, sent.json()["id"])
    assert (job["record_type"], job["imported"], job["failed"]) == ("contact", 1, 1)
    report = list(csv.reader(io.StringIO(admin("GET", f"/imports/{job['id']}/errors").text)))
    assert report[1][-3:-1] == ["3", "account"]
    body = b"Name,AccountName,StageName,Amount,CloseDate\nDeal,Acme,Prospecting,100,2027-01-31\n"
    sent = admin("POST", "/imports/opportunities", files={"file": ("o.csv", body, "text/csv")})
    assert wait_for(admin, sent.json()["id"])["imported"] == 1
