"""Exported cells: each value as the text a spreadsheet or an import reads back, and never as a
formula a spreadsheet would run.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run by Excel,
LibreOffice and Google Sheets as a formula (CSV injection, OWASP): such a text is written with
a leading apostrophe, which the spreadsheet shows as text. Numbers are exported as numbers
(a negative amount is not text), so only text is neutralised.

>>> neutralised("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> cell(Decimal("-12.50"))
'-12.5'
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """``text`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restored(text: str) -> str:
    """What ``neutralised`` made ``text`` from: an import reads an exported cell back as it was.

    >>> restored("'=1+1"), restored("'plain"), restored("-2")
    ('=1+1', "'plain", '-2')
    """
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


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
    spreadsheet, such as a record id, is text), texts are neutralised."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** SPREADSHEET_DIGITS:
        return str(value)
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    return cell(value)
