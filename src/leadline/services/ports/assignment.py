"""Ports of assignment: the rule set, the round-robin groups with their counters, the log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from leadline.domain.assignment import AssignmentGroup, AssignmentLogEntry, AssignmentRule


class AssignmentRepository(Protocol):
    def rules(self) -> list[AssignmentRule]:
        """The entries in order (position, then id)."""
        ...

    def add_rule(self, rule: AssignmentRule) -> None: ...

    def delete_rule(self, rule_id: int) -> bool:
        """Whether there was such an entry."""
        ...

    def save_rule(self, rule: AssignmentRule) -> bool:
        """Store a changed entry (same id); whether there was such an entry."""
        ...

    def groups(self) -> dict[int, AssignmentGroup]:
        """Every group with its members and their counters, as stored now (not locked)."""
        ...

    def add_group(self, group: AssignmentGroup) -> None:
        """``CONFLICT`` for a name in use."""
        ...

    def lock_group(self, group_id: int) -> AssignmentGroup | None:
        """The group with its members' counters, their rows locked until commit (PostgreSQL:
        ``FOR UPDATE``; SQLite serialises writers), so concurrent assignments take turns."""
        ...

    def count_assignment(self, group_id: int, user_id: int) -> None:
        """One more lead for ``user_id`` in the group (an atomic ``assigned = assigned + 1``)."""
        ...

    def open_lead_counts(self, user_ids: Sequence[int], open_status_ids: Iterable[int]) -> dict[int, int]:
        """Unconverted leads in one of ``open_status_ids`` per owner (every one of ``user_ids`` listed)."""
        ...

    def log(self, entry: AssignmentLogEntry) -> None: ...

    def log_of(self, lead_id: int) -> list[AssignmentLogEntry]:
        """The lead's assignments, oldest first."""
        ...
