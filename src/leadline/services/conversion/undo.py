"""Undoing a conversion, and a further opportunity from a converted lead.

Undo removes what the conversion created when nothing has been attached to it since and it was
not edited (otherwise it is refused, with every reason), removes the links it made, restores the
fields it filled on existing records (those still holding the filled value), gives open tasks back
to their previous owner and returns the lead to the status it had. The audit keeps both the
conversion and its undo. As it deletes what the conversion created, it needs the delete right on
each kind it removes (docs/adr/0068), as deleting that record would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.plan import ConversionInputs, Matched, UndoRecord
from leadline.domain.conversion.planner import plan_further_opportunity
from leadline.domain.conversion.rules import ConversionOptions, ConversionResult, ensure_undoable
from leadline.domain.duplicates.merge import merged_away_reason
from leadline.domain.errors import ConflictError, ValidationError
from leadline.domain.history import Deletion, diff_fields, render_value
from leadline.domain.ids import new_ids
from leadline.domain.leads.lead import Lead
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import ensure_may_create_kinds
from leadline.services.conversion.reads import CallReads, conversion_settings, new_id_source
from leadline.services.leads.records import load_lead_for_editing
from leadline.services.scoring.scores import rescore_lead
from leadline.services.security import idempotency
from leadline.services.security.access import load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.visibility import survivor_shown

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork
    from leadline.services.ports.records import RecordRepository


@dataclass
class UndoResult:
    lead_id: int
    removed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unlinked: int = 0
    status: str = ""


def undo_conversion(ctx: ServiceContext, actor_id: int, lead_id: int, *, expected_version: int | None = None,
                    claim: IdempotencyClaim[UndoResult] | None = None) -> UndoResult:
    """Undo the lead's last conversion (see the module's docstring).

    Raises ``UNDO_REFUSED`` listing what was attached or edited since; ``CONFLICT`` for a lead
    that is not converted, or was converted before conversions were recorded.
    """
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead_for_editing(uow, viewer, lead_id, expected_version=expected_version, converted=True)
        conversion = uow.conversions.latest(lead.id)
        if conversion is None:
            raise ConflictError("this lead was converted before conversions were recorded; it cannot be undone",
                                field="lead")
        undo = conversion.undo
        created = {(c.record_type, c.record_id): _repository(uow, c.record_type).get_for_update(c.record_id)
                   for c in undo.created}
        ensure_undoable(_blockers(uow, viewer, lead.id, created, undo))
        now = ctx.now()
        deletions = _deletions(uow, created, undo, conversion.result, now)
        result = UndoResult(lead.id)
        _unlink(uow, undo, list(created), result)
        _restore_filled(uow, viewer.id, now, undo, result)
        result.status = _revert_lead(ctx, uow, viewer, lead, undo, now)
        for record_type, record_id in sorted(created, key=lambda c: _REMOVAL_ORDER[c[0]]):
            uow.conversions.remove_record(record_type, record_id)
            uow.audit.record("undo_convert", record_type.value, record_id, viewer.id, now,
                             {"id": (str(record_id), None)})
            result.removed.append(f"{record_type.value} {record_id}")
        for deletion in deletions:
            uow.deletions.add(deletion)
        uow.conversions.mark_undone(conversion.id, now, viewer.id)
        return idempotency.commit(ctx, uow, claim, result)


_REMOVAL_ORDER = {RecordType.OPPORTUNITY: 0, RecordType.CONTACT: 1, RecordType.ACCOUNT: 2}


def _revert_lead(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead, undo: UndoRecord,
                 now: Any) -> str:
    """Return the lead to the status and unqualified reason it had, recorded in its status
    history and audit as a status change records them; returns the status's label."""
    config = ctx.config(uow)
    statuses = {s.id: s.label for s in config.statuses}
    reasons = {r.id: r.label for r in config.reasons}
    converted_status_id, converted_reason_id = lead.status_id, lead.unqualified_reason_id
    lead.revert_conversion(undo.previous_status_id, undo.previous_reason_id, now)
    uow.leads.save(lead)
    uow.leads.record_status_change(lead.id, converted_status_id, lead.status_id, viewer.id, now,
                                   reason_id=lead.unqualified_reason_id, note="conversion undone")
    rescore_lead(ctx, uow, lead.id)  # open again: its score follows its fields again
    uow.audit.record_changes(diff_fields(
        RecordType.LEAD, lead.id,
        {"status": _label(statuses, converted_status_id), "unqualified_reason": _label(reasons, converted_reason_id),
         "converted": True},
        {"status": _label(statuses, lead.status_id), "unqualified_reason": _label(reasons, lead.unqualified_reason_id),
         "converted": False}, actor_id=viewer.id, at=now), action="undo_convert")
    return _label(statuses, lead.status_id) or ""


def _label(labels: dict[int, str], record_id: int | None) -> str | None:
    return None if record_id is None else labels.get(record_id, str(record_id))


def _deletions(uow: UnitOfWork, created: Mapping[tuple[RecordType, int], Any], undo: UndoRecord,
               conversion: ConversionResult, now: datetime) -> list[Deletion]:
    """What the undo deletes, kept for Salesforce's ``deleted/`` as any deletion is (docs/adr/0047):
    each created record with its owner, and the contact roles and line items the conversion made
    that still exist (one removed since was kept then), a role with its opportunity's owner and
    its contact's (docs/adr/0058), a line item with its opportunity's. Read before anything goes."""
    deletions = [Deletion(record_type.value, record.id, record.owner_id, now)
                 for (record_type, _), record in created.items()]
    roles, items = set(undo.roles), set(undo.line_items)
    if not roles and not items:
        return deletions
    # the parts are on the conversion's opportunities: those it made, or the one it attached to
    opportunity_ids = sorted({*conversion.opportunity_ids, *filter(None, [conversion.opportunity_id])})
    opportunity_owners = uow.opportunities.owners_of(opportunity_ids)
    for opportunity_id in opportunity_ids:
        owner = opportunity_owners.get(opportunity_id)
        made = [(role_id, contact) for role_id, contact in uow.products.contact_role_contacts(opportunity_id)
                if role_id in roles]
        contact_owners = uow.contacts.owners_of(contact for _, contact in made)
        deletions += [Deletion("contact_role", role_id, owner, now, contact_owners.get(contact))
                      for role_id, contact in made]
        deletions += [Deletion("line_item", item.id, owner, now)
                      for item in uow.products.line_items(opportunity_id) if item.id in items]
    return deletions


def _blockers(uow: UnitOfWork, viewer: Viewer, lead_id: int, created: Mapping[tuple[RecordType, int], Any],
              undo: UndoRecord) -> list[str]:
    """Everything that stops the undo: a created record edited, deleted, or given something since."""
    created_ids = {record_id for _, record_id in created}
    links: dict[tuple[RecordType, int], set[int]] = {(t, i): set() for t, i in created}
    for link in undo.links:
        links.setdefault((link.record_type, link.record_id), set()).add(link.activity_id)
    blockers = []
    for (record_type, record_id), record in created.items():
        what = f"the {record_type.value} {record_id}"
        if record is None:
            blockers.append(f"{what} was deleted since")
            continue
        viewer.ensure_can_delete(record_type, record.id, record.owner_id)  # the undo deletes it
        merged_into = getattr(record, "merged_into_id", None)
        merged_away = merged_away_reason(record_type.value, record.id, merged_into,
                                         survivor_shown=survivor_shown(uow, viewer, record_type, merged_into))
        if merged_away is not None:
            blockers.append(merged_away)
        if record.version != undo.version_of(record_id):
            blockers.append(f"{what} was edited since")
        for kind, ids in uow.conversions.references(record_type, record_id).items():
            allowed = _allowed(kind, record_type, record_id, lead_id, created_ids, links, undo)
            extra = ids - allowed
            if kind == "stage changes":
                extra = set(list(sorted(ids))[1:])  # its first stage is the conversion's own
            if extra:
                blockers.append(f"{len(extra)} {kind} added to {what} since")
    return blockers


def _allowed(kind: str, record_type: RecordType, record_id: int, lead_id: int, created_ids: set[int],
             links: dict[tuple[RecordType, int], set[int]], undo: UndoRecord) -> set[int]:
    if kind == "converted leads":
        return {lead_id}
    if kind == "activities":
        return links.get((record_type, record_id), set())
    if kind == "contact roles":
        return set(undo.roles)
    if kind == "line items":
        return set(undo.line_items)
    return created_ids  # contacts and opportunities of a created account


def _repository(uow: UnitOfWork, record_type: RecordType) -> RecordRepository[Any]:
    repositories: dict[RecordType, RecordRepository[Any]] = {
        RecordType.ACCOUNT: uow.accounts, RecordType.CONTACT: uow.contacts, RecordType.OPPORTUNITY: uow.opportunities}
    return repositories[record_type]


def _unlink(uow: UnitOfWork, undo: UndoRecord, created: Sequence[tuple[RecordType, int]],
            result: UndoResult) -> None:
    """Remove the activity links and contact roles the conversion made on records it did not create,
    and give reassigned open tasks back."""
    created_set = set(created)
    for link in undo.links:
        if (link.record_type, link.record_id) not in created_set:
            uow.conversions.unlink_activities([link.activity_id], link.record_type, link.record_id)
        result.unlinked += 1
    for role_id in undo.roles:
        uow.conversions.remove_contact_role(role_id)
    for task in undo.tasks:
        activity = uow.activities.get(task.activity_id)
        if activity is not None and activity.is_open_task():
            activity.owner_id = task.previous_owner_id
            uow.activities.save(activity)
            result.restored.append(f"task {task.activity_id} owner")


def _restore_filled(uow: UnitOfWork, actor_id: int, now: Any, undo: UndoRecord, result: UndoResult) -> None:
    """Empty again the fields the conversion filled on existing records, where they still hold the
    filled value (a value changed since is someone's later work and is kept)."""
    for record_type, record_id, filled in ((f.record_type, f.record_id, f.values) for f in undo.filled):
        standard = {k: v for k, v in filled.items() if not k.startswith("custom.")}
        custom = {k.removeprefix("custom."): v for k, v in filled.items() if k.startswith("custom.")}
        if standard:
            record = _repository(uow, record_type).get_for_update(record_id)
            if record is None:
                continue
            restored = {k for k, v in standard.items() if render_value(getattr(record, k)) == v}
            before = {k: getattr(record, k) for k in restored}
            for name in restored:
                setattr(record, name, None)
            if restored:
                record.updated_at = now
                _repository(uow, record_type).save(record)
                uow.audit.record("undo_convert", record_type.value, record_id, actor_id, now,
                                 {k: (render_value(v), None) for k, v in before.items()})
                result.restored.extend(f"{record_type.value}.{k}" for k in sorted(restored))
        if custom:
            definitions = [d for d in uow.custom_fields.definitions(record_type) if d.name in custom]
            current = uow.custom_fields.values_for(definitions, [record_id])[record_id]
            clear = {d.name: None for d in definitions if render_value(current.get(d.name)) == custom[d.name]}
            uow.custom_fields.set_values(definitions, record_id, clear)
            result.restored.extend(f"{record_type.value}.custom.{k}" for k in sorted(clear))


def add_lead_opportunity(ctx: ServiceContext, actor_id: int, lead_id: int, *,
                         products: Sequence[str] | None = None, name: str | None = None,
                         claim: IdempotencyClaim[ConversionResult] | None = None) -> ConversionResult:
    """A further opportunity from a converted lead (not a second conversion): the lead's product
    lines are copied to a new opportunity on the converted account, keeping only ``products`` when
    given (by product name). The lead's lineage then lists it too."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead_for_editing(uow, viewer, lead_id, converted=None)
        if not lead.is_converted() or lead.converted_account_id is None:
            raise ConflictError("only a converted lead yields a further opportunity; convert it first", field="lead")
        account: Account | None = uow.accounts.get(lead.converted_account_id)
        contact: Contact | None = uow.contacts.get(lead.converted_contact_id) if lead.converted_contact_id else None
        if account is None or contact is None:
            raise ConflictError("the lead's converted account or contact no longer exists", field="lead")
        viewer.ensure_can_read(RecordType.ACCOUNT, account.id, account.owner_id)
        lines = _chosen_lines(lead.products, products)
        config = ctx.config(uow)
        reads = CallReads(uow)
        given = ConversionInputs(
            lead, ConversionOptions(), None, None, viewer.id, viewer.id, ctx.now(), None,
            None, Matched(), conversion_settings(config), reads.catalogue(lead.currency) if lines else None,
            new_id_source(new_ids, 8))
        plan = plan_further_opportunity(given, account, contact, lines, name)
        ensure_may_create_kinds(viewer, plan)
        uow.conversions.write([plan])
        return idempotency.commit(ctx, uow, claim, plan.result)


def _chosen_lines(lines: Sequence[Any], wanted: Sequence[str] | None) -> list[Any]:
    if wanted is None:
        return list(lines)
    names = {line.product_name.casefold(): line for line in lines}
    unknown = [w for w in wanted if w.casefold() not in names]
    if unknown:
        raise ValidationError(f"the lead has no product line {', '.join(unknown)}", field="products")
    return [names[w.casefold()] for w in wanted]
