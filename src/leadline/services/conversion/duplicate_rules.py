"""The duplicate rules at conversion: the account and the contact a conversion creates are
checked as every create path checks them (services/duplicates/check.py), so a ``block`` rule
refuses a conversion (``DUPLICATE_BLOCKED``) that would make a second record of a protected
one, unless ``duplicate_override_reason`` is given; the reason is kept in the lead's history.

Only kinds with an active ``block`` rule are looked up: a ``warn`` match changes nothing here
(the conversion dialog's preview is where a user sees similar records), and out of the box every
rule warns, so conversion, single or bulk, reads nothing more than before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.plan import Matched
from leadline.domain.conversion.rules import ConversionOptions
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.leads.lead import Lead
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import probe_of, rules_in_force, screen_new_record

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def screen_conversion(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead, matched: Matched,
                      options: ConversionOptions) -> str | None:
    """``DUPLICATE_BLOCKED`` when the new account or contact matches a ``block`` rule and no
    override reason is given; the reason to keep when one was needed (else None)."""
    blocking = {r.record_kind for r in rules_in_force(ctx, uow) if r.active and r.action is DuplicateAction.BLOCK}
    if matched.contact is not None or not blocking & {RecordType.ACCOUNT, RecordType.CONTACT}:
        return None  # the lead joins a contact (and its account): nothing is created
    reasons: list[str | None] = []
    account = matched.account
    if account is None and RecordType.ACCOUNT in blocking:
        probe = probe_of(RecordType.ACCOUNT, {"name": lead.company, "website": lead.website})
        reasons.append(screen_new_record(ctx, uow, viewer, probe, options.duplicate_override_reason))
    if RecordType.CONTACT in blocking:
        values = {"email": lead.email, "phone": lead.phone, "first_name": lead.first_name,
                  "last_name": lead.last_name}
        probe = probe_of(RecordType.CONTACT, values, company=account.name if account else lead.company,
                         company_id=account.id if account else None)
        reasons.append(screen_new_record(ctx, uow, viewer, probe, options.duplicate_override_reason))
    return next((r for r in reasons if r), None)
