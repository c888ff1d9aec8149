"""Which record each skipped or updated row of an import matched (and its download, the API's and
the web page's), and what an update by a weak match may write (ADR 0073), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from leadline.domain.errors import NotFoundError
from leadline.domain.imports.job import DuplicatePolicy
from leadline.services.context import ServiceContext
from leadline.services.imports.matches import import_matches
from leadline.services.imports.reports import match_report
from leadline.services.leads import records as leads
from tests.integration.test_lead_import import all_leads, assert_adds_up, run, write_csv
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
