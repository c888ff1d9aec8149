"""Duplicate groups among many records: blocked comparisons and connected matches.

Comparing every record with every other is n² (5·10¹¹ pairs for a million records). Records are
instead put in *blocks* by cheap keys (the e-mail, the phone number, the website domain, the
last name with the start of the company) and compared only within a block; a block larger than
``MAX_BLOCK`` (a common last name, a free-mail domain) is compared in windows of that size after
sorting, so no block costs more than ``MAX_BLOCK``² comparisons. Matching records are joined into
groups (union-find), each with the reasons of the matches that joined it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import Candidate, Similarity, difflib_similarity, score_pair
from leadline.domain.duplicates.rules import DuplicateRule, MatchKind

MAX_BLOCK = 50


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Records of one kind that the rules say are the same, lowest id first, with the reasons."""

    record_kind: RecordType
    record_ids: tuple[int, ...]
    score: int
    reasons: tuple[str, ...]


def blocking_keys(candidate: Candidate, matches: Iterable[MatchKind]) -> list[str]:
    """The blocks ``candidate`` belongs to, one per match kind the rules use and it has a value for."""
    keys = []
    for match in matches:
        if match is MatchKind.EMAIL and candidate.email:
            keys.append(f"e:{candidate.email}")
        elif match is MatchKind.PHONE and candidate.phone:
            keys.append(f"p:{candidate.phone}")
        elif match is MatchKind.DOMAIN_COMPANY and candidate.domain:
            keys.append(f"d:{candidate.domain}")
        elif match is MatchKind.PERSON_AT_COMPANY and candidate.last_name:
            company = str(candidate.company_id) if candidate.company_id is not None else candidate.company_key[:3]
            keys.append(f"n:{candidate.last_name.casefold()}|{company}")
    return keys


class _Groups:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.reasons: dict[int, dict[str, None]] = defaultdict(dict)
        self.scores: dict[int, int] = defaultdict(int)

    def root(self, item: int) -> int:
        parent = self.parent.setdefault(item, item)
        while parent != item:
            self.parent[item] = self.parent.setdefault(parent, parent)
            item, parent = parent, self.parent[parent]
        return item

    def join(self, a: int, b: int, score: int, reasons: Iterable[str]) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            low, high = sorted((ra, rb))
            self.parent[high] = low
            self.reasons[low].update(self.reasons.pop(high, {}))
            self.scores[low] = max(self.scores[low], self.scores.pop(high, 0))
            ra = low
        self.reasons[ra].update(dict.fromkeys(reasons))
        self.scores[ra] = max(self.scores[ra], score)

    def found(self, kind: RecordType) -> list[DuplicateGroup]:
        members_of: dict[int, list[int]] = defaultdict(list)
        for item in list(self.parent):
            members_of[self.root(item)].append(item)
        return sorted((DuplicateGroup(kind, tuple(sorted(ids)), self.scores[root], tuple(self.reasons[root]))
                       for root, ids in members_of.items() if len(ids) > 1), key=lambda g: g.record_ids)


def find_groups(rules: Sequence[DuplicateRule], candidates: Sequence[Candidate],
                similar: Similarity = difflib_similarity) -> list[DuplicateGroup]:
    """The duplicate groups among ``candidates`` (all of one kind) under ``rules``, lowest id first."""
    if not candidates:
        return []
    kind = candidates[0].record_kind
    active = [r for r in rules if r.active and r.record_kind is kind]
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, candidate in enumerate(candidates):
        for key in blocking_keys(candidate, {r.match for r in active}):
            blocks[key].append(index)
    groups = _Groups()
    seen: set[tuple[int, int]] = set()
    for members in blocks.values():
        for start in range(0, len(members), MAX_BLOCK):
            window = members[start:start + MAX_BLOCK]
            for i, first in enumerate(window):
                for second in window[i + 1:]:
                    pair = (first, second)
                    if pair in seen:
                        continue
                    seen.add(pair)
                    match = score_pair(active, candidates[first], candidates[second], similar)
                    if match is not None:
                        groups.join(candidates[first].record_id, candidates[second].record_id, match.score,
                                    match.reasons)
    return groups.found(kind)


class GroupFinder:
    """Duplicate groups built one block at a time, for a caller that gathers the blocks itself
    (the group job reads them back from temporary files, so it never holds every record).

    ``compare_block`` compares a block's records as ``find_groups`` does: by id, in windows of
    ``MAX_BLOCK``, the lower id as the new record. A pair that shares two blocks is compared in
    each, with the same result (``find_groups`` remembers every compared pair instead; that set
    was the largest part of its memory), so the same blocks give the same groups, scores and
    reasons. Only the ids that matched are remembered, with their groups' reasons and scores.
    """

    def __init__(self, rules: Sequence[DuplicateRule], kind: RecordType,
                 similar: Similarity = difflib_similarity) -> None:
        self.kind = kind
        self.active = [r for r in rules if r.active and r.record_kind is kind]
        #: the match kinds of the active rules, in ``MatchKind``'s order: the blocks to gather
        self.matches = tuple(m for m in MatchKind if any(r.match is m for r in self.active))
        self._similar = similar
        self._groups = _Groups()

    def compare_block(self, members: Sequence[Candidate]) -> None:
        """Compare the records of one block (records of ``kind`` sharing one blocking key)."""
        ordered = sorted(members, key=attrgetter("record_id"))
        for start in range(0, len(ordered), MAX_BLOCK):
            window = ordered[start:start + MAX_BLOCK]
            for i, first in enumerate(window):
                for second in window[i + 1:]:
                    match = score_pair(self.active, first, second, self._similar)
                    if match is not None:
                        self._groups.join(first.record_id, second.record_id, match.score, match.reasons)

    def groups(self) -> list[DuplicateGroup]:
        """The groups of the blocks compared so far, lowest id first."""
        return self._groups.found(self.kind)


def still_standing(group: DuplicateGroup, mergeable_ids: Iterable[int]) -> DuplicateGroup | None:
    """``group`` as it stands now that some of its records may have been merged away, deleted or
    converted (a converted lead is never merged) since the scan: only its ``mergeable_ids``, or
    None when fewer than two are left, so nothing offers a merge that can only be refused."""
    live = set(mergeable_ids)
    kept = tuple(i for i in group.record_ids if i in live)
    if len(kept) < 2:
        return None
    return DuplicateGroup(group.record_kind, kept, group.score, group.reasons)
