"""The batched path of bulk conversion: the leads of one ``convert_leads`` call, a chunk at a time.

A lead on the common path (a new account and contact, a new opportunity or none, no activities
to move, no custom values to map, not yet converted) is converted by the unchanged ``convert_in``
against a ``BatchedUnitOfWork``, which collects its rows; the rows of consecutive such leads are
written together. Any other lead first has the collected rows written, then is converted alone,
as ``convert_lead`` would. A batch write is not wrapped in a savepoint (on SQLite a savepoint
makes every page already changed in the transaction be copied again: +30 % of the writing, see
bench/RESULTS.md): if one fails (a broken constraint, a stale lead), ``BatchWriteError`` ends the
unit of work, rolled back, and ``convert_leads`` starts the call again with every lead alone, so
each gets the result it would have had alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from leadline.domain.conversion import ConversionOptions, ConversionResult, OpportunityChoice
from leadline.domain.custom_fields import RecordType
from leadline.domain.errors import LeadlineError
from leadline.domain.leads import Lead
from leadline.domain.security import Viewer
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert_in
from leadline.services.conversion_batch_uow import BatchedUnitOfWork, NotBatchedError
from leadline.services.ports import UnitOfWork


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
    """Writing the rows of a batch failed: the unit of work is spoilt; convert every lead alone."""


class BulkRun:
    """One ``convert_leads`` call in progress: ``convert`` each chunk in order, the outcome of
    each lead in ``items``. With ``batched`` false, or options off the common path, every lead
    is converted alone."""

    def __init__(self, ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, options: ConversionOptions,
                 all_or_nothing: bool, *, batched: bool = True) -> None:
        self.ctx, self.uow, self.viewer, self.options = ctx, uow, viewer, options
        self.all_or_nothing = all_or_nothing
        common = options.account_id is None and options.contact_id is None and \
            options.opportunity is not OpportunityChoice.ATTACH
        self.batch = BatchedUnitOfWork(uow) if batched and common else None
        self.items: list[BulkItem] = []

    def convert(self, chunk: list[int]) -> bool:
        """Convert ``chunk``; False as soon as an all-or-nothing call has a failure. Raises
        ``BatchWriteError`` if the rows of a batch could not be written."""
        ready = self._batchable(chunk)
        for lead_id in chunk:
            item = self._batched(ready.pop(lead_id)) if lead_id in ready else None
            if item is None:
                self._write()
                item = self._alone(lead_id)
            self.items.append(item)
            if self.all_or_nothing and not item.ok:
                return False
        self._write()
        return True

    def _options(self, lead_id: int) -> ConversionOptions:
        key = self.options.idempotency_key
        return dataclasses.replace(self.options, idempotency_key=f"{key}:{lead_id}") if key else self.options

    def _alone(self, lead_id: int) -> BulkItem:
        """Convert one lead against the unit of work, as ``convert_lead`` would. Its writes are
        sent before the next lead is converted (in partial mode by the savepoint), so the next
        lead of the same company reads what this one filled or made in the account, contact or
        opportunity, as it would one call later; a write that breaks a rule is this lead's
        ``CONFLICT``, never a database error of the call or a failure of its commit."""
        try:
            if self.all_or_nothing:
                with self.uow.conflicts_named():  # no round trip when nothing is left to send
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
        return BulkItem(lead.id, True, result)

    def _write(self) -> None:
        """Write the rows collected in the batch, before a lead converted alone and at a chunk's end."""
        if self.batch is not None:
            try:
                self.batch.write()
            except LeadlineError as error:
                raise BatchWriteError(str(error)) from error

