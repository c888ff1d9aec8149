"""Assignment decisions alone: criteria, the first match, inactive targets, weighted turns."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from leadline.domain.assignment import (
    AssignmentGroup,
    AssignmentRule,
    Criteria,
    GroupMember,
    GroupMethod,
    counted_once_more,
    decide,
)
from leadline.domain.security.users import Role, User
from tests.unit.builders import make_lead

USERS = {i: User(i, f"U{i}", f"u{i}@example.com", Role.REP) for i in (1, 2, 3)}


def test_all_parts_of_the_criteria_must_hold_and_each_part_is_any_of() -> None:
    lead = make_lead(country="DE", industry="Rail", number_of_employees=80)
    assert Criteria(countries=("at", "de"), industries=("RAIL",), min_employees=50).matches(lead)
    assert Criteria(countries=("de",), max_employees=50).mismatches(lead) == ["company_size"]
    assert Criteria(min_employees=1).mismatches(make_lead(number_of_employees=None)) == ["company_size"]


def test_weighted_turns_follow_the_weights_exactly_at_each_full_cycle() -> None:
    group = AssignmentGroup(1, "G", GroupMethod.WEIGHTED, (GroupMember(1, 1), GroupMember(2, 2), GroupMember(3, 3)))
    rules = [AssignmentRule(1, 1, "All", Criteria(), group_id=1)]
    given: Counter[int] = Counter()
    for _ in range(60):
        decision = decide(rules, make_lead(), USERS, {1: group}, None)
        assert decision.owner_id is not None
        given[decision.owner_id] += 1
        group = counted_once_more(group, decision.owner_id)
    assert [given[i] for i in (1, 2, 3)] == [10, 20, 30]


def test_no_entry_and_no_default_owner_keeps_the_owner() -> None:
    rules = [AssignmentRule(1, 1, "Austria", Criteria(countries=("AT",)), user_id=1)]
    decision = decide(rules, make_lead(country="DE"), USERS, {}, None)
    assert (decision.owner_id, decision.rule_id) == (None, None)
    assert decide(rules, make_lead(country="DE"), USERS, {}, 2).owner_id == 2


def test_a_whole_custom_number_matches_the_number_as_a_rule_writes_it() -> None:
    # given a lead whose custom number holds a whole hundred (a Decimal, as custom values are read)
    lead = make_lead()
    lead.custom = {"seats": Decimal("100.00")}

    # then a rule naming 100 matches it: the number is compared as written, not as 1E+2
    assert Criteria(custom={"seats": ("100",)}).matches(lead)
    assert Criteria(custom={"seats": ("10",)}).mismatches(lead) == ["custom.seats"]
