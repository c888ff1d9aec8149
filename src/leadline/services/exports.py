"""Export of a filtered list of leads, accounts, contacts or opportunities to CSV or .xlsx,
streamed: the rows are read a page at a time (keyset, by id), each page in its own short read,
so memory stays flat whatever the list's size and no transaction is held open while a client
downloads. Only records the actor may read are exported; merged records (tombstones) never.

The header holds the record's field names (``first_name``, ``company``, ``source``...) and
``custom.<name>`` for each custom field, the names the import recognises; a reference is
exported by name (a lead's ``status`` and ``source`` labels, the ``owner``'s e-mail). Cells go
through ``domain/exports.py`` (no formula survives).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.exports import cell, typed_cell
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.queries import MAX_PAGE_SIZE, LeadQuery, Page, RecordQuery
from leadline.services.context import ServiceContext
from leadline.services.leads.records import LeadDetails, list_leads
from leadline.services.records import list_records

FORMATS = ("csv", "xlsx")

LEAD_COLUMNS = ("id", "first_name", "last_name", "company", "email", "phone", "title", "industry", "website",
                "street", "city", "state", "postal_code", "country", "annual_revenue", "number_of_employees",
                "source", "status", "rating", "currency", "budget_amount", "purchase_timeframe", "is_decision_maker",
                "description", "owner", "created_at", "updated_at")
_LEFT_OUT = {"custom", "version", "merged_into_id", "owner_id"}
_DOMAIN: dict[RecordType, type] = {RecordType.ACCOUNT: Account, RecordType.CONTACT: Contact,
                                   RecordType.OPPORTUNITY: Opportunity}


@dataclass
class ExportTable:
    """A header and its rows, the rows read as they are consumed (a generator)."""

    header: list[str]
    rows: Iterator[list[object]]


def parse_format(value: object) -> str:
    text = str(value or "csv").strip().lower().lstrip(".")
    if text not in FORMATS:
        raise ValidationError(f"{value!r} is not one of csv, xlsx", field="format")
    return text


def _custom_names(ctx: ServiceContext, kind: RecordType) -> list[str]:
    with ctx.reader() as uow:
        return [d.name for d in ctx.config(uow).custom_fields_of(kind)]


def _owners(ctx: ServiceContext) -> dict[int, str]:
    with ctx.reader() as uow:
        return {user_id: user.email for user_id, user in ctx.config(uow).users.items()}


def export_table(ctx: ServiceContext, actor_id: int, kind: str, query: LeadQuery | RecordQuery) -> ExportTable:
    """The records of ``kind`` (``lead``, ``account``, ``contact``, ``opportunity``) matching
    ``query`` that the actor may read, oldest first, as a header and a generator of rows.
    Example: ``export_table(ctx, me, "lead", LeadQuery(status_ids=(open_id,)))``"""
    record_type = RecordType(kind)
    custom = _custom_names(ctx, record_type)
    owners = _owners(ctx)
    if record_type is RecordType.LEAD:
        assert isinstance(query, LeadQuery)
        return ExportTable([*LEAD_COLUMNS, *(f"custom.{n}" for n in custom)],
                           (_lead_row(d, custom, owners) for d in _pages_of_leads(ctx, actor_id, query)))
    assert isinstance(query, RecordQuery)
    names = [f.name for f in dataclasses.fields(_DOMAIN[record_type]) if f.name not in _LEFT_OUT]
    header = [*names, "owner", *(f"custom.{n}" for n in custom)]
    return ExportTable(header, ([*(getattr(r, n) for n in names), owners.get(r.owner_id),
                                 *((r.custom or {}).get(n) for n in custom)]
                                for r in _pages_of_records(ctx, actor_id, kind, query)))


def _lead_row(details: LeadDetails, custom: Sequence[str], owners: dict[int, str]) -> list[object]:
    lead = details.lead
    refs = {"source": details.source.label if details.source else None, "status": details.status.label,
            "owner": owners.get(lead.owner_id) if lead.owner_id else None}
    return [refs[n] if n in refs else getattr(lead, n) for n in LEAD_COLUMNS] + [details.custom.get(n) for n in custom]


def _pages_of_leads(ctx: ServiceContext, actor_id: int, query: LeadQuery) -> Iterator[LeadDetails]:
    after: int | None = None
    while True:
        page = Page(limit=MAX_PAGE_SIZE, sort="id", descending=False, after=(after, after) if after else None)
        batch = list_leads(ctx, actor_id, query, page)
        yield from batch
        if len(batch) < MAX_PAGE_SIZE:
            return
        after = batch[-1].lead.id


def _pages_of_records(ctx: ServiceContext, actor_id: int, kind: str, query: RecordQuery) -> Iterator[Any]:
    after: int | None = None
    while True:
        page = Page(limit=MAX_PAGE_SIZE, sort="id", descending=False, after=(after, after) if after else None)
        batch = list_records(ctx, actor_id, kind, query, page)
        yield from batch
        if len(batch) < MAX_PAGE_SIZE:
            return
        after = batch[-1].id


def csv_chunks(table: ExportTable, rows_per_chunk: int = 500) -> Iterator[str]:
    """The table as CSV text (RFC 4180, ``\\r\\n`` line ends), a chunk of rows at a time."""
    return csv_lines(table.header, ([cell(v) for v in row] for row in table.rows), rows_per_chunk)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[str]], rows_per_chunk: int = 500) -> Iterator[str]:
    """Rows of text as CSV, a chunk of rows at a time, written as given (an import's error report
    keeps each value as the file had it, so that it can be fixed and imported again)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % rows_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(table: ExportTable, path: Path) -> int:
    """The table as an .xlsx workbook at ``path`` (openpyxl's write-only mode: rows are written
    as they come, never held); numbers stay numbers. Returns the number of rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("export")
    sheet.append(table.header)
    count = 0
    for row in table.rows:
        sheet.append([typed_cell(v) for v in row])
        count += 1
    book.save(path)
    return count
