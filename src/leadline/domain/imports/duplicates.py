"""The duplicate check an import asks of each row, by the duplicate rules (domain/duplicates):
the same rules, scores and actions as a record created one at a time, against stored records and
against the earlier rows of the file.

A row's record is compared as a ``Candidate``. ``CandidatePool`` keeps the candidates a block
may match (those the block's look-up read, and the file's own earlier rows) indexed by the same
blocking values the look-up uses, so a row is scored only against records that share one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from leadline.domain.duplicates.matching import Candidate
from leadline.domain.duplicates.rules import DuplicateAction, MatchKind

V = TypeVar("V")


@dataclass(frozen=True)
class ImportMatch:
    """The earlier record a row matches, by the rules that apply on creation (``warn``, ``block``):
    a stored one, or the record of an earlier row of the file (``in_file``). ``visible``: the
    importer may read it (else only the reasons are told, docs/adr/0013)."""

    record_id: int
    owner_id: int | None
    reasons: tuple[str, ...]
    action: DuplicateAction
    in_file: bool = False
    visible: bool = True
    score: int = 0
    rules: tuple[str, ...] = ()  # the names of the rules that matched ("lead:phone")

    def may_overwrite(self) -> bool:
        """Whether an update may replace the record's values (else it only fills its empty ones):
        only a match by the exact e-mail rule says the row is the same person (ADR 0073); a phone,
        a website domain or a similar name is shared by colleagues, switchboards and namesakes."""
        return any(rule.rpartition(":")[2] == MatchKind.EMAIL.value for rule in self.rules)


def empty_fields_only(values: Mapping[str, V], stored: Mapping[str, object]) -> dict[str, V]:
    """Those of ``values`` whose field ``stored`` holds empty (None, "", or an empty custom value):
    what an update by a weaker match than the exact e-mail may write (``may_overwrite``, ADR 0073).
    A field the record does not have is left out."""
    return {name: value for name, value in values.items() if name in stored and stored[name] in (None, "")}


@dataclass(frozen=True)
class RowMatch:
    """A row of the file that was skipped or updated (``outcome``), and the record it matched:
    a stored one, or an earlier row's (``in_file``), by ``rules`` with ``score``."""

    row: int
    record_id: int
    rules: tuple[str, ...]
    score: int
    outcome: str
    in_file: bool = False


class DuplicateCheck(Protocol):
    """Finds, for the records of one block, the earlier record each duplicates, if any."""

    def prepare(self, probes: Sequence[Candidate]) -> None:
        """Look up, at once, whatever the block's records may match among stored records."""
        ...

    def match(self, probe: Candidate) -> ImportMatch | None:
        """The record ``probe`` duplicates: an earlier row's of the file first, else a stored one."""
        ...

    def remember(self, probe: Candidate) -> None:
        """``probe`` is now part of the import (created or updated): later rows may match it."""
        ...


def blocking_keys(candidate: Candidate) -> list[tuple[str, str]]:
    """The values a candidate is looked up by (as persistence/duplicates/candidates.py does)."""
    keys = []
    if candidate.email:
        keys.append(("email", candidate.email))
    if candidate.phone:
        keys.append(("phone", candidate.phone))
    if candidate.domain:
        keys.append(("domain", candidate.domain))
    if candidate.last_name:
        keys.append(("last_name", candidate.last_name.lower()))
    return keys


@dataclass
class CandidatePool:
    """Candidates indexed by their blocking values; ``near`` gives those sharing one with a probe."""

    _by_key: dict[tuple[str, str], list[Candidate]] = field(default_factory=dict)

    def add(self, candidate: Candidate) -> None:
        for key in blocking_keys(candidate):
            self._by_key.setdefault(key, []).append(candidate)

    def add_all(self, candidates: Iterable[Candidate]) -> None:
        for candidate in candidates:
            self.add(candidate)

    def near(self, probe: Candidate) -> list[Candidate]:
        found: dict[int, Candidate] = {}
        for key in blocking_keys(probe):
            for candidate in self._by_key.get(key, ()):
                found.setdefault(candidate.record_id, candidate)
        return list(found.values())

    def clear(self) -> None:
        self._by_key.clear()
