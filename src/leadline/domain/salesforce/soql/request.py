"""What a SOQL page is asked for and what it answers: the port between the query use case
(``services/salesforce/query.py``) and the SQL that runs it (``persistence/salesforce/queries.py``).

``SoqlRequest`` is one page of one query: its text, where its date literals are resolved, the
keyset position a continuation resumes after, and how record ids are written and read (the
transport plugs in 18-character Salesforce ids; the defaults are Leadline's own numbers).
``SoqlPage`` is the answer: every match's count (within the query's LIMIT), this page's records
as Salesforce shapes them, and the last row's sort keys when more rows follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo
from typing import Any

#: Salesforce's largest page of records (``query`` answers at most this many, then ``nextRecordsUrl``).
BATCH_SIZE = 2000

#: (object name, record id) -> the id a record shows.
IdEncoder = Callable[[str, int], str]
#: (object name, id text in the query) -> the record id, or None when the text is no id of that object.
IdDecoder = Callable[[str, str], "int | None"]


def plain_id(object_name: str, record_id: int) -> str:
    """The default id encoder: Leadline's own id as text (the API plugs in 18-character ids)."""
    return str(record_id)


def digits_only(object_name: str, text: str) -> int | None:
    """The default id decoder: Leadline's own numeric ids (the API plugs in Salesforce ids)."""
    return int(text) if text.isdigit() else None


@dataclass(frozen=True, slots=True)
class SoqlRequest:
    """One page of ``soql``. ``after`` is None for the first page, else the sort keys of the last
    row already given (``given`` rows of ``total``). ``custom_fields``: the configured custom
    field definitions (the active ones become ``<name>__c``)."""

    soql: str
    today: date
    zone: tzinfo = UTC
    include_deleted: bool = False
    custom_fields: Sequence[Any] = ()
    after: tuple[Any, ...] | None = None
    given: int = 0
    total: int = -1
    batch_size: int = BATCH_SIZE
    encode_id: IdEncoder = plain_id
    decode_id: IdDecoder = digits_only
    base_url: str = "/services/data/v59.0"


@dataclass(frozen=True, slots=True)
class SoqlPage:
    """``total_size``: every record the query matches (within its LIMIT); ``records``: this page;
    ``last_keys``: the last row's sort keys when more rows follow (None: the answer is done)."""

    total_size: int
    records: list[dict[str, Any]] = field(default_factory=list)
    last_keys: tuple[Any, ...] | None = None
