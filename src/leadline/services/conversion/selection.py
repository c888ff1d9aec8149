"""Bulk conversion of the leads a filter selects: one use case for the API's ``filter`` and the
CLI's ``--where-*`` options, so both convert the same leads.

The filter selects the *unconverted* leads the actor may see with any of its statuses, sources
and owners (an empty list does not filter), oldest first. A filter that matches nothing converts
nothing and is not an error (a nightly script may find no qualified lead). One lead more than a
bulk call takes is selected at most, so ``convert_leads`` refuses an oversized call by name
rather than cutting it silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from leadline.domain.conversion.rules import ConversionOptions
from leadline.domain.queries import Page
from leadline.services.context import ServiceContext
from leadline.services.conversion.bulk import MAX_BULK, BulkConversion, convert_leads
from leadline.services.leads import records as leads
from leadline.services.security.idempotency import IdempotencyClaim

PAGE = 500


@dataclass(frozen=True)
class LeadFilter:
    """Statuses and sources by label or id, owners by e-mail or id; any of each matches."""

    statuses: Sequence[str] = ()
    sources: Sequence[str] = ()
    owners: Sequence[str] = ()


def leads_where(ctx: ServiceContext, actor_id: int, where: LeadFilter) -> list[int]:
    """Ids of the unconverted leads ``where`` selects that the actor may see, oldest first (at
    most ``MAX_BULK + 1``). Unknown labels or users are ``VALIDATION_FAILED``."""
    query = leads.resolve_lead_query(ctx, statuses=where.statuses, sources=where.sources, owners=where.owners,
                                     converted=False)
    ids: list[int] = []
    page = Page(limit=PAGE, sort="id", descending=False)
    while len(ids) <= MAX_BULK:
        rows = leads.list_leads(ctx, actor_id, query, page)
        ids += [d.lead.id for d in rows]
        if len(rows) < page.limit:
            break
        page = Page(page.limit, page.sort, page.descending, (rows[-1].lead.id, rows[-1].lead.id))
    return ids[:MAX_BULK + 1]


@dataclass(frozen=True)
class ConversionWhere:
    """The leads a filter selected, in order, and the bulk conversion's outcome (an
    all-or-nothing call that failed has no item for the leads after the failing one)."""

    lead_ids: list[int]
    outcome: BulkConversion


def convert_leads_where(ctx: ServiceContext, actor_id: int, where: LeadFilter, options: ConversionOptions, *,
                        all_or_nothing: bool = False, claim: IdempotencyClaim[BulkConversion] | None = None,
                        ) -> ConversionWhere:
    """Convert the leads ``where`` selects (``leads_where``) with the same choices, as
    ``convert_leads`` does; nothing selected is a committed, empty outcome."""
    ids = leads_where(ctx, actor_id, where)
    if not ids:
        return ConversionWhere(ids, BulkConversion(committed=True, items=[]))
    return ConversionWhere(ids, convert_leads(ctx, actor_id, ids, options, all_or_nothing=all_or_nothing,
                                              claim=claim))
