"""Opportunity lifecycle use cases: stage moves, a rep's probability and category overrides,
closing as won or lost, reopening. Every change of stage, amount, close date, probability,
category, outcome or owner is recorded with its time in the opportunity's history, so time in
stage, pushed deals and the pipeline as of any past date (by the owner then) can be computed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from leadline.domain.common import clean_text, date_field
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.reasons import ReasonKind, find_reason
from leadline.domain.errors import NotFoundError, StaleRecordError, ValidationError
from leadline.domain.history import diff_fields
from leadline.domain.money import number_text, parse_amount
from leadline.domain.opportunities.opportunity import (
    Opportunity,
    OpportunityStage,
    OpportunityType,
    parse_forecast_category,
)
from leadline.domain.opportunities.sales_processes import process_for, stage_in
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.custom_values import read_custom
from leadline.services.scoring.opportunities import rescore_opportunity
from leadline.services.security import idempotency
from leadline.services.security.access import fields_of, load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.visibility import without_hidden_origin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

#: The fields whose every change lands in the opportunity history.
TRACKED = ("stage_id", "amount", "currency", "close_date", "probability", "forecast_category", "outcome",
           "owner_id")


def find_stage(uow: UnitOfWork, reference: object, *, process_of: int | None = None, process: object = None,
               opportunity_type: OpportunityType | None = None) -> OpportunityStage:
    """A stage by label or id (no reference: the first open stage) of the process an opportunity
    follows: the ``process`` named; else the process of stage ``process_of`` (the opportunity's
    current stage, for a move); else the stage's own when ``reference`` is a stage id; else the
    process for ``opportunity_type``; else the default one (``domain.sales_processes``)."""
    all_stages = uow.stages.stages()
    processes = uow.stages.processes()
    if process in (None, "") and process_of is not None:  # its own process, even one retired since
        current = next(s.process_id for s in all_stages if s.id == process_of)
        return stage_in(all_stages, next(p for p in processes if p.id == current), reference)
    chosen = process_for(processes, all_stages, named=process, opportunity_type=opportunity_type, stage=reference)
    return stage_in(all_stages, chosen, reference)


def track_change(uow: UnitOfWork, before: dict[str, object], opportunity: Opportunity, actor_id: int,
                 now: datetime) -> None:
    """Record the opportunity's figures in its history when any tracked field changed."""
    if any(before[name] != getattr(opportunity, name) for name in TRACKED):
        uow.stage_history.record(opportunity, cast("int | None", before["stage_id"]), actor_id, now)


def move_stage(ctx: ServiceContext, actor_id: int, opportunity_id: int, stage: str, *,
               expected_version: int | None = None, claim: IdempotencyClaim[Opportunity] | None = None) -> Opportunity:
    """Move an open opportunity to another open stage of its process; probability and category
    follow the stage unless overridden. ``OPPORTUNITY_CLOSED`` for a closed one (reopen it)."""
    return _change(ctx, actor_id, opportunity_id, expected_version,
                   lambda uow, o, _: o.move_to_stage(find_stage(uow, stage, process_of=o.stage_id)), claim)


def override_forecast(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, probability: object = None,
                      category: str | None = None, clear: bool = False,
                      expected_version: int | None = None) -> Opportunity:
    """Set the rep's own probability and/or forecast category (kept through stage moves), or with
    ``clear`` take both from the stage again."""
    def apply(uow: UnitOfWork, opportunity: Opportunity, _: Viewer) -> None:
        if clear:
            stage = next(s for s in uow.stages.stages() if s.id == opportunity.stage_id)
            opportunity.clear_overrides(stage)
            return
        if probability in (None, "") and not category:
            raise ValidationError("give a probability, a category, or clear", field="probability")
        if probability not in (None, ""):
            opportunity.override_probability(parse_percent(probability))
        if category:
            opportunity.override_category(parse_forecast_category(category))

    return _change(ctx, actor_id, opportunity_id, expected_version, apply)


def close_opportunity(ctx: ServiceContext, actor_id: int, opportunity_id: int, outcome: str, *,
                      reason: str | None = None, comment: str | None = None, stage: str | None = None,
                      amount: object = None, close_date: object = None, expected_version: int | None = None,
                      claim: IdempotencyClaim[Opportunity] | None = None) -> Opportunity:
    """Close as ``won`` (needs a positive amount: the one it has, or ``amount`` given here for an
    opportunity without line items) or ``lost`` (needs a reason from the lost-reason list); the
    close date becomes today, or ``close_date`` when an admin back-dates the close (the close rule:
    ``Opportunity.date_close``; ``CLOSE_DATE_IN_FUTURE`` after today). ``stage`` picks among several
    won or lost stages."""
    chosen = str(outcome).strip().lower()
    if chosen not in ("won", "lost"):
        raise ValidationError(f"{outcome!r} is not won or lost", field="outcome")
    final = None if amount in (None, "") else parse_amount(amount)
    day = date_field(close_date, "close_date")
    if final is not None and chosen != "won":
        raise ValidationError("an amount is given only when winning", field="amount")

    def apply(uow: UnitOfWork, opportunity: Opportunity, viewer: Viewer) -> None:
        closing = _closing_stage(uow, opportunity, chosen == "won", stage)
        now, admin = ctx.now(), viewer.user.is_admin()
        if chosen == "won":
            if final is not None:
                opportunity.ensure_open()
                if uow.products.line_items(opportunity.id):
                    raise ValidationError("this opportunity's amount is the sum of its line items; change those",
                                          field="amount")
                opportunity.amount = final
            opportunity.close_won(closing, now, close_date=day, may_back_date=admin)
            return
        config = ctx.config(uow)
        lost = find_reason(config.reasons, ReasonKind.OPPORTUNITY_LOST, reason)
        opportunity.close_lost(closing, lost.id, now, clean_text(comment, field="comment", max_length=255),
                               close_date=day, may_back_date=admin)

    return _change(ctx, actor_id, opportunity_id, expected_version, apply, claim)


def reopen_opportunity(ctx: ServiceContext, actor_id: int, opportunity_id: int, *, stage: str | None = None,
                       expected_version: int | None = None,
                       claim: IdempotencyClaim[Opportunity] | None = None) -> Opportunity:
    """Reopen a won or lost opportunity in ``stage`` (default: the last open stage it was in)."""
    def apply(uow: UnitOfWork, opportunity: Opportunity, _: Viewer) -> None:
        if stage:
            target = find_stage(uow, stage, process_of=opportunity.stage_id)
        else:
            stages = {s.id: s for s in uow.stages.stages()}
            history = [to for _, to, _ in uow.stage_history.for_opportunity(opportunity.id)]
            last_open = next((stages[s] for s in reversed(history) if s in stages and not stages[s].is_closed), None)
            target = last_open or find_stage(uow, None, process_of=opportunity.stage_id)
        opportunity.reopen(target)

    return _change(ctx, actor_id, opportunity_id, expected_version, apply, claim)


def _closing_stage(uow: UnitOfWork, opportunity: Opportunity, won: bool, reference: str | None) -> OpportunityStage:
    if reference:
        return find_stage(uow, reference, process_of=opportunity.stage_id)
    process_id = next(s.process_id for s in uow.stages.stages() if s.id == opportunity.stage_id)
    candidates = sorted((s for s in uow.stages.stages(process_id) if s.is_active and s.is_closed and s.is_won == won),
                        key=lambda s: s.order)
    if not candidates:
        raise ValidationError(f"the sales process has no active {'won' if won else 'lost'} stage", field="stage")
    return candidates[0]


def parse_percent(value: object) -> int:
    try:
        return int(number_text(value, field="probability").rstrip("%"))
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole percentage", field="probability") from None


def _change(ctx: ServiceContext, actor_id: int, opportunity_id: int, expected_version: int | None,
            apply: Any, claim: IdempotencyClaim[Opportunity] | None = None) -> Opportunity:
    """Load (locked), check access and version, apply, record history and audit, commit (with
    ``claim``, the request's idempotency key)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        opportunity = editable_opportunity(uow, viewer, opportunity_id)
        if expected_version is not None and expected_version != opportunity.version:
            raise StaleRecordError("the opportunity changed since you read it; reload and retry", field="version")
        before = fields_of(opportunity)
        now = ctx.now()
        apply(uow, opportunity, viewer)
        changes = [c for c in diff_fields(RecordType.OPPORTUNITY, opportunity.id, before, fields_of(opportunity),
                                          actor_id=viewer.id, at=now) if c.field not in ("updated_at", "version")]
        if changes:
            opportunity.updated_at = now
            uow.opportunities.save(opportunity)
            uow.audit.record_changes(changes)
            track_change(uow, before, opportunity, viewer.id, now)
            rescore_opportunity(ctx, uow, opportunity.id)
        read_custom(ctx, uow, RecordType.OPPORTUNITY, [opportunity])
        shown = without_hidden_origin(uow, viewer, [opportunity])[0]
        if changes:
            idempotency.commit(ctx, uow, claim, shown)
        return shown


def editable_opportunity(uow: UnitOfWork, viewer: Viewer, opportunity_id: int) -> Opportunity:
    opportunity: Opportunity | None = uow.opportunities.get_for_update(opportunity_id)
    if opportunity is None or not viewer.can_read(RecordType.OPPORTUNITY, opportunity.owner_id):
        raise NotFoundError(f"there is no opportunity {opportunity_id}", field="opportunity")
    viewer.ensure_can_edit(RecordType.OPPORTUNITY, opportunity.id, opportunity.owner_id)
    return opportunity
