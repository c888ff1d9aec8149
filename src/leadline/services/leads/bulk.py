"""Bulk changes of leads chosen on a list: give them an owner, move them to a status.

Each lead goes through what ``update_lead`` does to one lead (the same guard,
``load_lead_for_editing``: record-level security, a converted lead is read-only; the same
``apply_lead_changes``: the status graph, reasons, criteria and field history), in one unit of
work. All or nothing: when any lead is refused, nothing is committed and every refusal is
reported with its code and message; else every change is committed at once, the changed leads
re-scored in the same transaction, in one batch. (Bulk conversion
is ``services/conversion/bulk.py``.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from leadline.domain.configuration.statuses import StatusKind, find_status
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.services.context import ServiceContext
from leadline.services.leads.records import apply_lead_changes, load_lead_for_editing
from leadline.services.scoring.scores import rescore_leads
from leadline.services.security.access import load_viewer
from leadline.services.security.users import resolve_user

#: Leads per call: a few pages of a list, chosen by hand.
MAX_BULK_CHANGE = 1_000


@dataclass(frozen=True)
class LeadRefusal:
    """Why one lead of a bulk change was refused: the error's code and message."""

    lead_id: int
    code: str
    message: str


@dataclass
class BulkChange:
    """The outcome of a bulk change. ``committed``: every change was made; otherwise nothing was,
    and ``refused`` says why (``changed`` and ``unchanged`` then tell what would have been)."""

    committed: bool
    changed: list[int] = field(default_factory=list)
    #: already as asked (that owner, that status): nothing to change
    unchanged: list[int] = field(default_factory=list)
    refused: list[LeadRefusal] = field(default_factory=list)


def bulk_assign_owner(ctx: ServiceContext, actor_id: int, lead_ids: Sequence[int], owner: str) -> BulkChange:
    """Give each lead to ``owner`` (an e-mail or id). The owner is checked once for the whole call
    (``NOT_FOUND`` or ``VALIDATION_FAILED``, field ``owner``: an unknown or inactive user); each
    lead the actor may not edit is refused (``NOT_FOUND`` if they may not even read it)."""
    if not owner:
        raise ValidationError("choose the new owner", field="owner")
    with ctx.reader() as uow:
        user = resolve_user(uow, owner)
        assert user is not None
        load_viewer(uow, actor_id, ctx).ensure_can_assign(user)
    return _change_each(ctx, actor_id, lead_ids, {"owner": user.id})


def bulk_change_status(ctx: ServiceContext, actor_id: int, lead_ids: Sequence[int], status: str, *,
                       reason: str | None = None) -> BulkChange:
    """Move each lead to ``status`` by the workflow, as ``change_lead_status`` does one (with
    ``reason`` when disqualifying); a lead already there is unchanged. A move the status graph
    forbids is that lead's ``STATUS_TRANSITION_NOT_ALLOWED``, criteria not met its
    ``CRITERIA_NOT_MET``, a converted lead its ``LEAD_READ_ONLY``."""
    if not status:
        raise ValidationError("choose the new status", field="status")
    with ctx.reader() as uow:  # an unknown status, or a reason to go elsewhere, is the call's error, not each lead's
        target = find_status(ctx.config(uow).statuses, status)
    if reason and target.kind is not StatusKind.UNQUALIFIED:
        raise ValidationError("a reason is given only when disqualifying leads", field="reason")
    changes: dict[str, object] = {"status": status}
    if reason:
        changes["unqualified_reason"] = reason
    return _change_each(ctx, actor_id, lead_ids, changes)


def _change_each(ctx: ServiceContext, actor_id: int, lead_ids: Sequence[int],
                 changes: Mapping[str, object]) -> BulkChange:
    ids = list(dict.fromkeys(lead_ids))
    if not ids:
        raise ValidationError("choose at least one lead", field="lead_ids")
    if len(ids) > MAX_BULK_CHANGE:
        raise ValidationError(f"at most {MAX_BULK_CHANGE} leads at once", field="lead_ids")
    outcome = BulkChange(committed=False)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        now = ctx.now()
        for lead_id in ids:
            try:
                lead = load_lead_for_editing(uow, viewer, lead_id)
                history = apply_lead_changes(ctx, uow, viewer, lead, changes, now)
            except LeadlineError as error:
                outcome.refused.append(LeadRefusal(lead_id, error.code, error.message))
                continue
            if not history:
                outcome.unchanged.append(lead_id)
                continue
            lead.updated_at = now
            uow.leads.save(lead)
            uow.audit.record_changes(history)
            outcome.changed.append(lead_id)
        if not outcome.refused:
            rescore_leads(ctx, uow, outcome.changed)
            uow.commit()
            outcome.committed = True
    return outcome
