"""The first ``DuplicateCheck`` of imports: exact e-mail and E.164 phone number, against stored
leads (one query per block) and against the earlier rows of the file.

Earlier rows of the file that are already stored (earlier blocks of a real import) are found by
the query; so only the rows of the current block are remembered, and memory stays flat. A dry
run stores nothing, so it remembers every row's keys for the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from leadline.domain.imports.duplicates import DuplicateMatch, contact_keys
from leadline.domain.leads.lead import Lead

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


class ExactContactDuplicates:
    """``DuplicateCheck`` by exact e-mail or phone. ``whole_file``: remember rows across blocks."""

    def __init__(self, *, whole_file: bool = False) -> None:
        self.whole_file = whole_file
        self._seen: dict[tuple[str, str], Lead] = {}
        self._stored: dict[tuple[str, str], Lead] = {}
        self._uow: UnitOfWork | None = None

    def bind(self, uow: UnitOfWork) -> ExactContactDuplicates:
        """Look up stored leads through ``uow`` (the block's unit of work)."""
        self._uow = uow
        if not self.whole_file:
            self._seen.clear()
        return self

    def prepare(self, leads: Sequence[Lead]) -> None:
        assert self._uow is not None, "bind the check to the block's unit of work first"
        keys = {key for lead in leads for key in contact_keys(lead) if key not in self._seen}
        emails = sorted(value for kind, value in keys if kind == "email")
        phones = sorted(value for kind, value in keys if kind == "phone")
        self._stored = {}
        for stored in self._uow.imports.leads_matching(emails, phones):  # oldest first: the first one wins
            for key in contact_keys(stored):
                self._stored.setdefault(key, stored)

    def match(self, lead: Lead) -> DuplicateMatch | None:
        for key in contact_keys(lead):
            if key in self._seen:
                return DuplicateMatch(self._seen[key], key[0], in_file=True)
        for key in contact_keys(lead):
            if key in self._stored:
                return DuplicateMatch(self._stored[key], key[0])
        return None

    def remember(self, lead: Lead) -> None:
        for key in contact_keys(lead):
            self._seen.setdefault(key, lead)
