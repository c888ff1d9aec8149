"""The lead import follows the same rules as a lead created by hand (SQLite and PostgreSQL):
the duplicate rules in force (fuzzy names, per-rule actions, override reasons), within the file
too, and the assignment rules for leads the file gives no owner."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from leadline.domain.errors import NotFoundError
from leadline.domain.imports.job import DuplicatePolicy, ImportOptions, JobStatus
from leadline.services.assignment import rules as assignment
from leadline.services.campaigns import records as campaigns
from leadline.services.context import ServiceContext
from leadline.services.duplicates.rules import set_duplicate_rule
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file
from leadline.services.leads import records as leads
from leadline.services.security.users import add_user
from tests.integration.test_lead_import import all_leads, assert_adds_up, report, run, write_csv


def test_a_similar_person_at_a_similar_company_is_a_duplicate_in_the_database_and_in_the_file(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    leads.create_lead(ctx, admin_id, {"first_name": "Jonathan", "last_name": "Smith", "company": "Acme Corporation"})
    rows = [["FirstName", "LastName", "Company"],
            ["Jonathon", "Smith", "ACME Corporation"],  # the stored lead, by the fuzzy person-at-company rule
            ["Maria", "Garcia", "Globex"],
            ["María", "Garcia", "Globex Inc"],  # row 3 again, in the same block
            ["Mariah", "Garcia", "Globex"],  # row 3 again, in the next block
            ["Peter", "Smith", "Initech"]]  # the same last name elsewhere: a new lead
    job = run(ctx, admin_id, write_csv(tmp_path / "people.csv", rows), block_size=3)
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.skipped) == (2, 3)
    assert sorted(d.lead.company for d in all_leads(ctx, admin_id)) == ["Acme Corporation", "Globex", "Initech"]


def test_a_stored_phone_with_an_extension_is_a_duplicate_of_the_same_number_in_the_file(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    # given stored leads whose numbers carry extensions
    for name, phone in (("Desk", "+1 415 555 0100 ext. 12"), ("Other", "+1 415 555 0199 ext. 7")):
        leads.create_lead(ctx, admin_id, {"last_name": name, "company": f"{name} Ltd", "phone": phone})
    rows = [["LastName", "Company", "Phone"],
            ["Again", "Beta", "+1 415 555 0100"],  # the first stored number, without its extension
            ["New", "Gamma", "+1 415 555 0101"],  # a number next to it
            ["Abroad", "Delta", "+44 20 7946 0100"]]  # the same digits after another country code
    job = run(ctx, admin_id, write_csv(tmp_path / "phones.csv", rows))
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.skipped) == (2, 1)
    assert {d.lead.last_name for d in all_leads(ctx, admin_id)} == {"Desk", "Other", "New", "Abroad"}


def test_a_rule_set_to_allow_lets_its_matches_in_and_one_made_inactive_too(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="allow")
    set_duplicate_rule(ctx, admin_id, "lead", "phone", active=False)
    leads.create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme", "email": "s@acme.example",
                                      "phone": "+14155550100"})
    rows = [["LastName", "Company", "Email", "Phone"], ["Other", "Beta", "s@acme.example", "+1 415 555 0100"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "allowed.csv", rows))
    assert job.counts.imported == 1


def test_a_blocking_rule_fails_a_created_duplicate_unless_the_row_gives_an_override_reason(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, engine: Engine
) -> None:
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="block")
    leads.create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme", "email": "s@acme.example"})
    rows = [["LastName", "Company", "Email", "duplicate_override_reason"],
            ["Again", "Acme", "s@acme.example", ""],
            ["Twice", "Acme", "s@acme.example", "a second office, a second lead"],
            ["New", "Beta", "n@beta.example", ""],
            ["New again", "Beta", "n@beta.example", ""]]  # row 4 again: the file's own rows are checked too
    job = run(ctx, admin_id, write_csv(tmp_path / "blocked.csv", rows), on_duplicate=DuplicatePolicy.CREATE)
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.failed) == (2, 2)
    errors = report(ctx, admin_id, job)
    assert [(line[-3], line[-2]) for line in errors[1:]] == [("2", "duplicate_override_reason"),
                                                             ("5", "duplicate_override_reason")]
    assert "a stored lead (e-mail s@acme.example)" in errors[1][-1]
    assert "an earlier row of the file" in errors[2][-1]
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT count(*) FROM audit_events WHERE changes LIKE '%a second office%'"))
        assert kept.scalar() == 1  # the reason is in the new lead's history, as on a form


def test_a_duplicate_the_importer_may_not_read_is_skipped_or_fails_an_update_without_telling_its_fields(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    leads.create_lead(ctx, admin_id, {"last_name": "Secret", "company": "Hidden Co", "email": "x@hidden.example"})
    rows = [["LastName", "Company", "Email"], ["Mine", "Mine Ltd", "x@hidden.example"]]
    skipped = run(ctx, rep, write_csv(tmp_path / "hidden.csv", rows))
    assert skipped.counts.skipped == 1
    updated = run(ctx, rep, write_csv(tmp_path / "hidden2.csv", rows + [["Two", "T", "t@t.example"]]),
                  on_duplicate=DuplicatePolicy.UPDATE)
    assert (updated.counts.imported, updated.counts.failed) == (1, 1)
    line = report(ctx, rep, updated)[1]
    assert line[-2] == "duplicates" and "you may not see it" in line[-1] and "Secret" not in line[-1]


def test_leads_without_an_owner_column_go_through_the_assignment_rules_and_are_logged(
    ctx: ServiceContext, admin_id: int, tmp_path: Path, engine: Engine
) -> None:
    anna = add_user(ctx, admin_id, name="Anna", email="anna@example.com").id
    ben = add_user(ctx, admin_id, name="Ben", email="ben@example.com").id
    assignment.add_assignment_rule(ctx, admin_id, {"name": "Germany", "criteria": {"country": ["DE"]},
                                                   "user": "anna@example.com"})
    assignment.set_default_owner(ctx, admin_id, "ben@example.com")
    rows = [["LastName", "Company", "Country", "OwnerEmail"],
            ["Berlin", "A GmbH", "DE", ""], ["Paris", "B SA", "FR", ""], ["Named", "C AG", "DE", "ada@example.com"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "owners.csv", rows))
    assert job.status is JobStatus.COMPLETED and job.counts.imported == 3
    owners = {d.lead.last_name: d.lead.owner_id for d in all_leads(ctx, admin_id)}
    assert owners == {"Berlin": anna, "Paris": ben, "Named": admin_id}
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assignment_log")).scalar() == 2


def test_a_dry_run_assigns_nobody_and_logs_nothing(ctx: ServiceContext, admin_id: int, tmp_path: Path,
                                                  engine: Engine) -> None:
    add_user(ctx, admin_id, name="Ben", email="ben@example.com")
    assignment.set_default_owner(ctx, admin_id, "ben@example.com")
    job = run(ctx, admin_id, write_csv(tmp_path / "dry.csv", [["LastName", "Company"], ["A", "B"]]), dry_run=True)
    assert job.counts.imported == 1
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM assignment_log")).scalar() == 0


def _members(ctx: ServiceContext, campaign_id: int) -> dict[int, str]:
    with ctx.reader() as uow:
        return {m.lead_id: m.status.value for m in uow.campaigns.members(campaign_id) if m.lead_id}


def test_every_imported_lead_joins_the_campaign_named_on_the_import_created_or_updated(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    show = campaigns.create_campaign(ctx, admin_id, {"name": "Trade show 2026", "type": "trade_show"}).id
    stored = leads.create_lead(ctx, admin_id, {"last_name": "Known", "company": "Acme", "email": "k@acme.example"}).lead
    rows = [["LastName", "Company", "Email"], ["Badge", "Beta", "b@beta.example"],
            ["Known", "Acme", "k@acme.example"], ["Scan", "Gamma", "s@gamma.example"], ["Bad", "", ""]]
    job = imports.import_leads(ctx, admin_id, inspect_file(write_csv(tmp_path / "badges.csv", rows)),
                               options=ImportOptions(on_duplicate=DuplicatePolicy.UPDATE, block_size=2),
                               campaign="trade show 2026")
    assert (job.counts.imported, job.counts.updated, job.counts.failed) == (2, 1, 1)
    assert job.options.campaign_id == show
    found = {d.lead.last_name: d.lead for d in all_leads(ctx, admin_id)}
    members = _members(ctx, show)
    assert set(members) == {found["Badge"].id, found["Scan"].id, stored.id}
    assert set(members.values()) == {"responded"}
    assert found["Badge"].campaign_id == show and found["Known"].campaign_id is None  # its source stays


def test_a_campaign_named_by_id_is_found_and_an_unknown_one_refuses_the_import(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    show = campaigns.create_campaign(ctx, admin_id, {"name": "Expo", "type": "trade_show"}).id
    path = write_csv(tmp_path / "ids.csv", [["LastName", "Company"], ["A", "B"]])
    job = imports.import_leads(ctx, admin_id, inspect_file(path), campaign=str(show))
    assert list(_members(ctx, show)) == [all_leads(ctx, admin_id)[0].lead.id]
    with pytest.raises(NotFoundError) as refused:
        imports.start_lead_import(ctx, admin_id, inspect_file(path), campaign="No such show")
    assert refused.value.field == "campaign" and job.status is JobStatus.COMPLETED


def test_a_stored_phone_with_an_extension_matches_the_number_without_it(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Desk", "company": "Acme", "phone": "+1 415 555 0100 ext. 9"})
    rows = [["LastName", "Company", "Phone"], ["Other", "Beta", "(415) 555-0100"], ["New", "Gamma", "+14155550199"]]
    job = run(ctx, admin_id, write_csv(tmp_path / "ext.csv", rows))
    assert (job.counts.imported, job.counts.skipped) == (1, 1)


def test_a_block_of_a_thousand_phones_finds_the_one_stored_with_an_extension(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    # a full block of distinct numbers: one range each in one statement (an OR of a thousand ranges
    # was deeper than SQLite lets an expression be, and failed the import)
    leads.create_lead(ctx, admin_id, {"last_name": "Desk", "company": "Acme", "phone": "+1 415 200 0500 ext. 3"})
    rows = [["LastName", "Company", "Phone"]]
    rows += [[f"Caller{i}", f"Firm {i}", f"+1 415 200 {i:04d}"] for i in range(1000)]
    job = run(ctx, admin_id, write_csv(tmp_path / "thousand.csv", rows), block_size=1000)
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.skipped, job.counts.failed) == (999, 1, 0)


def test_an_import_has_its_table_counted_for_the_planner_as_it_grows(
    ctx: ServiceContext, admin_id: int, engine: Engine, tmp_path: Path
) -> None:
    # PostgreSQL planned the look-ups of a table never analysed as if it held a few rows and read a
    # growing import's table once a block; SQLite plans by its indexes and gets no statistics
    rows = [["LastName", "Company", "Email"]]
    rows += [[f"Grower{i}", f"Grow {i}", f"grower{i}@example.com"] for i in range(1500)]
    job = run(ctx, admin_id, write_csv(tmp_path / "grow.csv", rows), block_size=1000)
    assert job.counts.imported == 1500
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            counted = connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'leads'")).scalar()
            assert counted is not None and counted >= 1000  # analysed after the first thousand
        else:
            statistics = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
            assert connection.execute(text(statistics)).scalar() == 0
