"""An import's error report as a file in the format of the file imported: an .xlsx import gets
an .xlsx report, a CSV one a CSV in the file's own delimiter and encoding (a Windows-1252 file
in semicolons gets one too), so that the person who made the file fixes the rows in the same
program and imports the report again as it is (the report's ``_row``, ``_field`` and ``_error``
columns are left out by every mapping).

A cell the file held that a spreadsheet would run as a formula is neutralised as an export's is
(``domain/exports.neutralised``; in an .xlsx report only what would become a formula there,
``xlsx_neutralised``); an import reads it back as it was (``restored``). The report
is written as it is read (the rows a page at a time; an .xlsx through a temporary file, as the
export's), never held whole.

Example: ``shape, chunks = error_report(ctx, me, job_id)``; ``shape.file_name(job_id)`` is
``import-<id>-errors.xlsx`` for a workbook.
"""

from __future__ import annotations

import codecs
import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

from leadline.domain.errors import ValidationError
from leadline.domain.exports import XLSX_FORMULA_STARTS, formula_safe, neutralised, xlsx_neutralised
from leadline.domain.imports.job import ImportJob
from leadline.services.context import ServiceContext
from leadline.services.imports.jobs import get_import, import_error_list, import_error_rows
from leadline.services.imports.matches import import_matches

REPORT_FORMATS = ("csv", "xlsx")
_XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_ROWS_PER_CHUNK = 500


@dataclass(frozen=True)
class ReportShape:
    """How a report is written: ``xlsx``, or ``csv`` with its delimiter and encoding."""

    kind: str
    delimiter: str = ","
    encoding: str = "utf-8"
    #: what the file holds, in its name: ``errors`` (the re-importable report), ``error-list``
    #: (``error_list``) or ``matches`` (``match_report``)
    subject: str = "errors"

    @property
    def media_type(self) -> str:
        return _XLSX_MEDIA if self.kind == "xlsx" else f"text/csv; charset={self.encoding.removesuffix('-sig')}"

    def file_name(self, job_id: int) -> str:
        return f"import-{job_id}-{self.subject}.{self.kind}"

    def download_headers(self, job_id: int) -> dict[str, str]:
        """The headers a download of the report carries. ``Content-Type`` is given whole: a web
        framework that adds "; charset=utf-8" to a text type (Litestar does) then leaves it as it
        is, so a Windows-1252 report is not said to be in two encodings."""
        return {"Content-Type": self.media_type,
                "Content-Disposition": f'attachment; filename="{self.file_name(job_id)}"'}


def report_shape(job: ImportJob, wanted: str | None = None) -> ReportShape:
    """The shape of ``job``'s report: the imported file's (an .xlsx job is the one read without
    an encoding), unless ``wanted`` (``csv``, ``xlsx``) asks for another; a CSV asked of an
    .xlsx job is UTF-8 with commas. ``VALIDATION_FAILED`` on ``format`` for another format."""
    from_workbook = job.options.encoding is None and job.options.delimiter is None
    kind = (wanted or "").strip().lower().lstrip(".") or ("xlsx" if from_workbook else "csv")
    if kind not in REPORT_FORMATS:
        raise ValidationError(f"{wanted!r} is not one of csv, xlsx", field="format")
    if kind == "xlsx" or from_workbook:
        return ReportShape(kind)
    return ReportShape("csv", job.options.delimiter or ",", job.options.encoding or "utf-8")


def error_report(ctx: ServiceContext, actor_id: int, job_id: int,
                 wanted: str | None = None) -> tuple[ReportShape, Iterator[bytes]]:
    """The report of an import of the actor's (an admin's: anyone's) and its bytes, streamed.
    ``NOT_FOUND`` (before any byte) for an import that is not theirs."""
    shape = report_shape(get_import(ctx, actor_id, job_id), wanted)
    rows = import_error_rows(ctx, actor_id, job_id)
    return shape, (xlsx_bytes(rows) if shape.kind == "xlsx" else csv_bytes(shown(rows), shape))


def error_list(ctx: ServiceContext, actor_id: int, job_id: int,
               wanted: str | None = None) -> tuple[ReportShape, Iterator[bytes]]:
    """Every error of an import, a line each (``row``, ``field``, ``value``, ``message``:
    ``import_error_list``) as UTF-8 CSV, or .xlsx when ``wanted`` (or the imported file) is one;
    a list to read, not to import again. ``NOT_FOUND`` (before any byte) as ``error_report``."""
    shape = report_shape(get_import(ctx, actor_id, job_id), wanted)
    rows = import_error_list(ctx, actor_id, job_id)
    if shape.kind == "xlsx":
        return ReportShape("xlsx", subject="error-list"), xlsx_bytes(rows, LIST_LAYOUT)
    return ReportShape("csv", subject="error-list"), csv_bytes(listed(rows), ReportShape("csv"))


def match_report(ctx: ServiceContext, actor_id: int, job_id: int) -> tuple[ReportShape, Iterator[bytes]]:
    """The rows an import skipped or updated with the record each matched (``import_matches``)
    as UTF-8 CSV, ``import-<id>-matches.csv``: the one download of the API and the web page.
    ``NOT_FOUND`` (before any byte) as ``error_report``."""
    lines = import_matches(ctx, actor_id, job_id)
    header = next(lines)  # the job is read here, so NOT_FOUND comes before the response starts
    shape = ReportShape("csv", subject="matches")
    return shape, csv_bytes(chain([header], lines), shape)


@dataclass(frozen=True)
class Layout:
    """Where a sheet's own cells are: ``number_at`` the row number (a number in a workbook) and
    ``own`` our texts (field names, messages, which may quote a cell: neutralised only where they
    would run, as no import reads them); every other cell is the file's, neutralised as an import
    takes it off (``neutralised``)."""

    number_at: int
    own: frozenset[int]

    @classmethod
    def of_report(cls, header: Sequence[object]) -> Layout:
        """The error report's: its header ends with ``_row``, ``_field``, ``_error``; a too-wide
        row's cells beyond them are the file's (``jobs.import_error_rows``)."""
        at = len(header) - 3
        return cls(at, frozenset((at + 1, at + 2)))


#: the error list's (``row``, ``field``, ``value``, ``message``): a list to read, nothing of it the file's
LIST_LAYOUT = Layout(0, frozenset((1, 2, 3)))


def _laid_out(rows: Iterable[Sequence[str]], layout: Layout | None, own: Callable[[str], str],
              files: Callable[[str], str]) -> Iterator[list[str]]:
    """Each row's cells through ``own`` or ``files`` by ``layout`` (the report's, read from the
    header row, when None); the row number as it is."""
    shape = layout
    for row in rows:
        if shape is None:
            shape = Layout.of_report(row)
        yield [value if index == shape.number_at else own(value) if index in shape.own else files(value)
               for index, value in enumerate(row)]


def listed(rows: Iterable[Sequence[str]]) -> Iterator[list[str]]:
    """The error list's lines, for CSV: every cell neutralised only where it would run."""
    return _laid_out(rows, LIST_LAYOUT, formula_safe, formula_safe)


def shown(rows: Iterable[Sequence[str]]) -> Iterator[list[str]]:
    """The error report's rows, for CSV: the file's cells neutralised as an import takes it off,
    ours only where they would run; ``_row`` is a number."""
    return _laid_out(rows, None, formula_safe, neutralised)


def csv_bytes(rows: Iterable[Sequence[object]], shape: ReportShape) -> Iterator[bytes]:
    """Rows as CSV in the shape's delimiter and encoding (a byte-order mark once, if it has one;
    a character the encoding lacks, only ever in a message of ours, as ``?``)."""
    encoder = codecs.getincrementalencoder(shape.encoding)(errors="replace")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=shape.delimiter)
    rows = iter(rows)
    while block := list(islice(rows, _ROWS_PER_CHUNK)):
        writer.writerows(block)
        yield encoder.encode(buffer.getvalue())
        buffer.seek(0)
        buffer.truncate()
    yield encoder.encode("", final=True)


def xlsx_bytes(rows: Iterable[Sequence[object]], layout: Layout | None = None) -> Iterator[bytes]:
    """Rows as an .xlsx workbook of text cells (the row number a number) laid out by ``layout``
    (the error report's when None), written in openpyxl's write-only mode to a temporary file and
    sent in chunks (a zip is complete only at its end). A text cell runs only when it starts with
    ``=``, so only that is neutralised."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def ours(value: str) -> str:
        return formula_safe(value, XLSX_FORMULA_STARTS)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "errors.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet("errors")
        # what a workbook cannot hold is dropped first, then neutralised: "\x01=..." is a formula
        # once its control character is gone
        texts = ([ILLEGAL_CHARACTERS_RE.sub("", str(value)) for value in row] for row in rows)
        number_at = -1
        for number, row in enumerate(_laid_out(texts, layout, ours, xlsx_neutralised)):
            if not number:
                number_at = (layout or Layout.of_report(row)).number_at
            cells: list[object] = list(row)
            if number and 0 <= number_at < len(row) and row[number_at].isdigit():
                cells[number_at] = int(row[number_at])
            sheet.append(cells)
        book.save(path)
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 16):
                yield chunk
