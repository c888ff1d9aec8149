"""The duplicates repository: rules, candidate look-ups, groups, merges and tombstones. It never commits."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import DuplicateGroup
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.merge import MergeRecord, MovedReference, RemovedRole
from leadline.domain.duplicates.rules import DuplicateAction, DuplicateRule, MatchKind
from leadline.domain.ids import new_id, new_ids
from leadline.persistence.accounts.rows import AccountRow, ContactRow
from leadline.persistence.duplicates import candidates, references
from leadline.persistence.duplicates.rows import DuplicateGroupRow, DuplicateRuleRow, MergeRow
from leadline.persistence.leads.rows import LeadRow

_RECORD_ROWS: dict[str, Any] = {"lead": LeadRow, "contact": ContactRow, "account": AccountRow}


class DuplicateRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # rules
    def stored_rules(self) -> list[DuplicateRule]:
        rows = self.session.execute(select(DuplicateRuleRow).order_by(DuplicateRuleRow.id)).scalars()
        return [DuplicateRule(RecordType(r.record_kind), MatchKind(r.match), DuplicateAction(r.action), r.threshold,
                              r.active) for r in rows]

    def save_rule(self, rule: DuplicateRule) -> None:
        """Store ``rule`` in place of the stored rule of its kind and match, if any."""
        self.session.execute(delete(DuplicateRuleRow).where(DuplicateRuleRow.record_kind == rule.record_kind.value,
                                                            DuplicateRuleRow.match == rule.match.value))
        self.session.execute(insert(DuplicateRuleRow).values(
            id=new_id(), record_kind=rule.record_kind.value, match=rule.match.value, action=rule.action.value,
            threshold=rule.threshold, active=rule.active))

    # look-ups
    def candidates(self, record_kind: RecordType, probe: Candidate, limit: int) -> list[Candidate]:
        return candidates.find_candidates(self.session, record_kind, probe, limit)

    def block_candidates(self, record_kind: RecordType, probes: Sequence[Candidate]) -> list[Candidate]:
        return candidates.find_block_candidates(self.session, record_kind, probes)

    def all_candidates(self, record_kind: RecordType) -> Iterator[Candidate]:
        return candidates.all_candidates(self.session, record_kind)

    def refresh_statistics(self, record_kind: RecordType) -> None:
        # PostgreSQL's planner took a table never analysed for a few rows, and read the block's
        # phone ranges by a sequential scan of 300,000 leads (10 s a block; 35 ms analysed).
        candidates.refresh_statistics(self.session, record_kind)

    # groups
    def replace_groups(self, record_kind: RecordType, groups: Sequence[DuplicateGroup], at: datetime) -> None:
        self.session.execute(delete(DuplicateGroupRow).where(DuplicateGroupRow.record_kind == record_kind.value))
        if groups:
            self.session.execute(insert(DuplicateGroupRow), [
                {"id": group_id, "record_kind": g.record_kind.value, "record_ids": json.dumps(list(g.record_ids)),
                 "score": g.score, "reasons": json.dumps(list(g.reasons)), "found_at": at}
                for group_id, g in zip(new_ids(len(groups)), groups, strict=True)])

    def groups(self, record_kind: RecordType | None, limit: int, offset: int = 0) -> list[tuple[int, DuplicateGroup]]:
        statement = select(DuplicateGroupRow).order_by(DuplicateGroupRow.score.desc(), DuplicateGroupRow.id)
        if record_kind is not None:
            statement = statement.where(DuplicateGroupRow.record_kind == record_kind.value)
        return [(r.id, DuplicateGroup(RecordType(r.record_kind), tuple(json.loads(r.record_ids)), r.score,
                                      tuple(json.loads(r.reasons))))
                for r in self.session.execute(statement.limit(limit).offset(offset)).scalars()]

    def mergeable_ids(self, record_kind: RecordType, record_ids: Sequence[int]) -> set[int]:
        """Those of ``record_ids`` that exist, are not merged away and, for leads, not converted."""
        row = _RECORD_ROWS[record_kind.value]
        ids = sorted(set(record_ids))
        found: set[int] = set()
        for start in range(0, len(ids), 1000):  # far under every driver's parameter limit
            statement = select(row.id).where(row.id.in_(ids[start:start + 1000]), row.merged_into_id.is_(None))
            if row is LeadRow:
                statement = statement.where(LeadRow.converted_at.is_(None))
            found.update(self.session.scalars(statement))
        return found

    # merges and tombstones
    def add_merge(self, merge: MergeRecord) -> None:
        self.session.execute(insert(MergeRow).values(
            id=merge.id, record_kind=merge.record_kind, survivor_id=merge.survivor_id,
            merged_ids=json.dumps(merge.merged_ids), actor_id=merge.actor_id, merged_at=merge.merged_at,
            survivor_version=merge.survivor_version, undo=json.dumps({
                "before": merge.survivor_before,
                "moved": [[m.table, m.column, m.row_id, m.from_id] for m in merge.moved],
                "removed_roles": [[r.row_id, r.opportunity_id, r.contact_id, r.role, r.is_primary]
                                  for r in merge.removed_roles]})))

    def get_merge(self, merge_id: int) -> MergeRecord | None:
        row = self.session.get(MergeRow, merge_id, with_for_update=True)
        return _merge_of(row) if row is not None else None

    def recent_merges(self, limit: int) -> list[MergeRecord]:
        statement = (select(MergeRow).where(MergeRow.undone_at.is_(None))
                     .order_by(MergeRow.merged_at.desc(), MergeRow.id.desc()).limit(limit))
        return [_merge_of(row) for row in self.session.execute(statement).scalars()]

    def later_merges(self, merge: MergeRecord) -> int:
        """Merges into the same survivor after ``merge`` that are not undone."""
        return self.session.scalar(select(func.count()).select_from(MergeRow).where(
            MergeRow.record_kind == merge.record_kind, MergeRow.survivor_id == merge.survivor_id,
            MergeRow.undone_at.is_(None), MergeRow.merged_at >= merge.merged_at, MergeRow.id != merge.id)) or 0

    def mark_merge_undone(self, merge_id: int, at: datetime, actor_id: int) -> None:
        self.session.execute(update(MergeRow).where(MergeRow.id == merge_id).values(undone_at=at, undone_by=actor_id))

    def set_merged_into(self, record_kind: str, record_ids: Sequence[int], survivor_id: int | None,
                        changed_at: datetime | None = None) -> None:
        """Make ``record_ids`` tombstones pointing at ``survivor_id`` (None: live records again)."""
        row = _RECORD_ROWS[record_kind]
        changed = {"updated_at": changed_at} if changed_at is not None else {}
        self.session.execute(update(row).where(row.id.in_(list(record_ids)))
                             .values(merged_into_id=survivor_id, **changed))
        self.session.expire_all()

    def move_references(self, record_kind: str, from_ids: Sequence[int], to_id: int) -> list[MovedReference]:
        moved = references.move_references(self.session, record_kind, from_ids, to_id)
        self.session.expire_all()
        return moved

    def restore_references(self, moved: Sequence[MovedReference], survivor_id: int) -> None:
        references.restore_references(self.session, moved, survivor_id)
        self.session.expire_all()

    def remove_duplicate_roles(self, contact_ids: Sequence[int], survivor_id: int) -> list[RemovedRole]:
        return references.remove_duplicate_roles(self.session, contact_ids)

    def restore_roles(self, roles: Sequence[RemovedRole]) -> list[int]:
        return references.restore_roles(self.session, roles)


def _merge_of(row: MergeRow) -> MergeRecord:
    undo = json.loads(row.undo)
    return MergeRecord(row.id, row.record_kind, row.survivor_id, json.loads(row.merged_ids), row.actor_id,
                       row.merged_at, row.survivor_version, undo["before"],
                       [MovedReference(*m) for m in undo["moved"]], row.undone_at,
                       [RemovedRole(*r) for r in undo.get("removed_roles", [])])
