"""Assignment rules on the in-memory fake: the criteria matrix, first match wins, inactive users
passed over, the default owner, fewest open leads, the recorded reasons, and a simulation that
writes nothing. Fairness over 1,000 leads and concurrent turns: tests/integration/test_assignment.py."""

from __future__ import annotations

from typing import Any

import pytest

from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.services.assignment import rules as assignment
from leadline.services.assignment.assign import assign_leads, assignment_log, simulate_assignment
from leadline.services.campaigns import records as campaigns
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.security import users
from tests.fakes.unit_of_work import FakeUnitOfWork
from tests.unit.builders import raises_error

BASE = {"last_name": "Lovelace", "company": "Engines", "country": "DE", "state": "Bavaria", "industry": "Rail",
        "number_of_employees": 250, "source": "Trade show"}


@pytest.fixture
def reps(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    return {name: users.add_user(ctx, admin_id, name=name.title(), email=f"{name}@example.com").id
            for name in ("anna", "ben", "cara")}


def _lead(ctx: ServiceContext, admin_id: int, **values: Any) -> int:
    products = values.pop("products", [])
    custom = values.pop("custom", None)
    return leads.create_lead(ctx, admin_id, {**BASE, **values}, products=products, custom=custom).lead.id


def _owner(ctx: ServiceContext, admin_id: int, lead_id: int) -> int | None:
    return leads.get_lead(ctx, admin_id, lead_id).lead.owner_id


@pytest.mark.parametrize(("criterion", "matching", "other"), [
    ({"country": ["de", "AT"]}, {}, {"country": "FR"}),
    ({"state": ["Bavaria"]}, {}, {"state": "Saxony"}),
    ({"source": ["Trade show"]}, {}, {"source": "Customer referral"}),
    ({"industry": ["rail"]}, {}, {"industry": "Banking"}),
    ({"company_size": {"min": 100, "max": 500}}, {}, {"number_of_employees": 50}),
    ({"product_interest": ["Widget"]}, {"products": [{"product": "widget"}]}, {"products": [{"product": "Gadget"}]}),
    ({"custom": {"region": ["North"]}}, {"custom": {"region": "North"}}, {"custom": {"region": "South"}}),
    ({"campaign": ["Spring"]}, {"campaign": True}, {}),
])
def test_each_criterion_sends_a_matching_lead_to_its_user_and_the_others_to_the_default(
        ctx: ServiceContext, admin_id: int, reps: dict[str, int], criterion: dict[str, Any],
        matching: dict[str, Any], other: dict[str, Any]) -> None:
    add_custom_field(ctx, admin_id, "lead", "region", "Region", "text")
    spring = campaigns.create_campaign(ctx, admin_id, {"name": "Spring", "type": "ad"}).id
    if matching.pop("campaign", False):
        matching["campaign_id"] = str(spring)
    assignment.add_assignment_rule(ctx, admin_id, {"name": "The one", "criteria": criterion,
                                                   "user": "anna@example.com"})
    assignment.set_default_owner(ctx, admin_id, "ben@example.com")
    hit, miss = _lead(ctx, admin_id, **matching), _lead(ctx, admin_id, **other)
    assign_leads(ctx, admin_id, [hit, miss])
    assert (_owner(ctx, admin_id, hit), _owner(ctx, admin_id, miss)) == (reps["anna"], reps["ben"])


def test_the_first_matching_entry_wins_and_an_inactive_user_is_passed_over(
        ctx: ServiceContext, admin_id: int, reps: dict[str, int]) -> None:
    assignment.add_assignment_rule(ctx, admin_id, {"name": "Germany", "criteria": {"country": ["DE"]},
                                                   "user": "anna@example.com"})
    assignment.add_assignment_rule(ctx, admin_id, {"name": "Rail", "criteria": {"industry": ["Rail"]},
                                                   "user": "ben@example.com"})
    first = _lead(ctx, admin_id)
    assert assign_leads(ctx, admin_id, [first])[0].owner_id == reps["anna"]
    users.update_user(ctx, admin_id, "anna@example.com", active=False)
    second = _lead(ctx, admin_id)
    [done] = assign_leads(ctx, admin_id, [second])
    assert done.owner_id == reps["ben"]
    assert done.decision.skipped == (f"Germany: user {reps['anna']} is inactive",)


def test_a_group_without_an_active_member_is_passed_over_and_nothing_matching_keeps_the_owner(
        ctx: ServiceContext, admin_id: int, reps: dict[str, int]) -> None:
    assignment.add_assignment_group(ctx, admin_id, "Solo", [("cara@example.com", 1)])
    assignment.add_assignment_rule(ctx, admin_id, {"name": "To Solo", "criteria": {}, "group": "Solo"})
    users.update_user(ctx, admin_id, "cara@example.com", active=False)
    lead = _lead(ctx, admin_id)
    [done] = assign_leads(ctx, admin_id, [lead])
    assert (done.owner_id, done.decision.reason) == (
        admin_id, "no entry matched and no active default owner: owner kept")
    assert done.decision.skipped == ("To Solo: no active member in its group",)


def test_fewest_open_leads_goes_to_the_member_with_the_fewest(ctx: ServiceContext, admin_id: int,
                                                              reps: dict[str, int]) -> None:
    for _ in range(2):
        _lead(ctx, admin_id, owner="anna@example.com")
    _lead(ctx, admin_id, owner="ben@example.com")
    assignment.add_assignment_group(ctx, admin_id, "Load", [("anna@example.com", 1), ("ben@example.com", 1),
                                                           ("cara@example.com", 1)], method="fewest_open")
    assignment.add_assignment_rule(ctx, admin_id, {"name": "All", "criteria": {}, "group": "Load"})
    done = assign_leads(ctx, admin_id, [_lead(ctx, admin_id) for _ in range(3)])
    # open leads 2/1/0: Cara; then Ben and Cara have one each and Ben is behind on his turns; then Cara
    assert [d.owner_id for d in done] == [reps["cara"], reps["ben"], reps["cara"]]
    assert done[0].decision.tie_break == "fewest open leads"


def test_every_assignment_records_its_entry_candidates_and_tie_break(ctx: ServiceContext, admin_id: int,
                                                                   reps: dict[str, int]) -> None:
    group = assignment.add_assignment_group(ctx, admin_id, "Team", [("anna@example.com", 1), ("ben@example.com", 2)])
    rule = assignment.add_assignment_rule(ctx, admin_id, {"name": "Team", "criteria": {}, "group": "Team"})
    lead = _lead(ctx, admin_id)
    assign_leads(ctx, admin_id, [lead])
    [entry] = assignment_log(ctx, admin_id, lead)
    assert (entry.rule_id, entry.group_id, entry.previous_owner_id, entry.owner_id) == (
        rule.id, group.id, admin_id, reps["ben"])
    assert entry.reason == "entry 1 'Team' matched: group 'Team'"
    assert entry.details["candidates"] == [
        {"user_id": reps["anna"], "weight": 1, "assigned": 0, "open_leads": None},
        {"user_id": reps["ben"], "weight": 2, "assigned": 0, "open_leads": None}]
    assert entry.details["tie_break"] == "furthest behind its weighted share"
    owner_changes = [c for c in leads.lead_history(ctx, admin_id, lead) if c.field == "owner_id"]
    assert [(c.old_value, c.new_value) for c in owner_changes][-1] == ("ada@example.com", "ben@example.com")


def test_a_simulation_shows_who_would_get_what_and_writes_nothing(ctx: ServiceContext, admin_id: int,
                                                                 reps: dict[str, int]) -> None:
    assignment.add_assignment_group(ctx, admin_id, "Pair", [("anna@example.com", 1), ("ben@example.com", 1)])
    made = [_lead(ctx, admin_id, country=country) for country in ("DE", "FR", "DE", "FR")]
    uow = ctx.uow_factory.opens(read_only=True)  # type: ignore[attr-defined]
    assert isinstance(uow, FakeUnitOfWork)
    database = uow.database
    commits, before = database.commits, repr(database.tables)
    seen = simulate_assignment(ctx, admin_id, last=4, rules=[
        {"name": "France", "criteria": {"country": ["FR"]}, "user": "cara@example.com"},
        {"name": "Rest", "criteria": {}, "group": "Pair"}])
    assert [s.lead_id for s in seen] == made
    assert [s.owner_id for s in seen] == [reps["anna"], reps["cara"], reps["ben"], reps["cara"]]
    assert (database.commits, repr(database.tables)) == (commits, before)


def test_rules_are_checked_field_by_field_and_changed_by_admins_only(ctx: ServiceContext, admin_id: int,
                                                                    reps: dict[str, int]) -> None:
    for values, field in (
            ({"name": "X", "criteria": {"colour": ["red"]}, "user": "anna@example.com"}, "criteria.colour"),
            ({"name": "X", "criteria": {"source": ["Carrier pigeon"]}, "user": "anna@example.com"}, "criteria.source"),
            ({"name": "X", "criteria": {"company_size": {"min": 9, "max": 1}}, "user": "anna@example.com"},
             "criteria.company_size.max"),
            ({"name": "X", "criteria": {}}, "user"),
            ({"name": "X", "criteria": {}, "group": "Nobody"}, "group")):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
            assignment.add_assignment_rule(ctx, admin_id, values)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="actor"):
        assignment.add_assignment_rule(ctx, reps["anna"], {"name": "Me", "criteria": {}, "user": "anna@example.com"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="members[1].weight"):
        assignment.add_assignment_group(ctx, admin_id, "Bad", [("anna@example.com", 1), ("ben@example.com", 0)])
