"""Importing accounts, contacts and opportunities (SQLite and PostgreSQL): the same job, resume
and error-report machinery as leads, each row by its kind's create rules, Salesforce's headers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.imports.job import DuplicatePolicy, ImportJob, ImportOptions, JobStatus
from leadline.domain.queries import Page, RecordQuery
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs
from leadline.services.imports.files import inspect_file
from tests.integration.test_lead_import import assert_adds_up, report, write_csv
from tests.unit.builders import raises_error


def run(ctx: ServiceContext, actor: int, kind: str, path: Path, **options: object) -> ImportJob:
    mapping = options.pop("mapping", None)
    return jobs.import_records(ctx, actor, kind, inspect_file(path), mapping_name=mapping,  # type: ignore[arg-type]
                               options=ImportOptions(**options))  # type: ignore[arg-type]


def stored(ctx: ServiceContext, actor: int, kind: str) -> list:  # type: ignore[type-arg]
    return records.list_records(ctx, actor, kind, RecordQuery(), Page(limit=500, sort="created_at"))


SF_ACCOUNTS = [["Name", "Website", "Industry", "NumberOfEmployees", "BillingCity", "BillingCountry", "Tier"],
               ["Acme Corporation", "https://www.acme.example", "Rail", "250", "Leeds", "GB", "Gold"],
               ["Globex", "globex.example", "", "lots", "", "", ""],
               ["", "nameless.example", "", "", "", "", ""],
               ["ACME Corp.", "acme.example", "", "", "", "", ""],  # row 2 again: same domain, similar name
               ["Initech", "initech.example", "Software", "", "Austin", "US", "Silver"]]


def test_salesforce_accounts_import_by_the_create_account_rules_with_custom_fields_and_duplicates(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    add_custom_field(ctx, admin_id, "account", "tier", "Tier", "text")
    job = run(ctx, admin_id, "account", write_csv(tmp_path / "accounts.csv", SF_ACCOUNTS), block_size=2)
    assert job.status is JobStatus.COMPLETED and job.record_type == "account"
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.skipped, job.counts.failed) == (2, 1, 2)
    assert [(line[-3], line[-2]) for line in report(ctx, admin_id, job)[1:]] == [("3", "number_of_employees"),
                                                                                 ("4", "name")]
    accounts = {a.name: a for a in stored(ctx, admin_id, "account")}
    assert sorted(accounts) == ["Acme Corporation", "Initech"]
    acme = accounts["Acme Corporation"]
    assert (acme.domain, acme.number_of_employees, acme.billing_city, acme.custom["tier"]) == (
        "acme.example", 250, "Leeds", "Gold")


def test_contacts_link_to_their_account_by_name_or_id_and_fail_on_an_unknown_or_ambiguous_one(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    acme = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    records.create_account(ctx, admin_id, {"name": "Twin"})
    records.create_account(ctx, admin_id, {"name": "twin", "website": "twin2.example"})
    rows = [["FirstName", "LastName", "Email", "Phone", "Account.Name", "Title"],
            ["Ann", "Archer", "ann@acme.example", "+44 20 7946 0000", "acme", "CTO"],
            ["Bob", "Baker", "bob@acme.example", "", str(acme), ""],
            ["Cy", "Cole", "", "", "Nowhere Ltd", ""],
            ["Di", "Dent", "", "", "Twin", ""],
            ["Ann", "Archer", "ANN@acme.example", "", "Acme", "CEO"],  # row 2 again: updated
            ["Eve", "Eden", "", "", "", ""]]
    job = run(ctx, admin_id, "contact", write_csv(tmp_path / "contacts.csv", rows),
              on_duplicate=DuplicatePolicy.UPDATE)
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.updated, job.counts.failed) == (2, 1, 3)
    errors = report(ctx, admin_id, job)[1:]
    assert [(line[-3], line[-2]) for line in errors] == [("4", "account"), ("5", "account"), ("7", "account")]
    assert errors[2][-1] == "is required: the account's name or id"
    assert "there is no account named 'Nowhere Ltd'" in errors[0][-1] and "2 accounts" in errors[1][-1]
    contacts = {c.first_name: c for c in stored(ctx, admin_id, "contact")}
    assert {c.account_id for c in contacts.values()} == {acme}
    assert contacts["Ann"].title == "CEO" and contacts["Ann"].phone == "+442079460000"


def test_opportunities_import_with_stage_amount_close_date_and_currency_and_a_bad_row_of_each_kind(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    records.create_account(ctx, admin_id, {"name": "Acme"})
    rows = [["Name", "Account Name", "StageName", "Amount", "CloseDate", "CurrencyIsoCode"],
            ["Rail deal", "Acme", "Proposal/Quote", "12500.50", "31/03/2027", "EUR"],
            ["Plain", "Acme", "", "", "", ""],
            ["Bad stage", "Acme", "Dreaming", "", "", ""],
            ["Bad amount", "Acme", "", "a lot", "", ""],
            ["Bad currency", "Acme", "", "10", "", "XXY"],
            ["Bad date", "Acme", "", "", "someday", ""],
            ["No account", "", "", "", "", ""],
            ["Lost", "Acme", "Closed Lost", "", "", ""]]
    job = run(ctx, admin_id, "opportunity", write_csv(tmp_path / "opps.csv", rows), date_format="%d/%m/%Y")
    assert_adds_up(job)
    assert (job.counts.imported, job.counts.failed) == (2, 6)
    errors = report(ctx, admin_id, job)[1:]
    # the report names the file's columns (account, loss_reason), not the record's ids
    assert [line[-2] for line in errors] == ["stage", "amount", "currency", "close_date", "account", "loss_reason"]
    assert errors[4][-1] == "is required: the account's name or id"
    assert errors[3][-1] == "'someday' is not a date (YYYY-MM-DD or %d/%m/%Y)"  # the file's format named too
    deal = {o.name: o for o in stored(ctx, admin_id, "opportunity")}["Rail deal"]
    assert (deal.amount, deal.currency, deal.close_date.isoformat(), deal.probability) == (
        Decimal("12500.50"), "EUR", "2027-03-31", 50)


def test_an_account_import_stopped_between_blocks_resumes_and_writes_each_row_once(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    rows = [["Name", "Website"], *([f"Company {i}", f"c{i}.example"] for i in range(12))]
    path = write_csv(tmp_path / "many.csv", rows)
    source = inspect_file(path)
    job = jobs.start_import(ctx, admin_id, "accounts", source, options=ImportOptions(block_size=5))

    def stop_after_one_block(progress: ImportJob) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        jobs.run_import(ctx, job.id, source, progress=stop_after_one_block)
    again = run(ctx, admin_id, "account", path)
    assert again.id == job.id and (again.counts.read, again.counts.imported) == (12, 12)
    assert sorted(a.name for a in stored(ctx, admin_id, "account")) == sorted(f"Company {i}" for i in range(12))


def test_a_dry_run_of_contacts_writes_nothing_and_a_campaign_is_for_leads_only(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    records.create_account(ctx, admin_id, {"name": "Acme"})
    path = write_csv(tmp_path / "dry.csv", [["LastName", "AccountName"], ["A", "Acme"], ["B", "Nope"]])
    job = run(ctx, admin_id, "contact", path, dry_run=True)
    assert (job.counts.imported, job.counts.failed) == (1, 1) and stored(ctx, admin_id, "contact") == []
    with pytest.raises(Exception, match="only leads"):
        jobs.start_import(ctx, admin_id, "contact", inspect_file(path), campaign="Expo")


@pytest.mark.parametrize("kind", ["contact", "opportunity"])
def test_a_contact_or_opportunity_created_without_an_account_is_refused_as_an_import_row_is(
        ctx: ServiceContext, admin_id: int, kind: str) -> None:
    create = records.create_contact if kind == "contact" else records.create_opportunity
    for missing in ({}, {"account_id": None}, {"account_id": " "}):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="account_id") as caught:
            create(ctx, admin_id, {"name": "Deal", "last_name": "Lee", **missing})
        assert caught.value.message == "is required: the account's name or id"  # the import's words
