"""The one way a lead's status changes by hand: ``move_status``, used by the status use cases and
by lead updates alike, so the transition graph, the unqualified reason and the qualification
rule hold on every path."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.reasons import ReasonKind, find_reason
from leadline.domain.configuration.statuses import StatusKind, find_status
from leadline.domain.errors import InvalidStatusError, ValidationError
from leadline.domain.history import FieldChange, diff_fields
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.qualification import Evaluation, Purpose, all_met, evaluate_in_order
from leadline.domain.leads.workflow import StatusMove, StatusWorkflow
from leadline.domain.security.access import Viewer
from leadline.services.context import CachedConfig, ServiceContext

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def workflow_of(config: CachedConfig) -> StatusWorkflow:
    return StatusWorkflow(config.statuses, config.transitions)


def evaluate_lead_in(ctx: ServiceContext, uow: UnitOfWork, lead: Lead, purpose: Purpose, *,
                     config: CachedConfig | None = None) -> Evaluation:
    """``lead`` (with its custom values loaded) against the active criteria of ``purpose``, under
    ``config`` (default: the current configuration)."""
    config = config or ctx.config(uow)
    framework, chosen = config.criteria_for(purpose)
    if framework is None:
        return Evaluation("none")
    _load_custom(uow, config, lead)
    return evaluate_in_order(framework, chosen, lead, today=ctx.now().date())


def ensure_criteria_in(ctx: ServiceContext, uow: UnitOfWork, lead: Lead, purpose: Purpose, override_reason: str | None,
                       what: str, *, config: CachedConfig | None = None, field: str = "override_reason") -> str | None:
    """``evaluate_lead_in(...).ensure_met_or_overridden(override_reason, what)``, the reasons
    worked out only when a criterion is not met (a bulk conversion asks for 10,000 leads)."""
    config = config or ctx.config(uow)
    framework, chosen = config.criteria_for(purpose)
    if framework is not None:
        _load_custom(uow, config, lead)
        today = ctx.now().date()
        if not all_met(chosen, lead, today=today):
            return evaluate_in_order(framework, chosen, lead, today=today).ensure_met_or_overridden(
                override_reason, what, field=field)
    return Evaluation(framework or "none").ensure_met_or_overridden(override_reason, what,  # checks the reason
                                                                     field=field)


def _load_custom(uow: UnitOfWork, config: CachedConfig, lead: Lead) -> None:
    if not lead.custom:
        definitions = config.custom_fields_of(RecordType.LEAD)
        if definitions:
            lead.custom = uow.custom_fields.values_for(definitions, [lead.id])[lead.id]


def move_status(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead, status: object, *,
                reason: object = None, override_reason: object = None, now: datetime,
                unchanged_ok: bool = False) -> list[FieldChange]:
    """Move ``lead`` (locked, editable by ``viewer``) to the status named ``status`` under the
    workflow; record the status change with its reason or override, and return the field changes
    for the audit: the status, the unqualified reason (the one the lead had before, and the one it
    has now) and any override. Naming the status the lead already has changes an unqualified
    lead's reason (recorded as any move) and is ``STATUS_UNCHANGED`` otherwise, unless
    ``unchanged_ok`` (a lead update that repeats the status without a reason), when it is nothing."""
    config = ctx.config(uow)
    try:
        target = find_status(config.statuses, str(status))
    except InvalidStatusError:  # perhaps added by another worker a moment ago
        config = ctx.fresh_config(uow)
        target = find_status(config.statuses, str(status))
    if target.id == lead.status_id and unchanged_ok and reason in (None, "") and override_reason in (None, ""):
        return []
    staying = target.id == lead.status_id
    chosen_reason = None
    if target.kind is StatusKind.UNQUALIFIED and not (staying and reason in (None, "")):
        chosen_reason = find_reason(config.reasons, ReasonKind.LEAD_UNQUALIFIED, reason)
    elif reason not in (None, "") and target.kind is not StatusKind.UNQUALIFIED:
        raise ValidationError("a reason is given only when disqualifying a lead", field="reason")
    qualification = evaluate_lead_in(ctx, uow, lead, Purpose.QUALIFICATION) \
        if target.kind is StatusKind.QUALIFIED and not staying else None
    previous_reason_id = lead.unqualified_reason_id
    move: StatusMove = workflow_of(config).move(
        lead, target, reason=chosen_reason, qualification=qualification,
        override_reason=None if override_reason is None else str(override_reason))
    uow.leads.record_status_change(lead.id, move.from_status.id, target.id, viewer.id, now,
                                   reason_id=move.reason.id if move.reason else None, note=move.override_reason)
    # the reason the lead had (one unqualified status to another, or leaving for a working one)
    before: dict[str, object] = {"status": move.from_status.label,
                                 "unqualified_reason": config.reason_label(previous_reason_id)}
    after: dict[str, object] = {"status": target.label,
                                "unqualified_reason": move.reason.label if move.reason else None}
    if move.override_reason:
        before["qualification_override"], after["qualification_override"] = None, move.override_reason
    return diff_fields(RecordType.LEAD, lead.id, before, after, actor_id=viewer.id, at=now)


def enter_first_status(ctx: ServiceContext, uow: UnitOfWork, lead: Lead, *, reason: object = None,
                       override_reason: object = None) -> StatusMove:
    """Justify a new lead's first status (set by ``build_lead``, custom values in place) before it
    is stored: a reason to start unqualified, criteria met or an override to start qualified."""
    config = ctx.config(uow)
    status = config.status_by_id[lead.status_id]
    chosen_reason = None
    if status.kind is StatusKind.UNQUALIFIED:
        chosen_reason = find_reason(config.reasons, ReasonKind.LEAD_UNQUALIFIED, reason, field="unqualified_reason")
    elif reason not in (None, ""):
        raise ValidationError("a reason is given only to a lead created unqualified", field="unqualified_reason")
    qualification = evaluate_lead_in(ctx, uow, lead, Purpose.QUALIFICATION) \
        if status.kind is StatusKind.QUALIFIED else None
    if override_reason not in (None, "") and qualification is None:
        raise ValidationError("an override is given only to a lead created qualified",
                              field="qualification_override_reason")
    return StatusWorkflow.enter(lead, status, reason=chosen_reason, qualification=qualification,
                                override_reason=None if override_reason is None else str(override_reason))
