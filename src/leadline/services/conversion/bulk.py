"""Bulk conversion and the conversion preview.

Bulk conversion converts each lead as ``convert_lead`` does (the same reads, the same
``plan_conversion``) in one unit of work: by default each lead on its own, so an invalid lead is
reported and skipped while the others convert (one commit at the end); with ``all_or_nothing``
the first failure rolls everything back. The plans are written by the one writer
(``uow.conversions.write``) a chunk at a time: one statement per table for the whole chunk
(docs/adr/0020), except where a lead must see what an earlier one writes (``BulkRun``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from leadline.domain.accounts import normalise_company_name, website_domain
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.duplicates import HiddenMatch
from leadline.domain.conversion.plan import ConversionPlan
from leadline.domain.conversion.rules import (
    Candidate,
    ConversionOptions,
    ConversionResult,
    OpportunityChoice,
    account_match_reasons,
    contact_match_reasons,
)
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.domain.ids import new_ids
from leadline.domain.leads.lead import Lead, phone_number_of
from leadline.domain.leads.qualification import Evaluation, Purpose
from leadline.domain.security.access import Viewer
from leadline.services.collector import collector_paused
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import conversion_plan, convertible_lead
from leadline.services.conversion.hidden_duplicates import find_hidden_matches, longest_name_word
from leadline.services.conversion.reads import CallReads, lead_fields, new_id_source
from leadline.services.duplicates.check import rules_in_force
from leadline.services.leads.records import load_lead
from leadline.services.leads.status_moves import evaluate_lead_in
from leadline.services.security import idempotency
from leadline.services.security.access import load_viewer
from leadline.services.security.idempotency import IdempotencyClaim

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

MAX_BULK = 10_000
CHUNK = 2_000  # leads read (and locked) together by a bulk conversion, their rows written together


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


class BatchWriteError(Exception):
    """Writing the plans of a chunk failed: the unit of work is spoilt; convert every lead alone."""


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
    if options.new_opportunity.names_one_opportunity():
        raise ValidationError("a bulk conversion makes an opportunity per lead: it takes no single name or amount",
                              field=options.new_opportunity.given_field())
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


class BulkRun:
    """One ``convert_leads`` call in progress: ``convert`` each chunk in order, the outcome of each
    lead in ``items``. Plans wait in ``pending`` and are written together at the chunk's end; a
    lead that must see what earlier leads write has those written first (``_needs_written``), and
    every plan is written at once, alone, when each lead joins the same existing records (options
    naming an account, a contact or an opportunity) or after a failed batch write (``batched``
    false): then a write that breaks a rule is that lead's ``CONFLICT``, as with ``convert_lead``."""

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, options: ConversionOptions,
                 all_or_nothing: bool, *, batched: bool = True) -> None:
        self.ctx, self.uow, self.viewer, self.options = ctx, uow, viewer, options
        self.all_or_nothing = all_or_nothing
        joins = options.account_id is not None or options.contact_id is not None or \
            options.opportunity is OpportunityChoice.ATTACH
        self.at_once = joins or not batched
        self.reads, self.new_id = CallReads(uow), new_id_source(new_ids, 256)
        self.items: list[BulkItem] = []
        self.pending: list[ConversionPlan] = []
        #: the look-ups for hidden duplicates (made unless confirmed, for an actor who may not read all)
        self.looks_up = not options.confirm_separate and any(
            viewer.readable_owner_ids(kind) is not None for kind in (RecordType.ACCOUNT, RecordType.CONTACT))
        #: a ``block`` rule on accounts or contacts screens each new one (duplicate_rules.py) against
        #: the stored records, so a pending plan's new records must be written before a lead they may match
        self.screens = any(rule.active and rule.action is DuplicateAction.BLOCK and
                           rule.record_kind in (RecordType.ACCOUNT, RecordType.CONTACT)
                           for rule in rules_in_force(ctx, uow))
        self._keys: set[tuple[str, str]] = set()  # what pending new accounts and contacts match by
        self._moves_activities = False  # a pending plan links or moves activities

    def convert(self, chunk: list[int]) -> bool:
        """Convert ``chunk``; False as soon as an all-or-nothing call has a failure. Raises
        ``BatchWriteError`` if the plans could not be written together."""
        leads = self.uow.leads.get_many_for_update(chunk)
        definitions = lead_fields(self.ctx.config(self.uow))
        custom = self.uow.custom_fields.values_for(definitions, list(leads)) if definitions and leads else {}
        busy = self.uow.activities.linked_records(RecordType.LEAD, list(leads))
        for lead_id in chunk:
            lead = leads.get(lead_id)
            if lead is not None and definitions:
                lead.custom = custom.get(lead_id, {})
            item = self._convert(lead_id, lead, has_activities=lead_id in busy)
            self.items.append(item)
            if self.all_or_nothing and not item.ok:
                return False
        self.write()
        return True

    def _convert(self, lead_id: int, lead: Lead | None, *, has_activities: bool) -> BulkItem:
        key = self.options.idempotency_key
        options = dataclasses.replace(self.options, idempotency_key=f"{key}:{lead_id}") if key else self.options
        try:
            found = convertible_lead(self.uow, self.viewer, lead_id, lead, options)
            if isinstance(found, ConversionResult):
                return BulkItem(lead_id, True, found)
            if self._needs_written(found, has_activities=has_activities):
                self.write()
            plan = conversion_plan(self.ctx, self.uow, self.viewer, found, options, self.reads, self.new_id,
                                   has_activities=has_activities)
        except LeadlineError as error:
            return BulkItem(lead_id, False, code=error.code, message=str(error))
        return self._write_alone(plan) if self.at_once else self._queue(plan)

    def _needs_written(self, lead: Lead, *, has_activities: bool) -> bool:
        """Whether the pending plans must be written before ``lead`` is read for: its look-up of
        hidden duplicates may match a new account or contact of theirs, or it has activities and
        they link or move some (an activity may belong to two leads); or a ``block`` rule screens
        its new account and contact against the stored ones, which may match a new one of theirs."""
        if not self.pending:
            return False
        if has_activities and self._moves_activities:
            return True
        return (self.looks_up or self.screens) and bool(self._keys & _lead_keys(lead))

    def _queue(self, plan: ConversionPlan) -> BulkItem:
        self.pending.append(plan)
        self._moves_activities = self._moves_activities or bool(plan.activity_links or plan.moved_tasks)
        if self.looks_up or self.screens:
            for account in plan.accounts:
                self._keys.add(("domain", account.domain or ""))
                self._keys.update(("word", w) for w in normalise_company_name(account.name).split())
            for contact in plan.contacts:
                self._keys.add(("email", (contact.email or "").lower()))
                self._keys.add(("phone", phone_number_of(contact.phone) or ""))
                if self.screens:  # the duplicate rules also look a contact up by its last name
                    self._keys.add(("last", (contact.last_name or "").casefold()))
        return BulkItem(plan.result.lead_id, True, plan.result)

    def write(self) -> None:
        """Write the pending plans together (before a lead that must see them, and at a chunk's end)."""
        plans, self.pending = self.pending, []
        self._keys.clear()
        self._moves_activities = False
        if plans:
            try:
                self.uow.conversions.write(plans)
            except LeadlineError as error:
                raise BatchWriteError(str(error)) from error

    def _write_alone(self, plan: ConversionPlan) -> BulkItem:
        """Write one plan now: in partial mode in a savepoint, so a broken rule undoes this lead only."""
        try:
            with self.uow.conflicts_named() if self.all_or_nothing else self.uow.savepoint():
                self.uow.conversions.write([plan])
        except LeadlineError as error:
            return BulkItem(plan.result.lead_id, False, code=error.code, message=str(error))
        return BulkItem(plan.result.lead_id, True, plan.result)


def _lead_keys(lead: Lead) -> set[tuple[str, str]]:
    """What the look-ups of hidden duplicates and of the duplicate rules search by, as
    ``BulkRun._keys`` holds it (the last name only matters while a ``block`` rule screens)."""
    keys = {("domain", website_domain(lead.website) or ""), ("word", longest_name_word(lead) or ""),
            ("email", (lead.email or "").lower()), ("phone", phone_number_of(lead.phone) or ""),
            ("last", (lead.last_name or "").casefold())}
    return {key for key in keys if key[1]}


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


