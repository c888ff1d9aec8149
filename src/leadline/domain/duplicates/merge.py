"""Merging records of one kind: which record survives and which value each field keeps.

The survivor is the record the caller keeps (default: the oldest, so links made first stay
valid). Each field takes the value of the record the caller names for it, else the newest
non-empty value (records ordered by their last change, newest first). The merged records stay
as tombstones pointing at the survivor until the merge is undone (docs/adr/0031-merge-tombstones-and-undo.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leadline.domain.errors import MergeRefusedError, RecordMergedError, ValidationError

#: how many records one merge may join
MAX_MERGED = 10


@dataclass(frozen=True, slots=True)
class MergeInput:
    """One record of a merge as the rules see it: its id, last change and field values."""

    record_id: int
    updated_at: datetime
    created_at: datetime
    values: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class MovedReference:
    """A row of another table moved from a merged record to the survivor (undo moves it back)."""

    table: str
    column: str
    row_id: int
    from_id: int


@dataclass(frozen=True, slots=True)
class RemovedRole:
    """A contact role a contact merge removed from a merged contact because the survivor already
    had the same role on the opportunity (undo puts it back, with its id)."""

    row_id: int
    opportunity_id: int
    contact_id: int
    role: str
    is_primary: bool


@dataclass(slots=True)
class MergePlan:
    survivor_id: int
    merged_ids: list[int]
    values: dict[str, Any]
    #: field -> the record its value came from
    sources: dict[str, int] = field(default_factory=dict)


def is_empty(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}


def ensure_mergeable(record_ids: Sequence[int], keep: int | None) -> None:
    """Two to ``MAX_MERGED`` distinct records; ``keep`` one of them."""
    if len(set(record_ids)) != len(record_ids):
        raise ValidationError("a record is named twice", field="record_ids")
    if not 2 <= len(record_ids) <= MAX_MERGED:
        raise ValidationError(f"a merge joins 2 to {MAX_MERGED} records", field="record_ids")
    if keep is not None and keep not in record_ids:
        raise ValidationError(f"{keep} is not one of the records merged", field="keep")


def plan_merge(records: Sequence[MergeInput], fields: Sequence[str], *, keep: int | None = None,
               choices: Mapping[str, int] | None = None) -> MergePlan:
    """The survivor and the value of each of ``fields``: ``choices`` (field -> record id) first,
    else the newest non-empty value. Refuses a choice of an unknown field or record."""
    by_id = {r.record_id: r for r in records}
    ensure_mergeable([r.record_id for r in records], keep)
    survivor = keep if keep is not None else min(records, key=lambda r: (r.created_at, r.record_id)).record_id
    newest_first = sorted(records, key=lambda r: (r.updated_at, r.record_id), reverse=True)
    plan = MergePlan(survivor, [r.record_id for r in records if r.record_id != survivor], {})
    wrong = [(name, f"{name} is not a field that merges") for name in (choices or {}) if name not in fields]
    wrong += [(name, f"{chosen} is not one of the records merged") for name, chosen in (choices or {}).items()
              if chosen not in by_id]
    if wrong:
        raise MergeRefusedError("the field choices do not fit this merge", field="fields", details=wrong)
    for name in fields:
        chosen = (choices or {}).get(name)
        source = by_id[chosen] if chosen is not None else next(
            (r for r in newest_first if not is_empty(r.values.get(name))), by_id[survivor])
        plan.values[name] = source.values.get(name)
        plan.sources[name] = source.record_id
    return plan


@dataclass(slots=True)
class MergeRecord:
    """A merge as stored: enough to resolve tombstones and to undo it."""

    id: int
    record_kind: str
    survivor_id: int
    merged_ids: list[int]
    actor_id: int | None
    merged_at: datetime
    #: the survivor's version the merge left: a later change to it makes the merge a foundation
    survivor_version: int
    #: the survivor's values before the merge (as history renders them), by field
    survivor_before: dict[str, str | None]
    moved: list[MovedReference]
    undone_at: datetime | None = None
    #: contact roles removed from the merged contacts (the survivor had the same ones)
    removed_roles: list[RemovedRole] = field(default_factory=list)


def undo_refusals(merge: MergeRecord, survivor_version: int | None, survivor_merged_into: int | None,
                  later_merges: int, missing: Sequence[int] = ()) -> list[tuple[str, str]]:
    """Why ``merge`` may not be undone (empty: it may): something depends on it, or one of the
    records it merged away (``missing``) no longer exists."""
    reasons = []
    if merge.undone_at is not None:
        reasons.append(("merge", "the merge was already undone"))
    reasons += [("record_ids", f"the {merge.record_kind} {record_id} it merged away no longer exists")
                for record_id in missing]
    if survivor_version is None:
        reasons.append(("survivor", "the surviving record no longer exists"))
    elif survivor_version != merge.survivor_version:
        reasons.append(("survivor", "the surviving record was changed after the merge"))
    if survivor_merged_into is not None:
        reasons.append(("survivor", "the surviving record was merged into another since"))
    if later_merges:
        reasons.append(("survivor", "a later merge into the same record must be undone first"))
    return reasons


def merged_away_reason(kind: str, record_id: int, merged_into_id: int | None, *,
                       survivor_shown: bool) -> str | None:
    """What stops a change that would delete a record because it is a merge's tombstone (None:
    it is not one). A merged-away record is deleted already (Salesforce's ``deleted/`` lists it,
    docs/adr/0066) and comes back only with the undo of its merge: deleting it again, or undoing
    the conversion that made it, waits for that undo. The survivor is named only when
    ``survivor_shown`` (the reader may read it): else "another lead"."""
    if merged_into_id is None:
        return None
    survivor = f"{kind} {merged_into_id}" if survivor_shown else f"another {kind}"
    return f"the {kind} {record_id} was merged into {survivor}; undo that merge first"


def ensure_not_merged_away(kind: str, record_id: int, merged_into_id: int | None, *, field: str,
                           survivor_shown: bool) -> None:
    """``RECORD_MERGED`` when ``merged_away_reason`` gives a reason: a tombstone is not deleted twice."""
    reason = merged_away_reason(kind, record_id, merged_into_id, survivor_shown=survivor_shown)
    if reason is not None:
        raise RecordMergedError(f"{reason} (a merged record is deleted already)", field=field)
