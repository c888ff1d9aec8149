"""The import page in a real headless Chromium (SQLite): a rep uploads a CSV, sees its columns
read and changes one, runs a dry run, then the import itself; the job page polls its progress
and counts, and the error report downloads in the file's own format."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine

from leadline.domain.queries import LeadQuery
from leadline.domain.queries import Page as ListPage
from leadline.services.context import ServiceContext
from leadline.services.leads.records import list_leads
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, new_context, served, sign_in

REP, PASSWORD = "rep@example.com", "correct horse battery"
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def base(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[str]:
    add_user(ctx, admin_id, name="Rep", email=REP, password=PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as url:
        yield url


def _upload(page: Page, base: str, path: Path) -> None:
    page.goto(f"{base}/imports")
    page.get_by_label("Records").select_option("lead")
    page.get_by_label("File").set_input_files(str(path))
    follow(page, page.get_by_role("button", name="Upload and check the columns"))


def test_a_rep_checks_the_columns_dry_runs_then_imports_and_downloads_the_error_report(
        page: Page, base: str, ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    path = tmp_path / "fair.csv"
    path.write_text("Badge,Firm,Email\nAnn Archer,Acme,ann@acme.example\nBob,Globex,not-mail\n", encoding="utf-8")
    sign_in(page, base, REP, PASSWORD)
    _upload(page, base, path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("fair.csv")
    expect(page.get_by_label("Firm")).to_have_value("")  # no mapping knows these headers
    page.get_by_label("Badge").select_option("last_name")
    page.get_by_label("Firm").select_option("company")
    page.get_by_label("Email").select_option("email")
    page.get_by_label("Dry run").check()
    page.get_by_role("button", name="Start the import").click()
    expect(page.locator("[data-status]")).to_have_text("completed (dry run)")
    assert list_leads(ctx, admin_id, LeadQuery(), ListPage(limit=10)) == []

    _upload(page, base, path)
    page.get_by_label("Badge").select_option("last_name")
    page.get_by_label("Firm").select_option("company")
    page.get_by_label("Email").select_option("email")
    page.get_by_label("Duplicates").select_option("update")
    page.get_by_role("button", name="Start the import").click()
    expect(page.locator("[data-status]")).to_have_text("completed")
    counts = page.get_by_role("table", name="Counts")
    expect(counts).to_contain_text("2")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report").click()
    report = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert report[0] == "Badge,Firm,Email,_row,_field,_error" and report[1].startswith("Bob,Globex,not-mail,3,email")
    assert [d.lead.last_name for d in list_leads(ctx, admin_id, LeadQuery(), ListPage(limit=10))] == ["Ann Archer"]


def test_a_mapping_without_a_name_column_is_refused_on_the_page(page: Page, base: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Shoe size\n42\n", encoding="utf-8")
    sign_in(page, base, REP, PASSWORD)
    _upload(page, base, path)
    page.get_by_role("button", name="Start the import").click()
    expect(page.get_by_role("alert")).to_contain_text("no column maps to the last name or the company")


def test_an_xlsx_file_s_error_report_downloads_as_an_xlsx(
        page: Page, base: str, ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    book.active.append(["LastName", "Company", "Email"])
    book.active.append(["Archer", "Acme", "ann@acme.example"])
    book.active.append(["Bell", "Acme", "not-mail"])
    book.save(tmp_path / "fair.xlsx")
    sign_in(page, base, REP, PASSWORD)
    _upload(page, base, tmp_path / "fair.xlsx")
    expect(page.get_by_label("Email")).to_have_value("email")  # Salesforce's headers, read as such
    page.get_by_role("button", name="Start the import").click()
    expect(page.locator("[data-status]")).to_have_text("completed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the error report").click()
    assert download.value.suggested_filename.endswith("-errors.xlsx")
    with Path(download.value.path()).open("rb") as file:  # saved without the .xlsx ending openpyxl wants
        rows = [list(r) for r in load_workbook(file).worksheets[0].iter_rows(values_only=True)]
    assert rows[0] == ["LastName", "Company", "Email", "_row", "_field", "_error"]
    assert rows[1][:5] == ["Bell", "Acme", "not-mail", 3, "email"]


def test_an_opportunity_import_is_named_in_the_plural_and_asks_nothing_about_duplicates(
        page: Page, base: str, ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    """Opportunities have no duplicate rules: every valid row is a new one, so no policy is offered."""
    path = tmp_path / "deals.csv"
    path.write_text("Name,Account.Name\nRail deal,Nowhere Ltd\n", encoding="utf-8")
    sign_in(page, base, REP, PASSWORD)
    page.goto(f"{base}/imports")
    expect(page.get_by_label("Records").locator("option")).to_have_text(
        ["Leads", "Accounts", "Contacts", "Opportunities"])
    page.get_by_label("Records").select_option("opportunity")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Upload and check the columns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import opportunities from deals.csv")
    expect(page.get_by_label("Duplicates")).to_have_count(0)
    page.get_by_role("button", name="Start the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of opportunities from deals.csv")
    expect(page.locator("[data-status]")).to_have_text("completed")
    expect(page.locator("#import-progress")).not_to_contain_text("on duplicate")


def test_a_rep_maps_the_file_s_values_that_are_no_labels_and_saves_them_with_the_mapping(
        page: Page, base: str, ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    path = tmp_path / "fair.csv"
    path.write_text("LastName,Company,Status,LeadSource\nAmes,A Co,Hot prospect,Web\nBose,B Co,open,Fair\n"
                    "Cole,C Co,HOT PROSPECT,Fair\n", encoding="utf-8")
    sign_in(page, base, REP, PASSWORD)
    _upload(page, base, path)
    editor = page.get_by_role("table", name="Value mapping")
    # each distinct value that is no label, once: "open" is the label Open, the two spellings of
    # "Hot prospect" one value; Salesforce's "Web" comes with its standard label chosen
    expect(editor.locator("tbody tr")).to_have_count(3)
    expect(page.get_by_label("Web", exact=True)).to_have_value("Website form")
    expect(page.get_by_label("Hot prospect")).to_have_value("")
    expect(page.get_by_label("Hot prospect").locator("option")).to_contain_text(["Open", "Contacted"])
    page.get_by_label("Hot prospect").select_option("Contacted")
    page.get_by_label("Fair", exact=True).select_option("Trade show")
    page.get_by_label("Save this mapping as").fill("fair")
    follow(page, page.get_by_role("button", name="Start the import"))
    expect(page.locator("[data-status]")).to_have_text("completed")
    expect(page.locator("[data-values]")).to_contain_text("status: Hot prospect -> Contacted")
    found = {d.lead.last_name: (d.status.label, d.source.label if d.source else None)
             for d in list_leads(ctx, admin_id, LeadQuery(), ListPage(limit=10))}
    assert found == {"Ames": ("Contacted", "Website form"), "Bose": ("Open", "Trade show"),
                     "Cole": ("Contacted", "Trade show")}

    page.goto(f"{base}/imports")  # the saved mapping offers its values again
    page.get_by_label("Records").select_option("lead")
    page.get_by_label("Column mapping").select_option("fair")
    page.get_by_label("File").set_input_files(str(path))
    follow(page, page.get_by_role("button", name="Upload and check the columns"))
    expect(page.get_by_label("Hot prospect")).to_have_value("Contacted")
    expect(page.get_by_label("Fair", exact=True)).to_have_value("Trade show")
