"""A row refused on several fields is reported on each of them in one import (SQLite and
PostgreSQL; rows checked in the block and ahead in the worker): the error list has a line per
error, the re-importable report a line per failed row naming every field, the row is failed once
and the counts add up; fixed, the report imports again."""

from __future__ import annotations

from pathlib import Path

from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs
from tests.integration.test_lead_import import (  # noqa: F401 (checked_ahead is a fixture)
    assert_adds_up,
    checked_ahead,
    report,
    run,
    write_csv,
)
from tests.integration.test_record_import import run as records_run

HEADER = ["LastName", "Company", "Email", "Status", "LeadSource", "OwnerEmail", "Visited"]
ROWS = [
    HEADER,
    ["Good", "Acme", "good@acme.example", "", "", "", ""],
    ["Many", "Acme", "not-an-email", "Nonsense", "Carrier pigeon", "ghost@example.com", "someday"],
    ["", "Acme", "also-bad", "", "", "", ""],
    ["One", "Acme", "", "Nonsense", "", "", ""],
]
MAIL = "'not-an-email' is not a valid e-mail address (An email address must have an @-sign.)"
SOURCE = ("there is no lead source 'Carrier pigeon' (one of: Web ad click-through, Website form, Online quiz, "
          "Social media, Phone call, Customer referral, Trade show, Other)")
STATUS = "there is no lead status 'Nonsense' (one of: Open, Contacted, Qualified, Unqualified, Converted)"


def test_every_field_of_a_bad_row_is_reported_and_the_row_is_failed_once(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str  # noqa: F811
) -> None:
    add_custom_field(ctx, admin_id, "lead", "visited", "Visited", "date")
    job = run(ctx, admin_id, write_csv(tmp_path / "bad.csv", ROWS), date_format="%d/%m/%Y", block_size=2)
    assert (job.counts.read, job.counts.imported, job.counts.failed) == (4, 1, 3)
    assert_adds_up(job)

    assert list(jobs.import_error_list(ctx, admin_id, job.id)) == [
        ["row", "field", "value", "message"],
        ["3", "custom.visited", "someday", "'someday' is not a date (YYYY-MM-DD or %d/%m/%Y)"],
        ["3", "email", "not-an-email", MAIL],
        ["3", "status", "Nonsense", STATUS],
        ["3", "source", "Carrier pigeon", SOURCE],
        ["3", "owner", "ghost@example.com", "there is no user 'ghost@example.com'"],
        ["4", "email", "also-bad",
         "'also-bad' is not a valid e-mail address (An email address must have an @-sign.)"],
        ["4", "last_name", "", "is required"],
        ["5", "status", "Nonsense", STATUS],
    ]
    lines = report(ctx, admin_id, job)
    assert [line[len(HEADER):] for line in lines] == [
        ["_row", "_field", "_error"],
        ["3", "custom.visited; email; status; source; owner",
         f"custom.visited: 'someday' is not a date (YYYY-MM-DD or %d/%m/%Y); email: {MAIL}; "
         f"status: {STATUS}; source: {SOURCE}; "
         "owner: there is no user 'ghost@example.com'"],
        ["4", "email; last_name",
         "email: 'also-bad' is not a valid e-mail address (An email address must have an @-sign.); "
         "last_name: is required"],
        ["5", "status", STATUS],  # one refusal: its message alone
    ]
    assert [line[:len(HEADER)] for line in lines[1:]] == ROWS[2:]


def test_a_page_of_the_report_never_splits_a_row_s_errors(ctx: ServiceContext, admin_id: int,
                                                         tmp_path: Path) -> None:
    job = run(ctx, admin_id, write_csv(tmp_path / "bad.csv", [row[:6] for row in ROWS]))
    whole = list(jobs.import_error_list(ctx, admin_id, job.id))
    assert len(whole) == 1 + 4 + 2 + 1
    for page in (1, 2, 3):  # a page of rows, whatever number of errors each row has
        assert list(jobs.import_error_list(ctx, admin_id, job.id, page=page)) == whole, page
        assert [line[-3] for line in jobs.import_error_rows(ctx, admin_id, job.id, page=page)] == [
            "_row", "3", "4", "5"], page


def test_the_report_of_a_row_with_many_errors_fixed_imports_again(ctx: ServiceContext, admin_id: int,
                                                                  tmp_path: Path) -> None:
    job = run(ctx, admin_id, write_csv(tmp_path / "bad.csv", [row[:6] for row in ROWS]))
    lines = report(ctx, admin_id, job)
    lines[1][2:6] = ["many@acme.example", "", "", ""]
    lines[2][0:3] = ["Also", "Acme", "also@acme.example"]
    lines[3][3] = ""
    again = run(ctx, admin_id, write_csv(tmp_path / "fixed.csv", lines))
    assert (again.counts.imported, again.counts.failed, again.ignored) == (3, 0, ())


def test_a_blank_required_cell_does_not_hide_the_other_errors_of_its_row(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str  # noqa: F811
) -> None:
    """A blank required cell is given a stand-in while the row is checked again, so the rules
    after it are asked; it is reported once, as required, and its stand-in never."""
    add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold", "Tin"], required=True)
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    rows = [["LastName", "Company", "Email", "Phone", "Tier", "Seats"],
            ["", "", "bad-email", "12", "", "many"],
            ["", "Acme", "ok@acme.example", "", "Gold", ""]]
    job = run(ctx, admin_id, write_csv(tmp_path / "blank.csv", rows))
    assert (job.counts.read, job.counts.failed) == (2, 2)
    assert_adds_up(job)
    assert sorted(line[:3] for line in list(jobs.import_error_list(ctx, admin_id, job.id))[1:]) == [
        ["2", "company", ""], ["2", "custom.seats", "many"], ["2", "custom.tier", ""], ["2", "email", "bad-email"],
        ["2", "last_name", ""], ["2", "phone", "12"],
        ["3", "last_name", ""]]


def test_a_contact_with_a_blank_last_name_a_bad_e_mail_and_a_bad_phone_is_reported_on_all_three(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    records.create_account(ctx, admin_id, {"name": "Acme", "billing_country": "GB"})
    rows = [["FirstName", "LastName", "Email", "Phone", "Account", "Title"],
            ["Ann", "", "bad-email", "12", "Acme", "x" * 200],
            ["Bo", "", "bad-email", "12", "", ""]]  # no account: its phone is read in the account's country
    job = records_run(ctx, admin_id, "contact", write_csv(tmp_path / "contacts.csv", rows))
    assert (job.counts.read, job.counts.failed) == (2, 2)
    errors = {(line[0], line[1]): line[2:4] for line in list(jobs.import_error_list(ctx, admin_id, job.id))[1:]}
    assert sorted(errors) == [("2", "email"), ("2", "last_name"), ("2", "phone"), ("2", "title"), ("3", "account")]
    assert errors["2", "last_name"] == ["", "is required"]
    assert "not a valid e-mail address" in errors["2", "email"][1]
    assert errors["2", "phone"] == ["12", "'12' is not a valid phone number for GB"]


def test_a_value_too_long_for_a_required_field_is_reported_once_and_the_rest_of_the_row_too(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    records.create_account(ctx, admin_id, {"name": "Acme"})
    rows = [["LastName", "Email", "Account"], ["L" * 300, "bad-email", "Acme"]]
    job = records_run(ctx, admin_id, "contact", write_csv(tmp_path / "contacts.csv", rows))
    errors = {line[1]: line[3] for line in list(jobs.import_error_list(ctx, admin_id, job.id))[1:]}
    assert sorted(errors) == ["email", "last_name"]  # the blanked name's "is required" is not told
    assert errors["last_name"].startswith("is longer than")
