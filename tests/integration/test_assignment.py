"""Assignment on SQLite and PostgreSQL: round-robin fairness over 1,000 leads, weights honoured,
an inactive member skipped, counters that survive a restart and concurrent assignments, the
recorded reasons, and a simulation that writes nothing."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from statistics import mean

import pytest
from sqlalchemy import Engine, text

from leadline.domain.assignment import AssignmentRule
from leadline.domain.configuration.statuses import default_status
from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import Lead
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.assignment import rules as assignment
from leadline.services.assignment.assign import assign_new_lead, simulate_assignment
from leadline.services.assignment.rules import load_rule_set
from leadline.services.context import ServiceContext
from leadline.services.security import users

EMAILS = [f"rep{i}@example.com" for i in range(4)]


def _reps(ctx: ServiceContext, admin_id: int) -> list[int]:
    return [users.add_user(ctx, admin_id, name=f"Rep {i}", email=email).id for i, email in enumerate(EMAILS)]


def _capture(ctx: ServiceContext, admin_id: int, count: int, per_transaction: int = 1) -> list[int]:
    """``count`` leads captured ``per_transaction`` a transaction (as an import does; 1 as a form
    does), each assigned as a capture channel does it; their owners in order."""
    owners: list[int] = []
    while len(owners) < count:
        with ctx.uow_factory() as uow:
            now = ctx.now()
            status = default_status(ctx.config(uow).statuses)
            rule_set = load_rule_set(uow)
            for n in range(min(per_transaction, count - len(owners))):
                lead = Lead(id=new_id(), last_name=f"Lead {n}", company="Acme", status_id=status.id,
                            created_at=now, updated_at=now, owner_id=admin_id)
                assign_new_lead(uow, lead, now=now, actor_id=admin_id, rule_set=rule_set)
                uow.leads.add(lead)
                owners.append(lead.owner_id)  # type: ignore[arg-type]
            uow.commit()
    return owners


def test_round_robin_is_fair_over_1000_leads_and_skips_a_member_made_inactive(
        ctx: ServiceContext, admin_id: int) -> None:
    reps = _reps(ctx, admin_id)[:3]
    assignment.add_assignment_group(ctx, admin_id, "Team", [(e, 1) for e in EMAILS[:3]])
    assignment.add_assignment_rule(ctx, admin_id, {"name": "Everyone", "criteria": {}, "group": "Team"})
    counts = Counter(_capture(ctx, admin_id, 1000, per_transaction=25))
    assert set(counts) == set(reps)
    assert all(abs(n - mean(counts.values())) <= 1 for n in counts.values()), counts
    users.update_user(ctx, admin_id, EMAILS[0], active=False)
    later = Counter(_capture(ctx, admin_id, 30))
    assert later == {reps[1]: 15, reps[2]: 15}


def test_weights_are_honoured_and_the_counters_survive_a_restart(ctx: ServiceContext, admin_id: int,
                                                                 engine: Engine) -> None:
    reps = _reps(ctx, admin_id)[:3]
    assignment.add_assignment_group(ctx, admin_id, "Weighted", list(zip(EMAILS[:3], (1, 2, 3), strict=False)))
    assignment.add_assignment_rule(ctx, admin_id, {"name": "All", "criteria": {}, "group": "Weighted"})
    first = Counter(_capture(ctx, admin_id, 300, per_transaction=30))
    restarted = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                               clock=ctx.clock)  # a new process: nothing kept but what is stored
    second = Counter(_capture(restarted, admin_id, 300, per_transaction=30))
    total = first + second
    assert [total[r] for r in reps] == [100, 200, 300]
    assert [first[r] for r in reps] == [50, 100, 150]


def test_concurrent_assignments_take_turns(ctx: ServiceContext, admin_id: int) -> None:
    _reps(ctx, admin_id)
    assignment.add_assignment_group(ctx, admin_id, "Busy", [(e, 1) for e in EMAILS])
    assignment.add_assignment_rule(ctx, admin_id, {"name": "All", "criteria": {}, "group": "Busy"})
    with ThreadPoolExecutor(4) as pool:
        batches = list(pool.map(lambda _: _capture(ctx, admin_id, 25), range(4)))
    counts = Counter(owner for batch in batches for owner in batch)
    assert sorted(counts.values()) == [25, 25, 25, 25]
    stored = assignment.list_assignment_rules(ctx, admin_id).groups
    assert sorted(m.assigned for g in stored.values() for m in g.members) == [25, 25, 25, 25]


def test_each_assignment_is_logged_with_its_reason(ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    reps = _reps(ctx, admin_id)
    assignment.add_assignment_rule(ctx, admin_id, {"name": "Straight", "criteria": {}, "user": EMAILS[1]})
    [owner] = _capture(ctx, admin_id, 1)
    assert owner == reps[1]
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT previous_owner_id, owner_id, reason FROM assignment_log")).all()
    assert [tuple(r) for r in rows] == [(admin_id, reps[1], "entry 1 'Straight' matched")]


def test_a_simulation_writes_nothing(ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    _reps(ctx, admin_id)
    assignment.add_assignment_group(ctx, admin_id, "Pair", [(e, 1) for e in EMAILS[:2]])
    _capture(ctx, admin_id, 6)

    def state() -> list[object]:
        with engine.connect() as connection:
            return [connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
                    for table in ("leads", "assignment_group_members", "assignment_log", "audit_events")]

    before = state()
    seen = simulate_assignment(ctx, admin_id, last=6, rules=[{"name": "Pair", "criteria": {}, "group": "Pair"}])
    assert Counter(s.owner_id for s in seen).most_common() and len({s.owner_id for s in seen}) == 2
    assert state() == before


def test_an_entry_is_changed_in_place_and_moved_up_and_down(ctx: ServiceContext, admin_id: int) -> None:
    reps = _reps(ctx, admin_id)
    first = assignment.add_assignment_rule(ctx, admin_id, {"name": "Germany", "criteria": {"country": ["DE"]},
                                                           "user": EMAILS[0]})
    second = assignment.add_assignment_rule(ctx, admin_id, {"name": "Rest", "criteria": {}, "user": EMAILS[1]})
    changed = assignment.update_assignment_rule(ctx, admin_id, first.id, {
        "name": "DACH", "criteria": {"country": ["DE", "AT", "CH"]}, "user": EMAILS[2], "active": False})
    assert (changed.id, changed.position) == (first.id, first.position)
    stored = load_rule_set_of(ctx)
    assert [(r.id, r.name, r.user_id, r.is_active) for r in stored] == [
        (first.id, "DACH", reps[2], False), (second.id, "Rest", reps[1], True)]
    assert stored[0].criteria.countries == ("DE", "AT", "CH")
    assignment.move_assignment_rule(ctx, admin_id, second.id, "up")
    assert [(r.id, r.position) for r in load_rule_set_of(ctx)] == [(second.id, 1), (first.id, 2)]
    assignment.move_assignment_rule(ctx, admin_id, second.id, "up")  # already first: stays
    assignment.move_assignment_rule(ctx, admin_id, second.id, "down")
    assert [r.id for r in load_rule_set_of(ctx)] == [first.id, second.id]


def test_a_bad_change_of_an_entry_changes_nothing(ctx: ServiceContext, admin_id: int) -> None:
    _reps(ctx, admin_id)
    rule = assignment.add_assignment_rule(ctx, admin_id, {"name": "Germany", "criteria": {"country": ["DE"]},
                                                          "user": EMAILS[0]})
    with pytest.raises(ValidationError) as refused:
        assignment.update_assignment_rule(ctx, admin_id, rule.id, {"name": "X", "criteria": {"source": ["Nope"]},
                                                                   "user": EMAILS[1]})
    assert refused.value.field == "criteria.source"
    with pytest.raises(NotFoundError):
        assignment.update_assignment_rule(ctx, admin_id, 1, {"name": "X", "user": EMAILS[1]})
    with pytest.raises(ValidationError):
        assignment.move_assignment_rule(ctx, admin_id, rule.id, "sideways")
    assert [(r.name, r.criteria.countries) for r in load_rule_set_of(ctx)] == [("Germany", ("DE",))]


def load_rule_set_of(ctx: ServiceContext) -> list[AssignmentRule]:
    return assignment.list_assignment_rules(ctx, first_admin_id(ctx)).rules


def first_admin_id(ctx: ServiceContext) -> int:
    admin = users.first_admin(ctx)
    assert admin is not None
    return admin.id
