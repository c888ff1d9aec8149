"""Bulk conversion and the conversion preview.

Bulk conversion runs ``convert_in`` for each lead in one unit of work: by default each lead as
if in a savepoint of its own, so an invalid lead is reported and skipped while the others convert
(one commit at the end); with ``all_or_nothing`` the first failure rolls everything back. Leads
on the common path are read and written in batches (``_BulkRun``), with the same result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from leadline.domain.accounts import normalise_company_name, website_domain
from leadline.domain.conversion import (
    Candidate,
    ConversionOptions,
    ConversionResult,
    OpportunityChoice,
    account_match_reasons,
    contact_match_reasons,
)
from leadline.domain.custom_fields import RecordType
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.domain.leads import Lead
from leadline.domain.qualification import Evaluation, Purpose
from leadline.domain.security import Viewer
from leadline.services.access import load_viewer
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert_in
from leadline.services.leads import load_lead
from leadline.services.status_moves import evaluate_lead_in

MAX_BULK = 10_000
CHUNK = 500  # leads read (and locked) together by a bulk conversion


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
        run = _BulkRun(ctx, uow, load_viewer(uow, actor_id, ctx), options, all_or_nothing, outcome)
        for start in range(0, len(ids), CHUNK):
            if not run.convert(ids[start:start + CHUNK]):
                return _rolled_back(outcome)
        uow.commit()
        outcome.committed = True
        return outcome


def _rolled_back(outcome: BulkConversion) -> BulkConversion:
    for item in outcome.items:
        if item.ok:
            item.ok, item.result, item.code = False, None, "ROLLED_BACK"
            item.message = "not converted: another lead of this all-or-nothing call failed"
    return outcome


class _BulkRun:
    """The leads of one ``convert_leads`` call, in order, a chunk at a time.

    A lead on the common path (a new account and contact, a new opportunity or none, no
    activities to move, no custom values to map) is converted by ``convert_in`` against a
    ``BatchedUnitOfWork``, which collects its rows; the rows of consecutive such leads are
    written together, in a savepoint. Any other lead first has the collected rows written, then
    is converted alone, as before. If a batch write fails, its leads are converted again alone,
    so each gets the result it would have had alone.
    """

    def __init__(self, ctx: ServiceContext, uow: Any, viewer: Viewer, options: ConversionOptions,
                 all_or_nothing: bool, outcome: BulkConversion) -> None:
        self.ctx, self.uow, self.viewer, self.options = ctx, uow, viewer, options
        self.all_or_nothing, self.outcome = all_or_nothing, outcome
        common = options.account_id is None and options.contact_id is None and \
            options.opportunity is not OpportunityChoice.ATTACH
        self.batch = BatchedUnitOfWork(uow) if common else None
        self.written_from: int | None = None  # the first item whose rows wait in the batch

    def convert(self, chunk: list[int]) -> bool:
        """Convert ``chunk``; False as soon as an all-or-nothing call has a failure."""
        ready = self._batchable(chunk)
        for lead_id in chunk:
            item = self._batched(ready[lead_id]) if lead_id in ready else None
            if item is None:
                if not self._write():
                    return False
                item = self._alone(lead_id)
            self.outcome.items.append(item)
            if self.all_or_nothing and not item.ok:
                return False
        return self._write()

    def _options(self, lead_id: int) -> ConversionOptions:
        key = self.options.idempotency_key
        return dataclasses.replace(self.options, idempotency_key=f"{key}:{lead_id}") if key else self.options

    def _alone(self, lead_id: int) -> BulkItem:
        try:
            if self.all_or_nothing:
                result = convert_in(self.ctx, self.uow, self.viewer, lead_id, self._options(lead_id))
            else:
                with self.uow.savepoint():
                    result = convert_in(self.ctx, self.uow, self.viewer, lead_id, self._options(lead_id))
        except LeadlineError as error:
            return BulkItem(lead_id, False, code=error.code, message=str(error))
        return BulkItem(lead_id, True, result)

    def _batchable(self, chunk: list[int]) -> dict[int, Lead]:
        """The leads of ``chunk`` on the common path, read (and locked) at once with what they need."""
        if self.batch is None:
            return {}
        uow, config = self.uow, self.ctx.config(self.uow)
        leads = uow.leads.get_many_for_update(chunk)
        definitions = config.custom_fields_of(RecordType.LEAD)
        custom = uow.custom_fields.values_for(definitions, list(leads)) if definitions else {}
        self.batch.prefetched(definitions, custom)
        busy = uow.activities.linked_records(RecordType.LEAD, list(leads))
        sources = {m.source_field_id for m in config.field_mappings}
        mapped = [d.name for d in config.custom_fields if d.id in sources]
        return {lead_id: lead for lead_id, lead in leads.items() if not lead.is_converted() and lead_id not in busy
                and all(custom.get(lead_id, {}).get(name) is None for name in mapped)}

    def _batched(self, lead: Lead) -> BulkItem | None:
        """Convert ``lead`` into the batch; None if it must be converted alone after all."""
        assert self.batch is not None
        mark = self.batch.mark(lead)
        try:
            result = convert_in(self.ctx, self.batch, self.viewer, lead.id, self._options(lead.id))
        except NotBatchedError:
            self.batch.forget(mark)
            return None
        except LeadlineError as error:
            self.batch.forget(mark)
            return BulkItem(lead.id, False, code=error.code, message=str(error))
        if self.written_from is None:
            self.written_from = len(self.outcome.items)
        return BulkItem(lead.id, True, result)

    def _write(self) -> bool:
        """Write the batch; if that fails (a broken rule, a stale lead), convert its leads alone."""
        if self.batch is None or self.written_from is None:
            return True
        start, self.written_from = self.written_from, None
        try:
            with self.uow.savepoint():
                self.batch.write()
            return True
        except LeadlineError:
            self.batch.forget()
        again = [item.lead_id for item in self.outcome.items[start:]]
        del self.outcome.items[start:]
        for lead_id in again:
            item = self._alone(lead_id)
            self.outcome.items.append(item)
            if self.all_or_nothing and not item.ok:
                return False
        return True


class NotBatchedError(Exception):
    """``BatchedUnitOfWork`` was asked for something it does not batch: convert the lead alone."""


def _not_batched(name: str) -> NotBatchedError | AttributeError:
    return AttributeError(name) if name.startswith("__") else NotBatchedError(name)


class _Part:
    """A repository of ``BatchedUnitOfWork``: anything it does not define takes the slow path."""

    def __getattr__(self, name: str) -> Any:
        raise _not_batched(name)


class BatchedUnitOfWork:
    """What ``convert_in`` sees for a lead of a batch, in place of the unit of work.

    Reads come from what the batch read at once (the lead, locked, with its products and custom
    values), or, for what is the same for every lead (configuration, users, the catalogue and the
    standard prices), from the unit of work, the first time they are asked for in the call.
    Writes are collected as the rows the repositories would write, ids made at the same moment,
    and ``write`` inserts them with one executemany per table. Anything else raises ``NotBatchedError``.
    """

    CONFIGURATION = frozenset({"statuses", "sources", "stages", "sharing", "transitions", "reasons", "criteria",
                               "field_mappings"})

    def __init__(self, uow: Any) -> None:
        self._uow = uow
        self.rows: dict[str, list[Any]] = {name: [] for name in (
            "accounts", "contacts", "opportunities", "line_items", "stage_changes", "roles", "audit",
            "status_changes", "leads", "conversions")}
        self.lead: Lead | None = None  # the lead ``convert_in`` is about to read
        self.read: dict[int, Lead] = {}  # each lead of the batch as it was read
        self.current = 0  # the id of the lead being converted
        self.leads = _Leads(self, uow.leads)
        self.accounts, self.contacts = _Records(self.rows["accounts"]), _Records(self.rows["contacts"])
        self.opportunities = _Records(self.rows["opportunities"])
        self.audit = _Audit(self.rows["audit"], uow.audit)
        self.stage_history = _StageHistory(self.rows["stage_changes"], uow.stage_history)
        self.products = _Products(self.rows, uow.products)
        self.conversions = _Conversions(self.rows["conversions"], uow.conversions)
        self.activities = _Activities(self)
        self.custom_fields = _CustomFields(uow.custom_fields)
        self.users = _Users(uow.users)

    def __getattr__(self, name: str) -> Any:
        if name in self.CONFIGURATION:
            return getattr(self._uow, name)
        raise _not_batched(name)

    def prefetched(self, definitions: list[Any], custom: dict[int, dict[str, Any]]) -> None:
        self.custom_fields.prefetched = (tuple(d.id for d in definitions), custom)

    def mark(self, lead: Lead) -> list[int]:
        """Start converting ``lead``; what to ``forget`` if it fails."""
        self.lead, self.current = lead, lead.id
        self.read[lead.id] = copy(lead)  # as read, for ``save_many``
        return [len(rows) for rows in self.rows.values()]

    def forget(self, mark: list[int] | None = None) -> None:
        """Drop the rows collected since ``mark`` (all of them without)."""
        for rows, size in zip(self.rows.values(), [0] * len(self.rows) if mark is None else mark, strict=True):
            del rows[size:]
        if mark is None:
            self.read.clear()

    def write(self) -> None:
        """Insert the collected rows, parents first, then update the leads; empties the batch."""
        uow, rows = self._uow, self.rows
        uow.accounts.add_many(rows["accounts"])
        uow.contacts.add_many(rows["contacts"])
        uow.opportunities.add_many(rows["opportunities"])
        uow.products.add_line_items(rows["line_items"])
        uow.stage_history.record_many(rows["stage_changes"])
        uow.products.add_contact_roles(rows["roles"])
        uow.audit.record_many(rows["audit"])
        uow.leads.record_status_changes(rows["status_changes"])
        uow.leads.save_many(rows["leads"], [self.read[lead.id] for lead in rows["leads"]])
        uow.conversions.add_many(rows["conversions"])
        self.forget()


class _Leads(_Part):
    def __init__(self, batch: BatchedUnitOfWork, real: Any) -> None:
        self.batch, self.real = batch, real

    def get_for_update(self, lead_id: int) -> Lead:
        lead, self.batch.lead = self.batch.lead, None
        if lead is None or lead.id != lead_id:
            raise NotBatchedError("lead")
        return lead

    def save(self, lead: Lead) -> None:
        """As ``save`` does: the lead as it is now, written if still at the version read; its version moves on."""
        self.batch.rows["leads"].append(copy(lead))
        lead.version += 1

    def record_status_change(self, *args: Any, **kwargs: Any) -> None:
        self.batch.rows["status_changes"].append(self.real.status_change_values(*args, **kwargs))


class _Records(_Part):
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def add(self, record: Any) -> None:
        self.rows.append(record)


class _Audit(_Part):
    def __init__(self, rows: list[Any], real: Any) -> None:
        self.rows, self.real = rows, real

    def record(self, *args: Any, **kwargs: Any) -> None:
        self.rows.append(self.real.event_values(*args, **kwargs))

    def record_changes(self, changes: Any, action: str = "update") -> None:
        self.rows.extend(self.real.change_events(changes, action))


class _StageHistory(_Part):
    def __init__(self, rows: list[Any], real: Any) -> None:
        self.rows, self.real = rows, real

    def record(self, *args: Any) -> None:
        self.rows.append(self.real.change_values(*args))


class _Products(_Part):
    def __init__(self, rows: dict[str, list[Any]], real: Any) -> None:
        self.rows, self.real = rows, real
        self.catalogue: Any = None

    def list(self) -> Any:
        if self.catalogue is None:
            self.catalogue = self.real.list()
        return self.catalogue

    def add_line_items(self, items: Any) -> None:
        self.rows["line_items"].extend(items)

    def add_contact_role(self, *args: Any) -> int:
        self.rows["roles"].append(self.real.contact_role_values(*args))
        return int(self.rows["roles"][-1]["id"])


class _Conversions(_Part):
    def __init__(self, rows: list[Any], real: Any) -> None:
        self.rows, self.real = rows, real
        self.prices: dict[str, Any] = {}

    def standard_prices(self, currency: str) -> Any:
        if currency not in self.prices:
            self.prices[currency] = self.real.standard_prices(currency)
        return self.prices[currency]

    def add(self, *args: Any) -> None:
        self.rows.append(self.real.conversion_values(*args))


class _Activities(_Part):
    def __init__(self, batch: BatchedUnitOfWork) -> None:
        self.batch = batch

    def for_record(self, record_type: RecordType, record_id: int) -> list[Any]:
        if (record_type, record_id) != (RecordType.LEAD, self.batch.current):
            raise NotBatchedError("activities")
        return []  # only leads without activities are batched


class _CustomFields(_Part):
    def __init__(self, real: Any) -> None:
        self.real = real
        self.prefetched: tuple[tuple[int, ...], dict[int, dict[str, Any]]] = ((), {})

    def definitions(self, *args: Any) -> Any:
        return self.real.definitions(*args)

    def values_for(self, definitions: list[Any], record_ids: list[int]) -> dict[int, dict[str, Any]]:
        fields, values = self.prefetched
        if tuple(d.id for d in definitions) != fields or any(i not in values for i in record_ids):
            raise NotBatchedError("custom values")
        return {i: dict(values[i]) for i in record_ids}


class _Users(_Part):
    def __init__(self, real: Any) -> None:
        self.real = real
        self.known: dict[int, Any] = {}

    def get(self, user_id: int) -> Any:
        if user_id not in self.known:
            self.known[user_id] = self.real.get(user_id)
        return self.known[user_id]

    def get_by_email(self, email: str) -> Any:
        return self.real.get_by_email(email)

    def list(self) -> Any:
        return self.real.list()

    def hierarchy(self) -> Any:
        return self.real.hierarchy()


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


