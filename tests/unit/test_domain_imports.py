"""Import rules on the domain alone: column mappings as data, and the job's counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.imports.job import ImportCounts, ImportJob, ImportOptions, JobStatus, parse_policy
from leadline.domain.imports.mapping import ColumnPlan, ensure_mapping, header_key, plan_columns
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
