"""The duplicates port: rules, candidate look-ups by index, duplicate groups, merges and tombstones."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import DuplicateGroup
from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.merge import MergeRecord, MovedReference, RemovedRole
from leadline.domain.duplicates.rules import DuplicateRule


class DuplicateRepository(Protocol):
    def stored_rules(self) -> list[DuplicateRule]:
        """The rules admins changed (the domain's defaults fill in the rest)."""
        ...

    def save_rule(self, rule: DuplicateRule) -> None:
        """Store ``rule`` in place of the stored rule of its record kind and match."""
        ...

    def candidates(self, record_kind: RecordType, probe: Candidate, limit: int) -> list[Candidate]:
        """Live records of ``record_kind`` sharing an indexed value with ``probe`` (e-mail, phone
        number, domain, last name, start of the company name), whoever owns them: at most
        ``limit`` per look-up. Never a scan of the table."""
        ...

    def block_candidates(self, record_kind: RecordType, probes: Sequence[Candidate]) -> list[Candidate]:
        """Live records of ``record_kind`` that may match any of ``probes`` (an import's block),
        in one statement by index: e-mail, phone, domain, last name. No limit."""
        ...

    def refresh_statistics(self, record_kind: RecordType) -> None:
        """Have the database re-count the records of ``record_kind`` for its planner, so that the
        look-ups keep to their indexes while an import grows the table (ANALYZE on PostgreSQL)."""
        ...

    def all_candidates(self, record_kind: RecordType) -> Iterator[Candidate]:
        """Every live record of ``record_kind``, by id (read in batches)."""
        ...

    def replace_groups(self, record_kind: RecordType, groups: Sequence[DuplicateGroup], at: datetime) -> None: ...

    def groups(self, record_kind: RecordType | None, limit: int, offset: int = 0) -> list[tuple[int, DuplicateGroup]]:
        """Stored groups (id, group), best score first."""
        ...

    def mergeable_ids(self, record_kind: RecordType, record_ids: Sequence[int]) -> set[int]:
        """Those of ``record_ids`` that exist, are not merged away and, for leads, not converted."""
        ...

    def add_merge(self, merge: MergeRecord) -> None: ...

    def get_merge(self, merge_id: int) -> MergeRecord | None:
        """The merge, locked until commit."""
        ...

    def recent_merges(self, limit: int) -> list[MergeRecord]:
        """The merges not undone, newest first."""
        ...

    def later_merges(self, merge: MergeRecord) -> int: ...

    def mark_merge_undone(self, merge_id: int, at: datetime, actor_id: int) -> None: ...

    def set_merged_into(self, record_kind: str, record_ids: Sequence[int], survivor_id: int | None,
                        changed_at: datetime | None = None) -> None:
        """Make the records tombstones pointing at ``survivor_id`` (None: live again); with
        ``changed_at``, their last change moves to it (their version stays: their values do not change)."""
        ...

    def move_references(self, record_kind: str, from_ids: Sequence[int], to_id: int) -> list[MovedReference]:
        """Move activities, history and the kind's related records to ``to_id``; return each row moved."""
        ...

    def restore_references(self, moved: Sequence[MovedReference], survivor_id: int) -> None: ...

    def remove_duplicate_roles(self, contact_ids: Sequence[int], survivor_id: int) -> list[RemovedRole]:
        """Delete the contact roles still on ``contact_ids`` after ``move_references`` (those the
        survivor already had); return each as it was."""
        ...

    def restore_roles(self, roles: Sequence[RemovedRole]) -> list[int]:
        """Insert ``roles`` again, with their ids, where their opportunity still exists (one deleted
        since took its roles with it); return the ids restored."""
        ...
