"""The standard status and source values of Salesforce and HubSpot exports read as Leadline's
default labels on import (SQLite and PostgreSQL); the organisation's own labels win; an unknown
value is refused naming the labels allowed."""

from __future__ import annotations

import csv
from pathlib import Path

from leadline.domain.imports.job import ImportJob, ImportOptions
from leadline.domain.queries import LeadQuery, Page
from leadline.services.configuration.statuses import add_source
from leadline.services.context import ServiceContext
from leadline.services.imports import jobs
from leadline.services.imports.files import inspect_file
from leadline.services.leads import records as leads


def _import(ctx: ServiceContext, actor: int, path: Path, rows: list[list[str]]) -> tuple[ImportJob, list[str]]:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(rows)
    job = jobs.import_records(ctx, actor, "lead", inspect_file(path), options=ImportOptions())
    errors = [row[-1] for row in jobs.import_error_rows(ctx, actor, job.id)][1:]
    return job, errors


def _labels(ctx: ServiceContext, actor: int) -> dict[str, tuple[str, str | None]]:
    found = leads.list_leads(ctx, actor, LeadQuery(), Page(limit=50, sort="created_at"))
    return {d.lead.last_name: (d.status.label, d.source.label if d.source else None) for d in found}


def test_salesforce_and_hubspot_standard_values_import_as_the_default_labels(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    salesforce = [["LastName", "Company", "Status", "LeadSource"],
                  ["Ames", "A Co", "Open - Not Contacted", "Web"],
                  ["Bose", "B Co", "Working - Contacted", "Phone Inquiry"],
                  ["Cole", "C Co", "Closed - Not Converted", "Partner Referral"],
                  ["Dunn", "D Co", "Closed - Converted", "Purchased List"], ["Eddy", "E Co", "Open", "Carrier pigeon"]]
    job, errors = _import(ctx, admin_id, tmp_path / "sf.csv", salesforce)
    assert (job.counts.imported, job.counts.failed) == (2, 3), errors
    # the closed ones read as Unqualified and Qualified, then meet those statuses' rules, as any lead
    assert [error.split(";")[0].split(":")[0] for error in errors[:2]] == [
        "a reason is required", "qualifying a lead needs the BANT criteria met, or an override with a reason"]
    assert errors[2] == ("there is no lead source 'Carrier pigeon' (one of: Web ad click-through, Website form, "
                         "Online quiz, Social media, Phone call, Customer referral, Trade show, Other)")
    hubspot = [["Last Name", "Company Name", "Lead Status", "Original Source"],
               ["Fry", "F Co", "IN_PROGRESS", "ORGANIC_SEARCH"], ["Gray", "G Co", "Attempted to contact", "OFFLINE"]]
    job, errors = _import(ctx, admin_id, tmp_path / "hs.csv", hubspot)
    assert (job.counts.imported, errors) == (2, [])
    assert _labels(ctx, admin_id) == {
        "Ames": ("Open", "Website form"), "Bose": ("Contacted", "Phone call"), "Fry": ("Contacted", "Website form"),
        "Gray": ("Contacted", "Other")}


def test_an_organisation_s_own_label_is_read_as_itself_not_through_the_standard_values(
    ctx: ServiceContext, admin_id: int, tmp_path: Path
) -> None:
    add_source(ctx, admin_id, "Web")
    job, errors = _import(ctx, admin_id, tmp_path / "sf.csv",
                          [["LastName", "Company", "LeadSource"], ["Ames", "A Co", "web"],
                           ["Bose", "B Co", "Phone Inquiry"]])
    assert (job.counts.imported, errors) == (2, [])
    assert {name: source for name, (_, source) in _labels(ctx, admin_id).items()} == {
        "Ames": "Web", "Bose": "Phone call"}
