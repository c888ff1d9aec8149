"""Export then import gives the same records (SQLite and PostgreSQL): leads and accounts with
custom fields, text a spreadsheet would run, owners by e-mail, exported from one database and
imported into a fresh one, then exported again: the same rows but for the new ids."""

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
        assert job.status is JobStatus.COMPLETED and (job.counts.imported, job.counts.failed) == (2, 0), kind
        assert set(job.ignored) <= {"id", "created_at", "updated_at", "domain", "converted_at"}, job.ignored

    assert _rows(_lead_export(ctx, admin)) == _rows(before_leads)
    assert _account_export(ctx, admin, tmp_path / "again.xlsx") == before_accounts
