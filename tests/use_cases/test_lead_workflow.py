"""Working a lead through the organisation's workflow, on the in-memory fake: the transition
graph, disqualification reasons, qualification criteria and overrides, and their configuration."""

from __future__ import annotations

import pytest

from leadline.domain.errors import (
    ConfigurationError,
    CriteriaNotMetError,
    NotFoundError,
    PermissionDeniedError,
    ReasonRequiredError,
    StatusTransitionError,
    StatusUnchangedError,
    ValidationError,
)
from leadline.services.configuration import lead_workflow as workflow_configuration
from leadline.services.configuration.sales import add_custom_field
from leadline.services.configuration.statuses import add_status, list_statuses
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from leadline.services.security import users

READY = {"budget_amount": "20000", "is_decision_maker": "yes", "purchase_timeframe": "2026-05-01"}


def new_lead(ctx: ServiceContext, actor: int, **values: object) -> int:
    products = values.pop("products", [{"product": "Widget"}])
    return leads.create_lead(ctx, actor, {"last_name": "Lead", "company": "Co", **values},
                             products=products).lead.id  # type: ignore[arg-type]


def test_a_lead_walks_the_default_graph_and_each_move_is_in_its_status_history(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, **READY)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    details = lead_workflow.change_lead_status(ctx, admin_id, lead_id, "qualified")
    assert details.status.label == "Qualified" and details.lead.version == 3
    history = lead_workflow.status_history(ctx, admin_id, lead_id)
    assert [(h["from"], h["to"]) for h in history] == [(None, "Open"), ("Open", "Contacted"),
                                                       ("Contacted", "Qualified")]
    assert history[-1]["override_reason"] is None


def test_a_move_outside_the_graph_is_refused_and_changes_nothing(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, **READY)
    with pytest.raises(StatusTransitionError) as error:
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Qualified")
    assert "allowed: Contacted" in str(error.value)
    with pytest.raises(StatusTransitionError):
        leads.update_lead(ctx, admin_id, lead_id, {"status": "Unqualified", "unqualified_reason": "No need",
                                                   "title": "changed too"})
    stored = leads.get_lead(ctx, admin_id, lead_id)
    assert (stored.status.label, stored.lead.title, stored.lead.version) == ("Open", None, 1)
    assert len(lead_workflow.status_history(ctx, admin_id, lead_id)) == 1


def test_disqualifying_needs_a_reason_which_the_lead_and_its_history_keep(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    with pytest.raises(ReasonRequiredError) as error:
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified")
    assert "No budget" in str(error.value)
    with pytest.raises(ValidationError):
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="Because")
    details = leads.update_lead(ctx, admin_id, lead_id, {"status": "Unqualified", "unqualified_reason": "no need"})
    assert details.status.label == "Unqualified" and details.lead.unqualified_reason_id is not None
    assert lead_workflow.status_history(ctx, admin_id, lead_id)[-1]["reason"] == "No need"
    assert ("unqualified_reason", None, "No need") in [
        (c.field, c.old_value, c.new_value) for c in leads.lead_history(ctx, admin_id, lead_id)]
    recycled = lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Open")
    assert recycled.lead.unqualified_reason_id is None


def test_qualifying_a_lead_missing_criteria_needs_an_override_which_is_kept(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, budget_amount="500")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    with pytest.raises(CriteriaNotMetError) as error:
        lead_workflow.qualify_lead(ctx, admin_id, lead_id)
    assert [f for f, _ in error.value.details] == ["criteria.budget", "criteria.authority", "criteria.timeframe"]
    assert leads.get_lead(ctx, admin_id, lead_id).status.label == "Contacted"
    details = lead_workflow.qualify_lead(ctx, admin_id, lead_id, override_reason="CFO confirmed budget by phone")
    assert details.status.label == "Qualified"
    assert lead_workflow.status_history(ctx, admin_id, lead_id)[-1]["override_reason"] == (
        "CFO confirmed budget by phone")
    assert "qualification_override" in {c.field for c in leads.lead_history(ctx, admin_id, lead_id)}


def test_a_lead_created_unqualified_needs_a_reason_and_one_created_qualified_its_criteria(
        ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(ReasonRequiredError):
        new_lead(ctx, admin_id, status="Unqualified")
    with pytest.raises(CriteriaNotMetError):
        new_lead(ctx, admin_id, status="Qualified", budget_amount="500")
    with pytest.raises(ValidationError) as stray:
        new_lead(ctx, admin_id, status="Open", unqualified_reason="No need")
    assert stray.value.field == "unqualified_reason"
    assert leads.list_leads(ctx, admin_id, leads.LeadQuery(), leads.Page(limit=10)) == []  # nothing half-written

    unqualified = new_lead(ctx, admin_id, status="Unqualified", unqualified_reason="no need")
    assert leads.get_lead(ctx, admin_id, unqualified).lead.unqualified_reason_id is not None
    assert lead_workflow.status_history(ctx, admin_id, unqualified)[0]["reason"] == "No need"
    overridden = new_lead(ctx, admin_id, status="Qualified", budget_amount="500",
                          qualification_override_reason="Signed letter of intent")
    first = lead_workflow.status_history(ctx, admin_id, overridden)[0]
    assert (first["from"], first["to"], first["override_reason"]) == (None, "Qualified", "Signed letter of intent")
    assert ("qualification_override", None, "Signed letter of intent") in [
        (c.field, c.old_value, c.new_value) for c in leads.lead_history(ctx, admin_id, overridden)]
    assert leads.get_lead(ctx, admin_id, new_lead(ctx, admin_id, status="Qualified", **READY)).status.label == (
        "Qualified")


def test_the_evaluation_reads_the_lead_as_stored(ctx: ServiceContext, admin_id: int, clock) -> None:
    lead_id = new_lead(ctx, admin_id, **READY)
    evaluation = lead_workflow.evaluate_lead(ctx, admin_id, lead_id)
    assert evaluation.framework == "BANT" and evaluation.met
    clock.advance(days=90)  # the purchase date is now in the past
    assert [r.name for r in lead_workflow.evaluate_lead(ctx, admin_id, lead_id).unmet] == ["timeframe"]
    options = lead_workflow.status_options(ctx, admin_id, lead_id)
    assert options.current.label == "Open" and [s.label for s in options.next_statuses] == ["Contacted"]


def test_an_admin_allows_a_move_and_leads_may_then_take_it(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id)
    workflow_configuration.allow_transition(ctx, admin_id, "Open", "Unqualified")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="Duplicate")
    workflow_configuration.forbid_transition(ctx, admin_id, "Unqualified", "Open")
    with pytest.raises(StatusTransitionError):
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Open")
    with pytest.raises(NotFoundError):
        workflow_configuration.forbid_transition(ctx, admin_id, "Unqualified", "Open")
    with pytest.raises(ValidationError):
        workflow_configuration.allow_transition(ctx, admin_id, "Qualified", "Converted")
    restored = workflow_configuration.reset_transitions(ctx, admin_id)
    assert {(t.from_status, t.to_status) for t in restored} == {
        ("Open", "Contacted"), ("Contacted", "Qualified"), ("Contacted", "Unqualified"), ("Unqualified", "Open"),
        ("Qualified", "Contacted"), ("Qualified", "Unqualified")}


def test_a_status_an_admin_adds_behaves_like_its_kind_mates(ctx: ServiceContext, admin_id: int) -> None:
    add_status(ctx, admin_id, "Nurturing", "working")
    lead_id = new_lead(ctx, admin_id)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Nurturing")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="Bad timing")
    assert ("Nurturing", "Qualified") in {(t.from_status, t.to_status)
                                          for t in workflow_configuration.list_transitions(ctx)}


def test_a_status_an_admin_adds_is_reachable_from_its_kind_mates_and_listed_with_its_kind(
        ctx: ServiceContext, admin_id: int) -> None:
    add_status(ctx, admin_id, "Nurturing", "working")
    lead_id = new_lead(ctx, admin_id)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Nurturing")
    assert lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted").status.label == "Contacted"
    assert [s.label for s in list_statuses(ctx)] == [
        "Open", "Contacted", "Nurturing", "Qualified", "Unqualified", "Converted"]


def test_a_qualified_lead_is_disqualified_with_a_reason_or_sent_back_to_work(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, **READY, title="CEO")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Qualified")
    options = lead_workflow.status_options(ctx, admin_id, lead_id)
    assert ([s.label for s in options.next_statuses], options.read_only) == (["Contacted", "Unqualified"], False)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="Bad timing")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Open")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Qualified")
    assert lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted").status.label == "Contacted"


def test_staying_unqualified_with_a_new_reason_changes_the_reason_audited_and_nothing_else_is_refused(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    with pytest.raises(StatusUnchangedError):
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="No budget")
    details = lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="Bad timing")
    assert details.lead.version == 4
    history = lead_workflow.status_history(ctx, admin_id, lead_id)
    assert [(h["from"], h["to"], h["reason"]) for h in history[-2:]] == [
        ("Contacted", "Unqualified", "No budget"), ("Unqualified", "Unqualified", "Bad timing")]
    audit = [c for c in leads.lead_history(ctx, admin_id, lead_id) if c.field == "unqualified_reason"]
    assert (audit[-1].old_value, audit[-1].new_value) == ("No budget", "Bad timing")
    for again in ({"reason": "Bad timing"}, {}):
        with pytest.raises(StatusUnchangedError) as error:
            lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", **again)
        assert "already 'Unqualified'" in str(error.value)
    assert leads.get_lead(ctx, admin_id, lead_id).lead.version == 4
    updated = leads.update_lead(ctx, admin_id, lead_id, {"status": "Unqualified", "unqualified_reason": "No need"})
    assert updated.lead.version == 5
    assert lead_workflow.status_history(ctx, admin_id, lead_id)[-1]["reason"] == "No need"
    assert leads.update_lead(ctx, admin_id, lead_id, {"status": "Unqualified", "title": "CTO"}).lead.version == 6
    with pytest.raises(StatusUnchangedError):  # the status alone, as it is: refused, as `lead status` does
        leads.update_lead(ctx, admin_id, lead_id, {"status": "Unqualified"})


def test_only_admins_change_the_workflow(ctx: ServiceContext, admin_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep").id
    for change in (lambda: workflow_configuration.allow_transition(ctx, rep, "Open", "Unqualified"),
                   lambda: workflow_configuration.add_reason(ctx, rep, "lead_unqualified", "Spam"),
                   lambda: workflow_configuration.use_framework(ctx, rep, "BANT")):
        with pytest.raises(PermissionDeniedError):
            change()


def test_a_new_reason_is_offered_and_a_deactivated_one_is_not(ctx: ServiceContext, admin_id: int) -> None:
    workflow_configuration.add_reason(ctx, admin_id, "lead_unqualified", "Spam")
    with pytest.raises(ValidationError):
        workflow_configuration.add_reason(ctx, admin_id, "lead_unqualified", "spam")
    lead_id = new_lead(ctx, admin_id)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    workflow_configuration.change_reason(ctx, admin_id, "lead_unqualified", "Spam", is_active=False)
    with pytest.raises(ValidationError):
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason="Spam")
    assert "Spam" in [r.label for r in workflow_configuration.list_reasons(ctx, "lead_unqualified")]
    assert "Price" in [r.label for r in workflow_configuration.list_reasons(ctx, "opportunity_lost")]


def test_a_framework_of_custom_criteria_replaces_bant_when_an_admin_uses_it(ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "fit_score", "Fit score", "number")
    workflow_configuration.add_criterion(ctx, admin_id, purpose="qualification", framework="FIT", name="fit",
                                         conditions=[{"field": "custom.fit_score", "operator": "at_least",
                                                      "value": "70"}])
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "L", "company": "C"}, custom={"fit_score": "80"}).lead.id
    assert lead_workflow.evaluate_lead(ctx, admin_id, lead_id).framework == "BANT"
    workflow_configuration.use_framework(ctx, admin_id, "fit")
    evaluation = lead_workflow.evaluate_lead(ctx, admin_id, lead_id)
    assert (evaluation.framework, [r.name for r in evaluation.results], evaluation.met) == ("FIT", ["fit"], True)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    assert lead_workflow.qualify_lead(ctx, admin_id, lead_id).status.label == "Qualified"
    with pytest.raises(ValidationError) as error:
        workflow_configuration.add_criterion(ctx, admin_id, purpose="qualification", framework="FIT", name="age",
                                             conditions=[{"field": "title", "operator": "at_least", "value": "1"}])
    assert error.value.field == "conditions[0].operator"
    with pytest.raises(ConfigurationError) as last:  # the only criterion FIT applies: every lead would pass
        workflow_configuration.remove_criterion(ctx, admin_id, "FIT", "fit")
    assert "last criterion" in str(last.value)
    assert "fit" in [c.name for c in workflow_configuration.list_criteria(ctx, "qualification")]
    workflow_configuration.remove_criterion(ctx, admin_id, "BANT", "need")  # not applied now: goes freely
    workflow_configuration.remove_criterion(ctx, admin_id, "FIT", "fit", allow_none=True)
    assert "fit" not in [c.name for c in workflow_configuration.list_criteria(ctx, "qualification")]
    assert lead_workflow.evaluate_lead(ctx, admin_id, lead_id).framework == "none"


def test_a_rep_cannot_move_a_lead_they_may_not_see(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.security.sharing import set_sharing

    set_sharing(ctx, admin_id, "lead", "private")
    owner = users.add_user(ctx, admin_id, name="Owner", email="owner@example.com", role="rep").id
    peer = users.add_user(ctx, admin_id, name="Peer", email="peer@example.com", role="rep").id
    lead_id = new_lead(ctx, owner)
    with pytest.raises(NotFoundError):
        lead_workflow.change_lead_status(ctx, peer, lead_id, "Contacted")
    with pytest.raises(NotFoundError):
        lead_workflow.evaluate_lead(ctx, peer, lead_id)


def test_a_move_between_two_unqualified_statuses_audits_the_reason_the_lead_had(
        ctx: ServiceContext, admin_id: int) -> None:
    add_status(ctx, admin_id, "Parked", "unqualified")
    workflow_configuration.allow_transition(ctx, admin_id, "Unqualified", "Parked")
    lead_id = new_lead(ctx, admin_id, status="Unqualified", unqualified_reason="No budget")
    workflow_configuration.change_reason(ctx, admin_id, "lead_unqualified", "No budget", is_active=False)
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Parked", reason="Bad timing")

    reasons = {r.label: r.id for r in workflow_configuration.list_reasons(ctx, "lead_unqualified")}
    assert leads.get_lead(ctx, admin_id, lead_id).lead.unqualified_reason_id == reasons["Bad timing"]
    moved = lead_workflow.status_history(ctx, admin_id, lead_id)[-1]
    assert (moved["from"], moved["to"], moved["reason"]) == ("Unqualified", "Parked", "Bad timing")
    audited = [(c.field, c.old_value, c.new_value) for c in leads.lead_history(ctx, admin_id, lead_id)]
    assert audited[-2:] == [("status", "Unqualified", "Parked"), ("unqualified_reason", "No budget", "Bad timing")]

    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Open")  # leaving: the reason goes, audited
    audited = [(c.field, c.old_value, c.new_value) for c in leads.lead_history(ctx, admin_id, lead_id)]
    assert audited[-2:] == [("status", "Parked", "Open"), ("unqualified_reason", "Bad timing", None)]
    assert lead_workflow.status_history(ctx, admin_id, lead_id)[-1]["reason"] is None
