"""Salesforce record ids: a 3-character key prefix naming the object, 12 base-62 characters of
the record, and (in the 18-character form) a 3-character case-safe suffix.

A Leadline id is a 63-bit integer (docs/adr/0002); 62^12 > 2^63, so the 12 characters are the
id itself in base 62 (digits, then A-Z, then a-z, as Salesforce orders them). The mapping needs
no table, is stable and runs both ways::

    >>> salesforce_id("Lead", 1)
    '00Q000000000001AAA'
    >>> parse_salesforce_id("00Q000000000001")
    SalesforceId(sobject='Lead', record_id=1)
"""

from __future__ import annotations

from dataclasses import dataclass

from leadline.domain.errors import MalformedIdError
from leadline.domain.ids import MAX_ID

#: Salesforce's standard key prefixes (the same in every org).
KEY_PREFIXES: dict[str, str] = {
    "Lead": "00Q",
    "Contact": "003",
    "Account": "001",
    "Opportunity": "006",
    "User": "005",
    "OpportunityLineItem": "00k",
    "OpportunityContactRole": "00K",
    "Product2": "01t",
    "Task": "00T",
    "Event": "00U",
    "Campaign": "701",
    "Job": "750",  # a Bulk API 2.0 job (not a record: no describe, no verbs)
}
OBJECT_OF_PREFIX: dict[str, str] = {prefix: name for name, prefix in KEY_PREFIXES.items()}

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VALUE = {c: i for i, c in enumerate(DIGITS)}
SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BODY = 12
_MAX = 62**_BODY


@dataclass(frozen=True)
class SalesforceId:
    sobject: str
    record_id: int


def case_safe_suffix(id15: str) -> str:
    """The 3 characters that make a 15-character id case-insensitive: for each 5-character
    chunk, a bit per upper-case letter (the first character the lowest bit), read as an index
    into A-Z0-5. ``case_safe_suffix("0019000000B98de") == "AAB"``."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << place for place, char in enumerate(id15[start:start + 5]) if "A" <= char <= "Z")
        suffix += SUFFIX_ALPHABET[bits]
    return suffix


def to_18(id15: str) -> str:
    """The 18-character form of a 15-character id."""
    return id15 + case_safe_suffix(id15)


def salesforce_id(sobject: str, record_id: int) -> str:
    """The 18-character id of Leadline record ``record_id`` as a ``sobject``."""
    if not 0 <= record_id < _MAX:
        raise ValueError(f"{record_id} does not fit a Salesforce id")
    body = ""
    number = record_id
    for _ in range(_BODY):
        number, digit = divmod(number, 62)
        body = DIGITS[digit] + body
    return to_18(KEY_PREFIXES[sobject] + body)


def parse_salesforce_id(text: str, *, expected: str | None = None, field: str = "Id") -> SalesforceId:
    """The object and Leadline id of a 15- or 18-character id, else ``MalformedIdError``.

    An 18-character id is read case-insensitively: its suffix restores the case of the first 15.
    With ``expected``, an id of another object is refused too."""
    value = text.strip() if isinstance(text, str) else ""
    if len(value) == 18:
        value = _restore_case(value, text, field)
    if len(value) != 15 or any(c not in _VALUE for c in value):
        raise MalformedIdError(f"malformed id {text!r}", field=field)
    sobject = OBJECT_OF_PREFIX.get(value[:3])
    if sobject is None or (expected is not None and sobject != expected):
        raise MalformedIdError(f"malformed id {text!r}" + (f" for {expected}" if expected else ""), field=field)
    number = 0
    for char in value[3:]:
        number = number * 62 + _VALUE[char]
    if number > MAX_ID:  # twelve digits reach past any id Leadline stores (a 64-bit integer)
        raise MalformedIdError(f"malformed id {text!r}", field=field)
    return SalesforceId(sobject, number)


def _restore_case(value: str, original: str, field: str) -> str:
    restored = []
    for chunk, marker in enumerate(value[15:].upper()):
        bits = SUFFIX_ALPHABET.find(marker)
        if bits < 0:
            raise MalformedIdError(f"malformed id {original!r}", field=field)
        for place, char in enumerate(value[chunk * 5:chunk * 5 + 5]):
            restored.append(char.upper() if bits >> place & 1 else char.lower())
    return "".join(restored)


def is_salesforce_id(text: str) -> bool:
    """Whether ``text`` reads as an id of a known object."""
    try:
        parse_salesforce_id(text)
    except MalformedIdError:
        return False
    return True
