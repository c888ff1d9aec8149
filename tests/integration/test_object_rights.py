"""Object rights per role, on SQLite and PostgreSQL: what admins let a role create, edit and delete,
refused (``PERMISSION_DENIED`` naming the right) on every path that writes the kind of record:
create, edit and delete, imports (dry runs too), conversion and its undo, a further opportunity, merges and
captured calls and Bulk API jobs; a web form's lead is created by its acting admin and so is never refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from leadline.domain.errors import ConfigurationError, PermissionDeniedError
from leadline.domain.imports.job import DuplicatePolicy, ImportOptions
from leadline.persistence.configuration.writes import configuration_version
from leadline.services import records
from leadline.services.capture import channels
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.undo import add_lead_opportunity, undo_conversion
from leadline.services.duplicates.merge import merge_records
from leadline.services.imports import jobs
from leadline.services.imports.files import inspect_file
from leadline.services.leads import records as leads
from leadline.services.salesforce import bulk
from leadline.services.salesforce.bulk_results import job_results
from leadline.services.security import users
from leadline.services.security.rights import get_object_rights, role_may, set_object_right, set_role_rights
from tests.conftest import FakeClock
from tests.integration.test_capture import _form, _post
from tests.integration.test_lead_import import write_csv
from tests.integration.test_record_security import delete, update
from tests.integration.test_salesforce_bulk_jobs import closed_job
from tests.unit.builders import raises_error

OBJECTS = ["lead", "account", "contact", "opportunity"]
PLURAL = {"lead": "leads", "account": "accounts", "contact": "contacts", "opportunity": "opportunities"}


@pytest.fixture
def rep(ctx: ServiceContext, admin_id: int) -> int:
    return users.add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id


def account_of(ctx: ServiceContext, actor: int) -> int:
    return records.create_account(ctx, actor, {"name": "Acme"}).id


def create(ctx: ServiceContext, actor: int, kind: str, account_id: int | None = None) -> int:
    if kind == "lead":
        return leads.create_lead(ctx, actor, {"last_name": "Lee", "company": "Acme"}).lead.id
    if kind == "account":
        return account_of(ctx, actor)
    if kind == "contact":
        return records.create_contact(ctx, actor, {"account_id": account_id, "last_name": "Lee"}).id
    return records.create_opportunity(ctx, actor, {"account_id": account_id, "name": "Deal", "amount": "10"}).id


def refused(kind: str) -> Any:
    """The refusal of a missing object right on ``kind`` (its message names the right)."""
    return raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field=kind)


@pytest.mark.parametrize("kind", OBJECTS)
def test_a_rep_creates_until_the_right_is_revoked_and_a_manager_still_may(
        ctx: ServiceContext, admin_id: int, rep: int, kind: str) -> None:
    manager = users.add_user(ctx, admin_id, name="Mo", email="mo@example.com", role="manager").id
    account = account_of(ctx, rep)
    assert create(ctx, rep, kind, account)  # the default configuration changes nothing

    set_object_right(ctx, admin_id, "rep", "create", kind, False)

    with refused(kind) as caught:
        create(ctx, rep, kind, account)
    assert caught.value.message == f"reps may not create {PLURAL[kind]}"
    assert create(ctx, manager, kind, account_of(ctx, manager))
    set_object_right(ctx, admin_id, "rep", "create", kind, True)
    assert create(ctx, rep, kind, account)


@pytest.mark.parametrize("kind", OBJECTS)
def test_edit_and_delete_of_a_rep_own_record_follow_the_rights(
        ctx: ServiceContext, admin_id: int, rep: int, kind: str) -> None:
    record_id = create(ctx, rep, kind, account_of(ctx, rep))
    set_object_right(ctx, admin_id, "rep", "edit", kind, False)
    with refused(kind) as no_edit:
        update(ctx, rep, kind, record_id)
    assert no_edit.value.message == f"reps may not edit {PLURAL[kind]}"
    set_role_rights(ctx, admin_id, "rep", [(action, k) for action in ("create", "edit", "delete") for k in OBJECTS
                                           if (action, k) != ("delete", kind)])
    update(ctx, rep, kind, record_id)  # edit granted again
    with refused(kind) as no_delete:
        delete(ctx, rep, kind, record_id)
    assert no_delete.value.message == f"reps may not delete {PLURAL[kind]}"
    set_object_right(ctx, admin_id, "rep", "delete", kind, True)
    delete(ctx, rep, kind, record_id)


def test_an_import_needs_create_and_edit_for_updates_and_a_dry_run_tells_the_same(
        ctx: ServiceContext, admin_id: int, rep: int, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "accounts.csv", [["Account Name", "Website"], ["Acme", "acme.example"]])
    set_object_right(ctx, admin_id, "rep", "create", "account", False)
    for dry_run in (True, False):
        with refused("account") as caught:
            jobs.import_records(ctx, rep, "account", inspect_file(path), options=ImportOptions(dry_run=dry_run))
        assert caught.value.message == "reps may not create accounts"
    set_object_right(ctx, admin_id, "rep", "create", "account", True)
    set_object_right(ctx, admin_id, "rep", "edit", "account", False)
    update_duplicates = ImportOptions(on_duplicate=DuplicatePolicy.UPDATE, dry_run=True)
    with refused("account") as caught:
        jobs.import_records(ctx, rep, "account", inspect_file(path), options=update_duplicates)
    assert caught.value.message == "reps may not edit accounts"
    job = jobs.import_records(ctx, rep, "account", inspect_file(path))  # skipping duplicates needs no edit
    assert job.counts.imported == 1


def test_rights_revoked_while_an_import_runs_fail_its_rows_by_name(
        ctx: ServiceContext, admin_id: int, rep: int, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "leads.csv", [["Last Name", "Company"], ["Lee", "Acme"]])
    job = jobs.start_import(ctx, rep, "lead", inspect_file(path))
    set_object_right(ctx, admin_id, "rep", "create", "lead", False)
    done = jobs.run_import(ctx, job.id, inspect_file(path))
    assert (done.counts.imported, done.counts.failed) == (0, 1)
    assert [error[-1] for error in list(jobs.import_error_rows(ctx, rep, job.id))[1:]] == ["reps may not create leads"]


@pytest.mark.parametrize("kind", ["account", "contact", "opportunity"])
def test_a_conversion_needs_the_right_to_create_each_kind_it_creates(
        ctx: ServiceContext, admin_id: int, rep: int, kind: str) -> None:
    lead = leads.create_lead(ctx, rep, {"last_name": "Lee", "company": "Acme"}).lead.id
    set_object_right(ctx, admin_id, "rep", "create", kind, False)
    with refused(kind) as caught:
        conversion.convert_lead(ctx, rep, lead, qualification_override_reason="referral",
                                override_reason="referral")
    assert caught.value.message == f"reps may not create {PLURAL[kind]}"
    assert not leads.get_lead(ctx, rep, lead).lead.is_converted()  # nothing written
    if kind == "opportunity":  # a conversion that creates none needs no such right
        result = conversion.convert_lead(ctx, rep, lead, opportunity="none",
                                         qualification_override_reason="referral")
        assert result.opportunity_id is None and result.contact_id is not None


@pytest.mark.parametrize("kind", ["account", "contact", "opportunity"])
def test_undoing_a_conversion_needs_the_right_to_delete_each_kind_it_removes(
        ctx: ServiceContext, admin_id: int, rep: int, kind: str) -> None:
    lead = leads.create_lead(ctx, rep, {"last_name": "Lee", "company": "Acme"}).lead.id
    result = conversion.convert_lead(ctx, rep, lead, qualification_override_reason="referral",
                                     override_reason="referral")
    set_object_right(ctx, admin_id, "rep", "delete", kind, False)
    with refused(kind) as caught:
        undo_conversion(ctx, rep, lead)
    assert caught.value.message == f"reps may not delete {PLURAL[kind]}"
    assert leads.get_lead(ctx, rep, lead).lead.is_converted()  # nothing removed
    assert records.get_record(ctx, rep, kind, getattr(result, f"{kind}_id")).id
    set_object_right(ctx, admin_id, "rep", "delete", kind, True)
    undo_conversion(ctx, rep, lead)
    assert not leads.get_lead(ctx, rep, lead).lead.is_converted()


def test_a_further_opportunity_of_a_converted_lead_needs_the_create_right(
        ctx: ServiceContext, admin_id: int, rep: int) -> None:
    lead = leads.create_lead(ctx, rep, {"last_name": "Lee", "company": "Acme"}).lead.id
    conversion.convert_lead(ctx, rep, lead, opportunity="none", qualification_override_reason="referral")
    set_object_right(ctx, admin_id, "rep", "create", "opportunity", False)
    with refused("opportunity"):
        add_lead_opportunity(ctx, rep, lead)


def test_a_merge_needs_edit_and_delete(ctx: ServiceContext, admin_id: int, rep: int) -> None:
    first = leads.create_lead(ctx, rep, {"last_name": "Lee", "company": "Acme"}).lead.id
    second = leads.create_lead(ctx, rep, {"last_name": "Lee", "company": "Acme Inc"}).lead.id
    set_object_right(ctx, admin_id, "rep", "delete", "lead", False)
    with refused("lead") as caught:
        merge_records(ctx, rep, "lead", [first, second])
    assert caught.value.message == "reps may not delete leads"
    set_object_right(ctx, admin_id, "rep", "delete", "lead", True)
    set_object_right(ctx, admin_id, "rep", "edit", "lead", False)
    with refused("lead"):
        merge_records(ctx, rep, "lead", [first, second])
    set_object_right(ctx, admin_id, "rep", "edit", "lead", True)
    assert merge_records(ctx, rep, "lead", [first, second]).merged_ids


def test_a_web_form_lead_is_created_by_its_admin_even_when_reps_may_not_create_leads(
        ctx: ServiceContext, admin_id: int, rep: int, clock: FakeClock) -> None:
    set_object_right(ctx, admin_id, "rep", "create", "lead", False)
    form = _form(ctx, admin_id, default_owner="sam@example.com")
    result = _post(ctx, clock, form)
    assert leads.get_lead(ctx, admin_id, result.lead_id).lead.owner_id == rep
    with refused("lead"):  # a call a rep logs is their own create
        channels.capture_call(ctx, rep, {"company": "Bolt", "phone": "+1 415 555 0100"})


def test_only_admins_change_rights_and_admins_keep_every_right(ctx: ServiceContext, admin_id: int, rep: int) -> None:
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="actor"):
        set_object_right(ctx, rep, "rep", "create", "lead", True)
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="role"):
        set_object_right(ctx, admin_id, "admin", "delete", "account", False)
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="role"):
        set_role_rights(ctx, admin_id, "admin", [])
    assert all(held for role, _, _, held in get_object_rights(ctx).grid() if role.value == "admin")


def test_a_change_of_rights_is_stored_counted_as_configuration_seen_at_once_and_audited(
        ctx: ServiceContext, engine: Engine, admin_id: int, rep: int) -> None:
    before = configuration_version(engine)
    assert role_may(ctx, rep, "delete", "account")
    set_object_right(ctx, admin_id, "rep", "delete", "account", False)
    assert configuration_version(engine) == (before or 0) + 1
    assert not role_may(ctx, rep, "delete", "account")  # this process's cache was cleared
    assert get_object_rights(ctx).as_table()["rep"]["account"] == {"create": True, "edit": True, "delete": False}
    set_object_right(ctx, admin_id, "rep", "delete", "account", False)  # no change: nothing written
    assert configuration_version(engine) == (before or 0) + 1
    with engine.connect() as connection:
        events = connection.execute(text("SELECT actor_id, changes FROM audit_events "
                                         "WHERE record_type = 'object_right'")).all()
    assert [(actor, "rep.delete.account" in changes) for actor, changes in events] == [(admin_id, True)]


def test_a_bulk_api_insert_by_a_rep_fails_each_row_naming_the_missing_right(
        ctx: ServiceContext, admin_id: int, rep: int, tmp_path: Path) -> None:
    set_object_right(ctx, admin_id, "rep", "create", "lead", False)
    rows = [["LastName", "Company"], ["Lee", "Acme"], ["Ames", "Bolt"]]
    job_id = closed_job(ctx, rep, tmp_path / "leads.csv", "Lead", rows)
    done = bulk.run_ingest_job(ctx, job_id)
    assert (done.records_processed, done.records_failed) == (2, 2)
    _, failed = job_results(ctx, rep, job_id, "failed")
    assert {r.error.error.rpartition("|")[2] for r in failed if r.error} == {"reps may not create leads"}
