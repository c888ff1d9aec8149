"""Bulk changes of leads on the in-memory fake: giving leads an owner and moving them to a status,
all or nothing, each refusal reported with its lead, code and message, under record-level
security."""

from __future__ import annotations

import pytest

from leadline.domain.errors import InvalidStatusError, NotFoundError, ValidationError
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.leads.bulk import LeadRefusal, bulk_assign_owner, bulk_change_status
from leadline.services.leads.list_filters import list_choices
from leadline.services.leads.workflow import change_lead_status, status_history
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.unit.builders import raises_error


@pytest.fixture
def team(ctx: ServiceContext, admin_id: int) -> tuple[int, int]:
    """Two reps whose leads are private to them."""
    set_sharing(ctx, admin_id, "lead", "private")
    return (add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id,
            add_user(ctx, admin_id, name="Jo Rep", email="jo@example.com").id)


def new_lead(ctx: ServiceContext, actor: int, name: str) -> int:
    return leads.create_lead(ctx, actor, {"last_name": name, "company": f"{name} Ltd"}).lead.id


def owner_of(ctx: ServiceContext, admin_id: int, lead_id: int) -> str | None:
    owner = leads.get_lead(ctx, admin_id, lead_id).owner
    return owner.email if owner else None


def test_leads_are_given_a_new_owner_together_with_their_history(
        ctx: ServiceContext, admin_id: int, team: tuple[int, int]) -> None:
    sam, _ = team
    chosen = [new_lead(ctx, sam, "Ames"), new_lead(ctx, sam, "Baker")]

    outcome = bulk_assign_owner(ctx, sam, chosen, "jo@example.com")

    assert outcome.committed and outcome.changed == chosen and outcome.refused == []
    assert [owner_of(ctx, admin_id, lead) for lead in chosen] == ["jo@example.com"] * 2
    assert [c.field for c in leads.lead_history(ctx, admin_id, chosen[0])][-1] == "owner_id"


def test_one_lead_the_actor_may_not_see_refuses_the_whole_assignment_without_saying_what_it_is(
        ctx: ServiceContext, admin_id: int, team: tuple[int, int]) -> None:
    sam, jo = team
    mine, theirs = new_lead(ctx, sam, "Ames"), new_lead(ctx, jo, "Secretson")

    outcome = bulk_assign_owner(ctx, sam, [mine, theirs], "sam@example.com")

    assert not outcome.committed and outcome.unchanged == [mine]
    assert outcome.refused == [LeadRefusal(theirs, "NOT_FOUND", f"there is no lead {theirs}")]
    assert owner_of(ctx, admin_id, theirs) == "jo@example.com"


def test_a_status_change_refused_for_one_lead_changes_none_and_says_why(
        ctx: ServiceContext, admin_id: int, team: tuple[int, int]) -> None:
    sam, _ = team
    contacted, fresh = new_lead(ctx, sam, "Ames"), new_lead(ctx, sam, "Baker")
    change_lead_status(ctx, sam, contacted, "Contacted")

    outcome = bulk_change_status(ctx, sam, [contacted, fresh], "Unqualified", reason="No need")

    assert not outcome.committed and outcome.changed == [contacted]  # what would have changed
    assert [(r.lead_id, r.code) for r in outcome.refused] == [(fresh, "STATUS_TRANSITION_NOT_ALLOWED")]
    assert "Open" in outcome.refused[0].message  # Open -> Unqualified is not in the default graph
    assert leads.get_lead(ctx, admin_id, contacted).status.label == "Contacted"  # its move was not kept


def test_leads_move_to_a_status_and_one_already_there_is_left_alone(
        ctx: ServiceContext, admin_id: int, team: tuple[int, int]) -> None:
    sam, _ = team
    first, second = new_lead(ctx, sam, "Ames"), new_lead(ctx, sam, "Baker")
    change_lead_status(ctx, sam, second, "Contacted")

    outcome = bulk_change_status(ctx, sam, [first, second, first], "contacted")

    assert (outcome.committed, outcome.changed, outcome.unchanged) == (True, [first], [second])
    assert [(h["from"], h["to"]) for h in status_history(ctx, sam, first)] == [(None, "Open"), ("Open", "Contacted")]


def test_disqualifying_in_bulk_takes_the_reason_for_each_lead(
        ctx: ServiceContext, admin_id: int, team: tuple[int, int]) -> None:
    sam, _ = team
    chosen = [new_lead(ctx, sam, "Ames"), new_lead(ctx, sam, "Baker")]
    assert bulk_change_status(ctx, sam, chosen, "Contacted").committed

    without = bulk_change_status(ctx, sam, chosen, "Unqualified")
    assert [r.code for r in without.refused] == ["REASON_REQUIRED"] * 2
    with_reason = bulk_change_status(ctx, sam, chosen, "Unqualified", reason="No need")

    assert with_reason.committed and with_reason.changed == chosen


def test_the_call_itself_is_refused_for_an_unknown_owner_or_status_a_stray_reason_or_no_leads(
        ctx: ServiceContext, team: tuple[int, int]) -> None:
    sam, _ = team
    lead = new_lead(ctx, sam, "Ames")
    with raises_error(NotFoundError, code="NOT_FOUND", field="owner"):
        bulk_assign_owner(ctx, sam, [lead], "nobody@example.com")
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status"):
        bulk_change_status(ctx, sam, [lead], "Haunted")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="reason"):
        bulk_change_status(ctx, sam, [lead], "Contacted", reason="No need")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="lead_ids"):
        bulk_change_status(ctx, sam, [], "Contacted")



def test_the_list_offers_statuses_in_graph_order_every_user_and_only_the_reasons_to_disqualify(
        ctx: ServiceContext, admin_id: int, team: tuple[int, int]) -> None:
    choices = list_choices(ctx, team[0])

    assert [s.label for s in choices.statuses][:3] == ["Open", "Contacted", "Qualified"]
    assert [u.name for u in choices.users] == ["Ada Admin", "Jo Rep", "Sam Rep"]
    assert choices.reasons and {r.kind.value for r in choices.reasons} == {"lead_unqualified"}
