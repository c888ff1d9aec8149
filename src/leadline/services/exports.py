"""Export of a filtered list of leads, accounts, contacts or opportunities to CSV or .xlsx,
streamed: one statement per export (``uow.exports``, docs/adr/0050), its rows plain tuples read a
batch at a time from the database's cursor, so memory stays flat whatever the list's size. The
labels (a lead's status and source, every record's owner) come from one configuration read and
are mapped by id; only records the actor may read are exported (the statement's ``owner_id IN``,
as on the lists); merged records (tombstones) never.

The header holds the record's field names (``first_name``, ``company``, ``source``...) and
``custom.<name>`` for each custom field, the names the import recognises; a reference is
exported by name (a lead's ``status``, ``unqualified_reason`` and ``source`` labels, the ``owner``'s
e-mail; a contact's or opportunity's ``account`` name, ``lead_source``, ``stage``, ``process`` and ``loss_reason``, a
loss's comment then being ``loss_comment``), so that the file
imports again, into this database or another, as the same records. Cells are
written as ``domain/exports.py`` says (no formula survives): for CSV each column gets the one
formatter its stored type needs (``cell`` split by type), for .xlsx ``typed_cell``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import Any

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.exports import ESCAPE, FORMULA_STARTS, cell, neutralised, typed_cell
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.queries import LeadQuery, RecordQuery
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer

FORMATS = ("csv", "xlsx")

LEAD_COLUMNS = ("id", "first_name", "last_name", "company", "email", "phone", "title", "industry", "website",
                "street", "city", "state", "postal_code", "country", "annual_revenue", "number_of_employees",
                "source", "status", "unqualified_reason", "rating", "currency", "budget_amount", "purchase_timeframe",
                "is_decision_maker", "description", "owner", "created_at", "updated_at")
#: not exported: the lead an opportunity came from is an id its reader may not be allowed to read
#: (visibility.without_hidden_origin) and means nothing in another database, as its import knows
_LEFT_OUT = {"custom", "version", "merged_into_id", "owner_id", "originating_lead_id"}
_DOMAIN: dict[RecordType, type] = {RecordType.ACCOUNT: Account, RecordType.CONTACT: Contact,
                                   RecordType.OPPORTUNITY: Opportunity}
#: a stored reference of an account, contact or opportunity and the column exporting it by name,
#: the name its import reads (an id means nothing in another database, and the import ignores it)
_NAMED = {"account_id": "account", "lead_source_id": "lead_source", "stage_id": "stage", "process_id": "process",
          "loss_reason_id": "loss_reason", "loss_reason": "loss_comment"}  # a loss's reason by label, then its comment
#: the column of an account's name, read with the contact or opportunity (persistence/exports.py)
ACCOUNT_NAME = "account.name"
#: the exported reference columns and the stored column each one reads
_REFERENCES = {"source": "source_id", "status": "status_id", "unqualified_reason": "unqualified_reason_id",
               "owner": "owner_id", "lead_source": "lead_source_id",
               "stage": "stage_id", "process": "process_id", "account": ACCOUNT_NAME,
               "loss_reason": "loss_reason_id", "loss_comment": "loss_reason"}

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


def exported_fields(record_type: RecordType) -> list[str]:
    """The header of an export of ``record_type`` before its ``custom.<name>`` columns."""
    if record_type is RecordType.LEAD:
        return list(LEAD_COLUMNS)
    return [_NAMED.get(f.name, f.name) for f in dataclasses.fields(_DOMAIN[record_type])
            if f.name not in _LEFT_OUT] + ["owner"]


def export_table(ctx: ServiceContext, actor_id: int, kind: str, query: LeadQuery | RecordQuery) -> ExportTable:
    """The records of ``kind`` (``lead``, ``account``, ``contact``, ``opportunity``) matching
    ``query`` that the actor may read, oldest first, as a header and a stream of rows. The
    statement runs when the first row is asked for and ends with the last one.
    Example: ``export_table(ctx, me, "lead", LeadQuery(status_ids=(open_id,)))``"""
    record_type = RecordType(kind)
    names = exported_fields(record_type)
    with ctx.reader() as uow:
        config = ctx.fresh_config(uow)  # one configuration read for the whole export
        viewer = load_viewer(uow, actor_id, ctx)
        visible = viewer.readable_owner_ids(record_type)
        custom: list[CustomFieldDefinition] = list(config.custom_fields_of(record_type))
        columns = [_REFERENCES.get(name, name) for name in names]
        types = uow.exports.column_types(record_type, columns, custom)
        batches = uow.exports.rows(record_type, query, columns, custom, visible,
                                   readable_accounts=viewer.readable_owner_ids(RecordType.ACCOUNT))
    labels = _labels(ctx, config, names)
    text: list[Any] = [labels[n][1] if n in labels else _as_text(t) for n, t in zip(names, types, strict=False)]
    text += [_as_text(t) for t in types[len(names):]]
    values: list[Any] = [labels[n][0] if n in labels else _as_value(t) for n, t in zip(names, types, strict=False)]
    values += [_as_value(t) for t in types[len(names):]]
    return ExportTable([*names, *(f"custom.{d.name}" for d in custom)], batches,
                       _converter(text), _converter(values))


class _Labels(dict[int, str]):
    """The label of each id (a status, a source, a user's e-mail), from the configuration read
    at the start; an id made since then (a user added meanwhile) reads the configuration again
    (``shown``: the label as a CSV cell, neutralised)."""

    def __init__(self, read: Callable[[Any], Mapping[int, str]], ctx: ServiceContext, config: Any,
                 shown: Callable[[str], str] | None = None) -> None:
        self._read, self._ctx, self._shown = read, ctx, shown
        super().__init__(self._labels(config))

    def _labels(self, config: Any) -> dict[int, str]:
        found = self._read(config)
        return {key: self._shown(label) for key, label in found.items()} if self._shown else dict(found)

    def __missing__(self, key: int) -> str:
        with self._ctx.reader() as uow:
            self.update(self._labels(self._ctx.fresh_config(uow)))
        return self.setdefault(key, "")  # a user deleted meanwhile: empty, read once


def _labels(ctx: ServiceContext, config: Any, names: Sequence[str]) -> dict[str, tuple[_Labels, _Labels]]:
    """For each reference column: its labels as values and as CSV cells."""
    readers: dict[str, Callable[[Any], Mapping[int, str]]] = {
        "owner": lambda c: {user_id: user.email for user_id, user in c.users.items()},
        "status": lambda c: {i: s.label for i, s in c.status_by_id.items()},
        "source": lambda c: {i: s.label for i, s in c.source_by_id.items()},
        "lead_source": lambda c: {i: s.label for i, s in c.source_by_id.items()},
        "stage": lambda c: {s.id: s.label for s in c.stages},
        "process": lambda c: {p.id: p.name for p in c.processes},
        "loss_reason": lambda c: {r.id: r.label for r in c.reasons},
        "unqualified_reason": lambda c: {r.id: r.label for r in c.reasons},
    }
    return {name: (_Labels(readers[name], ctx, config), _Labels(readers[name], ctx, config, neutralised))
            for name in names if name in readers}


def _decimal(value: Any) -> str:
    return format(value.normalize(), "f")


def _iso(value: Any) -> str:
    return value.isoformat()  # type: ignore[no-any-return]


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _utc_text(value: str) -> str:
    """A UTC time stored as text (``2026-12-07 00:09:00.000000``) as ``datetime.isoformat`` of it
    writes it (``2026-12-07T00:09:00+00:00``, the microseconds only when not zero)."""
    if len(value) == 26 and value[10] == " ":
        fraction = value[19:]
        return f"{value[:10]}T{value[11:19]}{'' if fraction == '.000000' else fraction}+00:00"
    return _utc_value(value).isoformat()


def _utc_value(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _scaled_text(places: int) -> Callable[[int], str]:
    """An integer of 10^-places as the plain decimal ``cell`` writes (no trailing zeros)."""
    unit = 10 ** places

    def text(value: int) -> str:
        whole, part = divmod(abs(value), unit)
        sign = "-" if value < 0 else ""
        return f"{sign}{whole}" if not part else f"{sign}{whole}.{part:0{places}d}".rstrip("0")

    return text


#: the CSV formatter of each kind of stored value: ``domain.exports.cell`` split by type (None:
#: written as it is; an integer is, as the CSV writer writes ``str(int)`` as ``cell`` does)
_TEXT: dict[str, Callable[[Any], object] | None] = {
    "text": neutralised, "integer": None, "decimal": _decimal, "date": _iso, "datetime": _iso,
    "boolean": _boolean, "other": cell, "utc_text": _utc_text, "iso_text": None, "iso_time": None,
    "number_text": None}
#: the typed value (.xlsx) of each kind read as text
_VALUE: dict[str, Callable[[Any], object]] = {"utc_text": _utc_value, "iso_text": date.fromisoformat,
                                              "iso_time": datetime.fromisoformat, "number_text": Decimal}


def _as_text(kind: str) -> Callable[[Any], object] | None:
    if kind.startswith("scaled:"):
        return _scaled_text(int(kind.partition(":")[2]))
    return _TEXT.get(kind, cell)


def _as_value(kind: str) -> Callable[[Any], object] | None:
    if kind.startswith("scaled:"):
        places = -int(kind.partition(":")[2])
        return lambda value: Decimal(value).scaleb(places)
    return _VALUE.get(kind)


_FIRST = "".join((*FORMULA_STARTS, ESCAPE))  # what ``neutralised`` puts an apostrophe before
assert all(len(start) == 1 for start in (*FORMULA_STARTS, ESCAPE))  # told by the first character


def _converter(formatters: Sequence[Any]) -> Callable[[Row], list[object]]:
    """A function turning a row into a list, each value not None through its column's formatter:
    None keeps it, ``neutralised`` and a mapping (labels) are written inline, anything else is
    called. The function is generated once per export (as ``collections.namedtuple`` does) so
    that a million rows of 27 columns cost no loop and no call per cell: it is the export's hot
    path; tests/integration/test_export_reads.py holds it to the plain path, row by row."""
    names: dict[str, Any] = {"FIRST": _FIRST}
    cells = []
    for index, formatter in enumerate(formatters):
        value = f"c{index}"
        if formatter is None:
            cells.append(value)
        elif formatter is neutralised:
            cells.append(f"(\"'\" + {value} if {value} and {value}[0] in FIRST else {value})")
        elif isinstance(formatter, Mapping):
            names[f"f{index}"] = formatter
            cells.append(f"(None if {value} is None else f{index}[{value}])")
        else:
            names[f"f{index}"] = formatter
            cells.append(f"(None if {value} is None else f{index}({value}))")
    unpacked = "".join(f"c{index}, " for index in range(len(formatters)))
    source = f"def convert(row):\n    {unpacked}= row\n    return [{', '.join(cells)}]\n"
    exec(source, names)  # noqa: S102 - the source is made above from column positions only
    return names["convert"]  # type: ignore[no-any-return]


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
