"""``load_lead_for_editing``: the one guard every use case that changes a lead goes through
(lock, visibility, edit right, conversion state, version), each refusal by its class, code and field."""

from __future__ import annotations

import pytest

from leadline.domain.errors import (
    ConflictError,
    LeadReadOnlyError,
    NotFoundError,
    PermissionDeniedError,
    StaleRecordError,
)
from leadline.domain.leads.lead import Lead
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import records as leads
from leadline.services.leads import workflow
from leadline.services.leads.records import load_lead_for_editing
from leadline.services.security import users
from leadline.services.security.access import load_viewer
from leadline.services.security.sharing import set_sharing
from tests.integration.conversion_support import WHY, new_lead
from tests.unit.builders import raises_error


def guard(ctx: ServiceContext, actor: int, lead_id: int, *, expected_version: int | None = None,
          converted: bool | None = False) -> Lead:
    with ctx.uow_factory() as uow:
        return load_lead_for_editing(uow, load_viewer(uow, actor, ctx), lead_id, expected_version=expected_version,
                                     converted=converted)


@pytest.fixture
def lead_id(ctx: ServiceContext, admin_id: int, catalogue: None) -> int:
    return new_lead(ctx, admin_id)


def test_the_owner_gets_the_lead_at_its_current_version(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    lead = guard(ctx, admin_id, lead_id, expected_version=1)
    assert lead.id == lead_id


def test_a_lead_the_actor_may_not_read_is_not_found(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    with raises_error(NotFoundError, code="NOT_FOUND", field="lead"):
        guard(ctx, rep, lead_id)


def test_a_lead_the_actor_may_only_read_is_refused(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    set_sharing(ctx, admin_id, "lead", "public_read_only")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="lead"):
        guard(ctx, rep, lead_id)


def test_a_lead_changed_since_it_was_read_is_stale(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    leads.update_lead(ctx, admin_id, lead_id, {"city": "Boston"})
    with raises_error(StaleRecordError, code="STALE_RECORD", field="version"):
        guard(ctx, admin_id, lead_id, expected_version=1)


def test_the_conversion_state_is_what_the_change_needs(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    with raises_error(ConflictError, code="CONFLICT", field="lead"):
        guard(ctx, admin_id, lead_id, converted=True)  # undoing needs a converted lead
    conversion.convert_lead(ctx, admin_id, lead_id, qualification_override_reason=WHY)
    with raises_error(LeadReadOnlyError, code="LEAD_READ_ONLY", field="lead"):
        guard(ctx, admin_id, lead_id)  # a field change needs an unconverted one
    for state in (True, None):
        assert guard(ctx, admin_id, lead_id, converted=state).id == lead_id


def test_the_edit_form_reads_a_lead_its_owner_may_change(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    details = leads.get_lead_for_editing(ctx, admin_id, lead_id)
    assert details.lead.id == lead_id and details.lead.version == 1


def test_the_edit_form_of_a_lead_the_actor_may_not_read_is_not_found(ctx: ServiceContext, admin_id: int,
                                                                     lead_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    with raises_error(NotFoundError, code="NOT_FOUND", field="lead"):
        leads.get_lead_for_editing(ctx, rep, lead_id)


def test_the_edit_form_of_a_lead_the_actor_may_only_read_is_refused(ctx: ServiceContext, admin_id: int,
                                                                    lead_id: int) -> None:
    set_sharing(ctx, admin_id, "lead", "public_read_only")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="lead"):
        leads.get_lead_for_editing(ctx, rep, lead_id)


def test_the_edit_form_of_a_converted_lead_is_refused(ctx: ServiceContext, admin_id: int, lead_id: int) -> None:
    conversion.convert_lead(ctx, admin_id, lead_id, qualification_override_reason=WHY)
    with raises_error(LeadReadOnlyError, code="LEAD_READ_ONLY", field="lead"):
        leads.get_lead_for_editing(ctx, admin_id, lead_id)


def test_the_status_options_say_whether_the_actor_may_change_the_lead(ctx: ServiceContext, admin_id: int,
                                                                      lead_id: int) -> None:
    set_sharing(ctx, admin_id, "lead", "public_read_only")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id

    assert workflow.status_options(ctx, admin_id, lead_id).may_edit
    assert not workflow.status_options(ctx, rep, lead_id).may_edit
