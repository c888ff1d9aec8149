"""Saved import mappings (SQLite and PostgreSQL): a value mapping gone stale blocks no other edit
of its mapping and is reported on import; saving needs the create right of the mapping's kind
(and of the kind it replaces); a mapping is of one kind, never read by another's import or
listed as another's built-in; the page's values merge with the saved mapping's; HubSpot's
lifecycle words are read in a ``Lifecycle Stage`` column only."""

from __future__ import annotations

import csv
from pathlib import Path

from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.services.configuration.sales import add_custom_field, update_custom_field
from leadline.services.configuration.statuses import rename_source
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs, mappings
from leadline.services.imports.files import inspect_file
from leadline.services.security.rights import set_role_rights
from leadline.services.security.users import add_user
from tests.integration.test_import_value_maps import _leads
from tests.unit.builders import raises_error

COLUMNS = {"Badge": "last_name", "Firm": "company", "Came from": "source"}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    return path


def _errors(ctx: ServiceContext, actor: int, job_id: int) -> list[str]:
    return [row[-1] for row in jobs.import_error_rows(ctx, actor, job_id)][1:]


def test_a_stale_value_mapping_blocks_no_other_edit_and_is_reported_on_import(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    tier = add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold", "Silver"])
    mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={
        "custom.tier": {"G": "Gold"}, "rating": {"A": "Hot"}, "source": {"Fair": "Trade show"}})
    update_custom_field(ctx, admin_id, tier.id, active=False)
    rename_source(ctx, admin_id, "Trade show", "Trade fair")
    resaved = mappings.save_import_mapping(ctx, admin_id, "fair", {**COLUMNS, "Mail": "email"})
    assert resaved.values["custom.tier"] == {"G": "Gold"}  # kept as saved
    assert mappings.set_mapping_values(ctx, admin_id, "fair", "rating", {"B": "warm"}).values["rating"] == {
        "B": "Warm"}
    assert "custom.tier" not in mappings.set_mapping_values(ctx, admin_id, "fair", "custom.tier", {}).values
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.source"):  # the changed field is
        mappings.set_mapping_values(ctx, admin_id, "fair", "source", {"Fair": "Trade show"})
    path = _write(tmp_path / "fair.csv", [["Badge", "Firm", "Came from"], ["Ames", "A Co", "Fair"]])
    job = jobs.import_records(ctx, admin_id, "lead", inspect_file(path), mapping_name="fair")
    assert (job.counts.imported, job.counts.failed) == (0, 1)
    assert "'Trade show'" in _errors(ctx, admin_id, job.id)[0]


def test_saving_a_mapping_needs_the_create_right_of_its_kind_and_of_the_kind_it_replaces(
    ctx: ServiceContext, admin_id: int
) -> None:
    mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"rating": {"A": "Hot"}})
    mappings.save_import_mapping(ctx, admin_id, "orgs", {"Org": "name"}, kind="account")
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep")
    set_role_rights(ctx, admin_id, "rep", [("create", "lead")])
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="account"):
        mappings.save_import_mapping(ctx, rep.id, "orgs", {"Org": "name"}, kind="account")
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="account"):  # an account mapping replaced
        mappings.save_import_mapping(ctx, rep.id, "orgs", COLUMNS)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="account"):
        mappings.set_mapping_values(ctx, rep.id, "orgs", "industry", {"Fin": "Banking"})
    mappings.save_import_mapping(ctx, rep.id, "fair", {"X": "last_name", "Y": "company"})  # a lead mapping: theirs
    set_role_rights(ctx, admin_id, "rep", [])
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="lead"):
        mappings.save_import_mapping(ctx, rep.id, "fair", COLUMNS)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="lead"):
        mappings.set_mapping_values(ctx, rep.id, "fair", "rating", {})
    kept = mappings.get_import_mapping(ctx, admin_id, "fair")
    assert (kept.columns, kept.values) == ({"X": "last_name", "Y": "company"}, {"rating": {"A": "Hot"}})
    assert mappings.get_import_mapping(ctx, admin_id, "orgs", "account").columns == {"Org": "name"}


def test_a_mapping_is_of_one_kind_and_takes_no_built_in_name_of_any_kind(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    add_custom_field(ctx, admin_id, "account", "tier", "Tier", "picklist", options=["Gold"])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):  # a lead built-in
        mappings.save_import_mapping(ctx, admin_id, "hubspot", {"Org": "name"}, kind="account")
    mappings.save_import_mapping(ctx, admin_id, "acc", {"Org": "name"}, kind="account",
                                 values={"custom.tier": {"G": "Gold"}})
    assert "acc" not in mappings.import_mappings(ctx, admin_id, "lead")
    assert "acc" in mappings.import_mappings(ctx, admin_id, "account")
    path = _write(tmp_path / "leads.csv", [["Last Name", "Company"], ["Ames", "A Co"]])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="mapping") as caught:
        jobs.import_records(ctx, admin_id, "lead", inspect_file(path), mapping_name="acc")
    assert caught.value.message == "'acc' is a mapping of account records, not of lead records"


def test_a_field_no_mapping_may_map_is_named_with_its_kind(
    ctx: ServiceContext, admin_id: int
) -> None:
    add_custom_field(ctx, admin_id, "account", "tier", "Tier", "picklist", options=["Gold"])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values") as named:
        mappings.save_import_mapping(ctx, admin_id, "acc", {"Org": "name"}, kind="account",
                                     values={"rating": {"a": "Hot"}})
    assert named.value.message == ("'rating' is not a field of account records whose values a mapping may map "
                                   "(one of: industry, custom.tier)")


def test_two_spellings_of_one_value_mapped_to_two_labels_are_refused(ctx: ServiceContext, admin_id: int) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.rating"):  # one value, two labels
        mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"rating": {"A": "Hot", "a": "Cold"}})


def test_the_page_s_values_merge_with_the_saved_mapping_s_and_the_standard_readings_are_not_the_team_s(
    ctx: ServiceContext, admin_id: int
) -> None:
    mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={
        "source": {"Fair": "Trade show", "Expo": "Trade show", "Web": "Other"}, "rating": {"A": "Hot"}})
    chosen = {"source": {"fair": "Other", "Web": "Other", "Phone Inquiry": "Phone call"}, "rating": {"B": "Warm"}}
    assert mappings.page_values(ctx, admin_id, "lead", "fair", chosen) == {
        "source": {"Expo": "Trade show", "fair": "Other", "Web": "Other"},  # Phone Inquiry: the standard reading
        "rating": {"A": "Hot", "B": "Warm"}}
    assert mappings.page_values(ctx, admin_id, "lead", None, chosen) == {
        "source": {"fair": "Other", "Web": "Other"}, "rating": {"B": "Warm"}}


def test_hubspot_lifecycle_words_are_read_in_a_lifecycle_stage_column_only(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    generic = _write(tmp_path / "crm.csv", [["Last Name", "Company", "Status"], ["Ames", "A Co", "Customer"],
                                           ["Bose", "B Co", "Open - Not Contacted"]])
    job = jobs.import_records(ctx, admin_id, "lead", inspect_file(generic))
    assert (job.counts.imported, job.counts.failed) == (1, 1)
    assert "'Customer'" in _errors(ctx, admin_id, job.id)[0] and "Open" in _errors(ctx, admin_id, job.id)[0]
    mappings.save_import_mapping(ctx, admin_id, "hs", {"Last Name": "last_name", "Company": "company",
                                                       "Lifecycle Stage": "status"},
                                 values={"status": {"lead": "Contacted"}})
    stages = _write(tmp_path / "hs.csv", [["Last Name", "Company", "Lifecycle Stage"], ["Cole", "C Co", "subscriber"],
                                         ["Dunn", "D Co", "lead"]])
    job = jobs.import_records(ctx, admin_id, "lead", inspect_file(stages), mapping_name="hs")
    assert (job.counts.imported, job.counts.failed) == (2, 0)
    statuses = {name: shown[0] for name, shown in _leads(ctx, admin_id).items()}
    assert (statuses["Cole"], statuses["Dunn"]) == ("Open", "Contacted")  # the team's "lead" wins over the stage's
