"""The names of records a page refers to by id (a field history's account, contact, opportunity,
lead or campaign): one read per kind of record however many it names, and no name of a record
the actor may not read (docs/adr/0016-hidden-records-do-not-exist.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Protocol

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import NamedRecord
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer
from leadline.services.security.visibility import repository_of

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

class _Named(Protocol):
    def names_of(self, record_ids: Iterable[int], /) -> dict[int, NamedRecord]: ...


#: merges of merges a name follows to the survivor (as reading the record by id does)
MAX_MERGE_HOPS = 10


def record_names(ctx: ServiceContext, actor_id: int, wanted: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """(kind, id) -> name, for those of ``wanted`` that exist and the actor may read (kinds:
    ``lead``, ``account``, ``contact``, ``opportunity``, ``campaign``). A merged record answers
    its survivor's name, as reading it by id does, if the actor may read both. Nothing is read
    when nothing is wanted.

    >>> record_names(ctx, rep_id, [("account", 12), ("campaign", 7)])  # doctest: +SKIP
    {("account", 12): "Acme", ("campaign", 7): "Spring webinar"}
    """
    by_kind: dict[str, set[int]] = {}
    for kind, record_id in wanted:
        by_kind.setdefault(kind, set()).add(record_id)
    if not by_kind:
        return {}
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        return {(kind, record_id): name for kind, ids in by_kind.items()
                for record_id, name in readable_names(uow, viewer, kind, ids).items()}


def readable_names(uow: UnitOfWork, viewer: Viewer, kind: str, record_ids: Iterable[int]) -> dict[int, str]:
    """``record_names`` of one kind in the caller's unit of work: one read, and one more per
    level of merges among them (none when none was merged)."""
    repository, may_read = _named(uow, viewer, kind)
    names: dict[int, str] = {}
    pending = {record_id: record_id for record_id in record_ids}  # asked for -> where its name is now
    for _ in range(MAX_MERGE_HOPS):
        if not pending:
            break
        found = repository.names_of(pending.values())
        following: dict[int, int] = {}
        for asked, at in pending.items():
            record = found.get(at)
            if record is None or not may_read(record.owner_id):
                continue
            if record.merged_into_id is None:
                names[asked] = record.name
            else:
                following[asked] = record.merged_into_id
        pending = following
    return names


def _named(uow: UnitOfWork, viewer: Viewer, kind: str) -> tuple[_Named, Callable[[int | None], bool]]:
    """Where a kind's names are read, and whether the viewer may read a record of an owner."""
    if kind == "campaign":  # every user reads every campaign (services/campaigns/records.py)
        return uow.campaigns, lambda _owner: True
    record_type = RecordType(kind)
    return repository_of(uow, record_type), lambda owner: viewer.can_read(record_type, owner)
