"""The duplicates repository in memory: look-ups scan the tables (the SQL one uses indexes)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import DuplicateGroup
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.merge import MergeRecord, MovedReference, RemovedRole
from leadline.domain.duplicates.rules import DuplicateRule
from leadline.domain.ids import new_id
from tests.fakes.tables import Tables


class DuplicateRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    def stored_rules(self) -> list[DuplicateRule]:
        return list(self.tables.duplicate_rules.values())

    def save_rule(self, rule: DuplicateRule) -> None:
        self.tables.duplicate_rules[rule.name] = rule

    def _records(self, record_kind: RecordType) -> dict[int, Any]:
        tables: dict[RecordType, dict[int, Any]] = {RecordType.LEAD: self.tables.leads,
                                                    RecordType.CONTACT: self.tables.contacts,
                                                    RecordType.ACCOUNT: self.tables.accounts}
        return tables[record_kind]

    def _candidate(self, record_kind: RecordType, r: Any) -> Candidate:
        if record_kind is RecordType.ACCOUNT:
            return Candidate.of(record_kind, r.id, owner_id=r.owner_id, domain=r.domain, company=r.name)
        if record_kind is RecordType.CONTACT:
            return Candidate.of(record_kind, r.id, owner_id=r.owner_id, email=r.email, phone=r.phone,
                                first_name=r.first_name, last_name=r.last_name, company_id=r.account_id)
        return Candidate.of(record_kind, r.id, owner_id=r.owner_id, email=r.email, phone=r.phone, website=r.website,
                            company=r.company, first_name=r.first_name, last_name=r.last_name)

    def candidates(self, record_kind: RecordType, probe: Candidate, limit: int) -> list[Candidate]:
        return list(self.all_candidates(record_kind))

    def block_candidates(self, record_kind: RecordType, probes: Sequence[Candidate]) -> list[Candidate]:
        return list(self.all_candidates(record_kind))

    def refresh_statistics(self, record_kind: RecordType) -> None:
        """Memory has no planner."""

    def all_candidates(self, record_kind: RecordType) -> Iterator[Candidate]:
        for record in sorted(self._records(record_kind).values(), key=lambda r: r.id):
            if record.merged_into_id is None:
                yield self._candidate(record_kind, record)

    def replace_groups(self, record_kind: RecordType, groups: Sequence[DuplicateGroup], at: datetime) -> None:
        kept = {k: g for k, g in self.tables.duplicate_groups.items() if g.record_kind is not record_kind}
        kept.update({new_id(): g for g in groups})
        self.tables.duplicate_groups = kept

    def groups(self, record_kind: RecordType | None, limit: int, offset: int = 0) -> list[tuple[int, DuplicateGroup]]:
        found = [(k, g) for k, g in self.tables.duplicate_groups.items()
                 if record_kind is None or g.record_kind is record_kind]
        return sorted(found, key=lambda item: (-item[1].score, item[0]))[offset:offset + limit]

    def mergeable_ids(self, record_kind: RecordType, record_ids: Sequence[int]) -> set[int]:
        records = self._records(record_kind)
        return {i for i in record_ids if i in records and records[i].merged_into_id is None
                and getattr(records[i], "converted_at", None) is None}

    def add_merge(self, merge: MergeRecord) -> None:
        self.tables.merges[merge.id] = copy.deepcopy(merge)

    def get_merge(self, merge_id: int) -> MergeRecord | None:
        return copy.deepcopy(self.tables.merges.get(merge_id))

    def recent_merges(self, limit: int) -> list[MergeRecord]:
        kept = [m for m in self.tables.merges.values() if m.undone_at is None]
        return copy.deepcopy(sorted(kept, key=lambda m: (m.merged_at, m.id), reverse=True)[:limit])

    def later_merges(self, merge: MergeRecord) -> int:
        return sum(1 for m in self.tables.merges.values() if m.record_kind == merge.record_kind and m.id != merge.id
                   and m.survivor_id == merge.survivor_id and m.undone_at is None and m.merged_at >= merge.merged_at)

    def mark_merge_undone(self, merge_id: int, at: datetime, actor_id: int) -> None:
        self.tables.merges[merge_id].undone_at = at

    def set_merged_into(self, record_kind: str, record_ids: Sequence[int], survivor_id: int | None,
                        changed_at: datetime | None = None) -> None:
        for record_id in record_ids:
            record = self._records(RecordType(record_kind))[record_id]
            record.merged_into_id = survivor_id
            if changed_at is not None:
                record.updated_at = changed_at

    def move_references(self, record_kind: str, from_ids: Sequence[int], to_id: int) -> list[MovedReference]:
        moved = []
        for event in self.tables.audit:
            if event["record_type"] == record_kind and event["record_id"] in from_ids:
                moved.append(MovedReference("audit_events", "record_id", event["id"], event["record_id"]))
                event["record_id"] = to_id
        children: list[tuple[str, dict[int, Any]]] = []
        if record_kind == "account":
            children = [("contacts", self.tables.contacts), ("opportunities", self.tables.opportunities)]
        for table, rows in children:
            for row in rows.values():
                if row.account_id in from_ids:
                    moved.append(MovedReference(table, "account_id", row.id, row.account_id))
                    row.account_id = to_id
        return moved

    def remove_duplicate_roles(self, contact_ids: Sequence[int], survivor_id: int) -> list[RemovedRole]:
        """The roles of merged contacts that the survivor has too (the fake moves no others)."""
        roles = self.tables.contact_roles
        kept = {(o, r) for o, c, r, _ in roles.values() if c == survivor_id}
        removed = [RemovedRole(row_id, opportunity_id, contact_id, role, primary)
                   for row_id, (opportunity_id, contact_id, role, primary) in sorted(roles.items())
                   if contact_id in contact_ids and (opportunity_id, role) in kept]
        for role in removed:
            del self.tables.contact_roles[role.row_id]
        return removed

    def restore_roles(self, roles: Sequence[RemovedRole]) -> list[int]:
        restored = [r for r in roles if r.opportunity_id in self.tables.opportunities]
        for r in restored:
            self.tables.contact_roles[r.row_id] = (r.opportunity_id, r.contact_id, r.role, r.is_primary)
        return [r.row_id for r in restored]

    def restore_references(self, moved: Sequence[MovedReference], survivor_id: int) -> None:
        events = {e["id"]: e for e in self.tables.audit}
        for ref in moved:
            if ref.table == "audit_events":
                events[ref.row_id]["record_id"] = ref.from_id
            else:
                setattr(getattr(self.tables, ref.table)[ref.row_id], ref.column, ref.from_id)
