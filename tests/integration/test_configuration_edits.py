"""Editing the sales configuration (issue 16, settings pages): a custom field relabelled, its
options, required and active flags changed; a sales process renamed, made the default or
deactivated; a field mapping pointed elsewhere. Each checked as a new one is, all or nothing,
admins only. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from leadline.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from leadline.services.configuration import lead_workflow as workflow
from leadline.services.configuration import sales
from leadline.services.context import ServiceContext
from leadline.services.security.users import add_user
from tests.unit.builders import raises_error


def test_a_picklist_is_relabelled_its_options_changed_and_made_required(ctx: ServiceContext, admin_id: int) -> None:
    tier = sales.add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold", "Silver"])

    changed = sales.update_custom_field(ctx, admin_id, tier.id, label="Customer tier",
                                        options=["Gold", "Silver", "Bronze"], required=True)

    [stored] = sales.list_custom_fields(ctx, "lead")
    assert stored == changed
    assert (stored.name, stored.label, stored.options, stored.required) == (
        "tier", "Customer tier", ("Gold", "Silver", "Bronze"), True)


@pytest.mark.parametrize(("change", "field"), [
    ({"label": "  "}, "label"), ({"options": []}, "options"), ({"options": ["Gold", "gold"]}, "options")])
def test_a_custom_field_edit_is_checked_as_a_new_one_and_nothing_changes(ctx: ServiceContext, admin_id: int,
                                                                         change: dict[str, object], field: str) -> None:
    tier = sales.add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold"])

    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        sales.update_custom_field(ctx, admin_id, tier.id, **change)  # type: ignore[arg-type]
    assert sales.list_custom_fields(ctx, "lead") == [tier]


def test_a_text_field_takes_no_options_and_a_missing_field_is_not_found(ctx: ServiceContext, admin_id: int) -> None:
    note = sales.add_custom_field(ctx, admin_id, "lead", "note", "Note", "text")

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="options"):
        sales.update_custom_field(ctx, admin_id, note.id, options=["a"])
    with raises_error(NotFoundError, code="NOT_FOUND", field="custom_field"):
        sales.update_custom_field(ctx, admin_id, 999_999, label="Nothing")
    assert sales.update_custom_field(ctx, admin_id, note.id, active=False).is_active is False


def test_a_process_made_the_default_takes_the_place_of_the_one_before(ctx: ServiceContext, admin_id: int) -> None:
    before = next(p for p in sales.list_processes(ctx) if p.is_default)
    renewals = sales.add_process(ctx, admin_id, "Renewals")

    sales.update_process(ctx, admin_id, str(renewals.id), name="Renewal business", default=True)

    processes = {p.id: p for p in sales.list_processes(ctx)}
    assert (processes[renewals.id].name, processes[renewals.id].is_default) == ("Renewal business", True)
    assert processes[before.id].is_default is False
    sales.update_process(ctx, admin_id, before.name, active=False)
    assert {p.id: p for p in sales.list_processes(ctx)}[before.id].is_active is False


@pytest.mark.parametrize(("change", "error", "code", "field"), [
    ({"default": False}, ValidationError, "VALIDATION_FAILED", "default"),
    ({"active": False}, ValidationError, "VALIDATION_FAILED", "active"),
    ({"name": "renewals"}, ConflictError, "CONFLICT", "name"),
])
def test_the_default_process_stays_active_and_names_stay_unique(ctx: ServiceContext, admin_id: int,
                                                               change: dict[str, object], error: type[Exception],
                                                               code: str, field: str) -> None:
    sales.add_process(ctx, admin_id, "Renewals")
    default = next(p for p in sales.list_processes(ctx) if p.is_default)
    before = sales.list_processes(ctx)

    with raises_error(error, code=code, field=field):  # type: ignore[arg-type]
        sales.update_process(ctx, admin_id, default.name, **change)  # type: ignore[arg-type]
    assert sales.list_processes(ctx) == before


def test_a_field_mapping_is_pointed_at_another_field_checked_against_the_others(ctx: ServiceContext,
                                                                               admin_id: int) -> None:
    sales.add_custom_field(ctx, admin_id, "lead", "po", "PO", "text")
    sales.add_custom_field(ctx, admin_id, "account", "seats", "Seats", "number")
    sales.add_custom_field(ctx, admin_id, "account", "po_note", "PO", "text")
    sales.add_custom_field(ctx, admin_id, "contact", "po_note", "PO", "text")
    mapping = workflow.add_field_mapping(ctx, admin_id, "lead.po", "account.po_note")

    workflow.update_field_mapping(ctx, admin_id, mapping.id, "lead.po", "contact.po_note")

    assert [(m.id, m.source, m.target) for m in workflow.list_field_mappings(ctx)] == [
        (mapping.id, "lead.po", "contact.po_note")]
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="target"):  # a text into a number
        workflow.update_field_mapping(ctx, admin_id, mapping.id, "lead.po", "account.seats")
    assert [(m.source, m.target) for m in workflow.list_field_mappings(ctx)] == [("lead.po", "contact.po_note")]


def test_only_admins_edit_the_configuration(ctx: ServiceContext, admin_id: int) -> None:
    rep = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id
    note = sales.add_custom_field(ctx, admin_id, "lead", "note", "Note", "text")

    with pytest.raises(PermissionDeniedError):
        sales.update_custom_field(ctx, rep, note.id, label="Mine")
    with pytest.raises(PermissionDeniedError):
        sales.update_process(ctx, rep, "New Business", name="Mine")
