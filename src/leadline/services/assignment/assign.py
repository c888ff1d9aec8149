"""Assigning leads by the rule set: a new lead in its capture's transaction (``assign_new_lead``),
existing leads on request (``assign_leads``), and a dry run of a draft rule set over the last
leads (``simulate_assignment``), which writes nothing.

Every assignment is logged with its reason (the entry that matched, the candidates weighed, the
tie-break, the entries passed over) in ``assignment_log``; a change of owner is in the lead's
field history too. A round-robin group's counters are read locked and counted in the same
transaction, so concurrent assignments take turns and the counts survive restarts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from leadline.domain.assignment import (
    AssignmentDecision,
    AssignmentGroup,
    AssignmentLogEntry,
    GroupMethod,
    counted_once_more,
    decide,
    matching_entry,
)
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.errors import ValidationError
from leadline.domain.history import diff_fields
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import Lead
from leadline.domain.queries import MAX_PAGE_SIZE, LeadQuery, Page
from leadline.domain.security.users import User
from leadline.services.assignment.rules import RuleSet, load_rule_set, rule_from_values
from leadline.services.context import ServiceContext
from leadline.services.leads.records import load_lead, load_lead_for_editing
from leadline.services.scoring.scores import rescore_leads
from leadline.services.security.access import load_viewer, require_admin
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

#: the most leads one request assigns, and a simulation replays
MAX_LEADS = 1000


def _open_status_ids(uow: UnitOfWork) -> list[int]:
    return [s.id for s in uow.statuses.list() if s.kind not in (StatusKind.UNQUALIFIED, StatusKind.CONVERTED)]


def _open_leads(uow: UnitOfWork, group: AssignmentGroup | None) -> dict[int, int] | None:
    if group is None or group.method is not GroupMethod.FEWEST_OPEN:
        return None
    return uow.assignment.open_lead_counts([m.user_id for m in group.members], _open_status_ids(uow))


def assign_new_lead(uow: UnitOfWork, lead: Lead, *, now: datetime, actor_id: int | None = None,
                    rule_set: RuleSet | None = None) -> AssignmentDecision:
    """Give ``lead`` its owner by the rule set, in the caller's transaction (a capture channel or
    the importer calls this before or after adding the lead, then adds or saves it): sets
    ``lead.owner_id`` (left alone when nothing matches and there is no default owner), counts a
    round-robin turn (the group's rows locked until the caller commits) and logs the reason.
    ``rule_set``: as ``load_rule_set`` read it earlier in the transaction, for a caller assigning
    many leads (the groups' counters are read afresh, locked, whatever it holds)."""
    rules = rule_set or load_rule_set(uow)
    decision = _decide(uow, rules, lead, rules.users)
    if decision.group_id is not None and decision.owner_id is not None:
        uow.assignment.count_assignment(decision.group_id, decision.owner_id)
    previous = lead.owner_id
    if decision.owner_id is not None:
        lead.owner_id = decision.owner_id
    uow.assignment.log(AssignmentLogEntry(
        new_id(), lead.id, now, actor_id, previous, lead.owner_id, decision.rule_id, decision.group_id,
        decision.reason, _details(decision)))
    return decision


def _decide(uow: UnitOfWork, rules: RuleSet, lead: Lead, users: Mapping[int, User]) -> AssignmentDecision:
    """The decision on the group's counters as locked now (another transaction may have counted
    since the rule set was read)."""
    rule, _ = matching_entry(rules.rules, lead, users, rules.groups)
    groups = dict(rules.groups)
    if rule is not None and rule.group_id is not None:
        locked = uow.assignment.lock_group(rule.group_id)
        if locked is not None:
            groups[locked.id] = locked
    group = groups.get(rule.group_id) if rule is not None and rule.group_id is not None else None
    return decide(rules.rules, lead, users, groups, rules.default_owner_id, _open_leads(uow, group))


def _details(decision: AssignmentDecision) -> dict[str, object]:
    return {"candidates": [asdict(c) for c in decision.candidates], "tie_break": decision.tie_break,
            "skipped": list(decision.skipped)}


@dataclass(frozen=True)
class AssignedLead:
    lead_id: int
    previous_owner_id: int | None
    owner_id: int | None
    decision: AssignmentDecision


def assign_leads(ctx: ServiceContext, actor_id: int, lead_ids: Sequence[int]) -> list[AssignedLead]:
    """Assign these leads (each one the actor may edit, unconverted) by the rule set, in one
    transaction: all or none. A change of owner lands in each lead's field history."""
    ids = list(dict.fromkeys(lead_ids))
    if not ids:
        raise ValidationError("name at least one lead", field="lead_ids")
    if len(ids) > MAX_LEADS:
        raise ValidationError(f"at most {MAX_LEADS} leads at a time", field="lead_ids")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        rules = load_rule_set(uow)
        now, done = ctx.now(), []
        for lead_id in ids:
            lead = load_lead_for_editing(uow, viewer, lead_id)
            previous = lead.owner_id
            decision = assign_new_lead(uow, lead, now=now, actor_id=viewer.id, rule_set=rules)
            if lead.owner_id != previous:
                lead.updated_at = now
                uow.leads.save(lead)
                uow.audit.record_changes(diff_fields(RecordType.LEAD, lead.id, {"owner_id": previous},
                                                     {"owner_id": lead.owner_id}, actor_id=viewer.id, at=now))
            done.append(AssignedLead(lead.id, previous, lead.owner_id, decision))
        rescore_leads(ctx, uow, [d.lead_id for d in done if d.owner_id != d.previous_owner_id])
        uow.commit()
        return done


def lead_ids_matching(ctx: ServiceContext, actor_id: int, query: LeadQuery, limit: int = MAX_LEADS) -> list[int]:
    """The ids of unconverted leads the actor may read matching ``query``, newest first (``--filter``)."""
    found: list[int] = []
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        after = None
        while len(found) < limit:
            page = Page(limit=min(MAX_PAGE_SIZE, limit - len(found)), sort="created_at", after=after)
            leads = uow.leads.list(replace(query, converted=False), page,
                                   visible_owner_ids=viewer.readable_owner_ids(RecordType.LEAD))
            found += [lead.id for lead in leads]
            if len(leads) < page.limit:
                break
            after = (leads[-1].created_at, leads[-1].id)
        return found


def assignment_log(ctx: ServiceContext, actor_id: int, lead_id: int) -> list[AssignmentLogEntry]:
    """The assignments of a lead the actor may read, oldest first."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        load_lead(uow, viewer, lead_id)
        return uow.assignment.log_of(lead_id)


@dataclass(frozen=True)
class SimulatedAssignment:
    lead_id: int
    lead_name: str
    company: str
    current_owner_id: int | None
    owner_id: int | None
    decision: AssignmentDecision


def simulate_assignment(ctx: ServiceContext, actor_id: int, *, last: int = 100,
                        rules: Sequence[Mapping[str, object]] | None = None,
                        default_owner: str | None = None) -> list[SimulatedAssignment]:
    """Who would have got each of the ``last`` leads (oldest of them first) under a draft rule set
    (``rules``: entries as ``add_assignment_rule`` takes them; None: the stored set), starting from
    the groups' stored counters and counting as it goes. Admins only; nothing is written."""
    if not 1 <= last <= MAX_PAGE_SIZE:
        raise ValidationError(f"must be between 1 and {MAX_PAGE_SIZE}", field="last")
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        stored = load_rule_set(uow)
        draft = stored if rules is None else replace(stored, rules=[
            rule_from_values(ctx, uow, values, position=index + 1, groups=stored.groups, index=index)
            for index, values in enumerate(rules)])
        if default_owner is not None:
            owner = resolve_user(uow, default_owner, field="default_owner")
            draft = replace(draft, default_owner_id=owner.id if owner else None)
        users = draft.users
        leads = list(reversed(uow.leads.list(LeadQuery(), Page(limit=last, sort="created_at"))))
        custom = uow.custom_fields.values_for(ctx.config(uow).custom_fields_of(RecordType.LEAD),
                                              [lead.id for lead in leads])
        open_counts = uow.assignment.open_lead_counts(list(users), _open_status_ids(uow))
        return [_simulate_one(draft, lead, custom.get(lead.id, {}), users, open_counts) for lead in leads]


def _simulate_one(draft: RuleSet, lead: Lead, custom: Mapping[str, object], users: Mapping[int, User],
                  open_counts: dict[int, int]) -> SimulatedAssignment:
    """One lead's decision on the draft, its round-robin turn and open lead counted in memory."""
    lead.custom = dict(custom)  # type: ignore[arg-type]
    decision = decide(draft.rules, lead, users, draft.groups, draft.default_owner_id, open_counts)
    if decision.group_id is not None and decision.owner_id is not None:
        draft.groups[decision.group_id] = counted_once_more(draft.groups[decision.group_id], decision.owner_id)
    if decision.owner_id is not None and decision.owner_id != lead.owner_id:
        open_counts[decision.owner_id] = open_counts.get(decision.owner_id, 0) + 1
        if lead.owner_id in open_counts:
            open_counts[lead.owner_id] = max(0, open_counts[lead.owner_id] - 1)
    return SimulatedAssignment(lead.id, lead.name, lead.company, lead.owner_id, decision.owner_id or lead.owner_id,
                               decision)


