"""The lead status workflow: the transition graph, reasons for disqualifying, and the
qualification rule, as pure domain rules."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from leadline.domain.configuration.reasons import Reason, ReasonKind, find_reason
from leadline.domain.configuration.statuses import LeadStatus, StatusKind
from leadline.domain.errors import (
    CriteriaNotMetError,
    InvalidStatusError,
    LeadReadOnlyError,
    ReasonRequiredError,
    StatusTransitionError,
    StatusUnchangedError,
    ValidationError,
)
from leadline.domain.leads.lead import ProductInterest
from leadline.domain.leads.qualification import BANT, default_criteria, evaluate
from leadline.domain.leads.workflow import (
    StatusWorkflow,
    default_transitions,
    ensure_transition_valid,
    in_graph_order,
    transitions_like,
)
from tests.unit.builders import make_converted_lead, make_lead, make_statuses, raises_error

TODAY = date(2025, 3, 3)
OPEN, CONTACTED, QUALIFIED, UNQUALIFIED, CONVERTED = 1, 2, 3, 4, 5
NO_BUDGET = Reason(41, ReasonKind.LEAD_UNQUALIFIED, "No budget", 0)


def workflow() -> StatusWorkflow:
    statuses = make_statuses()
    return StatusWorkflow(statuses, default_transitions(statuses))


def status(number: int) -> LeadStatus:
    return workflow().statuses[number]


def qualification(lead):
    return evaluate(default_criteria(), lead, today=TODAY, framework=BANT)


def qualified_lead(**overrides):
    values = dict(status_id=CONTACTED, budget_amount=Decimal("5000"), is_decision_maker=True,
                  products=[ProductInterest("Widget")], purchase_timeframe=date(2025, 5, 1))
    values.update(overrides)
    return make_lead(**values)


def test_the_default_graph_follows_the_kinds_open_working_then_qualified_or_unqualified_and_recycles():
    assert default_transitions(make_statuses()) == {
        (OPEN, CONTACTED), (CONTACTED, QUALIFIED), (CONTACTED, UNQUALIFIED), (UNQUALIFIED, OPEN),
        (QUALIFIED, CONTACTED), (QUALIFIED, UNQUALIFIED),
    }


@pytest.mark.parametrize(("start", "target"), [
    (OPEN, CONTACTED), (CONTACTED, QUALIFIED), (CONTACTED, UNQUALIFIED), (UNQUALIFIED, OPEN),
    (QUALIFIED, UNQUALIFIED), (QUALIFIED, CONTACTED)])
def test_every_move_of_the_default_graph_is_allowed(start, target):
    lead = qualified_lead(status_id=start)
    move = workflow().move(lead, status(target), reason=NO_BUDGET, qualification=qualification(lead))
    assert lead.status_id == target and move.from_status.id == start


@pytest.mark.parametrize(("start", "target"), [
    (OPEN, QUALIFIED), (OPEN, UNQUALIFIED), (CONTACTED, OPEN), (QUALIFIED, OPEN),
    (UNQUALIFIED, CONTACTED), (UNQUALIFIED, QUALIFIED)])
def test_every_move_outside_the_graph_is_refused_and_says_where_the_lead_may_go(start, target):
    lead = qualified_lead(status_id=start)
    with raises_error(StatusTransitionError, code="STATUS_TRANSITION_NOT_ALLOWED", field="status") as error:
        workflow().move(lead, status(target), reason=NO_BUDGET, qualification=qualification(lead))
    assert lead.status_id == start
    assert "allowed:" in str(error.value)


def test_the_converted_status_is_never_reached_by_hand_even_if_an_admin_tried_to_allow_it():
    statuses = make_statuses()
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="to"):
        ensure_transition_valid(statuses[QUALIFIED - 1], statuses[CONVERTED - 1])
    forced = StatusWorkflow(statuses, {(QUALIFIED, CONVERTED)})
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status"):
        forced.move(qualified_lead(status_id=QUALIFIED), status(CONVERTED))


def test_a_converted_lead_moves_nowhere():
    lead = make_converted_lead()
    with raises_error(LeadReadOnlyError, code="LEAD_READ_ONLY", field="lead"):
        workflow().move(lead, status(OPEN))
    assert not workflow().can_move(lead, status(OPEN))


def test_disqualifying_needs_an_unqualified_reason_and_keeps_it_on_the_lead():
    lead = make_lead(status_id=CONTACTED)
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="reason"):
        workflow().move(lead, status(UNQUALIFIED))
    move = workflow().move(lead, status(UNQUALIFIED), reason=NO_BUDGET)
    assert (lead.unqualified_reason_id, move.reason) == (41, NO_BUDGET)


def test_recycling_a_disqualified_lead_clears_its_reason():
    lead = make_lead(status_id=UNQUALIFIED, unqualified_reason_id=41)
    workflow().move(lead, status(OPEN))
    assert lead.unqualified_reason_id is None


def test_a_reason_comes_from_the_configured_list_and_a_missing_one_names_the_choices():
    reasons = [NO_BUDGET, Reason(42, ReasonKind.LEAD_UNQUALIFIED, "Old", 1, is_active=False),
               Reason(43, ReasonKind.OPPORTUNITY_LOST, "Price", 0)]
    assert find_reason(reasons, ReasonKind.LEAD_UNQUALIFIED, "no BUDGET") is NO_BUDGET
    with raises_error(ReasonRequiredError, code="REASON_REQUIRED", field="reason") as error:
        find_reason(reasons, ReasonKind.LEAD_UNQUALIFIED, " ")
    assert "No budget" in str(error.value)
    for not_allowed in ("Old", "Price"):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="reason"):
            find_reason(reasons, ReasonKind.LEAD_UNQUALIFIED, not_allowed)


def test_qualifying_a_lead_that_meets_the_criteria_keeps_no_override():
    lead = qualified_lead()
    move = workflow().move(lead, status(QUALIFIED), qualification=qualification(lead), override_reason="because")
    assert lead.status_id == QUALIFIED and move.override_reason is None


def test_qualifying_a_lead_that_misses_criteria_is_refused_with_each_unmet_criterion():
    lead = qualified_lead(budget_amount=Decimal("10"), purchase_timeframe=None)
    with raises_error(CriteriaNotMetError, code="CRITERIA_NOT_MET", field="override_reason") as error:
        workflow().move(lead, status(QUALIFIED), qualification=qualification(lead))
    assert [field for field, _ in error.value.details] == ["criteria.budget", "criteria.timeframe"]
    assert lead.status_id == CONTACTED


def test_an_override_with_a_written_reason_qualifies_and_is_kept():
    lead = qualified_lead(products=[])
    move = workflow().move(lead, status(QUALIFIED), qualification=qualification(lead),
                           override_reason="  verbal commitment from the CFO ")
    assert lead.status_id == QUALIFIED and move.override_reason == "verbal commitment from the CFO"


def test_a_blank_override_is_no_override():
    lead = qualified_lead(products=[])
    with pytest.raises(CriteriaNotMetError):
        workflow().move(lead, status(QUALIFIED), qualification=qualification(lead), override_reason="   ")


def test_a_new_status_gets_the_moves_of_its_kind_mates_and_moves_to_and_from_them():
    statuses = make_statuses()
    nurturing = LeadStatus(6, "Nurturing", 6, StatusKind.WORKING)
    added = transitions_like(nurturing, [*statuses, nurturing], default_transitions(statuses))
    assert added == {(OPEN, 6), (6, QUALIFIED), (6, UNQUALIFIED), (QUALIFIED, 6), (CONTACTED, 6), (6, CONTACTED)}


def test_a_new_converted_status_gets_no_moves_at_all():
    statuses = make_statuses()
    won = LeadStatus(6, "Converted (partner)", 6, StatusKind.CONVERTED)
    assert transitions_like(won, [*statuses, won], default_transitions(statuses)) == set()


def test_a_new_status_of_a_kind_without_mates_gets_the_default_moves_of_its_kind():
    statuses = [s for s in make_statuses() if s.kind is not StatusKind.WORKING]
    working = LeadStatus(6, "Calling", 6, StatusKind.WORKING)
    added = transitions_like(working, [*statuses, working], default_transitions(statuses))
    assert added == {(OPEN, 6), (6, QUALIFIED), (6, UNQUALIFIED), (QUALIFIED, 6)}


def test_a_qualified_lead_that_stalls_is_disqualified_with_a_reason_or_sent_back_to_work():
    lead = qualified_lead(status_id=QUALIFIED)
    assert [s.label for s in workflow().next_statuses(QUALIFIED)] == ["Contacted", "Unqualified"]
    workflow().move(lead, status(UNQUALIFIED), reason=NO_BUDGET)
    assert (lead.status_id, lead.unqualified_reason_id) == (UNQUALIFIED, 41)


def test_staying_unqualified_with_another_reason_changes_only_the_reason():
    bad_timing = Reason(44, ReasonKind.LEAD_UNQUALIFIED, "Bad timing", 3)
    lead = make_lead(status_id=UNQUALIFIED, unqualified_reason_id=41)
    assert workflow().can_move(lead, status(UNQUALIFIED), bad_timing)
    move = workflow().move(lead, status(UNQUALIFIED), reason=bad_timing)
    assert (move.from_status.id, move.to_status.id, move.reason) == (UNQUALIFIED, UNQUALIFIED, bad_timing)
    assert (lead.status_id, lead.unqualified_reason_id) == (UNQUALIFIED, 44)


@pytest.mark.parametrize(("start", "reason"), [(UNQUALIFIED, NO_BUDGET), (UNQUALIFIED, None), (CONTACTED, None),
                                               (QUALIFIED, None)])
def test_moving_to_the_status_a_lead_has_without_a_new_reason_is_refused_clearly(start, reason):
    lead = qualified_lead(status_id=start, unqualified_reason_id=41 if start == UNQUALIFIED else None)
    assert not workflow().can_move(lead, status(start), reason)
    with raises_error(StatusUnchangedError, code="STATUS_UNCHANGED", field="status") as error:
        workflow().move(lead, status(start), reason=reason, qualification=qualification(lead))
    assert "already" in str(error.value)
    assert lead.unqualified_reason_id == (41 if start == UNQUALIFIED else None)


def test_statuses_are_listed_in_graph_order_whatever_order_they_were_added_in():
    statuses = make_statuses()
    nurturing = LeadStatus(6, "Nurturing", 5, StatusKind.WORKING)
    ordered = in_graph_order([*statuses, nurturing])
    assert [s.label for s in ordered] == ["Open", "Contacted", "Nurturing", "Qualified", "Unqualified", "Converted"]


def test_next_statuses_lists_the_targets_in_order_without_inactive_ones():
    statuses = make_statuses()
    statuses[UNQUALIFIED - 1] = replace(statuses[UNQUALIFIED - 1], is_active=False)
    flow = StatusWorkflow(statuses, default_transitions(make_statuses()))
    assert [s.label for s in flow.next_statuses(CONTACTED)] == ["Qualified"]
