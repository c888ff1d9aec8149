"""Export of a filtered list of leads, accounts, contacts or opportunities to CSV or .xlsx,
streamed: one statement per export (``uow.exports``, docs/adr/0045), its rows plain tuples read a
batch at a time from the database's cursor, so memory stays flat whatever the list's size. The
labels (a lead's status and source, every record's owner) come from one configuration read and
are mapped by id; only records the actor may read are exported (the statement's ``owner_id IN``,
as on the lists); merged records (tombstones) never.

The header holds the record's field names (``first_name``, ``company``, ``source``...) and
``custom.<name>`` for each custom field, the names the import recognises; a reference is
exported by name (a lead's ``status`` and ``source`` labels, the ``owner``'s e-mail). Cells are
written as ``domain/exports.py`` says (no formula survives): for CSV each column gets the one
formatter its stored type needs (``cell`` split by type), for .xlsx ``typed_cell``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.exports import cell, neutralised, typed_cell
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.queries import LeadQuery, RecordQuery
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer

FORMATS = ("csv", "xlsx")

LEAD_COLUMNS = ("id", "first_name", "last_name", "company", "email", "phone", "title", "industry", "website",
                "street", "city", "state", "postal_code", "country", "annual_revenue", "number_of_employees",
                "source", "status", "rating", "currency", "budget_amount", "purchase_timeframe", "is_decision_maker",
                "description", "owner", "created_at", "updated_at")
_LEFT_OUT = {"custom", "version", "merged_into_id", "owner_id"}
_DOMAIN: dict[RecordType, type] = {RecordType.ACCOUNT: Account, RecordType.CONTACT: Contact,
                                   RecordType.OPPORTUNITY: Opportunity}
#: the exported reference columns and the stored id each one names
_REFERENCES = {"source": "source_id", "status": "status_id", "owner": "owner_id"}
_CUSTOM_TYPES = {"text": "text", "picklist": "text", "number": "decimal", "date": "date", "boolean": "boolean"}

Row = Sequence[Any]


@dataclass
class ExportTable:
    """A header and its stored rows, read a batch at a time as they are consumed; ``as_text``
    turns a stored row into CSV cells, ``as_values`` into typed values with references named."""

    header: list[str]
    batches: Iterator[Sequence[Row]]
    as_text: Callable[[Row], list[object]]
    as_values: Callable[[Row], list[object]]

    @property
    def rows(self) -> Iterator[list[object]]:
        """The rows as typed values (references named), one at a time."""
        return (self.as_values(row) for batch in self.batches for row in batch)


def parse_format(value: object) -> str:
    text = str(value or "csv").strip().lower().lstrip(".")
    if text not in FORMATS:
        raise ValidationError(f"{value!r} is not one of csv, xlsx", field="format")
    return text


def export_table(ctx: ServiceContext, actor_id: int, kind: str, query: LeadQuery | RecordQuery) -> ExportTable:
    """The records of ``kind`` (``lead``, ``account``, ``contact``, ``opportunity``) matching
    ``query`` that the actor may read, oldest first, as a header and a stream of rows. The
    statement runs when the first row is asked for and ends with the last one.
    Example: ``export_table(ctx, me, "lead", LeadQuery(status_ids=(open_id,)))``"""
    record_type = RecordType(kind)
    if record_type is RecordType.LEAD:
        names: list[str] = list(LEAD_COLUMNS)
    else:
        names = [f.name for f in dataclasses.fields(_DOMAIN[record_type]) if f.name not in _LEFT_OUT] + ["owner"]
    with ctx.reader() as uow:
        config = ctx.fresh_config(uow)  # one configuration read for the whole export
        visible = load_viewer(uow, actor_id, ctx).readable_owner_ids(record_type)
        custom: list[CustomFieldDefinition] = list(config.custom_fields_of(record_type))
        columns = [_REFERENCES.get(name, name) for name in names]
        types = uow.exports.column_types(record_type, columns) + [_CUSTOM_TYPES[d.type.value] for d in custom]
        batches = uow.exports.rows(record_type, query, columns, custom, visible)
    labels = _labels(ctx, config, names)
    text = [labels[n].text if n in labels else _TEXT.get(t, cell) for n, t in zip(names, types, strict=False)]
    text += [_TEXT[t] for t in types[len(names):]]
    values = [labels[n].value if n in labels else None for n in names] + [None] * len(custom)
    return ExportTable([*names, *(f"custom.{d.name}" for d in custom)], batches,
                       _converter(text), _converter(values))


class _Labels(dict[int, str]):
    """The label of each id (a status, a source, a user's e-mail), from the configuration read
    at the start; an id made since then (a user added meanwhile) reads the configuration again."""

    def __init__(self, read: Callable[[Any], Mapping[int, str]], ctx: ServiceContext, config: Any) -> None:
        super().__init__(read(config))
        self._read, self._ctx = read, ctx

    def __missing__(self, key: int) -> str:
        with self._ctx.reader() as uow:
            self.update(self._read(self._ctx.fresh_config(uow)))
        return self.setdefault(key, "")  # a user deleted meanwhile: empty, read once


@dataclass(frozen=True)
class _Reference:
    text: Callable[[Any], object]
    value: Callable[[Any], object]


def _labels(ctx: ServiceContext, config: Any, names: Sequence[str]) -> dict[str, _Reference]:
    readers: dict[str, Callable[[Any], Mapping[int, str]]] = {
        "owner": lambda c: {user_id: user.email for user_id, user in c.users.items()},
        "status": lambda c: {i: s.label for i, s in c.status_by_id.items()},
        "source": lambda c: {i: s.label for i, s in c.source_by_id.items()},
    }
    found = {}
    for name in names:
        if name in readers:
            plain = _Labels(readers[name], ctx, config)
            shown: dict[int, str] = {}

            def text(key: int, plain: _Labels = plain, shown: dict[int, str] = shown) -> str:
                if key not in shown:
                    shown[key] = neutralised(plain[key])
                return shown[key]

            found[name] = _Reference(text, plain.__getitem__)
    return found


def _decimal(value: Any) -> str:
    return format(value.normalize(), "f")


def _enum(value: Any) -> str:
    return neutralised(str(value.value))


def _iso(value: Any) -> str:
    return value.isoformat()  # type: ignore[no-any-return]


def _boolean(value: Any) -> str:
    return "true" if value else "false"


#: the CSV formatter of each stored type: ``domain.exports.cell`` split by type (an integer
#: goes as it is: the CSV writer writes ``str(int)``, as ``cell`` would)
_TEXT: dict[str, Callable[[Any], object] | None] = {
    "text": neutralised, "integer": None, "decimal": _decimal, "date": _iso, "datetime": _iso,
    "boolean": _boolean, "enum": _enum, "other": cell}


def _converter(formatters: Sequence[Callable[[Any], object] | None]) -> Callable[[Row], list[object]]:
    """A row with each non-empty value through its column's formatter (None: kept as it is)."""
    fixes = [(index, formatter) for index, formatter in enumerate(formatters) if formatter is not None]

    def convert(row: Row) -> list[object]:
        out = list(row)
        for index, formatter in fixes:
            value = out[index]
            if value is not None:
                out[index] = formatter(value)
        return out

    return convert


def csv_chunks(table: ExportTable, rows_per_chunk: int = 2_000) -> Iterator[str]:
    """The table as CSV text (RFC 4180, ``\\r\\n`` line ends), a chunk of rows at a time."""
    rows = chain.from_iterable(map(table.as_text, batch) for batch in table.batches)
    return csv_lines(table.header, rows, rows_per_chunk)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]], rows_per_chunk: int = 500) -> Iterator[str]:
    """Rows of text as CSV, a chunk of rows at a time, written as given (an import's error report
    keeps each value as the file had it, so that it can be fixed and imported again)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    rows = iter(rows)
    while True:
        written = buffer.tell()
        writer.writerows(islice(rows, rows_per_chunk))
        if buffer.tell() == written:  # nothing left (a row is never written as nothing: \r\n at least)
            break
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
