"""Bulk conversion and the conversion preview.

Bulk conversion runs ``convert_in`` for each lead in one unit of work: by default each lead in
a savepoint of its own, so an invalid lead is reported and skipped while the others convert
(one commit at the end); with ``all_or_nothing`` the first failure rolls everything back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from leadline.domain.accounts import normalise_company_name, website_domain
from leadline.domain.conversion import (
    Candidate,
    ConversionOptions,
    ConversionResult,
    account_match_reasons,
    contact_match_reasons,
)
from leadline.domain.custom_fields import RecordType
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.domain.qualification import Evaluation, Purpose
from leadline.services.access import load_viewer
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert_in
from leadline.services.leads import load_lead
from leadline.services.status_moves import evaluate_lead_in

MAX_BULK = 10_000


@dataclass
class BulkItem:
    lead_id: int
    ok: bool
    result: ConversionResult | None = None
    code: str | None = None
    message: str | None = None


@dataclass
class BulkConversion:
    committed: bool
    items: list[BulkItem] = field(default_factory=list)

    @property
    def converted(self) -> int:
        return sum(1 for item in self.items if item.ok)


def convert_leads(ctx: ServiceContext, actor_id: int, lead_ids: Sequence[int], options: ConversionOptions, *,
                  all_or_nothing: bool = False) -> BulkConversion:
    """Convert many leads with the same choices, with a result per lead.

    Partial success by default; with ``all_or_nothing`` nothing is committed if any lead fails
    (the failing lead carries its error, the others ``ROLLED_BACK``). An ``idempotency_key`` in
    ``options`` is made per lead (``<key>:<lead id>``), so a retried bulk call replays.
    """
    ids = list(dict.fromkeys(lead_ids))
    if not ids:
        raise ValidationError("give at least one lead", field="lead_ids")
    if len(ids) > MAX_BULK:
        raise ValidationError(f"at most {MAX_BULK} leads per call", field="lead_ids")
    options.ensure_consistent()
    outcome = BulkConversion(committed=False)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        for lead_id in ids:
            chosen = options if not options.idempotency_key else dataclasses.replace(
                options, idempotency_key=f"{options.idempotency_key}:{lead_id}")
            try:
                if all_or_nothing:
                    result = convert_in(ctx, uow, viewer, lead_id, chosen)
                else:
                    with uow.savepoint():
                        result = convert_in(ctx, uow, viewer, lead_id, chosen)
            except LeadlineError as error:
                outcome.items.append(BulkItem(lead_id, False, code=error.code, message=str(error)))
                if all_or_nothing:
                    return _rolled_back(outcome)
                continue
            outcome.items.append(BulkItem(lead_id, True, result))
        uow.commit()
        outcome.committed = True
        return outcome


def _rolled_back(outcome: BulkConversion) -> BulkConversion:
    for item in outcome.items:
        if item.ok:
            item.ok, item.result, item.code = False, None, "ROLLED_BACK"
            item.message = "not converted: another lead of this all-or-nothing call failed"
    return outcome


@dataclass
class ConversionPreview:
    """What converting a lead would meet: existing accounts and contacts it may belong to (with the
    reasons), open opportunities of those accounts, and the opportunity criteria."""

    lead_id: int
    accounts: list[Candidate]
    contacts: list[tuple[Candidate, int]]  # (candidate, its account id)
    open_opportunities: dict[int, list[int]]
    opportunity_criteria: Evaluation


def preview_conversion(ctx: ServiceContext, actor_id: int, lead_id: int) -> ConversionPreview:
    """Candidates for attaching, as the actor may see them; nothing is written."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        words = sorted(normalise_company_name(lead.company).split(), key=len, reverse=True)
        accounts = []
        for account in uow.conversions.account_candidates(website_domain(lead.website), words[0] if words else None):
            reasons = account_match_reasons(lead, account)
            if reasons and viewer.can_read(RecordType.ACCOUNT, account.owner_id):
                accounts.append(Candidate(account.id, account.name, tuple(reasons)))
        contacts = []
        for contact in uow.conversions.contact_candidates(lead.email, lead.phone):
            reasons = contact_match_reasons(lead, contact)
            if reasons and viewer.can_read(RecordType.CONTACT, contact.owner_id):
                contacts.append((Candidate(contact.id, contact.name, tuple(reasons)), contact.account_id))
        open_opportunities = {a.record_id: uow.conversions.open_opportunity_ids_of(a.record_id) for a in accounts}
        return ConversionPreview(lead.id, accounts, contacts, open_opportunities,
                                 evaluate_lead_in(ctx, uow, lead, Purpose.OPPORTUNITY))


