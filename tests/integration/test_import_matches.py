"""Which record each skipped or updated row of an import matched (and its download, the API's and
the web page's), and what an update by a weak match may write (ADR 0073), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from leadline.domain.errors import NotFoundError
from leadline.domain.imports.job import DuplicatePolicy
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.imports.matches import import_matches
from leadline.services.imports.reports import match_report
from leadline.services.leads import records as leads
from tests.integration.test_lead_import import all_leads, assert_adds_up, run, write_csv
from tests.integration.test_record_import import run as run_records
from tests.integration.test_record_import import stored as stored_records
from tests.unit.builders import raises_error

HEADER = ["FirstName", "LastName", "Company", "Email", "Phone", "Title"]


def test_an_update_by_phone_fills_empty_fields_only_and_by_e_mail_replaces_and_each_match_is_listed(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    stored = leads.create_lead(ctx, admin_id, {"first_name": "Xia", "last_name": "Xu", "company": "Xu Co",
                                               "email": "xia@xu.example", "phone": "+14155550100"}).lead
    rows = [HEADER,
            ["New", "Person", "Other Co", "", "(415) 555-0100", "VP"],    # another person at the switchboard
            ["Xia", "Xu-Lin", "Xu Holdings", "XIA@xu.example", "", "CEO"],  # the same person, by e-mail
            ["Ann", "Able", "Able Inc", "ann@able.example", "", ""]]
    job = run(ctx, admin_id, write_csv(tmp_path / "u.csv", rows), on_duplicate=DuplicatePolicy.UPDATE)
    assert (job.counts.imported, job.counts.updated) == (1, 2)
    assert_adds_up(job)
    lead = next(d.lead for d in all_leads(ctx, admin_id) if d.lead.id == stored.id)
    # the phone match filled the empty title and left the name and company; the e-mail match replaced them
    assert (lead.first_name, lead.last_name, lead.company, lead.title) == ("Xia", "Xu-Lin", "Xu Holdings", "CEO")

    lines = list(import_matches(ctx, admin_id, job.id))
    assert lines[0] == ["row", "outcome", "record_id", "matched", "rules", "score"]
    assert [line[:4] for line in lines[1:]] == [["2", "updated", str(stored.id), "stored"],
                                                ["3", "updated", str(stored.id), "this import"]]  # as row 2 left it
    assert lines[1][4] == "lead:phone" and "lead:email" in lines[2][4].split(", ")
    assert all(int(line[5]) > 0 for line in lines[1:])


def test_a_phone_match_alone_leaves_a_stored_lead_s_name_and_company(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    stored = leads.create_lead(ctx, admin_id, {"first_name": "Xia", "last_name": "Xu", "company": "Xu Co",
                                               "phone": "+14155550100"}).lead
    rows = [HEADER, ["New", "Person", "Other Co", "new@other.example", "(415) 555-0100", "VP"]]
    run(ctx, admin_id, write_csv(tmp_path / "u.csv", rows), on_duplicate=DuplicatePolicy.UPDATE)
    lead = leads.get_lead(ctx, admin_id, stored.id).lead
    assert (lead.first_name, lead.last_name, lead.company) == ("Xia", "Xu", "Xu Co")
    assert (lead.email, lead.title) == ("new@other.example", "VP")  # its empty fields filled


def test_skipped_rows_are_listed_with_the_record_or_the_earlier_row_they_matched(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    stored = leads.create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme",
                                               "email": "s@acme.example"}).lead
    rows = [HEADER, ["", "Again", "Acme", "s@acme.example", "", ""],
            ["", "First", "Beta", "f@beta.example", "", ""],
            ["", "Twice", "Beta", "F@beta.example", "", ""]]
    job = run(ctx, admin_id, write_csv(tmp_path / "s.csv", rows))
    assert (job.counts.imported, job.counts.skipped) == (1, 2)
    first = next(d.lead for d in all_leads(ctx, admin_id) if d.lead.last_name == "First")
    assert [line[:5] for line in import_matches(ctx, admin_id, job.id, page=1)][1:] == [
        ["2", "skipped", str(stored.id), "stored", "lead:email"],
        ["4", "skipped", str(first.id), "this import", "lead:email"]]


def _custom_fields(ctx: ServiceContext, admin_id: int, kind: str) -> None:
    add_custom_field(ctx, admin_id, kind, "tier", "Tier", "text")
    add_custom_field(ctx, admin_id, kind, "region", "Region", "text")


def test_a_weak_lead_match_keeps_stored_custom_values_and_fills_empty_ones_and_an_e_mail_match_replaces(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    _custom_fields(ctx, admin_id, "lead")
    stored = leads.create_lead(ctx, admin_id, {"last_name": "Xu", "company": "Xu Co", "email": "xia@xu.example",
                                               "phone": "+14155550100"}, custom={"tier": "Gold"}).lead
    by_phone = [["LastName", "Company", "Phone", "Tier", "Region"], ["Xu", "Xu Co", "(415) 555-0100", "Tin", "North"]]
    run(ctx, admin_id, write_csv(tmp_path / "p.csv", by_phone), on_duplicate=DuplicatePolicy.UPDATE)
    assert leads.get_lead(ctx, admin_id, stored.id).custom == {"tier": "Gold", "region": "North"}
    by_email = [["LastName", "Company", "Email", "Tier", "Region"], ["Xu", "Xu Co", "xia@xu.example", "Tin", "South"]]
    run(ctx, admin_id, write_csv(tmp_path / "e.csv", by_email), on_duplicate=DuplicatePolicy.UPDATE)
    assert leads.get_lead(ctx, admin_id, stored.id).custom == {"tier": "Tin", "region": "South"}


def test_an_account_update_by_domain_and_name_keeps_its_custom_values_and_fills_empty_ones(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    _custom_fields(ctx, admin_id, "account")
    acme = records.create_account(ctx, admin_id, {"name": "Acme Corporation", "website": "acme.example",
                                                  "custom": {"tier": "Gold"}})
    rows = [["Name", "Website", "Industry", "Tier", "Region"],
            ["ACME Corp.", "www.acme.example", "Rail", "Tin", "North"]]
    job = run_records(ctx, admin_id, "account", write_csv(tmp_path / "a.csv", rows),
                      on_duplicate=DuplicatePolicy.UPDATE)
    assert job.counts.updated == 1
    account = records.get_record(ctx, admin_id, "account", acme.id)
    assert (account.name, account.industry) == ("Acme Corporation", "Rail")
    assert account.custom == {"tier": "Gold", "region": "North"}  # the domain match is weak: nothing replaced


def test_a_contact_update_by_phone_keeps_its_custom_values_and_one_by_e_mail_replaces_them(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    _custom_fields(ctx, admin_id, "contact")
    account = records.create_account(ctx, admin_id, {"name": "Acme"})
    ann = records.create_contact(ctx, admin_id, {"first_name": "Ann", "last_name": "Archer", "account_id": account.id,
                                                 "email": "ann@acme.example", "phone": "+442079460000",
                                                 "custom": {"tier": "Gold"}})
    header = ["FirstName", "LastName", "Email", "Phone", "Account.Name", "Tier", "Region"]
    by_phone = [header, ["Bo", "Other", "", "+44 20 7946 0000", "Acme", "Tin", "North"]]
    job = run_records(ctx, admin_id, "contact", write_csv(tmp_path / "p.csv", by_phone),
                      on_duplicate=DuplicatePolicy.UPDATE)
    assert job.counts.updated == 1
    contact = records.get_record(ctx, admin_id, "contact", ann.id)
    assert (contact.first_name, contact.custom) == ("Ann", {"tier": "Gold", "region": "North"})
    by_email = [header, ["Ann", "Archer", "ANN@acme.example", "", "Acme", "Tin", "South"]]
    run_records(ctx, admin_id, "contact", write_csv(tmp_path / "e.csv", by_email), on_duplicate=DuplicatePolicy.UPDATE)
    assert records.get_record(ctx, admin_id, "contact", ann.id).custom == {"tier": "Tin", "region": "South"}


def test_opportunities_have_no_duplicate_rules_so_an_update_import_creates_each_row(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    _custom_fields(ctx, admin_id, "opportunity")
    account = records.create_account(ctx, admin_id, {"name": "Acme"})
    rows = [["Name", "Account", "CloseDate", "Tier"], ["Deal", str(account.id), "2027-01-31", "Gold"],
            ["Deal", str(account.id), "2027-01-31", "Tin"]]
    job = run_records(ctx, admin_id, "opportunity", write_csv(tmp_path / "o.csv", rows),
                      on_duplicate=DuplicatePolicy.UPDATE)
    assert (job.counts.imported, job.counts.updated) == (2, 0)
    assert sorted(o.custom["tier"] for o in stored_records(ctx, admin_id, "opportunity")) == ["Gold", "Tin"]


def test_the_matches_download_is_the_listed_lines_as_csv_and_refuses_an_unknown_import_before_a_byte(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme", "email": "s@acme.example"})
    job = run(ctx, admin_id, write_csv(tmp_path / "d.csv", [HEADER, ["", "Again", "Acme", "s@acme.example", "", ""]]))

    shape, chunks = match_report(ctx, admin_id, job.id)

    assert shape.download_headers(job.id) == {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition":
                                              f'attachment; filename="import-{job.id}-matches.csv"'}
    assert list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8")))) == list(
        import_matches(ctx, admin_id, job.id))
    with raises_error(NotFoundError, code="NOT_FOUND", field="import"):
        match_report(ctx, admin_id, job.id + 1)  # not a generator: it raises at the call, not at the first byte
