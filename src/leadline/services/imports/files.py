"""Reading an import file as rows of text: CSV in any delimiter and encoding, or .xlsx.

``inspect_file`` reads the file once, in chunks: its SHA-256 (what a re-run is recognised by),
its encoding when none is declared (a byte-order mark, else UTF-8 if every byte decodes, else
Windows-1252, else Latin-1), its delimiter (``csv.Sniffer`` on the first 64 KiB) and a row
estimate for the progress bar. ``read_rows`` then streams the rows, header first, without
holding the file: ``openpyxl`` in read-only mode for .xlsx.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from leadline.domain.errors import ValidationError

_CHUNK = 1 << 20
_SAMPLE = 1 << 16
_XLSX_MAGIC = b"PK\x03\x04"
#: bytes Windows-1252 leaves undefined: a file holding one is read as Latin-1
_CP1252_HOLES = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
DELIMITERS = ",;\t|"


@dataclass(frozen=True)
class SourceFile:
    """An import file as inspected: where it is, what it is, how to read it."""

    path: Path
    name: str
    checksum: str
    kind: str  # "csv" or "xlsx"
    encoding: str | None
    delimiter: str | None
    estimated_rows: int  # data rows, for the progress bar (a CSV's line count less the header)


def inspect_file(path: Path, name: str | None = None, *, encoding: str | None = None,
                 delimiter: str | None = None) -> SourceFile:
    """Checksum, kind, encoding and delimiter of the file at ``path``. Refuses an unknown encoding
    name or a file that is not text in the declared encoding (``VALIDATION_FAILED`` on ``encoding``)."""
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding)
        except LookupError:
            codec = None
        if codec is None or not getattr(codec, "_is_text_encoding", True):
            raise ValidationError(f"{encoding!r} is not a text encoding", field="encoding")
        encoding = codec.name
    if delimiter is not None and (delimiter in "\"\r\n\0" or delimiter.isalnum()):
        raise ValidationError(f"{delimiter!r} cannot separate columns", field="delimiter")
    digest, lines, head = hashlib.sha256(), 0, b""
    utf8, holes = codecs.getincrementaldecoder("utf-8")(), False
    is_utf8 = True
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            if len(head) < _SAMPLE:
                head += chunk[:_SAMPLE - len(head)]
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            holes = holes or any(hole in chunk for hole in _CP1252_HOLES)
    if head.startswith(_XLSX_MAGIC):
        return SourceFile(path, name or path.name, digest.hexdigest(), "xlsx", None, None, _xlsx_rows(path))
    if encoding is None:
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else (
            "utf-8" if is_utf8 else "latin-1" if holes else "cp1252")
    sample = _decoded_sample(head, encoding)
    if delimiter is None:
        delimiter = _sniffed_delimiter(sample)
    return SourceFile(path, name or path.name, digest.hexdigest(), "csv", encoding, delimiter, max(lines - 1, 0))


def _decoded_sample(head: bytes, encoding: str) -> str:
    cut = head if len(head) < _SAMPLE else head[:head.rfind(b"\n") + 1] or head
    try:
        return cut.decode(encoding, errors="strict")
    except UnicodeError:
        try:
            return cut.decode(encoding, errors="ignore")
        except UnicodeError:
            return ""  # reading the rows will say the file is not in this encoding


def _sniffed_delimiter(sample: str) -> str:
    """``csv.Sniffer``'s guess, checked: of it and the usual delimiters, the one that splits the
    header into the most columns with every sampled row as wide (Sniffer alone misreads a short
    file whose cells hold commas); "," for a file of one column."""
    try:
        sniffed = str(csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter)
    except csv.Error:
        sniffed = ","
    lines = sample.splitlines()[:50]

    def fit(delimiter: str) -> tuple[bool, int, bool]:
        rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
        width = len(rows[0]) if rows else 0
        return all(len(row) == width for row in rows) and width > 1, width, delimiter == sniffed

    best: str = max((sniffed, *DELIMITERS), key=fit)
    return best


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """The workbook in read-only streaming mode, closed (with its file) at the end;
    ``VALIDATION_FAILED`` on ``file`` for a file that only looks like one (a zip of something
    else, a damaged workbook). openpyxl is given the open file, not its path: it refuses a path
    not ending in .xlsx, and an upload is kept in a temporary file of no such name."""
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
            if not book.worksheets:
                raise ValueError("no worksheet")
        except Exception as error:  # noqa: BLE001 - openpyxl and zipfile raise many kinds for a bad file
            raise ValidationError(f"the file is not a readable .xlsx workbook ({type(error).__name__})",
                                  field="file") from None
        try:
            yield book
        finally:
            book.close()


def _xlsx_rows(path: Path) -> int:
    with _workbook(path) as book:
        return max((book.worksheets[0].max_row or 1) - 1, 0)


def read_rows(source: SourceFile) -> Iterator[list[str]]:
    """The file's rows as lists of text, the header first; refuses text not in the file's encoding."""
    if source.kind == "xlsx":
        yield from _xlsx(source.path)
        return
    with source.path.open(newline="", encoding=source.encoding) as file:
        try:
            yield from csv.reader(file, delimiter=source.delimiter or ",")
        except UnicodeError as error:
            raise ValidationError(f"the file is not {source.encoding} text ({error})",
                                  field="encoding") from None
        except csv.Error as error:
            raise ValidationError(f"the file is not readable as CSV: {error}", field="file") from None


def _xlsx(path: Path) -> Iterator[list[str]]:
    with _workbook(path) as book:
        rows = book.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as error:  # noqa: BLE001 - a damaged sheet
                raise ValidationError(f"the workbook's first sheet is not readable ({type(error).__name__})",
                                      field="file") from None
            yield [_cell_text(value) for value in row]


def _cell_text(value: object) -> str:
    """A cell as the text a CSV export of it would hold: whole numbers without ``.0``, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)
