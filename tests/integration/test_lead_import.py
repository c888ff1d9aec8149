"""Importing leads from files on a real database (SQLite and PostgreSQL): the error report, the
usual exports, .xlsx, counts, dry runs, the duplicate policy, resuming a stopped job."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.history import render_value
from leadline.domain.imports.job import DuplicatePolicy, ImportJob, ImportOptions, JobStatus
from leadline.domain.queries import LeadQuery, Page
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.imports import ahead, jobs
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file
from leadline.services.leads import records as leads
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user

SALESFORCE = ["FirstName", "LastName", "Company", "Email", "Phone", "LeadSource", "Status", "Rating", "Industry",
              "AnnualRevenue", "NumberOfEmployees", "Street", "City", "State", "PostalCode", "Country", "Website",
              "Title", "Description"]


def write_csv(path: Path, rows: Sequence[Sequence[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


def run(ctx: ServiceContext, actor: int, path: Path, **options: object) -> ImportJob:
    mapping = options.pop("mapping", None)
    return imports.import_leads(ctx, actor, inspect_file(path), mapping_name=mapping,  # type: ignore[arg-type]
                                options=ImportOptions(**options))  # type: ignore[arg-type]


def all_leads(ctx: ServiceContext, actor: int) -> list[leads.LeadDetails]:
    return leads.list_leads(ctx, actor, LeadQuery(), Page(limit=500, sort="created_at"))


def report(ctx: ServiceContext, actor: int, job: ImportJob) -> list[list[str]]:
    return list(imports.import_error_rows(ctx, actor, job.id))


def assert_adds_up(job: ImportJob) -> None:
    c = job.counts
    assert c.read == c.imported + c.updated + c.skipped + c.failed


BAD_ROWS = [
    ["FirstName", "LastName", "Company", "Email", "Phone", "Status", "Rating", "NumberOfEmployees", "AnnualRevenue",
     "OwnerEmail", "LeadSource", "Shoe size"],
    ["Ada", "Lovelace", "Analytical", "ada@engine.example", "+1 415 555 0100", "Open", "Hot", "10", "1000.50", "",
     "Website form", "42"],
    ["", "", "", "nobody@example.com", "", "", "", "", "", "", "", ""],
    ["Bad", "Mail", "Acme", "not-an-email", "", "", "", "", "", "", "", ""],
    ["Bad", "Phone", "Acme", "", "12", "", "", "", "", "", "", ""],
    ["Bad", "Status", "Acme", "", "", "Nonsense", "", "", "", "", "", ""],
    ["Bad", "Rating", "Acme", "", "", "", "Scorching", "", "", "", "", ""],
    ["Bad", "Employees", "Acme", "", "", "", "", "-3", "", "", "", ""],
    ["Bad", "Revenue", "Acme", "", "", "", "", "", "lots", "", "", ""],
    ["Bad", "Owner", "Acme", "", "", "", "", "", "", "ghost@example.com", "", ""],
    ["Bad", "Source", "Acme", "", "", "", "", "", "", "", "Carrier pigeon", ""],
    ["", "", "", "", "", "", "", "", "", "", "", ""],
    ["Good", "Two", "Acme", "two@acme.example", "", "", "", "", "", "", "", ""],
]


@pytest.fixture(params=["inline", "worker"])
def checked_ahead(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Rows checked in the block (as small files are), or ahead in the worker process (as large
    files are: services/imports/ahead.py): every test using this runs both ways, and the worker
    is really used when asked for."""
    chosen: list[object] = []

    def recorded(*args: Any, **kwargs: Any) -> object:
        chosen.append(ahead.rows_ahead(*args, **kwargs))
        return chosen[-1]

    if request.param == "worker":
        monkeypatch.setattr(ahead, "WORKER_FROM_ROWS", 0)
    monkeypatch.setattr(jobs, "rows_ahead", recorded)
    yield request.param
    expected = ahead.RowsInWorker if request.param == "worker" else ahead.RowsInline
    assert chosen and all(isinstance(c, expected) for c in chosen)


def test_every_kind_of_bad_row_is_in_the_error_report_with_its_row_field_and_the_api_s_message(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str
) -> None:
    job = run(ctx, admin_id, write_csv(tmp_path / "bad.csv", BAD_ROWS), block_size=4)
    assert job.status is JobStatus.COMPLETED
    assert (job.counts.read, job.counts.imported, job.counts.failed) == (11, 2, 9)
    assert_adds_up(job)
    assert job.ignored == ("Shoe size",)
    assert report(ctx, admin_id, job) == [
        [*BAD_ROWS[0], "_row", "_field", "_error"],
        [*BAD_ROWS[2], "3", "last_name; company", "last_name: is required; company: is required"],  # both blank
        [*BAD_ROWS[3], "4", "email",
         "'not-an-email' is not a valid e-mail address (An email address must have an @-sign.)"],
        [*BAD_ROWS[4], "5", "phone", "'12' is not a valid phone number for US"],
        [*BAD_ROWS[5], "6", "status",
         "there is no lead status 'Nonsense' (one of: Open, Contacted, Qualified, Unqualified, Converted)"],
        [*BAD_ROWS[6], "7", "rating", "'Scorching' is not hot, warm or cold"],
        [*BAD_ROWS[7], "8", "number_of_employees", "must not be negative"],
        [*BAD_ROWS[8], "9", "annual_revenue", "'lots' is not a number"],
        [*BAD_ROWS[9], "10", "owner", "there is no user 'ghost@example.com'"],
        [*BAD_ROWS[10], "11", "source", "there is no lead source 'Carrier pigeon' (one of: Web ad click-through, "
         "Website form, Online quiz, Social media, Phone call, Customer referral, Trade show, Other)"],
    ]
    # the same rules as the API: the use case refuses the same row with the same message
    with pytest.raises(ValidationError) as refused:
        leads.create_lead(ctx, admin_id, {"last_name": "Bad", "company": "Acme", "rating": "Scorching"})
    assert (refused.value.field, refused.value.message) == ("rating", "'Scorching' is not hot, warm or cold")


def test_a_row_with_a_value_beyond_the_header_fails_and_trailing_blank_cells_are_nothing(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str
) -> None:
    """An unquoted comma shifts every later cell one column right: the row fails, nothing guessed."""
    rows = [["LastName", "Company", "Email", "Description"],
            ["Ames", "Acme", "ann@acme.example", "ok", "", ""],
            ["Brown", "Brown", " Inc", "bob@brown.example", "shifted"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "wide.csv", rows))
    assert (job.counts.read, job.counts.imported, job.counts.failed) == (2, 1, 1)
    assert report(ctx, admin_id, job)[1] == [
        "Brown", "Brown", " Inc", "bob@brown.example", "3", "row",
        "the row has 'shifted' in column 5 but the header has 4 columns: is a delimiter inside a value that is "
        "not quoted?", "shifted"]
    assert [d.lead.email for d in all_leads(ctx, admin_id)] == ["ann@acme.example"]
    # the report imported unfixed fails on that row again, and its report still has every cell
    again = run(ctx, admin_id, write_csv(tmp_path / "again.csv", report(ctx, admin_id, job)))
    assert (again.counts.read, again.counts.failed) == (1, 1)
    assert report(ctx, admin_id, again)[1][:4] == ["Brown", "Brown", " Inc", "bob@brown.example"]
    assert report(ctx, admin_id, again)[1][-1] == "shifted"


def test_the_error_report_fixed_imports_again_and_every_row_is_then_in(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    job = run(ctx, admin_id, write_csv(tmp_path / "bad.csv", BAD_ROWS))
    rows = report(ctx, admin_id, job)
    fixed = [rows[0]] + [[*row[:3], "", "", "", "", "", "", "", "", *row[11:]] for row in rows[1:]]
    fixed[1][1:3] = ["Nobody", "Nowhere"]
    again = run(ctx, admin_id, write_csv(tmp_path / "fixed.csv", fixed))
    assert (again.counts.read, again.counts.imported, again.counts.failed) == (9, 9, 0)
    assert len(all_leads(ctx, admin_id)) == 11


def test_a_salesforce_export_in_semicolons_and_windows_1252_is_read_as_such(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    rows = [SALESFORCE,
            ["José", "Müller", "Société Générale", "jose@sg.example", "+33 1 42 14 20 00", "Website form", "Contacted",
             "Warm", "Banking", "2500000", "120", "29 bd Haussmann", "Paris", "", "75009", "FR",
             "https://sg.example", "Directeur", "Façade; «quoted»"]]
    path = write_csv(tmp_path / "sf.csv", rows, delimiter=";", encoding="cp1252")
    source = inspect_file(path)
    assert (source.encoding, source.delimiter) == ("cp1252", ";")
    job = run(ctx, admin_id, path)
    assert job.counts.imported == 1 and job.ignored == ()
    lead = all_leads(ctx, admin_id)[0]
    assert (lead.lead.first_name, lead.lead.company, lead.lead.phone, lead.status.label, lead.source.label) == (
        "José", "Société Générale", "+33142142000", "Contacted", "Website form")
    assert (lead.lead.number_of_employees, lead.lead.annual_revenue, lead.lead.description) == (
        120, Decimal("2500000"), "Façade; «quoted»")


def test_an_xlsx_file_is_read_with_numbers_and_dates_as_a_csv_export_would_hold_them(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    from datetime import date

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["First Name", "Last Name", "Company Name", "Email", "Number of Employees", "purchase_timeframe"])
    sheet.append(["Grace", "Hopper", "Navy", "grace@navy.example", 250, date(2027, 1, 15)])
    sheet.append([None, None, "Navy", "nolast@navy.example", 3.0, None])
    book.save(tmp_path / "leads.xlsx")
    job = run(ctx, admin_id, tmp_path / "leads.xlsx")
    assert (job.counts.imported, job.counts.failed) == (1, 1)
    lead = all_leads(ctx, admin_id)[0].lead
    assert (lead.last_name, lead.number_of_employees, lead.purchase_timeframe) == ("Hopper", 250, date(2027, 1, 15))
    assert report(ctx, admin_id, job)[1][-3:] == ["3", "last_name", "is required"]


def test_a_dry_run_reports_what_would_happen_and_writes_no_lead(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str
) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Old", "company": "Acme", "email": "old@acme.example"})
    rows = [["LastName", "Company", "Email"], ["New", "Acme", "new@acme.example"], ["Old", "Acme", "old@acme.example"],
            ["Again", "Acme", "new@acme.example"], ["", "Acme", "bad"]]
    with ctx.uow_factory() as uow:
        before = (uow.leads.count(), len(uow.audit.events(limit=1000)))  # type: ignore[attr-defined]
    job = run(ctx, admin_id, write_csv(tmp_path / "dry.csv", rows), dry_run=True, block_size=2)
    assert (job.counts.read, job.counts.imported, job.counts.skipped, job.counts.failed) == (4, 1, 2, 1)
    with ctx.uow_factory() as uow:
        assert (uow.leads.count(), len(uow.audit.events(limit=1000))) == before  # type: ignore[attr-defined]
    # a dry run is never resumed: the real import starts afresh
    real = run(ctx, admin_id, tmp_path / "dry.csv")
    assert real.id != job.id and real.counts.imported == 1


@pytest.mark.parametrize("policy", list(DuplicatePolicy))
def test_duplicates_in_the_file_and_in_the_database_follow_the_policy(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, policy: DuplicatePolicy, checked_ahead: str
) -> None:
    stored = leads.create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme", "email": "s@acme.example",
                                               "title": "Old title"}).lead
    rows = [["LastName", "Company", "Email", "Phone", "Title"],
            ["Stored", "Acme", "S@ACME.example", "", "New title"],     # the stored lead, by e-mail
            ["First", "Beta", "first@beta.example", "+14155550100", ""],
            ["Second", "Beta", "", "(415) 555-0100", "CTO"],          # row 3 again, by phone
            ["Third", "Beta", "first@beta.example", "", ""],           # row 3 again, by e-mail, next block
            ["Other", "Gamma", "other@gamma.example", "", ""]]
    job = run(ctx, admin_id, write_csv(tmp_path / "dups.csv", rows), on_duplicate=policy, block_size=3)
    assert_adds_up(job)
    found = {d.lead.last_name: d.lead for d in all_leads(ctx, admin_id)}
    if policy is DuplicatePolicy.SKIP:
        assert (job.counts.imported, job.counts.skipped) == (2, 3)
        assert sorted(found) == ["First", "Other", "Stored"] and found["Stored"].title == "Old title"
    elif policy is DuplicatePolicy.UPDATE:
        assert (job.counts.imported, job.counts.updated) == (2, 3)
        assert sorted(found) == ["Other", "Stored", "Third"]  # the later rows' values won
        assert found["Stored"].title == "New title" and found["Stored"].id == stored.id
        assert found["Third"].title == "CTO" and found["Third"].phone == "+14155550100"
    else:
        assert job.counts.imported == 5 and len(all_leads(ctx, admin_id)) == 6  # every row a lead, and the stored one


def test_each_imported_lead_s_audit_event_holds_what_the_plain_rendering_of_the_stored_lead_gives(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str
) -> None:
    # given rows with every kind of standard field, an owner and a custom value
    add_user(ctx, admin_id, name="Rep", email="rep@example.com")
    add_custom_field(ctx, admin_id, "lead", "shoe_size", "Shoe size", "number")
    rows = [[*SALESFORCE, "owner", "Shoe size"],
            ["Ada", "Lovelace", "Analytical", "Ada@Engine.example", "+1 415 555 0100", "Website form", "Open", "Hot",
             "Computing", "1000.50", "12", "1 Loom St", "London", "", "N1", "GB", "engine.example", "Countess",
             "Notes, with a comma", "rep@example.com", "44"],
            ["", "Hopper", "Cobol", "", "020 7946 0018", "", "", "", "", "", "", "", "", "", "", "GB", "", "", "", "",
             ""]]

    # when they are imported (the standard fields' audit text made ahead in the worker, or in the block)
    job = run(ctx, admin_id, write_csv(tmp_path / "audit.csv", rows))
    assert job.counts.imported == 2

    # then each lead's creation event lists, in order, what create-lead's audit lists of the stored lead
    for details in all_leads(ctx, admin_id):
        lead = details.lead
        expected = {**leads.lead_audit_values(lead), "unqualified_reason": None, "qualification_override": None,
                    "duplicate_override": None, **{f"custom.{k}": v for k, v in details.custom.items()}}
        with ctx.reader() as uow:
            history = uow.audit.history(RecordType.LEAD, lead.id)
        assert [(c.field, c.old_value, c.new_value) for c in history] == [
            (name, None, render_value(value)) for name, value in expected.items() if value is not None]
    assert {d.lead.email for d in all_leads(ctx, admin_id)} == {"ada@engine.example", None}


def test_updating_a_duplicate_the_importer_may_not_change_fails_that_row_only(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    set_sharing(ctx, admin_id, "lead", "public_read_only")
    leads.create_lead(ctx, admin_id, {"last_name": "Boss", "company": "Acme", "email": "boss@acme.example"})
    rows = [["LastName", "Company", "Email"], ["Boss", "Acme2", "boss@acme.example"],
            ["Mine", "Acme", "m@acme.example"]]
    job = run(ctx, rep, write_csv(tmp_path / "u.csv", rows), on_duplicate=DuplicatePolicy.UPDATE)
    assert (job.counts.imported, job.counts.failed) == (1, 1)
    assert report(ctx, rep, job)[1][-2] == "lead"
    mine = [d for d in all_leads(ctx, admin_id) if d.lead.last_name == "Mine"][0]
    assert mine.owner is not None and mine.owner.id == rep  # the importer owns what has no owner column
    with pytest.raises(NotFoundError):  # another user's import is not theirs to read
        imports.get_import(ctx, add_user(ctx, admin_id, name="Other", email="o@example.com").id, job.id)
    assert PermissionDeniedError.code == "PERMISSION_DENIED"


def test_the_owner_column_assigns_by_e_mail_and_unmapped_columns_go_to_custom_fields(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    add_custom_field(ctx, admin_id, "lead", "shoe_size", "Shoe size", "number")
    rows = [["LastName", "Company", "owner", "Shoe Size", "Favourite colour"],
            ["Foot", "Acme", "REP@example.com", "44", "red"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "o.csv", rows))
    assert job.columns["Shoe Size"] == "custom.shoe_size" and job.ignored == ("Favourite colour",)
    lead = all_leads(ctx, admin_id)[0]
    assert lead.owner is not None and lead.owner.id == rep
    assert lead.custom["shoe_size"] == Decimal("44")


def test_a_saved_mapping_names_the_columns_of_an_unusual_file(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    imports.save_import_mapping(ctx, admin_id, "fair", {"Badge": "last_name", "Firm": "company"})
    rows = [["Badge", "Firm"], ["Knuth", "Stanford"]]
    with pytest.raises(ValidationError):  # without the mapping nothing maps to a last name or company
        run(ctx, admin_id, write_csv(tmp_path / "fair.csv", rows))
    job = run(ctx, admin_id, tmp_path / "fair.csv", mapping="fair")
    assert job.counts.imported == 1 and "fair" in imports.import_mappings(ctx, admin_id)


def test_an_import_stopped_between_blocks_resumes_after_its_last_block_and_writes_each_row_once(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, checked_ahead: str
) -> None:
    rows = [["LastName", "Company", "Email"], *([f"L{i}", "Acme", f"l{i}@acme.example"] for i in range(23))]
    path = write_csv(tmp_path / "big.csv", rows)
    source = inspect_file(path)
    job = imports.start_lead_import(ctx, admin_id, source, options=ImportOptions(block_size=5,
                                                                                  on_duplicate=DuplicatePolicy.CREATE))

    def stop_after_two_blocks(progress: ImportJob) -> None:
        if progress.rows_done == 10:
            raise KeyboardInterrupt  # as a process stopped between two blocks

    with pytest.raises(KeyboardInterrupt):
        imports.run_lead_import(ctx, job.id, source, progress=stop_after_two_blocks)
    assert imports.get_import(ctx, admin_id, job.id).rows_done == 10
    again = run(ctx, admin_id, path)  # the same file: found by its checksum, resumed with its own options
    assert again.id == job.id and again.status is JobStatus.COMPLETED
    assert (again.rows_done, again.counts.read, again.counts.imported) == (23, 23, 23)
    assert sorted(d.lead.last_name for d in all_leads(ctx, admin_id)) == sorted(f"L{i}" for i in range(23))


def test_each_block_runs_with_the_collector_paused_and_the_import_leaves_it_on(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    import gc

    # given a file of three blocks, and a clock that notes whether the collector runs when read
    rows = [["LastName", "Company"], *([f"G{i}", "Acme"] for i in range(5))]
    seen, clock = [], ctx.clock

    def watching() -> Any:
        seen.append(gc.isenabled())
        return clock()

    was = gc.isenabled()
    gc.enable()
    try:
        ctx.clock = watching
        # when it is imported
        job = run(ctx, admin_id, write_csv(tmp_path / "gc.csv", rows), block_size=2)
        # then every lead was built with the collector paused (docs/adr/0072), and it is on again
        assert job.counts.imported == 5
        assert seen.count(False) >= 5
        assert gc.isenabled()
    finally:
        ctx.clock = clock
        if not was:
            gc.disable()


def test_dates_in_the_file_s_declared_format_are_read_beside_iso_ones(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    from datetime import date

    add_custom_field(ctx, admin_id, "lead", "met_on", "Met on", "date")
    rows = [["LastName", "Company", "purchase_timeframe", "Met on"], ["Day", "Acme", "31/01/2027", "2026-02-01"],
            ["Iso", "Acme", "2027-02-28", "15/01/2026"], ["Bad", "Acme", "31.01.2027", ""],
            ["Worse", "Acme", "", "31/02/2026"], ["Basic", "Acme", "20270131", ""]]
    job = run(ctx, admin_id, write_csv(tmp_path / "dates.csv", rows), date_format="%d/%m/%Y")
    assert (job.counts.imported, job.counts.failed) == (2, 3)
    found = {d.lead.last_name: d for d in all_leads(ctx, admin_id)}
    assert found["Day"].lead.purchase_timeframe == date(2027, 1, 31)
    assert found["Iso"].custom["met_on"] == date(2026, 1, 15)
    # the refusal names the file's declared format beside ISO
    assert [line[-2:] for line in report(ctx, admin_id, job)[1:]] == [
        ["purchase_timeframe", "'31.01.2027' is not a date (YYYY-MM-DD or %d/%m/%Y)"],
        ["custom.met_on", "'31/02/2026' is not a date (YYYY-MM-DD or %d/%m/%Y)"],
        ["purchase_timeframe", "'20270131' is not a date (YYYY-MM-DD or %d/%m/%Y)"]]


def test_a_date_in_the_iso_basic_form_is_refused_naming_the_row_field_and_form(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    rows = [["LastName", "Company", "purchase_timeframe"], ["Basic", "Acme", "20270131"],
            ["Short", "Acme", "2027-1-31"], ["Fine", "Acme", "2027-01-31"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "dates.csv", rows))
    assert (job.counts.imported, job.counts.failed) == (1, 2)
    assert [line[-2:] for line in report(ctx, admin_id, job)[1:]] == [
        ["purchase_timeframe", "'20270131' is not a date (YYYY-MM-DD, 1900 to 2999)"],
        ["purchase_timeframe", "'2027-1-31' is not a date (YYYY-MM-DD, 1900 to 2999)"]]


def test_a_file_that_only_looks_like_a_workbook_is_refused_naming_the_file(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "fake.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ValidationError) as refused:
        inspect_file(tmp_path / "fake.xlsx")
    assert refused.value.field == "file"
