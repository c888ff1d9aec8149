"""/api/v1/assignment-rules (the rule set, its simulation), /api/v1/assignment-groups and
/api/v1/leads/assign. Admins change the rule set; every user reads it; assigning a lead needs
the right to edit it."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.params import Parameter

from leadline.api.idempotency import idempotent
from leadline.api.routes import RecordId, api_delete, api_get, api_post, api_put
from leadline.api.schemas import Id, Text
from leadline.domain.assignment import AssignmentDecision, AssignmentGroup, AssignmentRule, Criteria
from leadline.domain.errors import ValidationError
from leadline.services.assignment import rules as rule_service
from leadline.services.assignment.assign import (
    MAX_LEADS,
    assign_leads,
    assignment_log,
    lead_ids_matching,
    simulate_assignment,
)
from leadline.services.context import ServiceContext
from leadline.services.leads.records import resolve_lead_query


class RuleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An entry: ``criteria`` keys country, state, industry, product_interest (lists of texts),
    source and campaign (names or ids), company_size (``{"min", "max"}``), custom (``{name:
    [values]}``); the target is ``user`` (e-mail or id) or ``group`` (name or id)."""

    name: Text
    criteria: dict[str, Any] = {}
    user: Text | None = None
    group: Text | None = None
    position: int | None = None
    active: bool = True


class RulePublic(msgspec.Struct, kw_only=True):
    id: str
    position: int
    name: str
    criteria: dict[str, Any]
    user_id: str | None
    group_id: str | None
    active: bool


class MemberIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    user: Text
    weight: int = 1


class GroupIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``method``: weighted (round robin by capacity) or fewest_open (fewest open leads first)."""

    name: Text
    members: list[MemberIn]
    method: Text = "weighted"


class GroupMemberPublic(msgspec.Struct, kw_only=True):
    user_id: str
    weight: int
    assigned: int


class GroupPublic(msgspec.Struct, kw_only=True):
    id: str
    name: str
    method: str
    members: list[GroupMemberPublic]


class RuleSetPublic(msgspec.Struct, kw_only=True):
    rules: list[RulePublic]
    groups: list[GroupPublic]
    default_owner_id: str | None


class DefaultOwnerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    owner: Text | None = None


class SimulationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Replays the ``last`` leads through ``rules`` (a draft; left out: the stored rule set)."""

    last: int = 100
    rules: list[RuleIn] | None = None
    default_owner: Text | None = None


class DecisionPublic(msgspec.Struct, kw_only=True):
    lead_id: str
    previous_owner_id: str | None
    owner_id: str | None
    rule_id: str | None
    group_id: str | None
    reason: str
    candidates: list[dict[str, Any]]
    tie_break: str | None
    skipped: list[str]


class AssignIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``lead_ids``, or filters (``status``, ``source``, ``owner``, ``campaign``) naming unconverted leads."""

    lead_ids: list[Id] | None = None
    status: list[Text] | None = None
    source: list[Text] | None = None
    owner: list[Text] | None = None
    campaign: list[Text] | None = None


def _ref(value: int | None) -> str | None:
    return None if value is None else str(value)


def criteria_public(c: Criteria) -> dict[str, Any]:
    found: dict[str, Any] = {"country": list(c.countries), "state": list(c.states), "industry": list(c.industries),
                             "source": [str(i) for i in c.source_ids], "campaign": [str(i) for i in c.campaign_ids],
                             "product_interest": list(c.products), "custom": {k: list(v) for k, v in c.custom.items()}}
    if c.min_employees is not None or c.max_employees is not None:
        found["company_size"] = {"min": c.min_employees, "max": c.max_employees}
    return {k: v for k, v in found.items() if v}


def rule_public(r: AssignmentRule) -> RulePublic:
    return RulePublic(id=str(r.id), position=r.position, name=r.name, criteria=criteria_public(r.criteria),
                      user_id=_ref(r.user_id), group_id=_ref(r.group_id), active=r.is_active)


def group_public(g: AssignmentGroup) -> GroupPublic:
    return GroupPublic(id=str(g.id), name=g.name, method=g.method.value, members=[
        GroupMemberPublic(user_id=str(m.user_id), weight=m.weight, assigned=m.assigned) for m in g.members])


def decision_public(lead_id: int, previous: int | None, owner: int | None, d: AssignmentDecision) -> DecisionPublic:
    return DecisionPublic(lead_id=str(lead_id), previous_owner_id=_ref(previous), owner_id=_ref(owner),
                          rule_id=_ref(d.rule_id), group_id=_ref(d.group_id), reason=d.reason,
                          candidates=[{"user_id": str(c.user_id), "weight": c.weight, "assigned": c.assigned,
                                       "open_leads": c.open_leads} for c in d.candidates],
                          tie_break=d.tie_break, skipped=list(d.skipped))


def _values(rule: RuleIn) -> dict[str, object]:
    return {k: v for k, v in msgspec.structs.asdict(rule).items() if v is not None}


class AssignmentRuleController(Controller):
    path = "/assignment-rules"
    tags = ["assignment"]

    @api_get("/", summary="The assignment rule set")
    def rule_set(self, ctx: ServiceContext, actor: int) -> RuleSetPublic:
        found = rule_service.list_assignment_rules(ctx, actor)
        return RuleSetPublic(rules=[rule_public(r) for r in found.rules],
                             groups=[group_public(g) for g in found.groups.values()],
                             default_owner_id=_ref(found.default_owner_id))

    @api_post("/", summary="Add an assignment rule entry", status_code=201)
    def add_rule(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: RuleIn,
                 body: bytes) -> Response[RulePublic]:
        """Admins. Send ``Idempotency-Key`` to make retries safe."""
        values = _values(data)
        return idempotent(request, body, ctx, actor,
                          lambda claim: rule_service.add_assignment_rule(ctx, actor, values, claim=claim),
                          lambda rule: Response(rule_public(rule), status_code=201))

    @api_delete("/{rule_id:int}", summary="Remove an assignment rule entry", status_code=204)
    def delete_rule(self, ctx: ServiceContext, actor: int, rule_id: RecordId) -> None:
        rule_service.delete_assignment_rule(ctx, actor, rule_id)

    @api_put("/default-owner", summary="Set the default owner")
    def default_owner(self, ctx: ServiceContext, actor: int, data: DefaultOwnerIn) -> dict[str, str | None]:
        return {"default_owner_id": _ref(rule_service.set_default_owner(ctx, actor, data.owner))}

    @api_post("/simulate", summary="Simulate a draft rule set over the last leads", status_code=200)
    def simulate(self, ctx: ServiceContext, actor: int, data: SimulationIn) -> list[DecisionPublic]:
        """Admins. Who would have got each of the last leads, oldest first; nothing is written."""
        rules = None if data.rules is None else [_values(r) for r in data.rules]
        return [decision_public(s.lead_id, s.current_owner_id, s.owner_id, s.decision)
                for s in simulate_assignment(ctx, actor, last=data.last, rules=rules,
                                             default_owner=data.default_owner)]


class AssignmentGroupController(Controller):
    path = "/assignment-groups"
    tags = ["assignment"]

    @api_post("/", summary="Add a round-robin group", status_code=201)
    def add_group(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: GroupIn,
                  body: bytes) -> Response[GroupPublic]:
        members = [(m.user, m.weight) for m in data.members]
        return idempotent(request, body, ctx, actor, lambda claim: rule_service.add_assignment_group(
            ctx, actor, data.name, members, method=data.method, claim=claim),
            lambda group: Response(group_public(group), status_code=201))


class LeadAssignmentController(Controller):
    path = "/leads/assign"
    tags = ["assignment"]

    @api_post("/", summary="Assign leads by the rule set", status_code=200)
    def assign(self, ctx: ServiceContext, actor: int, data: AssignIn,
               limit: Annotated[int, Parameter(ge=1, le=MAX_LEADS)] = MAX_LEADS) -> list[DecisionPublic]:
        """All or none: each lead one the caller may edit, unconverted; each decision with its reason."""
        if data.lead_ids:
            ids = [int(i) for i in data.lead_ids]
        elif any((data.status, data.source, data.owner, data.campaign)):
            query = resolve_lead_query(ctx, statuses=data.status or [], sources=data.source or [],
                                       owners=data.owner or [], campaigns=data.campaign or [])
            ids = lead_ids_matching(ctx, actor, query, limit)
        else:
            raise ValidationError("name leads, or filters that select them", field="lead_ids")
        return [decision_public(a.lead_id, a.previous_owner_id, a.owner_id, a.decision)
                for a in assign_leads(ctx, actor, ids)] if ids else []


class LogEntryPublic(msgspec.Struct, kw_only=True):
    assigned_at: str
    actor_id: str | None
    previous_owner_id: str | None
    owner_id: str | None
    rule_id: str | None
    group_id: str | None
    reason: str
    details: dict[str, Any]


class AssignmentLogController(Controller):
    path = "/leads/{lead_id:int}/assignments"
    tags = ["assignment"]

    @api_get("/", summary="A lead's assignments with their reasons")
    def log(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> list[LogEntryPublic]:
        """Oldest first: the entry that matched, the candidates weighed, the tie-break."""
        return [LogEntryPublic(assigned_at=e.assigned_at.isoformat(), actor_id=_ref(e.actor_id),
                               previous_owner_id=_ref(e.previous_owner_id), owner_id=_ref(e.owner_id),
                               rule_id=_ref(e.rule_id), group_id=_ref(e.group_id), reason=e.reason,
                               details=e.details) for e in assignment_log(ctx, actor, lead_id)]
