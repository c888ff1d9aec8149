"""Export of filtered lists to CSV and .xlsx, on SQLite and PostgreSQL: the lead's field names
as the header, custom fields, filters and record security applied, formulas neutralised."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from leadline.domain.exports import cell, neutralised
from leadline.domain.queries import LeadQuery, RecordQuery
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.exports import LEAD_COLUMNS, csv_chunks, export_table, write_xlsx
from leadline.services.leads import records as leads
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing


def exported(ctx: ServiceContext, actor: int, kind: str, query: LeadQuery | RecordQuery) -> list[dict[str, str]]:
    text = "".join(csv_chunks(export_table(ctx, actor, kind, query), rows_per_chunk=2))
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"])
def test_a_text_a_spreadsheet_would_run_is_neutralised(text: str) -> None:
    assert neutralised(text) == "'" + text and cell(text) == "'" + text


def test_plain_values_are_left_alone() -> None:
    assert [cell(v) for v in ("Acme", None, Decimal("-12.50"), -3, True)] == ["Acme", "", "-12.5", "-3", "true"]


def test_leads_export_with_their_field_names_custom_fields_and_neutralised_cells(
        ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "text")
    leads.create_lead(ctx, admin_id, {"last_name": "=cmd|' /C calc'!A0", "company": "@Acme",
                                      "annual_revenue": "1500.50", "email": "ann@acme.example"},
                      custom={"tier": "+gold"})
    for n in range(3):
        leads.create_lead(ctx, admin_id, {"last_name": f"Lead {n}", "company": "Plain"})

    rows = exported(ctx, admin_id, "lead", LeadQuery())

    assert list(rows[0]) == [*LEAD_COLUMNS, "custom.tier"]
    first = rows[0]
    assert (first["last_name"], first["company"], first["custom.tier"]) == ("'=cmd|' /C calc'!A0", "'@Acme", "'+gold")
    assert first["annual_revenue"] == "1500.5" and first["status"] == "Open" and first["owner"] == "ada@example.com"
    assert [r["last_name"] for r in rows[1:]] == ["Lead 0", "Lead 1", "Lead 2"]


def test_the_list_filters_and_sharing_apply(ctx: ServiceContext, admin_id: int) -> None:
    set_sharing(ctx, admin_id, "lead", "private")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    leads.create_lead(ctx, admin_id, {"last_name": "Hidden", "company": "Acme"})
    leads.create_lead(ctx, rep, {"last_name": "Mine", "company": "Acme"})
    leads.create_lead(ctx, rep, {"last_name": "Other", "company": "Globex"})

    assert [r["last_name"] for r in exported(ctx, rep, "lead", LeadQuery(search="acme"))] == ["Mine"]


def test_accounts_export_to_xlsx_with_custom_fields(ctx: ServiceContext, admin_id: int, tmp_path: Path) -> None:
    add_custom_field(ctx, admin_id, "account", "seats", "Seats", "number")
    records.create_account(ctx, admin_id, {"name": "-Acme", "number_of_employees": 12, "custom": {"seats": "40"}})

    count = write_xlsx(export_table(ctx, admin_id, "account", RecordQuery()), tmp_path / "a.xlsx")

    sheet = load_workbook(tmp_path / "a.xlsx", read_only=True).active
    assert sheet is not None
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert count == 1 and header[:3] == ["id", "name", "created_at"] and header[-2:] == ["owner", "custom.seats"]
    values = dict(zip(header, row, strict=True))
    # a text cell of a workbook never runs: "-Acme" needs no apostrophe there
    assert (values["name"], values["number_of_employees"], values["custom.seats"]) == ("-Acme", 12, 40)
    assert isinstance(values["id"], str)  # 19 digits: a spreadsheet would round it as a number
