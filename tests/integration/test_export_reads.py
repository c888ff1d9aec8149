"""The read made for export (one streamed statement, docs/adr/0050), on SQLite and PostgreSQL:
it writes, row by row, what the plain path (the lists' pages, ``domain.exports.cell`` on each
value) writes, and a rep's export holds exactly the records the rep may read."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import NotFoundError
from leadline.domain.exports import cell
from leadline.domain.queries import MAX_PAGE_SIZE, LeadQuery, Page, RecordQuery
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.configuration.statuses import add_source
from leadline.services.context import ServiceContext
from leadline.services.exports import LEAD_COLUMNS, csv_chunks, export_table, exported_fields
from leadline.services.leads import records as leads
from leadline.services.security import users
from leadline.services.security.access import load_viewer
from leadline.services.security.sharing import set_sharing


def exported(ctx: ServiceContext, actor: int, kind: str, query: LeadQuery | RecordQuery) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(csv_chunks(export_table(ctx, actor, kind, query), 3)))))


def plain_leads(ctx: ServiceContext, actor: int, query: LeadQuery) -> list[list[str]]:
    """What the plain path gives: the list's pages, every value through ``cell``."""
    config = _config(ctx)
    names = [d.name for d in config.custom_fields_of(RecordType.LEAD)]
    out = [[*LEAD_COLUMNS, *(f"custom.{n}" for n in names)]]
    users_by_id = config.users
    for details in leads.list_leads(ctx, actor, query, Page(limit=MAX_PAGE_SIZE, sort="id", descending=False)):
        refs = {"status": details.status.label, "source": details.source.label if details.source else None,
                "owner": users_by_id[details.lead.owner_id].email if details.lead.owner_id else None,
                "unqualified_reason": config.reason_label(details.lead.unqualified_reason_id)}
        values = [refs[n] if n in refs else getattr(details.lead, n) for n in LEAD_COLUMNS]
        out.append([cell(v) for v in [*values, *(details.custom.get(n) for n in names)]])
    return out


def plain_records(ctx: ServiceContext, actor: int, kind: str) -> list[list[str]]:
    config = _config(ctx)
    custom = [d.name for d in config.custom_fields_of(RecordType(kind))]
    names = exported_fields(RecordType(kind))[:-1]  # the owner is last, by e-mail
    out = [[*names, "owner", *(f"custom.{n}" for n in custom)]]
    page = Page(limit=MAX_PAGE_SIZE, sort="id", descending=False)
    viewer = _viewer(ctx, actor)
    accounts = {a.id: a for a in records.list_records(ctx, admin_of(ctx), "account", RecordQuery(), page)}
    labels = {"lead_source": lambda r: config.source_by_id[r.lead_source_id].label if r.lead_source_id else None,
              "stage": lambda r: next(s.label for s in config.stages if s.id == r.stage_id),
              "process": lambda r: next(p.name for p in config.processes if p.id == r.process_id),
              "loss_reason": lambda r: config.reason_label(r.loss_reason_id),
              "loss_comment": lambda r: r.loss_reason,
              "account": lambda r: accounts[r.account_id].name if viewer.can_read(
                  RecordType.ACCOUNT, accounts[r.account_id].owner_id) else None}
    for record in records.list_records(ctx, actor, kind, RecordQuery(), page):
        owner = config.users[record.owner_id].email if record.owner_id else None
        values = [*(labels[n](record) if n in labels else getattr(record, n) for n in names), owner,
                  *((record.custom or {}).get(n) for n in custom)]
        out.append([cell(v) for v in values])
    return out


def _viewer(ctx: ServiceContext, actor: int) -> Any:
    with ctx.reader() as uow:
        return load_viewer(uow, actor, ctx)


def admin_of(ctx: ServiceContext) -> int:
    return next(u.id for u in _config(ctx).users.values() if u.is_admin())


def _config(ctx: ServiceContext) -> Any:
    with ctx.reader() as uow:
        return ctx.fresh_config(uow)


@pytest.fixture
def seeded(ctx: ServiceContext, admin_id: int) -> dict[str, Any]:
    """Leads, accounts, contacts and opportunities of every kind of value, two reps' and the admin's."""
    set_sharing(ctx, admin_id, "lead", "private")
    for kind in ("account", "contact", "opportunity"):
        set_sharing(ctx, admin_id, kind, "private")
    for kind, name, field_type in (("lead", "tier", "text"), ("lead", "seats", "number"),
                                   ("lead", "met_on", "date"), ("lead", "vip", "boolean"),
                                   ("account", "segment", "text"), ("opportunity", "risk", "number")):
        add_custom_field(ctx, admin_id, kind, name, name.title(), field_type)
    add_source(ctx, admin_id, "=Trade show")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    other = users.add_user(ctx, admin_id, name="Other", email="other@example.com").id
    made: dict[str, Any] = {"rep": rep, "other": other, "leads": {}}
    for owner, label in ((admin_id, "admin"), (rep, "rep"), (other, "other")):
        lead = leads.create_lead(ctx, owner, {
            "first_name": "=1+1", "last_name": f"{label} lead", "company": "@Acme", "email": f"{label}@acme.example",
            "annual_revenue": "1500.50", "budget_amount": "20.10", "rating": "hot", "source": "Customer referral",
            "purchase_timeframe": "2027-03-01", "is_decision_maker": "true", "description": "line\none, \"quoted\""},
            custom={"tier": "+gold", "seats": "12.5", "met_on": "2026-11-30", "vip": "true"})
        leads.create_lead(ctx, owner, {"last_name": f"{label} bare", "company": "Plain", "source": "=Trade show"})
        made["leads"][label] = lead.lead.id
        account = records.create_account(ctx, owner, {"name": f"-{label} account", "website": "acme.example",
                                                      "number_of_employees": 12, "custom": {"segment": "=SMB"}})
        records.create_contact(ctx, owner, {"last_name": f"{label} contact", "account_id": account.id,
                                            "email": f"c.{label}@acme.example"})
        records.create_opportunity(ctx, owner, {"name": f"{label} deal", "account_id": account.id,
                                                "amount": "1000.25", "close_date": "2027-01-31",
                                                "custom": {"risk": "-3"}})
    return made


def test_the_streamed_lead_export_writes_what_the_plain_path_writes(
        ctx: ServiceContext, admin_id: int, seeded: dict[str, Any]) -> None:
    for actor in (admin_id, seeded["rep"]):
        for query in (LeadQuery(), LeadQuery(search="acme"), LeadQuery(owner_ids=(seeded["other"],))):
            assert exported(ctx, actor, "lead", query) == plain_leads(ctx, actor, query)
    assert len(exported(ctx, admin_id, "lead", LeadQuery())) == 1 + 6


@pytest.mark.parametrize("kind", ["account", "contact", "opportunity"])
def test_the_streamed_record_export_writes_what_the_plain_path_writes(
        ctx: ServiceContext, admin_id: int, seeded: dict[str, Any], kind: str) -> None:
    for actor in (admin_id, seeded["rep"]):
        assert exported(ctx, actor, kind, RecordQuery()) == plain_records(ctx, actor, kind)


def test_a_reps_export_holds_only_what_the_rep_may_read(
        ctx: ServiceContext, admin_id: int, seeded: dict[str, Any]) -> None:
    rep = seeded["rep"]
    everything = exported(ctx, admin_id, "lead", LeadQuery())
    readable = []
    for row in everything[1:]:
        try:
            leads.get_lead(ctx, rep, int(row[0]))
            readable.append(row)
        except NotFoundError:
            pass

    mine = exported(ctx, rep, "lead", LeadQuery())

    assert mine[1:] == readable and {r[LEAD_COLUMNS.index("owner")] for r in mine[1:]} == {"rep@example.com"}
    assert len(mine) == 1 + 2 and len(everything) == 1 + 6
    for kind in ("account", "contact", "opportunity"):
        header, *rows = exported(ctx, rep, kind, RecordQuery())
        owners = {r[header.index("owner")] for r in rows}
        assert owners == {"rep@example.com"}, kind


def test_a_reference_label_a_spreadsheet_would_run_is_neutralised(
        ctx: ServiceContext, admin_id: int, seeded: dict[str, Any]) -> None:
    rows = exported(ctx, admin_id, "lead", LeadQuery(owner_ids=(seeded["other"],)))
    assert [r[LEAD_COLUMNS.index("source")] for r in rows[1:]] == ["Customer referral", "'=Trade show"]


def test_whole_zero_and_negative_amounts_and_times_with_microseconds_are_written_as_the_plain_path_writes(
        ctx: ServiceContext, admin_id: int, clock: Any) -> None:
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "opportunity", "risk", "Risk", "number")
    clock.now = datetime(2026, 3, 2, 9, 30, 0, 120_000, tzinfo=UTC)  # written .120000, as isoformat does
    leads.create_lead(ctx, admin_id, {"last_name": "Whole", "company": "Acme", "annual_revenue": "100",
                                      "budget_amount": "0", "purchase_timeframe": "2027-01-09"},
                      custom={"seats": "-0.5"})
    clock.now = datetime(2026, 3, 2, 9, 30, 1, tzinfo=UTC)  # a time on the second: no fraction at all
    leads.create_lead(ctx, admin_id, {"last_name": "Big", "company": "Acme", "annual_revenue": "2000000.0001"},
                      custom={"seats": "1000"})
    account = records.create_account(ctx, admin_id, {"name": "Acme"})
    records.create_opportunity(ctx, admin_id, {"name": "Deal", "account_id": account.id, "amount": "2000000",
                                               "close_date": "2027-02-28", "custom": {"risk": "-12.30"}})

    lead_rows = exported(ctx, admin_id, "lead", LeadQuery())
    opportunity_rows = exported(ctx, admin_id, "opportunity", RecordQuery())

    assert lead_rows == plain_leads(ctx, admin_id, LeadQuery())
    assert opportunity_rows == plain_records(ctx, admin_id, "opportunity")
    header = lead_rows[0]
    written = [{n: row[header.index(n)] for n in ("annual_revenue", "budget_amount", "custom.seats", "created_at")}
               for row in lead_rows[1:]]
    assert [w["annual_revenue"] for w in written] == ["100", "2000000.0001"]
    assert [w["budget_amount"] for w in written] == ["0", ""]
    assert [w["custom.seats"] for w in written] == ["-0.5", "1000"]
    assert [w["created_at"] for w in written] == ["2026-03-02T09:30:00.120000+00:00", "2026-03-02T09:30:01+00:00"]
    assert opportunity_rows[1][opportunity_rows[0].index("amount")] == "2000000"
    assert opportunity_rows[1][opportunity_rows[0].index("custom.risk")] == "-12.3"


def test_a_contact_s_account_the_reader_may_not_read_is_exported_without_its_name(
        ctx: ServiceContext, admin_id: int) -> None:
    set_sharing(ctx, admin_id, "account", "private")
    set_sharing(ctx, admin_id, "contact", "private")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    account = records.create_account(ctx, admin_id, {"name": "Secret Holdings"})
    records.create_contact(ctx, admin_id, {"last_name": "Visible", "account_id": account.id,
                                           "owner": "rep@example.com"})
    header, row = exported(ctx, rep, "contact", RecordQuery())
    assert row[header.index("account")] == "" and "Secret Holdings" not in row
    header, row = exported(ctx, admin_id, "contact", RecordQuery())
    assert row[header.index("account")] == "Secret Holdings"
