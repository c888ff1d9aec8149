"""``convert_lead``: the one entry point by which any transport converts a lead.

A qualified lead becomes a contact at an account (new, or an existing one) and, when asked,
an opportunity. Everything happens in one transaction: a failure leaves no partial record.
This first version creates the contact and opportunity new; issue 4 adds attaching to
existing contacts and opportunities, previews, configurable mappings, idempotent retries,
bulk conversion and undo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leadline.domain.accounts import Account, Contact, website_domain
from leadline.domain.conversion import (
    LEAD_TO_ACCOUNT,
    LEAD_TO_CONTACT,
    LEAD_TO_OPPORTUNITY,
    converted_status,
    mapped_values,
    opportunity_name,
)
from leadline.domain.custom_fields import RecordType
from leadline.domain.errors import LeadAlreadyConvertedError, NotFoundError, StaleRecordError
from leadline.domain.history import diff_fields
from leadline.domain.ids import new_id
from leadline.domain.leads import Lead
from leadline.domain.opportunities import ContactRoleKind, Opportunity, Outcome, default_process, first_open_stage
from leadline.domain.security import Viewer
from leadline.services.access import audit_changed, audit_created, fields_of, load_viewer
from leadline.services.context import ServiceContext


@dataclass
class ConversionResult:
    lead_id: int
    account_id: int
    contact_id: int
    opportunity_id: int | None
    created: list[str] = field(default_factory=list)
    attached: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)


def convert_lead(
    ctx: ServiceContext, actor_id: int, lead_id: int, *, account_id: int | None = None,
    create_opportunity: bool = True, status: str | None = None, expected_version: int | None = None,
) -> ConversionResult:
    """Convert ``lead_id``. With ``account_id`` the contact joins that account, whose empty
    fields are filled from the lead (never overwritten).

    Raises ``LEAD_ALREADY_CONVERTED`` for a converted lead and ``NOT_FOUND`` for an unknown one.
    """
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead: Lead | None = uow.leads.get_for_update(lead_id)
        if lead is None:
            raise NotFoundError(f"there is no lead {lead_id}", field="lead")
        viewer.ensure_can_edit(RecordType.LEAD, lead.id, lead.owner_id)
        statuses = uow.statuses.list()
        target_status = converted_status(statuses, status)
        if lead.is_converted():
            raise LeadAlreadyConvertedError(f"lead {lead.id} was already converted", field="lead")
        if expected_version is not None and expected_version != lead.version:
            raise StaleRecordError("the lead changed since you read it", field="If-Match")
        now = ctx.now()
        result = ConversionResult(lead.id, 0, 0, None)
        account = _account(uow, viewer, lead, account_id, now, result)
        contact = Contact(id=new_id(), account_id=account.id, created_at=now, updated_at=now,
                          owner_id=lead.owner_id, **mapped_values(lead, LEAD_TO_CONTACT))  # type: ignore[arg-type]
        uow.contacts.add(contact)
        audit_created(uow, "contact", contact.id, viewer.id, now, fields_of(contact), action="convert")
        result.contact_id = contact.id
        result.created.append("contact")
        uow.flush()
        opportunity = _opportunity(uow, lead, contact, now, viewer.id) if create_opportunity else None
        if opportunity is not None:
            result.opportunity_id = opportunity.id
            result.created.append("opportunity")
        old_status = next(s.label for s in statuses if s.id == lead.status_id)
        old_status_id = lead.status_id
        lead.mark_converted(target_status, now, account.id, contact.id, result.opportunity_id)
        uow.leads.save(lead)
        uow.leads.record_status_change(lead.id, old_status_id, target_status.id, viewer.id, now)
        uow.audit.record_changes(diff_fields(
            RecordType.LEAD, lead.id,
            {"status": old_status, "converted_at": None, "converted_account_id": None,
             "converted_contact_id": None, "converted_opportunity_id": None},
            {"status": target_status.label, "converted_at": now, "converted_account_id": account.id,
             "converted_contact_id": contact.id, "converted_opportunity_id": result.opportunity_id},
            actor_id=viewer.id, at=now,
        ), action="convert")
        uow.commit()
        return result


def _account(uow: Any, viewer: Viewer, lead: Lead, account_id: int | None, now: Any,
             result: ConversionResult) -> Account:
    values = mapped_values(lead, LEAD_TO_ACCOUNT)
    if account_id is None:
        account = Account(id=new_id(), created_at=now, updated_at=now, owner_id=lead.owner_id,
                          domain=website_domain(lead.website), **values)  # type: ignore[arg-type]
        uow.accounts.add(account)
        audit_created(uow, "account", account.id, viewer.id, now, fields_of(account), action="convert")
        result.created.append("account")
    else:
        found: Account | None = uow.accounts.get_for_update(account_id)
        if found is None:
            raise NotFoundError(f"there is no account {account_id}", field="account")
        viewer.ensure_can_edit(RecordType.ACCOUNT, found.id, found.owner_id)
        account = found
        empty = {name: value for name, value in values.items()
                 if value is not None and getattr(account, name) in (None, "")}
        for name, value in empty.items():
            setattr(account, name, value)
        if "website" in empty:
            account.domain = account.domain or website_domain(account.website)
        if empty:
            account.updated_at = now
            uow.accounts.save(account)
            audit_changed(uow, "account", account.id, viewer.id, now, {}, empty, action="convert")
        result.attached.append("account")
        result.filled.extend(f"account.{name}" for name in empty)
    result.account_id = account.id
    return account


def _opportunity(uow: Any, lead: Lead, contact: Contact, now: Any, actor_id: int) -> Opportunity:
    process = default_process(uow.stages.processes())
    stage = first_open_stage(uow.stages.stages(process.id))
    values = mapped_values(lead, LEAD_TO_OPPORTUNITY)
    opportunity = Opportunity(
        id=new_id(), account_id=contact.account_id, name=opportunity_name(lead), stage_id=stage.id,
        probability=stage.probability, forecast_category=stage.forecast_category, created_at=now, updated_at=now,
        owner_id=lead.owner_id, originating_lead_id=lead.id, outcome=Outcome.OPEN, **values,  # type: ignore[arg-type]
    )
    uow.opportunities.add(opportunity)
    uow.flush()
    uow.stage_history.record(opportunity, None, actor_id, now)
    audit_created(uow, "opportunity", opportunity.id, actor_id, now, fields_of(opportunity), action="convert")
    role = ContactRoleKind.DECISION_MAKER if lead.is_decision_maker else ContactRoleKind.OTHER
    uow.products.add_contact_role(opportunity.id, contact.id, role, True)
    return opportunity
