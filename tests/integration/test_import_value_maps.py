"""A team's value mappings saved with a column mapping (SQLite and PostgreSQL): checked against
the field's labels when saved, stored with the mapping, read on import after the standard values
(the saved one wins), shown on the job (a dry run too); HubSpot's lifecycle stage and lead
status read as lead statuses out of the box."""

from __future__ import annotations

import csv
from pathlib import Path

from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.imports.job import ImportJob, ImportOptions
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs, mappings
from leadline.services.imports.files import inspect_file
from leadline.services.leads import records as leads
from tests.unit.builders import raises_error

FAIR = [["Badge", "Firm", "Stage", "Came from", "Grade", "Sector", "Tier"],
        ["Ames", "A Co", "Attempted to contact", "Fair", "A", "Tech", "G"],
        ["Bose", "B Co", "Hot prospect", "Web", "b", "Retail", "Silver"]]
COLUMNS = {"Badge": "last_name", "Firm": "company", "Stage": "status", "Came from": "source", "Grade": "rating",
           "Sector": "industry"}  # "Tier" is the custom field's own name
VALUES = {"status": {"Attempted to contact": "open", "Hot prospect": "Contacted"},
          "source": {"Fair": "Trade show"}, "rating": {"A": "hot", "B": "Warm"},
          "industry": {"Tech": "Technology"}, "custom.tier": {"G": "gold"}}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    return path


def _import(ctx: ServiceContext, actor: int, path: Path, *, mapping: str | None = None,
            dry_run: bool = False) -> tuple[ImportJob, list[str]]:
    job = jobs.import_records(ctx, actor, "lead", inspect_file(path), mapping_name=mapping,
                              options=ImportOptions(dry_run=dry_run))
    return job, [row[-1] for row in jobs.import_error_rows(ctx, actor, job.id)][1:]


def _leads(ctx: ServiceContext, actor: int) -> dict[str, tuple[object, ...]]:
    found = leads.list_leads(ctx, actor, LeadQuery(), Page(limit=50, sort="created_at"))
    return {d.lead.last_name: (d.status.label, d.source.label if d.source else None,
                               d.lead.rating.value if d.lead.rating else None, d.lead.industry, d.custom.get("tier"))
            for d in found}


def test_a_saved_mapping_s_value_mappings_are_read_after_the_standard_ones_and_win(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold", "Silver"])
    saved = mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values=VALUES)
    assert saved.values["status"] == {"Attempted to contact": "Open", "Hot prospect": "Contacted"}  # as labelled
    assert mappings.import_mappings(ctx, admin_id)["fair"].values == saved.values  # stored and read back
    path = _write(tmp_path / "fair.csv", FAIR)
    dry, errors = _import(ctx, admin_id, path, mapping="fair", dry_run=True)
    assert (dry.counts.imported, errors, dry.options.team_values) == (2, [], saved.values)
    assert _leads(ctx, admin_id) == {}
    job, errors = _import(ctx, admin_id, path, mapping="fair")
    assert (job.counts.imported, errors) == (2, [])
    # "Attempted to contact" is HubSpot's and reads as Contacted by the standard table: the saved Open wins;
    # "Web" (Salesforce's) still reads as the standard Website form
    assert _leads(ctx, admin_id) == {"Ames": ("Open", "Trade show", "hot", "Technology", "Gold"),
                                     "Bose": ("Contacted", "Website form", "warm", "Retail", "Silver")}
    assert jobs.get_import(ctx, admin_id, job.id).options.team_values == saved.values


def test_a_value_mapping_to_no_label_of_the_field_is_refused_when_saved_and_nothing_is_saved(
    ctx: ServiceContext, admin_id: int
) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.source") as caught:
        mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"source": {"Fair": "Expo"}})
    assert "'Expo' is not a label of source (one of: Web ad click-through, Website form" in caught.value.message
    assert "fair" not in mappings.import_mappings(ctx, admin_id)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values"):
        mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"custom.tier": {"G": "Gold"}})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.status"):  # set only by converting
        mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"status": {"Won": "Converted"}})


def test_one_field_s_value_mappings_are_set_apart_and_a_resave_without_values_keeps_them(
    ctx: ServiceContext, admin_id: int
) -> None:
    mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"rating": {"A": "Hot"}})
    changed = mappings.set_mapping_values(ctx, admin_id, "fair", "status", {"Hot prospect": "Contacted"})
    assert changed.values == {"rating": {"A": "Hot"}, "status": {"Hot prospect": "Contacted"}}
    mappings.save_import_mapping(ctx, admin_id, "fair", {**COLUMNS, "Mail": "email"})
    kept = mappings.get_import_mapping(ctx, admin_id, "fair")
    assert (kept.columns["Mail"], kept.values) == ("email", changed.values)
    assert mappings.set_mapping_values(ctx, admin_id, "fair", "rating", {}).values == {
        "status": {"Hot prospect": "Contacted"}}
    with raises_error(NotFoundError, code="NOT_FOUND", field="mapping"):
        mappings.set_mapping_values(ctx, admin_id, "hubspot", "status", {"a": "Open"})  # built-in: not changed
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        mappings.save_import_mapping(ctx, admin_id, "hubspot", COLUMNS)


def test_an_account_mapping_maps_a_custom_pick_list_and_the_industry(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    add_custom_field(ctx, admin_id, "account", "segment", "Segment", "picklist", options=["SMB", "Enterprise"])
    mappings.save_import_mapping(ctx, admin_id, "crm", {"Org": "name", "Kind": "industry"},
                                 kind="account", values={"custom.segment": {"small": "SMB", "big": "enterprise"},
                                                         "industry": {"Fin": "Banking"}})
    path = _write(tmp_path / "orgs.csv", [["Org", "Segment", "Kind"], ["Acme", "big", "Fin"], ["Bolt", "small", ""]])
    job = jobs.import_records(ctx, admin_id, "account", inspect_file(path), mapping_name="crm")
    assert (job.counts.imported, job.counts.failed) == (2, 0)
    found = {a.name: (a.custom.get("segment"), a.industry)
             for a in records.list_records(ctx, admin_id, "account", RecordQuery(), Page(limit=10))}
    assert found == {"Acme": ("Enterprise", "Banking"), "Bolt": ("SMB", None)}


def test_hubspot_lifecycle_stages_and_lead_statuses_import_as_lead_statuses(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    stages = _write(tmp_path / "hubspot-contacts.csv", [
        ["First Name", "Last Name", "Company Name", "Email", "Lifecycle Stage"],
        ["Sam", "Subscriber", "S Co", "sam@s.example", "subscriber"],
        ["Lee", "Lead", "L Co", "lee@l.example", "lead"],
        ["Mia", "Marketing", "M Co", "mia@m.example", "Marketing Qualified Lead"],
        ["Oli", "Other", "O Co", "oli@o.example", "other"],
        ["Sal", "Sales", "Q Co", "sal@q.example", "salesqualifiedlead"]])
    job, errors = _import(ctx, admin_id, stages)
    assert (job.counts.imported, job.columns["Lifecycle Stage"]) == (4, "status")
    # a stage sales accepted reads as Qualified, and meets that status's rules as any lead
    assert len(errors) == 1
    assert errors[0].startswith("qualifying a lead needs the BANT criteria met, or an override with a reason")
    both = _write(tmp_path / "hubspot-leads.csv", [
        ["Last Name", "Company Name", "hs_lead_status", "lifecyclestage"],
        ["New", "N Co", "NEW", "customer"], ["Tried", "T Co", "ATTEMPTED_TO_CONTACT", "lead"],
        ["Bare", "B Co", "", "customer"], ["Conn", "C Co", "CONNECTED", "opportunity"]])
    job, errors = _import(ctx, admin_id, both)
    assert (job.counts.imported, errors, job.ignored) == (4, [], ("lifecyclestage",))
    assert {name: shown[0] for name, shown in _leads(ctx, admin_id).items()} == {
        "Subscriber": "Open", "Lead": "Open", "Marketing": "Open", "Other": "Open", "New": "Open",
        "Tried": "Contacted", "Bare": "Open", "Conn": "Contacted"}
