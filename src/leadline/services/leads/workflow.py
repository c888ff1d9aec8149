"""Working a lead: moving it through the organisation's status workflow and evaluating it
against the qualification and opportunity criteria.

Every path that changes a lead's status (this use case, a lead update, imports later) goes
through ``move_status``, so the transition graph, the unqualified reason and the qualification
rule hold everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.statuses import LeadStatus, StatusKind, find_status, first_of_kind
from leadline.domain.errors import ValidationError
from leadline.domain.leads.qualification import Evaluation, Purpose
from leadline.services.context import ServiceContext
from leadline.services.leads.records import LeadDetails, describe_lead, load_lead, load_lead_for_editing
from leadline.services.leads.status_moves import evaluate_lead_in, move_status, workflow_of
from leadline.services.scoring.scores import rescore_lead
from leadline.services.security import idempotency
from leadline.services.security.access import load_viewer
from leadline.services.security.idempotency import IdempotencyClaim


@dataclass(frozen=True)
class StatusOptions:
    """Where a lead may go next, and what each target needs."""

    current: LeadStatus
    next_statuses: list[LeadStatus]
    qualification: Evaluation
    #: a converted lead: nothing about it changes (``lead update`` refuses it as ``lead status`` does)
    read_only: bool = False
    #: whether the actor may change the lead (under read-only sharing they may only read it)
    may_edit: bool = True


def change_lead_status(ctx: ServiceContext, actor_id: int, lead_id: int, status: str, *, reason: str | None = None,
                       override_reason: str | None = None, expected_version: int | None = None,
                       claim: IdempotencyClaim[LeadDetails] | None = None) -> LeadDetails:
    """Move a lead to ``status`` by the organisation's workflow.

    Naming the status the lead already has changes an unqualified lead's reason to ``reason``;
    otherwise it is ``STATUS_UNCHANGED``: a call that changes nothing never looks like a success.
    Raises ``STATUS_TRANSITION_NOT_ALLOWED`` outside the graph, ``REASON_REQUIRED`` when
    disqualifying without a reason, ``CRITERIA_NOT_MET`` when qualifying a lead that misses
    criteria without ``override_reason``, ``LEAD_READ_ONLY`` for a converted lead.
    """
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead_for_editing(uow, viewer, lead_id, expected_version=expected_version)
        now = ctx.now()
        history = move_status(ctx, uow, viewer, lead, status, reason=reason, override_reason=override_reason, now=now)
        if history:
            lead.updated_at = now
            uow.leads.save(lead)
            uow.audit.record_changes(history)
            rescore_lead(ctx, uow, lead.id)
            return idempotency.commit(ctx, uow, claim, describe_lead(ctx, uow, lead))
        return describe_lead(ctx, uow, lead)


def qualify_lead(ctx: ServiceContext, actor_id: int, lead_id: int, *, status: str | None = None,
                 override_reason: str | None = None, expected_version: int | None = None,
                 claim: IdempotencyClaim[LeadDetails] | None = None) -> LeadDetails:
    """Move a lead to a qualified status (the first by order unless ``status`` names one); the
    criteria must be met or overridden with a reason."""
    with ctx.reader() as uow:
        statuses = ctx.config(uow).statuses
    if status is None:
        qualified = first_of_kind(statuses, StatusKind.QUALIFIED)
        if qualified is None:
            raise ValidationError("no active qualified status is configured", field="status")
        status = qualified.label
    elif find_status(statuses, status).kind is not StatusKind.QUALIFIED:
        raise ValidationError(f"{status!r} is not a qualified status", field="status")
    return change_lead_status(ctx, actor_id, lead_id, status, override_reason=override_reason,
                              expected_version=expected_version, claim=claim)


def evaluate_lead(ctx: ServiceContext, actor_id: int, lead_id: int,
                  purpose: Purpose = Purpose.QUALIFICATION) -> Evaluation:
    """Each active criterion of ``purpose`` on the lead, met or unmet with the reason."""
    with ctx.reader() as uow:
        lead = load_lead(uow, load_viewer(uow, actor_id, ctx), lead_id)
        return evaluate_lead_in(ctx, uow, lead, purpose)


def status_options(ctx: ServiceContext, actor_id: int, lead_id: int) -> StatusOptions:
    """The lead's status, where it may move next, its qualification evaluation, and whether the
    actor may change it at all."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        config = ctx.config(uow)
        workflow = workflow_of(config)
        current = workflow.statuses[lead.status_id]
        nexts = workflow.next_statuses(lead.status_id) if lead.can_edit() else []
        return StatusOptions(current, nexts, evaluate_lead_in(ctx, uow, lead, Purpose.QUALIFICATION),
                             read_only=not lead.can_edit(),
                             may_edit=viewer.can_edit(RecordType.LEAD, lead.owner_id))


def status_history(ctx: ServiceContext, actor_id: int, lead_id: int) -> list[dict[str, Any]]:
    """Every status change of the lead with who, when, the reason and any override, oldest first."""
    with ctx.reader() as uow:
        load_lead(uow, load_viewer(uow, actor_id, ctx), lead_id)
        config = ctx.config(uow)
        labels = {s.id: s.label for s in config.statuses}
        reasons = {r.id: r.label for r in config.reasons}
        return [{"from": labels.get(c["from_status_id"]), "to": labels.get(c["to_status_id"]),
                 "actor_id": c["actor_id"], "at": c["changed_at"], "reason": reasons.get(c["reason_id"]),
                 "override_reason": c["note"]} for c in uow.leads.status_changes(lead_id)]
