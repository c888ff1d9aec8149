"""``convert_lead``: the one entry point by which any transport converts a lead.

A qualified lead becomes a contact at an account (new, or existing) and, when a sale is clearly
identified, one or more opportunities (new), or joins an existing open opportunity. Everything
happens in one transaction: a failure leaves no partial record. Each conversion is stored with
its result (a retry with the same idempotency key gets it back) and with what it changed, so it
can be undone (services/conversion_undo.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from leadline.domain.accounts import Account, Contact, website_domain
from leadline.domain.common import counted
from leadline.domain.conversion import (
    LEAD_TO_ACCOUNT,
    LEAD_TO_CONTACT,
    QUALIFICATION_GATE,
    ConversionOptions,
    ConversionResult,
    OpportunityChoice,
    converted_status,
    fill_empty,
    mapped_values,
    needs_qualification,
    parse_switch,
    same_email_contact,
)
from leadline.domain.custom_fields import RecordType
from leadline.domain.duplicates import ensure_no_hidden_duplicate
from leadline.domain.errors import (
    LeadAlreadyConvertedError,
    NotFoundError,
    StaleRecordError,
    ValidationError,
)
from leadline.domain.leads import Lead
from leadline.domain.qualification import Purpose
from leadline.domain.reasons import ReasonKind, find_reason
from leadline.domain.security import Viewer
from leadline.domain.statuses import LeadStatus, StatusKind, find_status, first_of_kind
from leadline.domain.users import User
from leadline.services import idempotency
from leadline.services.access import audit_changed, load_viewer
from leadline.services.context import ServiceContext
from leadline.services.conversion_audit import Derived, changes_between, fields_of
from leadline.services.conversion_parts import Conversion, custom_mappings, make_opportunities
from leadline.services.hidden_duplicates import find_hidden_matches
from leadline.services.idempotency import IdempotencyClaim
from leadline.services.ports import UnitOfWork
from leadline.services.ports.records import RecordRepository
from leadline.services.status_moves import ensure_criteria_in
from leadline.services.users import resolve_user
from leadline.services.visibility import readable_ids, readable_or_none

# worked out once per configuration
_lead_fields = Derived(lambda config: config.custom_fields_of(RecordType.LEAD))


def conversion_options(**choices: Any) -> ConversionOptions:
    """``ConversionOptions`` from plain values, as transports give them (``opportunity`` as text)."""
    opportunity = choices.pop("opportunity", OpportunityChoice.CREATE)
    try:
        choice = OpportunityChoice(str(opportunity).strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in OpportunityChoice)
        raise ValidationError(f"{opportunity!r} is not an opportunity choice; use {allowed}",
                              field="opportunity") from None
    return ConversionOptions(opportunity=choice, **choices)


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
    """The conversion itself, inside the caller's unit of work (bulk conversion runs it per lead)."""
    lead: Lead | None = uow.leads.get_for_update(lead_id)
    if lead is None:
        raise NotFoundError(f"there is no lead {lead_id}", field="lead")
    viewer.ensure_can_edit(RecordType.LEAD, lead.id, lead.owner_id)
    if lead.is_converted():
        return _replay(uow, lead, options)
    if options.expected_version is not None and options.expected_version != lead.version:
        raise StaleRecordError("the lead changed since you read it; reload and retry", field="version")
    config = ctx.config(uow)
    target_status, nurture_reason = _target_status(config, options)
    owner = _owner(uow, viewer, lead, options.owner)
    definitions = _lead_fields(config)
    if definitions:
        lead.custom = uow.custom_fields.values_for(definitions, [lead.id])[lead.id]
    now = ctx.now()
    run = Conversion(ctx, uow, viewer, lead, owner.id, now, ConversionResult(lead.id), config=config)
    run.undo.update(previous_status_id=lead.status_id, previous_reason_id=lead.unqualified_reason_id)
    if options.opportunity is OpportunityChoice.CREATE:
        run.result.override_reason = ensure_criteria_in(ctx, uow, lead, Purpose.OPPORTUNITY, options.override_reason,
                                                        "creating an opportunity", config=config)
    if needs_qualification(config.status_by_id[lead.status_id], options, gate_on=qualification_gate_on(config)):
        run.result.qualification_override_reason = ensure_criteria_in(
            ctx, uow, lead, Purpose.QUALIFICATION, options.qualification_override_reason,
            "converting a lead that is not qualified", config=config, field="qualification_override_reason")
    account, contact = _account_and_contact(run, options)
    opportunities = make_opportunities(run, account, contact, options)
    _move_activities(run, contact, opportunities)
    custom_mappings(run, account, contact, opportunities)
    _finish(run, target_status, nurture_reason, options)
    return run.result


def qualification_gate_on(config: Any) -> bool:
    """Whether conversion asks a lead that is not qualified for its criteria: on unless an admin
    turned it off (``set_qualification_gate``)."""
    return bool(parse_switch(config.settings.get(QUALIFICATION_GATE, "on"), QUALIFICATION_GATE))


def _replay(uow: UnitOfWork, lead: Lead, options: ConversionOptions) -> ConversionResult:
    latest = uow.conversions.latest(lead.id)
    if options.idempotency_key and latest and latest["idempotency_key"] == options.idempotency_key:
        return dataclasses.replace(ConversionResult(**latest["result"]), replayed=True)
    raise LeadAlreadyConvertedError(f"lead {lead.id} was already converted", field="lead")


def _target_status(config: Any, options: ConversionOptions) -> tuple[LeadStatus, Any]:
    """The converted status, or for a lead kept for nurturing an unqualified one and its reason."""
    if not options.nurture_reason:
        return converted_status(config.statuses, options.status), None
    reason = find_reason(config.reasons, ReasonKind.LEAD_UNQUALIFIED, options.nurture_reason, field="nurture_reason")
    status = find_status(config.statuses, options.status) if options.status else \
        first_of_kind(config.statuses, StatusKind.UNQUALIFIED)
    if status is None or status.kind is not StatusKind.UNQUALIFIED:
        raise ValidationError("a lead kept for nurturing takes an active unqualified status", field="status")
    return status, reason


def _owner(uow: UnitOfWork, viewer: Viewer, lead: Lead, reference: str | None) -> User:
    """Who owns what the conversion creates: the one named, else the lead's owner, else the actor."""
    owner: User | None = resolve_user(uow, reference) if reference else None
    if owner is None and lead.owner_id is not None:
        owner = uow.users.get(lead.owner_id)
    owner = owner or viewer.user
    if reference:
        viewer.ensure_can_assign(owner)
    return owner


def _account_and_contact(run: Conversion, options: ConversionOptions) -> tuple[Account, Contact]:
    uow, viewer = run.uow, run.viewer
    existing_contact = None
    if options.contact_id is not None:
        existing_contact = _editable(uow, viewer, RecordType.CONTACT, options.contact_id)
        if options.account_id is not None and existing_contact.account_id != options.account_id:
            raise ValidationError("the contact belongs to another account", field="contact_id")
    account_id = options.account_id if existing_contact is None else existing_contact.account_id
    if account_id is None:
        _ensure_no_hidden_duplicate(run, options, accounts=True)  # a new account comes with a new contact
        account = Account(id=run.new_id(), created_at=run.now, updated_at=run.now, owner_id=run.owner_id,
                          domain=website_domain(run.lead.website),
                          **mapped_values(run.lead, LEAD_TO_ACCOUNT))  # type: ignore[arg-type]
        uow.accounts.add(account)
        run.created(RecordType.ACCOUNT, account)
    else:
        account = _editable(uow, viewer, RecordType.ACCOUNT, account_id)
        filled = fill_empty(account, mapped_values(run.lead, LEAD_TO_ACCOUNT))
        if "website" in filled and not account.domain:
            account.domain = website_domain(account.website)
            filled["domain"] = account.domain
        run.attached(RecordType.ACCOUNT, account, filled, uow.accounts)
    run.result.account_id = account.id
    if existing_contact is None and options.account_id is not None:
        readable = [c for c in uow.conversions.contacts_of(account.id)
                    if viewer.can_read(RecordType.CONTACT, c.owner_id)]
        existing_contact = same_email_contact(run.lead, readable)  # a hidden one is DUPLICATE_HIDDEN below
        if existing_contact is not None:
            viewer.ensure_can_edit(RecordType.CONTACT, existing_contact.id, existing_contact.owner_id)
    if existing_contact is None:
        if account_id is not None:
            _ensure_no_hidden_duplicate(run, options, accounts=False)
        contact = Contact(id=run.new_id(), account_id=account.id, created_at=run.now, updated_at=run.now,
                          owner_id=run.owner_id, **mapped_values(run.lead, LEAD_TO_CONTACT))  # type: ignore[arg-type]
        uow.contacts.add(contact)
        run.created(RecordType.CONTACT, contact)
    else:
        contact = existing_contact
        run.attached(RecordType.CONTACT, contact, fill_empty(contact, mapped_values(run.lead, LEAD_TO_CONTACT)),
                     uow.contacts)
    run.result.contact_id = contact.id
    return account, contact


def _ensure_no_hidden_duplicate(run: Conversion, options: ConversionOptions, *, accounts: bool) -> None:
    """``DUPLICATE_HIDDEN`` when the new contact (and account) would match records the actor may
    not read, unless the caller confirmed separate records (then nothing is looked up)."""
    if not options.confirm_separate:
        ensure_no_hidden_duplicate(find_hidden_matches(run.uow, run.viewer, run.lead, accounts=accounts),
                                   confirmed=False)


def _editable(uow: UnitOfWork, viewer: Viewer, record_type: RecordType, record_id: int) -> Any:
    repositories: dict[RecordType, RecordRepository[Any]] = {
        RecordType.ACCOUNT: uow.accounts, RecordType.CONTACT: uow.contacts, RecordType.OPPORTUNITY: uow.opportunities}
    record = repositories[record_type].get_for_update(record_id)
    if record is None:
        raise NotFoundError(f"there is no {record_type.value} {record_id}", field=f"{record_type.value}_id")
    viewer.ensure_can_read(record_type, record.id, record.owner_id)
    viewer.ensure_can_edit(record_type, record.id, record.owner_id)
    return record


def _move_activities(run: Conversion, contact: Contact, opportunities: Sequence[Any]) -> None:
    """The lead's activities join the contact and the opportunities; its open tasks move to the new owner."""
    activities = run.uow.activities.for_record(RecordType.LEAD, run.lead.id)
    if not activities:
        return
    ids = [a.id for a in activities]
    targets = [(RecordType.CONTACT, contact.id)] + [(RecordType.OPPORTUNITY, o.id) for o in opportunities]
    for record_type, record_id in targets:
        for activity_id in run.uow.conversions.link_activities(ids, record_type, record_id):
            run.undo["links"].append([activity_id, record_type.value, record_id])
    for activity in activities:
        if activity.is_open_task() and activity.owner_id != run.owner_id:
            run.undo["tasks"].append([activity.id, activity.owner_id])
            activity.owner_id = run.owner_id
            run.uow.activities.save(activity)
            audit_changed(run.uow, "activity", activity.id, run.viewer.id, run.now,
                          {"owner_id": run.undo["tasks"][-1][1]}, {"owner_id": run.owner_id}, action="convert")
    run.result.attached.append(counted(len(activities), "activity", "activities"))


def _finish(run: Conversion, status: LeadStatus, nurture_reason: Any, options: ConversionOptions) -> None:
    """Mark the lead converted, with its status history and audit as ``move_status`` writes them
    for a status change (the unqualified reason of a lead kept for nurturing, or the one a
    converted lead no longer has), and store the conversion. The written reason an opportunity
    was created without its criteria met is kept as a qualification override is: in the status
    history's note, in the audit (``opportunity_override``), and in the stored result; so is the
    written reason a lead that was not qualified converted without its qualification criteria
    (``qualification_override``)."""
    lead, uow, now, result = run.lead, run.uow, run.now, run.result
    config = run.config
    statuses = config.status_by_id
    old_status = statuses[lead.status_id].label if lead.status_id in statuses else str(lead.status_id)
    old_status_id, old_reason_id = lead.status_id, lead.unqualified_reason_id
    lead.mark_converted(status, now, result.account_id, result.contact_id, result.opportunity_id, nurture_reason)
    uow.leads.save(lead)
    result.lead_version = lead.version
    notes = dict.fromkeys(n for n in (result.override_reason, result.qualification_override_reason) if n)
    uow.leads.record_status_change(lead.id, old_status_id, status.id, run.viewer.id, now,
                                   reason_id=lead.unqualified_reason_id, note="; ".join(notes) or None)
    before = {"status": old_status, "unqualified_reason": config.reason_label(old_reason_id), "converted_at": None,
              "converted_account_id": None, "converted_contact_id": None, "converted_opportunity_id": None,
              "opportunity_override": None, "qualification_override": None}
    after = {"status": status.label, "unqualified_reason": config.reason_label(lead.unqualified_reason_id),
             "converted_at": now, "converted_account_id": result.account_id, "converted_contact_id": result.contact_id,
             "converted_opportunity_id": result.opportunity_id, "opportunity_override": result.override_reason,
             "qualification_override": result.qualification_override_reason}
    changes = changes_between(before, after)
    if changes:
        uow.audit.record("convert", RecordType.LEAD.value, lead.id, run.viewer.id, now, changes)
    run.undo["lead_version"] = lead.version
    uow.conversions.add(run.new_id(), lead.id, run.viewer.id, now, options.idempotency_key,
                        fields_of(result), run.undo)  # stored as JSON at once: no deep copy needed


def lead_lineage(ctx: ServiceContext, actor_id: int, lead_id: int) -> dict[str, Any]:
    """What a converted lead became: converted at, account, contact, every opportunity it produced
    and, when its conversion created an opportunity without the criteria met, the written
    ``override_reason`` (from the stored conversion; None for a lead converted before revision 0003).
    A record the actor may not read is left out (its id is None, or not listed)."""
    from leadline.services.leads import load_lead

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
                "override_reason": stored["result"].get("override_reason") if stored else None}
