"""The assignment repository: the rule set (criteria stored as JSON), round-robin groups with their
counters (locked and counted in the assigning transaction) and the assignment log. Never commits."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from leadline.domain.assignment import AssignmentGroup, AssignmentLogEntry, AssignmentRule, Criteria, GroupMember
from leadline.persistence.assignment.rows import (
    AssignmentGroupMemberRow,
    AssignmentGroupRow,
    AssignmentLogRow,
    AssignmentRuleRow,
)
from leadline.persistence.leads.rows import LeadRow

_GROUP, _MEMBER = AssignmentGroupRow.__table__, AssignmentGroupMemberRow.__table__
_RULE, _LOG = AssignmentRuleRow.__table__, AssignmentLogRow.__table__


def criteria_to_json(criteria: Criteria) -> str:
    return json.dumps({
        "countries": list(criteria.countries), "states": list(criteria.states),
        "industries": list(criteria.industries), "source_ids": list(criteria.source_ids),
        "campaign_ids": list(criteria.campaign_ids), "min_employees": criteria.min_employees,
        "max_employees": criteria.max_employees, "products": list(criteria.products),
        "custom": {name: list(values) for name, values in criteria.custom.items()},
    }, sort_keys=True)


def criteria_from_json(text: str) -> Criteria:
    stored = json.loads(text)
    return Criteria(
        countries=tuple(stored.get("countries", ())), states=tuple(stored.get("states", ())),
        industries=tuple(stored.get("industries", ())), source_ids=tuple(stored.get("source_ids", ())),
        campaign_ids=tuple(stored.get("campaign_ids", ())), min_employees=stored.get("min_employees"),
        max_employees=stored.get("max_employees"), products=tuple(stored.get("products", ())),
        custom={name: tuple(values) for name, values in stored.get("custom", {}).items()},
    )


class AssignmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def rules(self) -> list[AssignmentRule]:
        rows = self.session.execute(select(_RULE).order_by(_RULE.c.position, _RULE.c.id))
        return [AssignmentRule(r.id, r.position, r.name, criteria_from_json(r.criteria), r.user_id, r.group_id,
                               r.is_active) for r in rows]

    def add_rule(self, rule: AssignmentRule) -> None:
        self.session.connection().execute(insert(_RULE), [{
            "id": rule.id, "position": rule.position, "name": rule.name, "criteria": criteria_to_json(rule.criteria),
            "user_id": rule.user_id, "group_id": rule.group_id, "is_active": rule.is_active}])

    def delete_rule(self, rule_id: int) -> bool:
        result = self.session.execute(delete(_RULE).where(_RULE.c.id == rule_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def save_rule(self, rule: AssignmentRule) -> bool:
        result = self.session.execute(update(_RULE).where(_RULE.c.id == rule.id).values(
            position=rule.position, name=rule.name, criteria=criteria_to_json(rule.criteria),
            user_id=rule.user_id, group_id=rule.group_id, is_active=rule.is_active))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def groups(self) -> dict[int, AssignmentGroup]:
        return self._groups(None, lock=False)

    def add_group(self, group: AssignmentGroup) -> None:
        connection = self.session.connection()
        connection.execute(insert(_GROUP), [{"id": group.id, "name": group.name, "method": group.method}])
        connection.execute(insert(_MEMBER), [
            {"group_id": group.id, "user_id": m.user_id, "weight": m.weight, "position": m.position,
             "assigned": m.assigned} for m in group.members])

    def lock_group(self, group_id: int) -> AssignmentGroup | None:
        return self._groups(group_id, lock=True).get(group_id)

    def count_assignment(self, group_id: int, user_id: int) -> None:
        self.session.execute(update(_MEMBER).where(_MEMBER.c.group_id == group_id, _MEMBER.c.user_id == user_id)
                             .values(assigned=_MEMBER.c.assigned + 1))

    def open_lead_counts(self, user_ids: Sequence[int], open_status_ids: Iterable[int]) -> dict[int, int]:
        counts = dict.fromkeys(user_ids, 0)
        if counts:
            lead = LeadRow.__table__
            statement = (select(lead.c.owner_id, func.count()).where(
                lead.c.owner_id.in_(list(counts)), lead.c.converted_at.is_(None),
                lead.c.status_id.in_(list(open_status_ids))).group_by(lead.c.owner_id))
            counts.update({owner_id: count for owner_id, count in self.session.execute(statement)})
        return counts

    def log(self, entry: AssignmentLogEntry) -> None:
        self.session.connection().execute(insert(_LOG), [{
            "id": entry.id, "lead_id": entry.lead_id, "assigned_at": entry.assigned_at, "actor_id": entry.actor_id,
            "previous_owner_id": entry.previous_owner_id, "owner_id": entry.owner_id, "rule_id": entry.rule_id,
            "group_id": entry.group_id, "reason": entry.reason, "details": json.dumps(entry.details)}])

    def log_of(self, lead_id: int) -> list[AssignmentLogEntry]:
        rows = self.session.execute(select(_LOG).where(_LOG.c.lead_id == lead_id)
                                    .order_by(_LOG.c.assigned_at, _LOG.c.id))
        return [AssignmentLogEntry(r.id, r.lead_id, r.assigned_at, r.actor_id, r.previous_owner_id, r.owner_id,
                                   r.rule_id, r.group_id, r.reason, json.loads(r.details)) for r in rows]

    def _groups(self, group_id: int | None, *, lock: bool) -> dict[int, AssignmentGroup]:
        groups = select(_GROUP)
        members: Any = select(_MEMBER).order_by(_MEMBER.c.group_id, _MEMBER.c.position, _MEMBER.c.user_id)
        if group_id is not None:
            groups = groups.where(_GROUP.c.id == group_id)
            members = members.where(_MEMBER.c.group_id == group_id)
        if lock:
            members = members.with_for_update()
        by_group: dict[int, list[GroupMember]] = {}
        for row in self.session.execute(members):
            by_group.setdefault(row.group_id, []).append(GroupMember(row.user_id, row.weight, row.assigned,
                                                                     row.position))
        return {row.id: AssignmentGroup(row.id, row.name, row.method, tuple(by_group.get(row.id, ())))
                for row in self.session.execute(groups)}
