"""The other capture channels: a phone call taken by a rep, referrals by a contact or an
account (and what each referral became), social profiles; and a lead's capture record."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from leadline.domain.activities import Activity, ActivityKind, RecordRef
from leadline.domain.capture.attribution import Attribution, Channel
from leadline.domain.capture.forms import clean_web_address
from leadline.domain.capture.submission import call_lead_values
from leadline.domain.common import clean_text
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import Lead
from leadline.services.capture.assignment import assign_captured_lead
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import DuplicateReport
from leadline.services.leads.records import LeadDetails, add_lead, describe_new_lead, load_lead
from leadline.services.records import read_any
from leadline.services.scoring.scores import rescore_lead
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_viewer
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.domain.security.access import Viewer
    from leadline.services.ports import UnitOfWork


@dataclass(frozen=True)
class CapturedCall:
    lead: LeadDetails
    activity: Activity


@dataclass(frozen=True)
class Referral:
    """A lead a contact or account referred, and what it became."""

    lead: Lead
    status: str
    status_kind: str


def capture_call(ctx: ServiceContext, actor_id: int, values: Mapping[str, object], *,
                 subject: str | None = None, notes: str | None = None,
                 referred_by_contact: int | None = None, referred_by_account: int | None = None,
                 social_profile_url: str | None = None) -> CapturedCall:
    """A lead from a phone call the actor took, with the call logged on it, in one transaction.
    Needs a phone and a last name or a company (``call_lead_values``); the lead's owner is the
    ``owner`` named in ``values``, else as the assigner says with the actor as the default. The
    duplicate rules apply as on every create path: ``DUPLICATE_BLOCKED`` for a ``block`` match
    unless ``values["duplicate_override_reason"]`` is given (kept in the lead's history); the
    ``warn`` and ``block`` matches are in the answer's ``lead.duplicates``."""
    lead_input = call_lead_values(values)
    owner_ref = lead_input.pop("owner", None)
    social = clean_web_address(social_profile_url, "social_profile_url")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        owner = resolve_user(uow, owner_ref)  # type: ignore[arg-type]
        if owner is not None:
            viewer.ensure_can_assign(owner)
        refs = _referrers(uow, viewer, referred_by_contact, referred_by_account)
        report = DuplicateReport()
        lead = add_lead(ctx, uow, viewer, lead_input, before_storing=lambda built: assign_captured_lead(
            uow, built, default_owner_id=owner.id if owner else viewer.id), rescore=False, duplicates=report)
        now = ctx.now()
        activity = Activity(id=new_id(), kind=ActivityKind.CALL, created_at=now, completed_at=now,
                            owner_id=viewer.id, links=[RecordRef(RecordType.LEAD, lead.id)],
                            subject=clean_text(subject, field="subject", max_length=255) or "Inbound call",
                            body=clean_text(notes, field="notes", max_length=32_000))
        uow.activities.add(activity)
        audit_created(uow, "activity", activity.id, viewer.id, now, fields_of(activity))
        uow.captures.add_attribution(Attribution(
            lead_id=lead.id, channel=Channel.CALL, created_at=now, social_profile_url=social,
            referred_by_contact_id=refs[0], referred_by_account_id=refs[1]))
        rescore_lead(ctx, uow, lead.id)  # with the call logged on it
        details = describe_new_lead(ctx, uow, lead)
        details.duplicates = report.check
        uow.commit()
        return CapturedCall(details, activity)


def record_referral(ctx: ServiceContext, actor_id: int, lead_id: int, *, contact_id: int | None = None,
                    account_id: int | None = None, social_profile_url: str | None = None,
                    clear: bool = False) -> Attribution:
    """Record who referred a lead (a contact or an account the actor may read) and/or its social
    profile; ``clear`` removes the referrer. The actor must be able to edit the lead."""
    social = clean_web_address(social_profile_url, "social_profile_url")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id, edit=True)
        contact, account = _referrers(uow, viewer, contact_id, account_id)
        now = ctx.now()
        found = uow.captures.attribution(lead.id)
        attribution = found or Attribution(lead_id=lead.id, channel=Channel.REFERRAL, created_at=now)
        before = {"referred_by_contact_id": attribution.referred_by_contact_id,
                  "referred_by_account_id": attribution.referred_by_account_id,
                  "social_profile_url": attribution.social_profile_url}
        if clear or contact or account:
            attribution.referred_by_contact_id, attribution.referred_by_account_id = contact, account
        if social:
            attribution.social_profile_url = social
        if found is None:
            uow.captures.add_attribution(attribution)
        else:
            uow.captures.save_attribution(attribution)
        audit_changed(uow, "lead", lead.id, viewer.id, now, before,
                      {k: getattr(attribution, k) for k in before})
        uow.commit()
        return attribution


def referrals_of(ctx: ServiceContext, actor_id: int, kind: str, record_id: int) -> list[Referral]:
    """The leads a contact or account (``kind``) referred that the actor may read, with their
    status and, once converted, the contact, account and opportunity each became."""
    if kind not in ("contact", "account"):
        raise ValidationError("referrals are kept for contacts and accounts", field="record_type")
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        read_any(uow, viewer, kind, record_id)
        ids = uow.captures.referrals(**{f"{kind}_id": record_id})
        statuses = ctx.config(uow).status_by_id
        out = []
        for lead_id in ids:
            lead = uow.leads.get(lead_id)
            if lead is not None and viewer.can_read(RecordType.LEAD, lead.owner_id):
                status = statuses.get(lead.status_id)
                out.append(Referral(lead, status.label if status else str(lead.status_id),
                                    status.kind.value if status else ""))
        return out


def lead_capture(ctx: ServiceContext, actor_id: int, lead_id: int) -> Attribution | None:
    """Where a lead the actor may read came from (None for a lead typed in by hand)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        load_lead(uow, viewer, lead_id)
        return uow.captures.attribution(lead_id)


def _referrers(uow: UnitOfWork, viewer: Viewer, contact_id: int | None,
               account_id: int | None) -> tuple[int | None, int | None]:
    if contact_id is not None and account_id is not None:
        raise ValidationError("a lead is referred by a contact or by an account, not both", field="referred_by")
    contact = read_any(uow, viewer, "contact", contact_id).id if contact_id is not None else None
    account = read_any(uow, viewer, "account", account_id).id if account_id is not None else None
    return contact, account


__all__ = ["CapturedCall", "Referral", "capture_call", "lead_capture", "record_referral", "referrals_of"]
