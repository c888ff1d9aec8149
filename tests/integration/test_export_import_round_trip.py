"""Export then import gives the same records (SQLite and PostgreSQL): leads, accounts, contacts
and opportunities with custom fields, text a spreadsheet would run, owners by e-mail and the
other references by name, exported from one database and imported into a fresh one, then
exported again: the same rows but for the new ids."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine, delete

from leadline.domain.imports.job import ImportOptions, JobStatus
from leadline.domain.queries import LeadQuery, RecordQuery
from leadline.persistence.rows import metadata
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.context import ServiceContext
from leadline.services.exports import csv_chunks, export_table, write_xlsx
from leadline.services.imports import jobs
from leadline.services.imports.files import inspect_file, read_rows
from leadline.services.leads import records as leads
from leadline.services.security.users import add_user


def _organisation(ctx: ServiceContext) -> tuple[int, int]:
    """The same organisation in either database: the admin, a rep, the custom fields."""
    result = initialise_organisation(ctx, admin_name="Ada Admin", admin_email="ada@example.com")
    assert result.admin is not None
    admin = result.admin.id
    rep = add_user(ctx, admin, name="Rep", email="rep@example.com").id
    add_custom_field(ctx, admin, "lead", "tier", "Tier", "text")
    add_custom_field(ctx, admin, "lead", "seats", "Seats", "number")
    add_custom_field(ctx, admin, "lead", "met_on", "Met on", "date")
    add_custom_field(ctx, admin, "account", "segment", "Segment", "text")
    add_custom_field(ctx, admin, "contact", "role", "Role", "text")
    add_custom_field(ctx, admin, "opportunity", "risk", "Risk", "number")
    return admin, rep


def _rows(text: str) -> list[dict[str, str]]:
    return [{k: v for k, v in row.items() if k != "id"} for row in csv.DictReader(io.StringIO(text))]


def _lead_export(ctx: ServiceContext, actor: int) -> str:
    return "".join(csv_chunks(export_table(ctx, actor, "lead", LeadQuery())))


def _account_export(ctx: ServiceContext, actor: int, path: Path) -> list[dict[str, str]]:
    write_xlsx(export_table(ctx, actor, "account", RecordQuery()), path)
    return [{k: v for k, v in row.items() if k not in ("id",)} for row in _read_xlsx(path)]


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    rows = read_rows(inspect_file(path))
    header = next(rows)
    return [dict(zip(header, row + [""] * (len(header) - len(row)), strict=True)) for row in rows]


def _wipe(engine: Engine, ctx: ServiceContext) -> None:
    with engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            connection.execute(delete(table))
    ctx.cache.invalidate()


def test_leads_and_accounts_exported_then_imported_into_a_fresh_database_come_out_the_same(
    ctx: ServiceContext, engine: Engine, tmp_path: Path
) -> None:
    admin, rep = _organisation(ctx)
    leads.create_lead(ctx, admin, {
        "first_name": "Ann", "last_name": "=cmd|' /C calc'!A0", "company": "@Acme", "email": "ann@acme.example",
        "phone": "+1 415 555 0100", "title": "CTO", "industry": "Rail", "website": "https://acme.example",
        "street": "1 Main St", "city": "Leeds", "state": "WY", "postal_code": "LS1", "country": "GB",
        "annual_revenue": "1500.50", "number_of_employees": 12, "source": "Trade show", "status": "Contacted",
        "rating": "Hot", "currency": "EUR", "budget_amount": "900", "purchase_timeframe": "2026-09-30",
        "is_decision_maker": True, "description": "Line one\nline two, with a comma", "owner": "rep@example.com",
    }, custom={"tier": "+gold", "seats": "40", "met_on": "2026-02-01"})
    leads.create_lead(ctx, admin, {"last_name": "Plain", "company": "Globex"})
    leads.create_lead(ctx, admin, {"last_name": "Nurtured", "company": "Initech", "status": "Unqualified",
                                   "unqualified_reason": "No budget"})
    records.create_account(ctx, admin, {"name": "-Acme", "website": "acme.example", "number_of_employees": 12,
                                        "billing_city": "Leeds", "owner": "rep@example.com",
                                        "custom": {"segment": "=enterprise"}})
    records.create_account(ctx, admin, {"name": "Initech"})
    lead_file = tmp_path / "leads.csv"
    lead_file.write_text(before_leads := _lead_export(ctx, admin), encoding="utf-8")
    before_accounts = _account_export(ctx, admin, tmp_path / "accounts.xlsx")
    assert rep and "'=cmd" in before_leads  # neutralised in the file

    _wipe(engine, ctx)
    admin, _ = _organisation(ctx)
    for kind, path in (("lead", lead_file), ("account", tmp_path / "accounts.xlsx")):
        job = jobs.import_records(ctx, admin, kind, inspect_file(path), options=ImportOptions())
        expected = 3 if kind == "lead" else 2  # an unqualified lead keeps its reason, which its import needs
        assert job.status is JobStatus.COMPLETED and (job.counts.imported, job.counts.failed) == (expected, 0), kind
        assert set(job.ignored) <= {"id", "created_at", "updated_at", "domain", "converted_at"}, job.ignored

    assert _rows(_lead_export(ctx, admin)) == _rows(before_leads)
    assert _account_export(ctx, admin, tmp_path / "again.xlsx") == before_accounts


#: what a fresh database gives anew: ids, times, and what follows from the stage (the outcome)
_ANEW = {"id", "created_at", "updated_at", "closed_at", "originating_lead_id", "campaign_id", "loss_reason_id"}


def _records(ctx: ServiceContext, actor: int, kind: str, path: Path) -> list[dict[str, str]]:
    """The export of ``kind`` (CSV for contacts, .xlsx for opportunities) written to ``path``."""
    table = export_table(ctx, actor, kind, RecordQuery())
    if path.suffix == ".csv":
        path.write_text("".join(csv_chunks(table)), encoding="utf-8")
    else:
        write_xlsx(table, path)
    return [{k: v for k, v in row.items() if k not in _ANEW} for row in _read_xlsx(path)]


def test_contacts_and_opportunities_exported_then_imported_come_out_the_same_with_their_references_by_name(
    ctx: ServiceContext, engine: Engine, tmp_path: Path
) -> None:
    admin, _ = _organisation(ctx)
    acme = records.create_account(ctx, admin, {"name": "Acme", "website": "acme.example"})
    initech = records.create_account(ctx, admin, {"name": "=Initech", "owner": "rep@example.com"})
    records.create_contact(ctx, admin, {
        "first_name": "Ann", "last_name": "Archer", "account_id": acme.id, "email": "ann@acme.example",
        "phone": "+1 415 555 0100", "title": "CTO", "lead_source": "Trade show", "owner": "rep@example.com",
        "custom": {"role": "=buyer"}})
    records.create_contact(ctx, admin, {"last_name": "Bell", "account_id": initech.id})
    records.create_opportunity(ctx, admin, {
        "name": "Acme renewal", "account_id": acme.id, "stage": "Negotiation", "amount": "1000.25",
        "currency": "EUR", "close_date": "2027-01-31", "type": "existing_business", "next_step": "-call",
        "description": "two\nlines", "lead_source": "Trade show", "owner": "rep@example.com",
        "custom": {"risk": "-3"}})
    records.create_opportunity(ctx, admin, {"name": "Initech pilot", "account_id": initech.id,
                                            "stage": "Closed Lost", "loss_reason": "Price",
                                            "loss_comment": "=went with the incumbent"})
    before_accounts = _account_export(ctx, admin, tmp_path / "accounts.xlsx")
    before = {kind: _records(ctx, admin, kind, tmp_path / name)
              for kind, name in (("contact", "contacts.csv"), ("opportunity", "opportunities.xlsx"))}
    assert before["contact"][0]["account"] == "Acme" and before["opportunity"][0]["stage"] == "Negotiation"
    assert [o["loss_comment"] for o in before["opportunity"]] == ["", "'=went with the incumbent"]  # neutralised

    _wipe(engine, ctx)
    admin, _ = _organisation(ctx)
    for kind, name in (("account", "accounts.xlsx"), ("contact", "contacts.csv"),
                       ("opportunity", "opportunities.xlsx")):
        job = jobs.import_records(ctx, admin, kind, inspect_file(tmp_path / name), options=ImportOptions())
        expected = 3 if kind == "lead" else 2  # an unqualified lead keeps its reason, which its import needs
        assert job.status is JobStatus.COMPLETED and (job.counts.imported, job.counts.failed) == (expected, 0), kind
    assert _account_export(ctx, admin, tmp_path / "again.xlsx") == before_accounts
    assert _records(ctx, admin, "contact", tmp_path / "again.csv") == before["contact"]
    assert _records(ctx, admin, "opportunity", tmp_path / "again.xlsx") == before["opportunity"]


def test_an_import_takes_off_exactly_what_the_export_added_and_an_xlsx_phone_keeps_its_plus(
    ctx: ServiceContext, engine: Engine, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from leadline.domain.queries import Page

    admin, _ = _organisation(ctx)
    values = {"first_name": "@home", "last_name": "'=quoted", "company": "'plain", "title": "-VP",
              "city": "''double", "description": "=SUM(A1)", "phone": "+1 415 555 0100"}
    leads.create_lead(ctx, admin, values, custom={"tier": "'+gold"})
    csv_file, xlsx_file = tmp_path / "leads.csv", tmp_path / "leads.xlsx"
    csv_file.write_text(_lead_export(ctx, admin), encoding="utf-8")
    write_xlsx(export_table(ctx, admin, "lead", LeadQuery()), xlsx_file)

    [exported] = _rows(csv_file.read_text(encoding="utf-8"))
    assert (exported["phone"], exported["title"], exported["last_name"], exported["company"]) == (
        "'+14155550100", "'-VP", "''=quoted", "''plain")  # CSV: whatever a spreadsheet would run, and '-texts
    sheet = load_workbook(xlsx_file).active
    assert sheet is not None
    cells = {str(head.value): cell for head, cell in zip(sheet[1], sheet[2], strict=True)}
    assert all(c.data_type == "s" for name, c in cells.items() if name in values)  # no formula
    assert {name: cells[name].value for name in values} == {  # .xlsx: only "=" and '-texts neutralised
        "first_name": "@home", "last_name": "''=quoted", "company": "''plain", "title": "-VP", "city": "'''double",
        "description": "'=SUM(A1)", "phone": "+14155550100"}

    for path in (csv_file, xlsx_file):
        _wipe(engine, ctx)
        admin, _ = _organisation(ctx)
        job = jobs.import_records(ctx, admin, "lead", inspect_file(path), options=ImportOptions())
        assert (job.counts.imported, job.counts.failed) == (1, 0), path.name
        [found] = leads.list_leads(ctx, admin, LeadQuery(), Page(limit=5, sort="created_at"))
        assert {name: getattr(found.lead, name) for name in values} == {
            **values, "phone": "+14155550100"}, path.name  # as stored (the phone in E.164)
        assert found.custom["tier"] == "'+gold", path.name
