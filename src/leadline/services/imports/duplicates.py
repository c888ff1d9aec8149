"""The import's ``DuplicateCheck``: the duplicate rules in force (the same as create-lead's,
``services/duplicates/check.py``), against stored records (one look-up per block) and against
the earlier rows of the file.

Only the rules that apply on creation (active, ``warn`` or ``block``) make a row a duplicate for
the import's policy; ``allow`` rules say nothing, as on a form. Earlier rows of the file that are
already stored (earlier blocks of a real import) are found by the look-up; so only the rows of
the current block are remembered, and memory stays flat. A dry run stores nothing, so it
remembers every row's record for the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import Candidate, DuplicateMatch, score_candidate, strictest
from leadline.domain.duplicates.rules import DuplicateAction, DuplicateRule, rules_of
from leadline.domain.imports.duplicates import CandidatePool, ImportMatch
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import rules_in_force
from leadline.services.duplicates.similarity import rapidfuzz_similarity

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


class RuleDuplicates:
    """``DuplicateCheck`` of records of ``kind`` by the duplicate rules. ``whole_file``: remember
    rows across blocks (a dry run)."""

    def __init__(self, kind: RecordType, *, whole_file: bool = False) -> None:
        self.kind, self.whole_file = kind, whole_file
        self._seen = CandidatePool()
        self._stored = CandidatePool()
        self._rules: list[DuplicateRule] = []
        self._uow: UnitOfWork | None = None
        self._viewer: Viewer | None = None

    def bind(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer) -> RuleDuplicates:
        """Read the rules and look up stored records through ``uow`` (the block's unit of work)."""
        self._uow, self._viewer = uow, viewer
        self._rules = [r for r in rules_of(rules_in_force(ctx, uow), self.kind) if r.applies()]
        if not self.whole_file:
            self._seen.clear()
        return self

    def has_rules(self) -> bool:
        """Whether any rule applies on creation (else nothing is a duplicate)."""
        return bool(self._rules)

    def blocks(self) -> bool:
        """Whether a rule refuses a duplicate (``block``): then even ``create`` checks each row."""
        return any(rule.action is DuplicateAction.BLOCK for rule in self._rules)

    def prepare(self, probes: Sequence[Candidate]) -> None:
        assert self._uow is not None, "bind the check to the block's unit of work first"
        self._stored.clear()
        if self._rules and probes:
            self._stored.add_all(self._uow.duplicates.block_candidates(self.kind, probes))

    def match(self, probe: Candidate) -> ImportMatch | None:
        if not self._rules:
            return None
        for pool, in_file in ((self._seen, True), (self._stored, False)):
            found = score_candidate(self._rules, probe, pool.near(probe), rapidfuzz_similarity)
            if found:
                return self._told(found, in_file)
        return None

    def remember(self, probe: Candidate) -> None:
        if self._rules:
            self._seen.add(probe)

    def _told(self, found: list[DuplicateMatch], in_file: bool) -> ImportMatch:
        """The best match the importer may read; else what may be told of those they may not."""
        assert self._viewer is not None
        viewer = self._viewer
        readable = [m for m in found if in_file or viewer.can_read(m.record_kind, m.owner_id)]
        if readable:
            best = readable[0]
            return ImportMatch(best.record_id, best.owner_id, best.reasons, best.action, in_file,
                               score=best.score, rules=best.rules)
        reasons = tuple(dict.fromkeys(reason for m in found for reason in m.reasons))
        return ImportMatch(0, None, reasons, strictest(m.action for m in found), in_file, visible=False)
