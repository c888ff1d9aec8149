"""Import rules on the domain alone: column mappings as data, and the job's counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.errors import ValidationError
from leadline.domain.exports import restored
from leadline.domain.imports.duplicates import CandidatePool
from leadline.domain.imports.job import ImportCounts, ImportJob, ImportOptions, JobStatus, parse_policy
from leadline.domain.imports.mapping import (
    ColumnPlan,
    chosen_columns,
    ensure_mapping,
    header_key,
    import_kind,
    plan_columns,
)
from tests.unit.builders import raises_error

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_headers_are_matched_by_their_letters_and_digits_whatever_the_case_and_spacing() -> None:
    assert header_key("First Name") == header_key("first_name") == header_key("FIRSTNAME") == "firstname"


@pytest.mark.parametrize(("headers", "fields"), [
    (["FirstName", "LastName", "Company", "Email", "LeadSource", "NumberOfEmployees", "OwnerEmail"],
     ["first_name", "last_name", "company", "email", "source", "number_of_employees", "owner"]),
    (["First Name", "Last Name", "Company Name", "Phone Number", "Job Title", "State/Region"],
     ["first_name", "last_name", "company", "phone", "title", "state"]),
    (["Person - First name", "Person - Last name", "Organization - Name", "Person - Email"],
     ["first_name", "last_name", "company", "email"]),
])
def test_salesforce_hubspot_and_pipedrive_exports_map_out_of_the_box(headers: list[str], fields: list[str]) -> None:
    assert list(plan_columns(headers).fields.values()) == fields


def test_a_saved_mapping_comes_first_and_unknown_columns_go_to_custom_fields_or_are_ignored() -> None:
    plan = plan_columns(["Badge", "Firm", "Shoe size", "Colour", "_row", "_error"],
                        saved={"Badge": "last_name", "Firm": "company"}, custom_fields=["shoe_size"])
    assert (plan.fields, plan.custom, plan.ignored) == ({0: "last_name", 1: "company"}, {2: "shoe_size"},
                                                        ("Colour",))
    assert ColumnPlan.of(plan.headers, plan.columns(), plan.ignored) == plan  # what a resumed job rebuilds


@pytest.mark.parametrize(("headers", "field"), [(["Email", "E-mail", "Company"], "mapping"),
                                                (["Email", "Phone"], "mapping"), (["", ""], "file")])
def test_a_file_nothing_can_be_imported_from_is_refused_before_any_row(headers: list[str], field: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        plan_columns(headers)


def test_a_saved_mapping_names_only_fields_an_import_may_set() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="columns"):
        ensure_mapping({"Badge": "converted_at"})


def test_a_block_moves_the_job_on_only_with_counts_that_add_up() -> None:
    job = ImportJob(1, "lead", "f.csv", "abc", ("LastName",), None, {}, (), ImportOptions(), 7, NOW, NOW)
    job.record_block(5, ImportCounts(4, 2, 0, 1, 1), NOW)  # a blank row is read by nobody
    assert (job.rows_done, job.counts) == (5, ImportCounts(4, 2, 0, 1, 1))
    with pytest.raises(ValueError):
        job.record_block(5, ImportCounts(5, 1, 0, 0, 0), NOW)
    assert job.can_resume("abc", 7) and not job.can_resume("abc", 8) and not job.can_resume("other", 7)
    job.complete(NOW)
    assert job.status is JobStatus.COMPLETED and not job.can_resume("abc", 7)


def test_the_duplicate_policy_and_options_refuse_what_they_do_not_know() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="on_duplicate"):
        parse_policy("merge")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="block_size"):
        ImportOptions(block_size=0)


def test_each_kind_reads_salesforce_s_headers_of_its_object() -> None:
    assert list(plan_columns(["Name", "BillingCity", "Website"], kind="account").fields.values()) == [
        "name", "billing_city", "website"]
    assert list(plan_columns(["LastName", "Account.Name"], kind="contact").fields.values()) == ["last_name", "account"]
    assert list(plan_columns(["Name", "AccountId", "StageName", "CloseDate", "CurrencyIsoCode"],
                             kind="opportunity").fields.values()) == [
        "name", "account", "stage", "close_date", "currency"]
    with pytest.raises(ValidationError, match="no column maps to the name"):
        plan_columns(["Website"], kind="account")
    assert import_kind("opportunities").name == "opportunity" and import_kind("Contacts").name == "contact"


def test_columns_a_person_chose_are_checked_like_a_mapping() -> None:
    plan = chosen_columns(["Badge", "Firm", "Tier"], {"Badge": "last_name", "Firm": "", "Tier": "custom.tier"},
                          ["tier"])
    assert (plan.fields, plan.custom, plan.ignored) == ({0: "last_name"}, {2: "tier"}, ("Firm",))
    with pytest.raises(ValidationError, match="two columns map to last_name"):
        chosen_columns(["A", "B"], {"A": "last_name", "B": "last_name"}, [])
    with pytest.raises(ValidationError, match="'converted_at' is not a lead field"):
        chosen_columns(["A"], {"A": "converted_at"}, [])


def test_an_exported_cell_and_custom_header_read_back_as_they_were() -> None:
    plan = plan_columns(["last_name", "company", "custom.tier"], custom_fields=["tier"])
    values, custom = plan.row_values(["'=cmd", "'@Acme", "'+gold"])
    assert (values, custom) == ({"last_name": "=cmd", "company": "@Acme"}, {"tier": "+gold"})
    assert restored("'plain") == "'plain"


def test_the_pool_finds_candidates_sharing_a_blocking_value_once_each() -> None:
    pool = CandidatePool()
    ann = Candidate(RecordType.LEAD, 1, email="ann@acme.example", last_name="Archer")
    pool.add_all([ann, Candidate(RecordType.LEAD, 2, phone="+14155550100")])
    assert pool.near(Candidate(RecordType.LEAD, 9, email="ann@acme.example", last_name="ARCHER")) == [ann]
    assert pool.near(Candidate(RecordType.LEAD, 9, email="bob@acme.example")) == []


def test_a_file_declaring_a_date_format_still_takes_iso_dates_only_written_yyyy_mm_dd() -> None:
    # given a file whose dates are day/month/year, with an ISO date and an ISO basic one
    plan = plan_columns(["last_name", "company", "purchase_timeframe", "custom.renewal"], custom_fields=["renewal"])

    def read(day: str, declared: str = "%d/%m/%Y") -> tuple[dict[str, str], dict[str, str]]:
        return plan.row_values(["Lovelace", "Engines", day, day], date_format=declared,
                               date_fields=frozenset({"renewal"}))

    # then ISO and the declared format read; the basic form is refused naming the field and both forms
    assert read("31/01/2027") == read("2027-01-31") == ({"last_name": "Lovelace", "company": "Engines",
                                                         "purchase_timeframe": "2027-01-31"}, {"renewal": "2027-01-31"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="purchase_timeframe") as refused:
        read("20270131")
    assert "YYYY-MM-DD or %d/%m/%Y" in str(refused.value)
    # unless that is the format the file declares
    assert read("20270131", "%Y%m%d")[0]["purchase_timeframe"] == "2027-01-31"
