"""Bulk conversion and the conversion preview.

Bulk conversion runs ``convert_in`` for each lead in one unit of work: by default each lead as
if in a savepoint of its own, so an invalid lead is reported and skipped while the others convert
(one commit at the end); with ``all_or_nothing`` the first failure rolls everything back. Leads
on the common path are read and written in batches (services/conversion_batch.py), with the
same result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from leadline.domain.accounts import website_domain
from leadline.domain.conversion import (
    Candidate,
    ConversionOptions,
    account_match_reasons,
    contact_match_reasons,
)
from leadline.domain.custom_fields import RecordType
from leadline.domain.duplicates import HiddenMatch
from leadline.domain.errors import ValidationError
from leadline.domain.qualification import Evaluation, Purpose
from leadline.services import idempotency
from leadline.services.access import load_viewer
from leadline.services.collector import collector_paused
from leadline.services.context import ServiceContext
from leadline.services.conversion_batch import BatchWriteError, BulkConversion, BulkItem, BulkRun
from leadline.services.hidden_duplicates import find_hidden_matches, longest_name_word
from leadline.services.idempotency import IdempotencyClaim
from leadline.services.leads import load_lead
from leadline.services.status_moves import evaluate_lead_in

MAX_BULK = 10_000
CHUNK = 2_000  # leads read (and locked) together by a bulk conversion, their rows written together

__all__ = ["CHUNK", "MAX_BULK", "BulkConversion", "BulkItem", "ConversionPreview", "convert_leads",
           "preview_conversion"]


def convert_leads(ctx: ServiceContext, actor_id: int, lead_ids: Sequence[int], options: ConversionOptions, *,
                  all_or_nothing: bool = False, claim: IdempotencyClaim[BulkConversion] | None = None,
                  ) -> BulkConversion:
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
    with collector_paused():  # docs/adr/0011: a result per lead outlives the call's every young collection
        try:
            return _convert(ctx, actor_id, ids, options, all_or_nothing, claim, batched=True)
        except BatchWriteError:  # rare (a row broke a rule): nothing was committed; start again, each lead alone
            return _convert(ctx, actor_id, ids, options, all_or_nothing, claim, batched=False)


def _convert(ctx: ServiceContext, actor_id: int, ids: list[int], options: ConversionOptions, all_or_nothing: bool,
             claim: IdempotencyClaim[BulkConversion] | None, *, batched: bool) -> BulkConversion:
    with ctx.uow_factory() as uow:
        run = BulkRun(ctx, uow, load_viewer(uow, actor_id, ctx), options, all_or_nothing, batched=batched)
        for start in range(0, len(ids), CHUNK):
            if not run.convert(ids[start:start + CHUNK]):
                return _rolled_back(BulkConversion(committed=False, items=run.items))
        return idempotency.commit(ctx, uow, claim, BulkConversion(committed=True, items=run.items))


def _rolled_back(outcome: BulkConversion) -> BulkConversion:
    for item in outcome.items:
        if item.ok:
            item.ok, item.result, item.code = False, None, "ROLLED_BACK"
            item.message = "not converted: another lead of this all-or-nothing call failed"
    return outcome


@dataclass
class ConversionPreview:
    """What converting a lead would meet: existing accounts and contacts it may belong to (with the
    reasons), open opportunities of those accounts that the actor may read, and the opportunity
    criteria."""

    lead_id: int
    accounts: list[Candidate]
    contacts: list[tuple[Candidate, int]]  # (candidate, its account id)
    open_opportunities: dict[int, list[int]]
    opportunity_criteria: Evaluation
    #: accounts and contacts that match but the actor may not read: only that they exist, and why
    hidden: list[HiddenMatch] = field(default_factory=list)


def preview_conversion(ctx: ServiceContext, actor_id: int, lead_id: int) -> ConversionPreview:
    """Candidates for attaching, as the actor may see them, and whether matching records the
    actor may not see exist (``hidden``: no field of theirs); nothing is written."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id)
        accounts = []
        for account in uow.conversions.account_candidates(website_domain(lead.website), longest_name_word(lead)):
            reasons = account_match_reasons(lead, account)
            if reasons and viewer.can_read(RecordType.ACCOUNT, account.owner_id):
                accounts.append(Candidate(account.id, account.name, tuple(reasons)))
        contacts = []
        for contact in uow.conversions.contact_candidates(lead.email, lead.phone):
            reasons = contact_match_reasons(lead, contact)
            if reasons and viewer.can_read(RecordType.CONTACT, contact.owner_id):
                contacts.append((Candidate(contact.id, contact.name, tuple(reasons)), contact.account_id))
        visible = viewer.readable_owner_ids(RecordType.OPPORTUNITY)
        open_opportunities = {a.record_id: uow.conversions.open_opportunity_ids_of(a.record_id, visible)
                              for a in accounts}
        return ConversionPreview(lead.id, accounts, contacts, open_opportunities,
                                 evaluate_lead_in(ctx, uow, lead, Purpose.OPPORTUNITY),
                                 find_hidden_matches(uow, viewer, lead))


