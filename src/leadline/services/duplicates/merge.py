"""Merging two or more leads, contacts or accounts into one, and undoing a merge.

One transaction: the survivor takes the chosen value of each field (domain/duplicates/merge.py:
the caller's choice, else the newest non-empty), activities, history and the kind's related
records move to it (persistence/duplicates/references.py), and the merged records become
tombstones pointing at it (``merged_into_id``): never listed, and reading one answers the
survivor (docs/adr/0031-merge-tombstones-and-undo.md). The merge keeps the survivor's values
before and every row it moved, so ``undo_merge`` puts all back while nothing depends on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadline.domain.accounts import ACCOUNT_FIELD_CLEANERS, CONTACT_FIELD_CLEANERS, website_domain
from leadline.domain.common import clean_fields
from leadline.domain.configuration.custom_fields import RecordType, coerce_custom_values
from leadline.domain.duplicates.merge import (
    MergeInput,
    MergePlan,
    MergeRecord,
    RemovedRole,
    plan_merge,
    undo_refusals,
)
from leadline.domain.duplicates.rules import parse_record_kind
from leadline.domain.errors import MergeRefusedError, NotFoundError, StaleRecordError, ValidationError
from leadline.domain.history import Deletion, render_value
from leadline.domain.ids import new_id, parse_record_id
from leadline.domain.leads.lead import LEAD_FIELD_CLEANERS
from leadline.domain.security.access import Viewer
from leadline.domain.security.rights import Action
from leadline.services.context import ServiceContext
from leadline.services.scoring.scores import rescore_lead, rescore_leads
from leadline.services.security.access import audit_changed, load_viewer, require_admin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

#: the fields a merge chooses a value for, per kind (owner, status and lineage stay the survivor's)
MERGED_FIELDS: dict[RecordType, tuple[str, ...]] = {
    RecordType.LEAD: (*(n for n in LEAD_FIELD_CLEANERS if n != "currency"), "email", "phone", "source_id"),
    RecordType.CONTACT: (*CONTACT_FIELD_CLEANERS, "email", "phone", "lead_source_id"),
    RecordType.ACCOUNT: tuple(ACCOUNT_FIELD_CLEANERS),
}
_CLEANERS = {RecordType.LEAD: LEAD_FIELD_CLEANERS, RecordType.CONTACT: CONTACT_FIELD_CLEANERS,
             RecordType.ACCOUNT: ACCOUNT_FIELD_CLEANERS}


def _repository(uow: UnitOfWork, kind: RecordType) -> Any:
    return {RecordType.LEAD: uow.leads, RecordType.CONTACT: uow.contacts, RecordType.ACCOUNT: uow.accounts}[kind]


def _editable(uow: UnitOfWork, viewer: Viewer, kind: RecordType, record_id: int, *, lock: bool = True) -> Any:
    repository = _repository(uow, kind)
    record = repository.get_for_update(record_id) if lock else repository.get(record_id)
    if record is None or record.merged_into_id is not None:
        raise NotFoundError(f"there is no {kind.value} {record_id}", field="record_ids")
    viewer.ensure_can_edit(kind, record.id, record.owner_id)
    if kind is RecordType.LEAD and record.is_converted():
        raise MergeRefusedError(f"lead {record_id} is converted; its lineage stays as it is", field="record_ids")
    return record


def _values(ctx: ServiceContext, uow: UnitOfWork, kind: RecordType, record: Any) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in MERGED_FIELDS[kind]}
    definitions = ctx.config(uow).custom_fields_of(kind)
    if definitions:
        custom = uow.custom_fields.values_for(definitions, [record.id])[record.id]
        values.update({f"custom.{name}": value for name, value in custom.items()})
    return values


@dataclass(frozen=True, slots=True)
class MergePreview:
    """What merging ``record_ids`` would keep unless told otherwise, for a dialog that offers the
    choice field by field: each record's values as text (``shown``), the default survivor and,
    per field, the record whose value it keeps (``plan.sources``)."""

    record_kind: RecordType
    #: oldest first (the default survivor first)
    record_ids: list[int]
    shown: dict[int, dict[str, str | None]]
    plan: MergePlan
    #: each record's version as shown: the dialog posts them back (``merge_records(if_versions=...)``)
    versions: dict[int, int]

    def differing(self) -> list[str]:
        """The fields whose values differ among the records: the only ones worth a choice."""
        return [name for name in self.plan.values
                if len({self.shown[i].get(name) for i in self.record_ids}) > 1]


def preview_merge(ctx: ServiceContext, actor_id: int, record_kind: object,
                  record_ids: Sequence[object]) -> MergePreview:
    """The merge ``merge_records`` would make of ``record_ids`` with no choice given, changing
    nothing; refused as that merge would be (a converted lead, a record already merged, a record
    the actor may not edit).

    Example: ``preview_merge(ctx, me, "lead", [a, b]).plan.sources["phone"]``
    """
    kind = parse_record_kind(record_kind)
    ids = [parse_record_id(i, field="record_ids") for i in record_ids]
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        viewer.ensure_may(Action.DELETE, kind)
        records = {i: _editable(uow, viewer, kind, i, lock=False) for i in sorted(ids)}
        values = {i: _values(ctx, uow, kind, r) for i, r in records.items()}
        names = sorted({name for v in values.values() for name in v})
        plan = plan_merge([MergeInput(i, r.updated_at, r.created_at, values[i]) for i, r in records.items()], names)
        sources = ctx.config(uow).source_by_id
    oldest = sorted(records, key=lambda i: (records[i].created_at, i))
    shown = {i: {name: _shown(name, value, sources) for name, value in v.items()} for i, v in values.items()}
    return MergePreview(kind, oldest, shown, plan, {i: r.version for i, r in records.items()})


def _shown(name: str, value: object, sources: Mapping[int, Any]) -> str | None:
    """A value as the dialog writes it: a source by its label, the rest as history does."""
    if name in ("source_id", "lead_source_id") and isinstance(value, int) and value in sources:
        return str(sources[value].label)
    return render_value(value)


def list_merges(ctx: ServiceContext, actor_id: int, limit: int = 20) -> list[MergeRecord]:
    """The merges not undone, newest first (admins: the duplicates page offers their undo)."""
    with ctx.reader() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        return uow.duplicates.recent_merges(limit)


def merge_records(ctx: ServiceContext, actor_id: int, record_kind: object, record_ids: Sequence[object], *,
                  keep: object = None, fields: Mapping[str, object] | None = None,
                  if_versions: Mapping[Any, object] | None = None) -> MergeRecord:
    """Merge ``record_ids`` (2 to 10 leads, contacts or accounts the actor may edit) into one.
    ``keep``: the survivor (default: the oldest); ``fields``: field name (``custom.<name>`` for a
    custom field) -> the record whose value it keeps. Refused with ``MERGE_REFUSED`` for a
    converted lead or a choice that does not fit; ``NOT_FOUND`` for a record already merged;
    ``PERMISSION_DENIED`` unless the actor's role may edit and delete records of the kind (a
    merge changes the survivor and deletes the others). ``if_versions``: record id -> the version
    the actor saw (the merge dialog's); one changed since is refused with ``STALE_RECORD`` before
    anything is written, since the values chosen were that version's.

    Example: ``merge_records(ctx, me, "lead", [a, b], keep=a, fields={"phone": b})``
    """
    kind = parse_record_kind(record_kind)
    ids = [parse_record_id(i, field="record_ids") for i in record_ids]
    survivor_wanted = parse_record_id(keep, field="keep") if keep not in (None, "") else None
    choices = {name: parse_record_id(v, field=f"fields.{name}") for name, v in (fields or {}).items()}
    seen = {parse_record_id(i, field="versions"): _version(v, i) for i, v in (if_versions or {}).items()}
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        viewer.ensure_may(Action.DELETE, kind)
        records = {i: _editable(uow, viewer, kind, i) for i in sorted(ids)}
        changed = [i for i, version in seen.items() if i in records and records[i].version != version]
        if changed:
            raise StaleRecordError(f"the {kind.value} {changed[0]} changed since the merge dialog showed it; "
                                   "check its values and merge again", field="version")
        values = {i: _values(ctx, uow, kind, r) for i, r in records.items()}
        names = sorted({name for v in values.values() for name in v})
        plan = plan_merge([MergeInput(i, r.updated_at, r.created_at, values[i]) for i, r in records.items()],
                          names, keep=survivor_wanted, choices=choices)
        survivor, now = records[plan.survivor_id], ctx.now()
        before = values[survivor.id]
        moved = uow.duplicates.move_references(kind.value, plan.merged_ids, survivor.id)
        removed = _remove_duplicate_roles(uow, kind, records, plan.merged_ids, survivor.id, now)
        uow.duplicates.set_merged_into(kind.value, plan.merged_ids, survivor.id)
        _write(ctx, uow, kind, survivor, plan.values)
        audit_changed(uow, kind.value, survivor.id, viewer.id, now, before, plan.values, action="merge")
        uow.audit.record("merge", kind.value, survivor.id, viewer.id, now,
                         {"merged": (None, ", ".join(map(str, plan.merged_ids)))})
        for merged in plan.merged_ids:
            uow.audit.record("merge", kind.value, merged, viewer.id, now, {"merged_into_id": (None, str(survivor.id))})
            # merged away is deleted for Salesforce's deleted/, as a Salesforce merge deletes (docs/adr/0066)
            uow.deletions.add(Deletion(kind.value, merged, records[merged].owner_id, now))
        merge = MergeRecord(new_id(), kind.value, survivor.id, plan.merged_ids, viewer.id, now, survivor.version,
                            {name: render_value(value) for name, value in before.items()}, moved,
                            removed_roles=removed)
        uow.duplicates.add_merge(merge)
        if kind is RecordType.LEAD:
            rescore_lead(ctx, uow, survivor.id)  # the survivor's fields, activities and answers changed
        uow.commit()
        return merge


def _version(value: object, record_id: object) -> int:
    """A record's version as the actor saw it: a whole number from 1."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and int(text) >= 1):
        raise ValidationError(f"{value!r} is not a version (a whole number from 1)", field=f"versions.{record_id}")
    return int(text)


def _remove_duplicate_roles(uow: UnitOfWork, kind: RecordType, records: Mapping[int, Any], merged_ids: Sequence[int],
                            survivor_id: int, now: datetime) -> list[RemovedRole]:
    """A contact merge removes the roles the survivor already had (the same role on the same
    opportunity), so no role is left on a contact reported deleted; each is kept for ``deleted/``
    with its opportunity's owner and its contact's (docs/adr/0058), and the undo puts it back."""
    if kind is not RecordType.CONTACT:
        return []
    removed = uow.duplicates.remove_duplicate_roles(merged_ids, survivor_id)
    owners = uow.opportunities.owners_of(sorted({r.opportunity_id for r in removed})) if removed else {}
    for role in removed:
        uow.deletions.add(Deletion("contact_role", role.row_id, owners.get(role.opportunity_id), now,
                                   records[role.contact_id].owner_id))
    return removed


def _write(ctx: ServiceContext, uow: UnitOfWork, kind: RecordType, record: Any, values: Mapping[str, Any]) -> None:
    """Set the standard and custom ``values`` on ``record`` and save it (its version moves on)."""
    custom = {name.removeprefix("custom."): v for name, v in values.items() if name.startswith("custom.")}
    for name, value in values.items():
        if not name.startswith("custom."):
            setattr(record, name, value)
    if kind is RecordType.ACCOUNT:
        record.domain = website_domain(record.website)
    definitions = ctx.config(uow).custom_fields_of(kind)
    if definitions:
        stored = coerce_custom_values(definitions, {d.name: custom.get(d.name) for d in definitions}, creating=False)
        uow.custom_fields.set_values(definitions, record.id, stored)
    record.updated_at = ctx.now()
    _repository(uow, kind).save(record)


def _revive(uow: UnitOfWork, kind: RecordType, record_ids: Sequence[int], removed_roles: Sequence[RemovedRole],
            now: datetime) -> None:
    """The records a merge deleted live again: their deletions are forgotten, and each is changed
    now, so that a replication that learnt of their deletion (``deleted/``) finds them again among
    the records changed since (``updated/``) (docs/adr/0066). Their versions stay: the merge did
    not change their values, so an edit, or the undo of the conversion that made one, read
    before the merge still applies (docs/adr/0074)."""
    uow.duplicates.set_merged_into(kind.value, record_ids, None, changed_at=now)
    uow.deletions.remove(kind.value, record_ids)
    if removed_roles:  # the roles the merge removed, back on their contacts, and no longer deleted
        uow.deletions.remove("contact_role", uow.duplicates.restore_roles(removed_roles))


def _parsed(kind: RecordType, rendered: Mapping[str, str | None]) -> dict[str, Any]:
    """The survivor's values as a merge kept them (rendered as history renders them), typed again."""
    cleaners = _CLEANERS[kind]
    standard = {n: v for n, v in rendered.items() if n in cleaners and v is not None}
    values: dict[str, Any] = {n: None for n in rendered}
    values.update(clean_fields(cleaners, standard))
    for name in ("email", "phone", "source_id", "lead_source_id"):
        if name in rendered:
            raw = rendered[name]
            values[name] = int(raw) if raw is not None and name.endswith("_id") else raw
    values.update({n: v for n, v in rendered.items() if n.startswith("custom.")})
    return values


def undo_merge(ctx: ServiceContext, actor_id: int, merge_id: object) -> MergeRecord:
    """Undo a merge: the merged records live again with what they had, the moved rows go back,
    the survivor takes its values from before. Refused (``MERGE_REFUSED``, each reason in
    ``details``) once something depends on it: the survivor changed or merged since, a later
    merge into it not undone."""
    wanted = parse_record_id(merge_id, field="merge")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        merge = uow.duplicates.get_merge(wanted)
        if merge is None:
            raise NotFoundError(f"there is no merge {wanted}", field="merge")
        kind = RecordType(merge.record_kind)
        survivor = _repository(uow, kind).get_for_update(merge.survivor_id)
        if survivor is not None:
            viewer.ensure_can_edit(kind, survivor.id, survivor.owner_id)
        repository = _repository(uow, kind)
        missing = [i for i in merge.merged_ids if repository.get_for_update(i) is None]
        refusals = undo_refusals(merge, survivor.version if survivor else None,
                                 survivor.merged_into_id if survivor else None, uow.duplicates.later_merges(merge),
                                 missing)
        if refusals:
            raise MergeRefusedError("this merge cannot be undone", field="merge", details=refusals)
        now = ctx.now()
        after = _values(ctx, uow, kind, survivor)
        uow.duplicates.restore_references(merge.moved, survivor.id)
        _revive(uow, kind, merge.merged_ids, merge.removed_roles, now)
        restored = _parsed(kind, merge.survivor_before)
        _write(ctx, uow, kind, survivor, restored)
        audit_changed(uow, kind.value, survivor.id, viewer.id, now, after, restored, action="undo_merge")
        for merged in merge.merged_ids:
            uow.audit.record("undo_merge", kind.value, merged, viewer.id, now,
                             {"merged_into_id": (str(survivor.id), None)})
        uow.duplicates.mark_merge_undone(merge.id, now, viewer.id)
        if kind is RecordType.LEAD:  # the survivor as it was, and the merged leads listed again
            rescore_leads(ctx, uow, [survivor.id, *merge.merged_ids])
        uow.commit()
        merge.undone_at = now
        return merge
