"""The qualification gate of conversion, on the in-memory fake: a lead that is not in a
qualified status converts only with its qualification criteria met or an override with a reason
(kept in the result, the audit and the status history), unless an admin turned the gate off; a
lead kept for nurturing needs neither; bulk conversion follows the same rule (what it writes
is compared with a conversion alone on both databases in tests/integration/test_conversion_gate_bulk.py)."""

from __future__ import annotations

import pytest

from leadline.domain.errors import CriteriaNotMetError, PermissionDeniedError, ValidationError
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.gate import get_qualification_gate, set_qualification_gate
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from leadline.services.security import users
from tests.integration.conversion_support import WHY, counts, new_lead, undecided


def convert_events(ctx: ServiceContext, lead_id: int) -> list[dict[str, object]]:
    with ctx.uow_factory(read_only=True) as uow:
        return [e["changes"] for e in reversed(uow.audit.events("lead", limit=1000))
                if e["action"] == "convert" and e["record_id"] == lead_id]


def test_an_open_lead_missing_its_qualification_criteria_is_refused_and_nothing_is_created(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = undecided(ctx, admin_id)
    for opportunity in ("create", "none"):
        with pytest.raises(CriteriaNotMetError) as error:
            conversion.convert_lead(ctx, admin_id, lead_id, opportunity=opportunity)
        assert error.value.field == "qualification_override_reason"
        assert [f for f, _ in error.value.details] == ["criteria.authority"]
        assert "converting a lead that is not qualified" in str(error.value)
    assert counts(ctx) == (0, 0, 0) and not leads.get_lead(ctx, admin_id, lead_id).lead.is_converted()


def test_an_override_converts_it_and_is_kept_in_the_result_the_audit_and_the_status_history(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = undecided(ctx, admin_id)
    result = conversion.convert_lead(ctx, admin_id, lead_id, qualification_override_reason=f"  {WHY} ",
                                     idempotency_key="k")
    assert (result.qualification_override_reason, result.override_reason) == (WHY, None)
    with ctx.uow_factory(read_only=True) as uow:
        assert uow.conversions.latest(lead_id).result.qualification_override_reason == WHY  # type: ignore[union-attr]
    assert convert_events(ctx, lead_id)[-1]["qualification_override"] == [None, WHY]
    assert lead_workflow.status_history(ctx, admin_id, lead_id)[-1]["override_reason"] == WHY
    replayed = conversion.convert_lead(ctx, admin_id, lead_id, idempotency_key="k")
    assert (replayed.replayed, replayed.qualification_override_reason) == (True, WHY)


def test_a_lead_meeting_its_criteria_or_in_a_qualified_status_needs_no_override(
        ctx: ServiceContext, admin_id: int) -> None:
    met = new_lead(ctx, admin_id)  # Open, every BANT criterion met
    assert conversion.convert_lead(ctx, admin_id, met).qualification_override_reason is None
    qualified = undecided(ctx, admin_id, 1)
    lead_workflow.change_lead_status(ctx, admin_id, qualified, "Contacted")
    lead_workflow.qualify_lead(ctx, admin_id, qualified, override_reason="the CEO's assistant decides")
    result = conversion.convert_lead(ctx, admin_id, qualified)
    assert result.opportunity_id is not None and result.qualification_override_reason is None
    assert "qualification_override" not in convert_events(ctx, qualified)[-1]


def test_a_disqualified_lead_kept_for_nurturing_needs_no_qualification(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, products=[], budget_amount=None, is_decision_maker=False)
    result = conversion.convert_lead(ctx, admin_id, lead_id, opportunity="none", nurture_reason="Bad timing")
    assert result.opportunity_id is None and leads.get_lead(ctx, admin_id, lead_id).status.label == "Unqualified"
    with pytest.raises(ValidationError) as error:
        conversion.convert_lead(ctx, admin_id, undecided(ctx, admin_id, 1), opportunity="none",
                                nurture_reason="Bad timing", qualification_override_reason=WHY)
    assert error.value.field == "qualification_override_reason"


def test_an_admin_turns_the_gate_off_and_on_audited_and_only_an_admin_may(ctx: ServiceContext, admin_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep").id
    assert get_qualification_gate(ctx) is True  # the safe default
    with pytest.raises(PermissionDeniedError):
        set_qualification_gate(ctx, rep, False)
    with pytest.raises(ValidationError) as error:
        set_qualification_gate(ctx, admin_id, "maybe")
    assert error.value.field == "enabled"
    assert set_qualification_gate(ctx, admin_id, "off") is False and get_qualification_gate(ctx) is False
    lead_id = undecided(ctx, admin_id)
    assert conversion.convert_lead(ctx, admin_id, lead_id).qualification_override_reason is None
    set_qualification_gate(ctx, admin_id, True)
    with pytest.raises(CriteriaNotMetError):
        conversion.convert_lead(ctx, admin_id, undecided(ctx, admin_id, 1))
    with ctx.uow_factory(read_only=True) as uow:
        changes = [e["changes"] for e in reversed(uow.audit.events("org_setting", limit=10))]
    assert changes == [{"conversion_requires_qualification": ["on", "off"]},
                       {"conversion_requires_qualification": ["off", "on"]}]
