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
