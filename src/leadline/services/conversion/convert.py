"""``convert_lead``: the one entry point by which any transport converts a lead.

A qualified lead becomes a contact at an account (new, or existing) and, when a sale is clearly
identified, one or more opportunities (new), or joins an existing open opportunity. What it
creates, fills, links and records is decided by ``plan_conversion`` (domain/conversion/planner.py)
from what ``conversion_inputs`` reads (services/conversion/reads.py), and written by the one
writer, ``uow.conversions.write``, that bulk conversion uses too (docs/adr/0020). Everything
happens in one transaction: a failure leaves no partial record. Each conversion is stored with
its result (a retry with the same idempotency key gets it back) and its undo record, so it can be
undone (services/conversion/undo.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.opportunity_fields import OpportunityFields
from leadline.domain.conversion.plan import ConversionPlan
from leadline.domain.conversion.planner import plan_conversion
from leadline.domain.conversion.rules import ConversionOptions, ConversionResult, OpportunityChoice
from leadline.domain.errors import LeadAlreadyConvertedError, NotFoundError, ValidationError
from leadline.domain.ids import new_ids
from leadline.domain.leads.lead import Lead
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.conversion.reads import CallReads, conversion_inputs, lead_fields, new_id_source
from leadline.services.leads.records import ensure_current
from leadline.services.scoring.opportunities import rescore_opportunity
from leadline.services.security import idempotency
from leadline.services.security.access import load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.visibility import readable_ids, readable_or_none

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def conversion_options(**choices: Any) -> ConversionOptions:
    """``ConversionOptions`` from plain values, as transports give them (``opportunity`` as text;
    the new opportunity's ``opportunity_name``, ``opportunity_amount``, ``opportunity_close_date``
    and ``opportunity_stage`` as typed, None or empty when not set)."""
    fields = OpportunityFields.parse(**{name: choices.pop(f"opportunity_{name}", None)
                                        for name in ("name", "amount", "close_date", "stage")})
    opportunity = choices.pop("opportunity", OpportunityChoice.CREATE)
    try:
        choice = OpportunityChoice(str(opportunity).strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in OpportunityChoice)
        raise ValidationError(f"{opportunity!r} is not an opportunity choice; use {allowed}",
                              field="opportunity") from None
    return ConversionOptions(opportunity=choice, new_opportunity=fields, **choices)


def convert_lead(ctx: ServiceContext, actor_id: int, lead_id: int, options: ConversionOptions | None = None, *,
                 claim: IdempotencyClaim[ConversionResult] | None = None, **choices: Any) -> ConversionResult:
    """Convert ``lead_id`` as ``options`` (or the same choices as keywords) say.

    Raises ``LEAD_ALREADY_CONVERTED`` for a converted lead, unless ``idempotency_key`` is the key
    of its conversion, which returns the first result (``replayed``); ``CRITERIA_NOT_MET`` when a
    new opportunity lacks its criteria and no ``override_reason`` is given, or when a lead that is
    not in a qualified status misses its qualification criteria and no
    ``qualification_override_reason`` is given (unless an admin turned that gate off, or the lead
    is kept for nurturing); ``DUPLICATE_HIDDEN`` when a new account or contact would match one the
    actor may not read, unless ``confirm_separate``; ``NOT_FOUND`` for a
    lead, account, contact or opportunity that does not exist or that the actor may not see.
    """
    chosen = options or conversion_options(**choices)
    chosen.ensure_consistent()
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        result = convert_in(ctx, uow, viewer, lead_id, chosen)
        if not result.replayed:
            idempotency.commit(ctx, uow, claim, result)
        return result


def convert_in(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead_id: int,
               options: ConversionOptions) -> ConversionResult:
    """The conversion itself, inside the caller's unit of work: read, plan, write one plan."""
    lead = convertible_lead(uow, viewer, lead_id, uow.leads.get_for_update(lead_id), options)
    if isinstance(lead, ConversionResult):
        return lead
    definitions = lead_fields(ctx.config(uow))
    if definitions:
        lead.custom = uow.custom_fields.values_for(definitions, [lead.id])[lead.id]
    plan = conversion_plan(ctx, uow, viewer, lead, options, CallReads(uow), new_id_source(new_ids, 8))
    uow.conversions.write([plan])
    if plan.result.opportunity_id is not None:  # a new opportunity is scored in the converting transaction
        rescore_opportunity(ctx, uow, plan.result.opportunity_id)
    return plan.result


def conversion_plan(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead, options: ConversionOptions,
                    reads: CallReads, new_id: Callable[[], int], *, has_activities: bool = True) -> ConversionPlan:
    """The plan of converting ``lead`` (as ``convertible_lead`` returned it), nothing written yet;
    ``PERMISSION_DENIED`` when the actor's role may not create a kind of record it creates."""
    plan = plan_conversion(conversion_inputs(ctx, uow, viewer, lead, options, reads, new_id,
                                             has_activities=has_activities))
    ensure_may_create_kinds(viewer, plan)
    return plan


def ensure_may_create_kinds(viewer: Viewer, plan: ConversionPlan) -> None:
    """The guard of every conversion: the actor's role may create each kind of record ``plan``
    creates (``reps may not create opportunities``)."""
    for kind in plan.created_kinds():
        viewer.ensure_can_create(kind)


def convertible_lead(uow: UnitOfWork, viewer: Viewer, lead_id: int, lead: Lead | None,
                     options: ConversionOptions) -> Lead | ConversionResult:
    """``lead`` (read and locked as ``lead_id``) if it may be converted; the stored result of its
    conversion for a retry with the same idempotency key. ``NOT_FOUND``, the actor's refusal,
    ``LEAD_ALREADY_CONVERTED`` or ``STALE_RECORD`` otherwise."""
    if lead is None:
        raise NotFoundError(f"there is no lead {lead_id}", field="lead")
    viewer.ensure_can_edit(RecordType.LEAD, lead.id, lead.owner_id)
    if lead.is_converted():
        return _replay(uow, lead, options)
    ensure_current(lead, options.expected_version)
    return lead


def _replay(uow: UnitOfWork, lead: Lead, options: ConversionOptions) -> ConversionResult:
    latest = uow.conversions.latest(lead.id)
    if options.idempotency_key and latest and latest.idempotency_key == options.idempotency_key:
        return dataclasses.replace(latest.result, replayed=True)
    raise LeadAlreadyConvertedError(f"lead {lead.id} was already converted", field="lead")


def lead_lineage(ctx: ServiceContext, actor_id: int, lead_id: int) -> dict[str, Any]:
    """What a converted lead became: converted at, account, contact, every opportunity it produced
    and, when its conversion created an opportunity without the criteria met, the written
    ``override_reason`` (from the stored conversion; None for a lead converted before revision 0003),
    and the kinds of record it ``created`` and ``attached`` (e.g. ``["contact", "opportunity"]`` and
    ``["account"]``; empty without a stored conversion). A record the actor may not read is left
    out (its id is None, or not listed)."""
    from leadline.services.leads.records import load_lead

    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        produced = uow.conversions.opportunities_from_lead(lead.id)
        if lead.converted_opportunity_id and lead.converted_opportunity_id not in produced:
            produced.insert(0, lead.converted_opportunity_id)
        readable = readable_ids(uow, viewer, RecordType.OPPORTUNITY, produced)
        stored = uow.conversions.latest(lead.id) if lead.is_converted() else None
        return {"lead_id": lead.id, "converted_at": lead.converted_at,
                "account_id": readable_or_none(uow, viewer, RecordType.ACCOUNT, lead.converted_account_id),
                "contact_id": readable_or_none(uow, viewer, RecordType.CONTACT, lead.converted_contact_id),
                "opportunity_ids": [i for i in produced if i in readable],
                "override_reason": stored.result.override_reason if stored else None,
                "created": list(stored.result.created) if stored else [],
                "attached": list(stored.result.attached) if stored else []}
