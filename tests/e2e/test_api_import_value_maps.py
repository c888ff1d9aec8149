"""``/api/v1/import-mappings`` on SQLite and PostgreSQL: a mapping saved with its value mappings
(refused naming the field and the labels allowed), listed and shown; an upload naming it reads
its values and the job shows them; saving needs the create right of the mapping's kind."""

from __future__ import annotations

from typing import Any

from leadline.services.context import ServiceContext
from leadline.services.security.rights import set_object_right
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.test_api import assert_problem
from tests.e2e.test_api_import import wait_for

MAPPING = {"record_type": "lead", "columns": {"Badge": "last_name", "Firm": "company", "Came from": "source"},
           "values": {"source": {"Fair": "trade show", "Web": "Other"}}}


def test_a_mapping_saved_with_value_mappings_is_read_by_an_upload_naming_it(admin: Caller) -> None:
    refused = admin("PUT", "/import-mappings/fair", json={**MAPPING, "values": {"source": {"Fair": "Expo"}}})
    assert_problem(refused, 422, "VALIDATION_FAILED", "values.source")
    assert "'Expo' is not a label of source (one of: Web ad click-through" in refused.text
    assert_problem(admin("PUT", "/import-mappings/fair", json={**MAPPING, "values": {"phone": {"a": "b"}}}),
                   422, "VALIDATION_FAILED", "values")
    assert_problem(admin("GET", "/import-mappings/fair"), 404, "NOT_FOUND", "mapping")
    saved = admin("PUT", "/import-mappings/fair", json=MAPPING)
    assert saved.status_code == 200, saved.text
    assert saved.json()["values"] == {"source": {"Fair": "Trade show", "Web": "Other"}}
    assert admin("GET", "/import-mappings/fair").json() == saved.json()
    listed = {m["name"]: m for m in admin("GET", "/import-mappings").json()}
    assert listed["hubspot"]["built_in"] and not listed["fair"]["built_in"]
    assert listed["fair"]["values"] == saved.json()["values"]
    body = "Badge,Firm,Came from\nAmes,A Co,Fair\nBose,B Co,Web\n"
    dry = wait_for(admin, admin("POST", "/imports/leads", files={"file": ("fair.csv", body.encode(), "text/csv")},
                                data={"mapping": "fair", "dry_run": "true"}).json()["id"])
    assert (dry["imported"], dry["failed"], dry["value_mappings"]) == (2, 0, saved.json()["values"])
    job = wait_for(admin, admin("POST", "/imports/leads", files={"file": ("fair.csv", body.encode(), "text/csv")},
                                data={"mapping": "fair"}).json()["id"])
    assert (job["imported"], job["failed"]) == (2, 0)
    # "Web" reads as Website form by the standard table: the saved Other wins
    assert {lead["last_name"]: lead["source"] for lead in admin("GET", "/leads").json()["items"]} == {
        "Ames": "Trade show", "Bose": "Other"}


def test_saving_a_mapping_needs_the_create_right_of_its_kind(
    admin: Caller, client: Any, ctx: ServiceContext, admin_id: int
) -> None:
    rep = Caller(client, token_for(ctx, admin_id, add_rep(ctx, admin_id, "sam@example.com")))
    assert admin("PUT", "/import-mappings/fair", json=MAPPING).status_code == 200
    set_object_right(ctx, admin_id, "rep", "create", "lead", False)
    assert_problem(rep("PUT", "/import-mappings/fair", json={**MAPPING, "values": {}}), 403, "PERMISSION_DENIED",
                   "lead")
    assert_problem(rep("PUT", "/import-mappings/mine", json=MAPPING), 403, "PERMISSION_DENIED", "lead")
    assert admin("GET", "/import-mappings/fair").json()["values"] == {"source": {"Fair": "Trade show",
                                                                                 "Web": "Other"}}
    assert_problem(admin("GET", "/import-mappings/mine"), 404, "NOT_FOUND", "mapping")
