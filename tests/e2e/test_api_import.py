"""``/api/v1/imports`` on both databases: upload a file (multipart, streamed), the job runs in the
background and answers 202; poll it; fetch its error report in the file's own format."""

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
        ["", "", "Nobody Inc", "bad", "3", "email; last_name",  # every field of the row, in one line
         "email: 'bad' is not a valid e-mail address (An email address must have an @-sign.); "
         "last_name: is required"]]
    each = admin("GET", f"/imports/{job['id']}/errors", params={"each": "true"})
    assert each.headers["content-disposition"] == f'attachment; filename="import-{job["id"]}-error-list.csv"'
    assert list(csv.reader(io.StringIO(each.text))) == [
        ["row", "field", "value", "message"],
        ["3", "email", "bad", "'bad' is not a valid e-mail address (An email address must have an @-sign.)"],
        ["3", "last_name", "", "is required"]]
    leads = admin("GET", "/leads").json()["items"]
    assert [lead["email"] for lead in leads] == ["ada@engine.example"]


def test_the_rows_an_import_skipped_come_back_with_the_record_each_matched(admin: Caller) -> None:
    body = "LastName,Company,Email\nLovelace,Analytical,ada@engine.example\nAgain,Analytical,ADA@engine.example\n"
    job = wait_for(admin, admin("POST", "/imports/leads", files={"file": ("l.csv", body.encode(), "text/csv")},
                                data={"on_duplicate": "skip"}).json()["id"])
    assert (job["imported"], job["skipped"]) == (1, 1)
    lead_id = admin("GET", "/leads").json()["items"][0]["id"]
    matched = admin("GET", f"/imports/{job['id']}/matches")
    assert matched.status_code == 200 and matched.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(matched.text)))
    assert [line[:5] for line in lines] == [["row", "outcome", "record_id", "matched", "rules"],
                                            ["3", "skipped", str(lead_id), "this import", "lead:email"]]
    assert admin("GET", "/imports/1/matches").status_code == 404


def test_the_report_of_a_windows_1252_file_is_said_to_be_in_that_encoding_only(admin: Caller) -> None:
    body = "LastName;Company;Email\nMüller;Bäckerei Groß;kein-mail\n".encode("cp1252")
    sent = admin("POST", "/imports/leads", files={"file": ("leads.csv", body, "text/csv")},
                 data={"dry_run": "true"})
    job = wait_for(admin, sent.json()["id"])
    report = admin("GET", f"/imports/{job['id']}/errors")
    assert report.headers["content-type"] == "text/csv; charset=cp1252"
    assert report.content.decode("cp1252").splitlines()[1].startswith("Müller;Bäckerei Groß;kein-mail;2;email;")


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


def test_the_error_report_of_an_xlsx_upload_is_an_xlsx_unless_csv_is_asked_for(admin: Caller) -> None:
    from openpyxl import Workbook, load_workbook

    book, body = Workbook(), io.BytesIO()
    book.active.append(["LastName", "Company", "Email"])
    book.active.append(["Archer", "Acme", "ann@acme.example"])
    book.active.append(["Bell", "Acme", "@bell"])
    book.save(body)
    sent = admin("POST", "/imports/leads", files={"file": ("fair.xlsx", body.getvalue(), "application/octet-stream")})
    assert sent.status_code == 202, sent.text
    job = wait_for(admin, sent.json()["id"])
    assert (job["imported"], job["failed"]) == (1, 1)
    report = admin("GET", f"/imports/{job['id']}/errors")
    assert report.status_code == 200 and report.headers["content-type"].startswith("application/vnd.openxml")
    assert report.headers["content-disposition"].endswith(f'import-{job["id"]}-errors.xlsx"')
    shown = load_workbook(io.BytesIO(report.content), read_only=True)
    rows = [list(r) for r in shown.worksheets[0].iter_rows(values_only=True)]
    assert rows[1][:5] == ["Bell", "Acme", "@bell", 3, "email"]  # a text cell, never a formula
    as_csv = admin("GET", f"/imports/{job['id']}/errors", params={"format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(as_csv.text)))[1][:5] == ["Bell", "Acme", "'@bell", "3", "email"]
    assert_problem(admin("GET", f"/imports/{job['id']}/errors", params={"format": "pdf"}), 422,
                   "VALIDATION_FAILED")


def test_the_import_list_shows_a_user_their_own_jobs_an_admin_everyone_s_and_how_to_resume_a_killed_one(
    admin: Caller, client: Any, ctx: Any, admin_id: int, clock: Any, tmp_path: Any
) -> None:
    from tests.e2e.api_support import add_rep, token_for
    from tests.integration.test_import_list import killed_after_first_block, leads_file

    rep = Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, "rita@example.com")))
    sent = rep("POST", "/imports/leads", files={"file": ("mine.csv", b"LastName,Company\nLee,Acme\n", "text/csv")})
    wait_for(rep, sent.json()["id"])
    clock.advance(minutes=1)
    killed = killed_after_first_block(ctx, admin_id, leads_file(tmp_path / "big.csv", 12))
    clock.advance(minutes=6)

    listed = admin("GET", "/imports").json()
    assert [(j["id"], j["actor"], j["file_name"], j["status"]) for j in listed] == [
        (str(killed.id), "Ada Admin", "big.csv", "interrupted"), (sent.json()["id"], "rita", "mine.csv", "completed")]
    assert listed[0]["rows_done"] == 5 and listed[1]["resume"] is None
    assert listed[0]["resume"] == "import big.csv again as lead records (same user): it resumes after row 6"
    assert admin("GET", f"/imports/{killed.id}").json()["status"] == "interrupted"
    assert [j["file_name"] for j in rep("GET", "/imports").json()] == ["mine.csv"]
    assert [j["file_name"] for j in admin("GET", "/imports", params={"limit": 1}).json()] == ["big.csv"]
    assert admin("GET", "/imports", params={"limit": 0}).status_code == 422
