"""What the duplicate rules say about a record about to be created: the matches the actor may
read (with ids and scores), those they may not (told only by kind and by the new record's own
values, docs/adr/0013 and 0016), and whether creating it is allowed, reported, or refused.

A ``block`` rule refuses with ``DUPLICATE_BLOCKED`` unless the caller gives an override reason,
which the use case keeps in the new record's history; ``warn`` lets the record through with the
matches in the result; ``allow`` rules still find matches (for ``find_duplicates`` and the
duplicate-group job) but say nothing at creation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import DuplicateMatch, strictest
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.errors import DuplicateBlockedError


@dataclass(frozen=True, slots=True)
class HiddenDuplicate:
    """Records of one kind the actor may not read that match: only which of the new record's
    values matched and the strictest action; no id, score, owner or count."""

    record_kind: RecordType
    reasons: tuple[str, ...]
    action: DuplicateAction

    @property
    def message(self) -> str:
        return (f"a {self.record_kind.value} with this {' and '.join(self.reasons)} already exists, owned by "
                f"another team (you may not see it): ask an admin to share it with you or to tell you its owner")


@dataclass(slots=True)
class DuplicateCheck:
    """The outcome of checking one record against the stored ones."""

    record_kind: RecordType
    matches: list[DuplicateMatch] = field(default_factory=list)
    hidden: list[HiddenDuplicate] = field(default_factory=list)

    @property
    def action(self) -> DuplicateAction:
        return strictest([m.action for m in self.matches] + [h.action for h in self.hidden])

    def is_blocked(self) -> bool:
        return self.action is DuplicateAction.BLOCK

    def reported(self) -> DuplicateCheck:
        """Only what creation reports: the matches of ``warn`` and ``block`` rules."""
        return DuplicateCheck(self.record_kind, [m for m in self.matches if m.action is not DuplicateAction.ALLOW],
                              [h for h in self.hidden if h.action is not DuplicateAction.ALLOW])

    def messages(self) -> list[tuple[str, str]]:
        """(field, message) pairs, one per visible match and one per hidden kind."""
        return ([("duplicates", f"{m.record_kind.value} {m.record_id} matches (score {m.score}): "
                  f"{'; '.join(m.reasons)}") for m in self.matches]
                + [("duplicates", h.message) for h in self.hidden])


def split_by_access(record_kind: RecordType, matches: Iterable[DuplicateMatch],
                    can_read: Callable[[DuplicateMatch], bool]) -> DuplicateCheck:
    """The matches the actor may read as they are; the others merged into one ``HiddenDuplicate``
    per kind, their reasons merged (so not even a count is told)."""
    check = DuplicateCheck(record_kind)
    hidden: dict[RecordType, tuple[dict[str, None], list[DuplicateAction]]] = {}
    for match in matches:
        if can_read(match):
            check.matches.append(match)
        else:
            reasons, actions = hidden.setdefault(match.record_kind, ({}, []))
            reasons.update(dict.fromkeys(match.reasons))
            actions.append(match.action)
    check.hidden = [HiddenDuplicate(kind, tuple(reasons), strictest(actions))
                    for kind, (reasons, actions) in hidden.items()]
    return check


def can_create(check: DuplicateCheck, override_reason: str | None) -> bool:
    """A record may be created unless a ``block`` rule matched and no override reason was given."""
    return not check.is_blocked() or bool(override_reason and override_reason.strip())


def ensure_may_create(check: DuplicateCheck, override_reason: str | None) -> None:
    """``DUPLICATE_BLOCKED`` (each match in ``details``) when ``can_create`` says no."""
    if can_create(check, override_reason):
        return
    blocking = DuplicateCheck(check.record_kind, [m for m in check.matches if m.action is DuplicateAction.BLOCK],
                              [h for h in check.hidden if h.action is DuplicateAction.BLOCK])
    raise DuplicateBlockedError(
        f"this {check.record_kind.value} duplicates existing records a rule protects; merge or update them, or "
        f"give a reason to create it anyway (duplicate_override_reason)", field="duplicate_override_reason",
        details=blocking.messages())
