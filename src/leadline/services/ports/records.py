"""Ports of the records: leads, accounts, contacts and opportunities, as use cases use them.

Each is the list of what use cases ask of the store, typed with domain records; the SQL
repositories (persistence) and the in-memory fakes (tests/fakes) both honour it. A repository
never commits: its writes belong to the unit of work that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

from leadline.domain.history import NamedRecord

R = TypeVar("R")


class RecordRepository(Protocol[R]):
    """What every record shares: add, read (locked for an edit), save with the optimistic
    version check (``STALE_RECORD`` when someone saved first), delete (``CONFLICT`` while other
    records refer to it) and count."""

    def add(self, record: R) -> None: ...

    def get(self, record_id: int) -> R | None: ...

    def get_many(self, record_ids: Iterable[int]) -> dict[int, R]:
        """Record by id, for those of ``record_ids`` that exist, in one read."""
        ...

    def get_for_update(self, record_id: int) -> R | None: ...

    def save(self, record: R) -> None: ...

    def delete(self, record_id: int) -> None: ...

    def count(self) -> int: ...

    def owners_of(self, record_ids: Iterable[int]) -> dict[int, int | None]:
        """Owner id by record id, for those of ``record_ids`` that exist."""
        ...

    def names_of(self, record_ids: Iterable[int]) -> dict[int, NamedRecord]:
        """Name, owner and survivor (if merged) by record id, for those of ``record_ids`` that
        exist, in one read."""
        ...
