"""The port of the read made for export (docs/adr/0045-export-reads-one-streamed-statement.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.queries import LeadQuery, RecordQuery


class ExportReads(Protocol):
    """One streamed statement per export: rows as plain tuples, a batch at a time."""

    def column_types(self, kind: RecordType, columns: Sequence[str]) -> list[str]:
        """The stored type of each column: text, integer, decimal, date, datetime, boolean, enum
        (or other)."""
        ...

    def rows(self, kind: RecordType, query: LeadQuery | RecordQuery, columns: Sequence[str],
             custom: Sequence[CustomFieldDefinition], visible_owner_ids: Iterable[int] | None,
             batch: int = ...) -> Iterator[Sequence[Sequence[Any]]]:
        """The records of ``kind`` matching ``query`` (and owned by one of ``visible_owner_ids``
        unless it is None), not merged, oldest id first: per record ``columns`` then one value per
        custom field. The read runs on its own connection when the first batch is asked for; it
        outlives the unit of work that made it and ends with the last batch."""
        ...
