"""Exported cells: each value as the text a spreadsheet or an import reads back, and never as a
formula a spreadsheet would run.

In CSV, a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run by
Excel, LibreOffice and Google Sheets as a formula (CSV injection, OWASP): such a text is written
with a leading apostrophe, which the spreadsheet shows as text. In an .xlsx workbook a string
cell is never run; only a text starting with ``=`` becomes a formula (openpyxl writes it as one),
so only that is neutralised there: a phone number ``+14155550100`` stays as it is. A text that
itself starts with an apostrophe gets one more in both, so that an import (``restored``) takes
off exactly what the export added. Numbers are exported as numbers (a negative amount is not
text), so only text is neutralised.

>>> neutralised("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> neutralised("+14155550100"), xlsx_neutralised("+14155550100")
("'+14155550100", '+14155550100')
>>> cell(Decimal("-12.50"))
'-12.5'
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: what an .xlsx string value may start with to be written as a formula
XLSX_FORMULA_STARTS = ("=",)
#: the mark put in front of a text that must not run; a text starting with it gets one more
ESCAPE = "'"


def neutralised(text: str) -> str:
    """``text`` (a CSV cell) with an apostrophe in front when a spreadsheet would run it as a
    formula, or when it starts with an apostrophe itself (which an import would take off)."""
    return ESCAPE + text if text.startswith((*FORMULA_STARTS, ESCAPE)) else text


def formula_safe(text: str, starts: tuple[str, ...] = FORMULA_STARTS) -> str:
    """``text`` with an apostrophe in front only when a spreadsheet would run it (``starts``:
    ``XLSX_FORMULA_STARTS`` in a workbook): for a cell no import reads back (a message of ours),
    where ``'bad' is not...`` needs none."""
    return ESCAPE + text if text.startswith(starts) else text


def xlsx_neutralised(text: str) -> str:
    """``text`` as an .xlsx string value: an apostrophe in front only of what would become a
    formula (``=...``) or of a text starting with an apostrophe; ``+1 415``, ``-x``, ``@x`` stay."""
    return ESCAPE + text if text.startswith((*XLSX_FORMULA_STARTS, ESCAPE)) else text


def restored(text: str) -> str:
    """What ``neutralised`` (or ``xlsx_neutralised``) made ``text`` from: an import reads an
    exported cell back exactly as it was.

    >>> restored("'=1+1"), restored("'plain"), restored("-2"), restored("''=x")
    ('=1+1', "'plain", '-2', "'=x")
    """
    return text[1:] if text.startswith(ESCAPE) and text[1:].startswith((*FORMULA_STARTS, ESCAPE)) else text


def cell(value: object) -> str:
    """A value as exported text: empty for nothing, numbers and dates in their plain form
    (ISO 8601), booleans as ``true``/``false``, any other text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return neutralised(str(value.value))
    return neutralised(str(value))


#: a spreadsheet keeps 15 significant digits: a record id (up to 19) is written as text
SPREADSHEET_DIGITS = 15


def typed_cell(value: object) -> object:
    """A value for a typed sheet (.xlsx): numbers stay numbers (but a whole number too long for a
    spreadsheet, such as a record id, is text), texts are neutralised as .xlsx needs
    (``xlsx_neutralised``), dates in ISO 8601 text as in CSV."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** SPREADSHEET_DIGITS:
        return str(value)
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return xlsx_neutralised(str(value.value))
    return xlsx_neutralised(str(value))
