"""An import's error report in the format of the file imported (SQLite and PostgreSQL): an .xlsx
gets an .xlsx, a CSV its own delimiter and encoding; fixed, each imports again as it is, and a
cell a spreadsheet would run is neutralised in the report and read back as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.imports.job import ImportOptions
from leadline.domain.queries import LeadQuery, Page
from leadline.services.context import ServiceContext
from leadline.services.imports import leads as imports
from leadline.services.imports import reports
from leadline.services.imports.files import inspect_file, read_rows
from leadline.services.leads import records as leads
from leadline.services.security.users import add_user


def emails(ctx: ServiceContext, actor: int) -> list[str | None]:
    found = leads.list_leads(ctx, actor, LeadQuery(), Page(limit=100, sort="created_at"))
    return sorted(d.lead.email or "" for d in found)


def write_report(ctx: ServiceContext, actor: int, job_id: int, path: Path, wanted: str | None = None) -> str:
    shape, chunks = reports.error_report(ctx, actor, job_id, wanted)
    path.write_bytes(b"".join(chunks))
    return shape.media_type


def test_an_xlsx_import_s_report_is_an_xlsx_that_imports_again_once_fixed(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Last Name", "Company Name", "Email", "Number of Employees"])
    sheet.append(["Hopper", "Navy", "grace@navy.example", 250])
    sheet.append(["Bad", "Navy", "not-mail", 12])
    sheet.append(["Worse", "Navy", "worse@navy.example", -3])
    book.save(tmp_path / "leads.xlsx")
    job = imports.import_leads(ctx, admin_id, inspect_file(tmp_path / "leads.xlsx"))
    assert (job.counts.imported, job.counts.failed) == (1, 2)

    media = write_report(ctx, admin_id, job.id, tmp_path / "fix.xlsx")
    assert media == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    shown = load_workbook(tmp_path / "fix.xlsx", read_only=True)
    rows = [list(r) for r in shown.worksheets[0].iter_rows(values_only=True)]
    shown.close()
    assert rows[0] == ["Last Name", "Company Name", "Email", "Number of Employees", "_row", "_field", "_error"]
    assert [r[:6] for r in rows[1:]] == [["Bad", "Navy", "not-mail", "12", 3, "email"],
                                         ["Worse", "Navy", "worse@navy.example", "-3", 4,  # a text cell never runs
                                          "number_of_employees"]]

    fixed = Workbook()
    sheet = fixed.active
    sheet.append(rows[0])
    sheet.append(["Bad", "Navy", "bad@navy.example", "12", 3, "email", "was wrong"])
    sheet.append(rows[2])
    sheet.cell(3, 4).value = "30"
    fixed.save(tmp_path / "fix.xlsx")
    again = imports.import_leads(ctx, admin_id, inspect_file(tmp_path / "fix.xlsx"))
    assert (again.counts.imported, again.counts.failed, again.ignored) == (2, 0, ())
    assert emails(ctx, admin_id) == ["bad@navy.example", "grace@navy.example", "worse@navy.example"]


def test_a_csv_report_keeps_the_file_s_delimiter_and_encoding_and_reads_a_formula_back_as_it_was(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "salon.csv"
    text = ("LastName;Company;Email;Description\n"
            "Müller;Bäckerei;mueller@example.de;frisch\n"
            "Groß;Café Crème;kein-mail;=HYPERLINK(\"http://x\")\n")
    path.write_bytes(text.encode("cp1252"))
    job = imports.import_leads(ctx, admin_id, inspect_file(path))
    assert (job.options.encoding, job.options.delimiter, job.counts.failed) == ("cp1252", ";", 1)

    media = write_report(ctx, admin_id, job.id, tmp_path / "fix.csv")
    assert media == "text/csv; charset=cp1252"
    raw = (tmp_path / "fix.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("cp1252")), delimiter=";"))
    assert rows[1][:6] == ["Groß", "Café Crème", "kein-mail", "'=HYPERLINK(\"http://x\")", "3", "email"]

    rows[1][2] = "gross@example.de"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))
    again = imports.import_leads(ctx, admin_id, inspect_file(path))
    assert (again.options.encoding, again.options.delimiter, again.counts.imported) == ("cp1252", ";", 1)
    found = leads.list_leads(ctx, admin_id, LeadQuery(search="gross"), Page(limit=5))
    assert [(d.lead.last_name, d.lead.company, d.lead.description) for d in found] == [
        ("Groß", "Café Crème", "=HYPERLINK(\"http://x\")")]


def test_a_report_may_be_asked_in_the_other_format_and_only_by_its_importer_or_an_admin(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffLastName\tCompany\tEmail\nRay\tAcme\tbad\n".encode())
    rep = add_user(ctx, admin_id, name="Rita Rep", email="rita@example.com", role="rep").id
    job = imports.import_leads(ctx, rep, inspect_file(path), options=ImportOptions(dry_run=True))
    assert job.counts.failed == 1

    write_report(ctx, rep, job.id, tmp_path / "same.csv")
    same = (tmp_path / "same.csv").read_bytes()
    assert same.startswith(b"\xef\xbb\xbfLastName\tCompany\tEmail\t_row") and same.count(b"\xef\xbb\xbf") == 1
    assert write_report(ctx, admin_id, job.id, tmp_path / "as.xlsx", "xlsx").endswith("sheet")
    as_xlsx = list(read_rows(inspect_file(tmp_path / "as.xlsx")))
    assert as_xlsx[1][:5] == ["Ray", "Acme", "bad", "2", "email"]
    with pytest.raises(ValidationError) as refused:
        reports.error_report(ctx, rep, job.id, "pdf")
    assert refused.value.field == "format"
    other = add_user(ctx, admin_id, name="Otto Other", email="otto@example.com", role="rep").id
    with pytest.raises(NotFoundError):
        reports.error_report(ctx, other, job.id)


def test_the_report_of_a_report_imported_again_has_only_the_new_row_field_and_error(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    """Given a report fixed only in part and imported again, its own report says once what is
    wrong now: the old ``_row``, ``_field`` and ``_error`` columns are not repeated beside the new."""
    path = tmp_path / "fix.csv"
    path.write_text("LastName,Company,Email,_row,_field,_error\n"
                    ",Acme,zed@acme.example,7,last_name,is required\n"
                    "Ray,Acme,ray@acme.example,9,email,was wrong\n")
    job = imports.import_leads(ctx, admin_id, inspect_file(path))
    assert (job.counts.imported, job.counts.failed) == (1, 1)

    write_report(ctx, admin_id, job.id, tmp_path / "again.csv")
    rows = list(csv.reader(io.StringIO((tmp_path / "again.csv").read_text())))
    assert rows == [["LastName", "Company", "Email", "_row", "_field", "_error"],
                    ["", "Acme", "zed@acme.example", "2", "last_name", "is required"]]


def test_a_workbook_is_read_whatever_its_file_is_called(ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    """An upload waits in a temporary file without the .xlsx ending (openpyxl refuses such a path)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["LastName", "Company"])
    book.active.append(["Archer", "Acme"])
    book.save(tmp_path / "leads.xlsx")
    (tmp_path / "leads.xlsx").rename(tmp_path / "leadline-import-x1y2")
    source = inspect_file(tmp_path / "leadline-import-x1y2", "fair.xlsx")
    assert (source.kind, source.estimated_rows) == ("xlsx", 1)
    assert imports.import_leads(ctx, admin_id, source).counts.imported == 1


def test_a_cell_that_becomes_a_formula_once_its_control_characters_are_dropped_stays_text(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = [["Email", "_row", "_field", "_error"],
            ["\x01=HYPERLINK(\"http://x.example\")", "2", "email", "\x02+1 is not an e-mail address"]]
    path = tmp_path / "errors.xlsx"
    path.write_bytes(b"".join(reports.xlsx_bytes(rows)))

    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [cell.data_type for cell in cells] == ["s", "n", "s", "s"]  # no formula ("f")
    assert [cell.value for cell in cells] == ["'=HYPERLINK(\"http://x.example\")", 2, "email",
                                              "+1 is not an e-mail address"]  # a string cell: "+" never runs


def test_a_too_wide_rows_cells_beyond_the_header_follow_its_error_in_a_workbook(tmp_path: Path) -> None:
    """The row number stays a number where the header has ``_row``, however long the row goes on,
    and every cell beyond is neutralised."""
    from openpyxl import load_workbook

    rows = [["LastName", "_row", "_field", "_error"],
            ["Brown", "3", "row", "the row has ' Inc' in column 2 but the header has 1 columns", " Inc", "=7", "8"]]
    path = tmp_path / "errors.xlsx"
    path.write_bytes(b"".join(reports.xlsx_bytes(rows)))

    sheet = load_workbook(path).active
    assert sheet is not None
    assert [cell.value for cell in next(sheet.iter_rows(min_row=2))] == [
        "Brown", 3, "row", "the row has ' Inc' in column 2 but the header has 1 columns", " Inc", "'=7", "8"]


def test_the_error_list_as_a_workbook_is_laid_out_as_a_list(tmp_path: Path) -> None:
    """The list's row number is its first column; its cells are neutralised only where a workbook
    would run them (a phone keeps its "+", a "=" starts text)."""
    from openpyxl import load_workbook

    rows = [["row", "field", "value", "message"], ["3", "phone", "+14155550100", "=not a number"]]
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"".join(reports.xlsx_bytes(rows, reports.LIST_LAYOUT)))

    sheet = load_workbook(path).active
    assert sheet is not None
    assert [cell.value for cell in next(sheet.iter_rows(min_row=2))] == [3, "phone", "+14155550100", "'=not a number"]
