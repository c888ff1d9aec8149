"""The port of the read made for export (docs/adr/0050-export-reads-one-streamed-statement.md)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.queries import LeadQuery, RecordQuery


class ExportReads(Protocol):
    """One streamed statement per export: rows as plain tuples, a batch at a time."""

    def column_types(self, kind: RecordType, columns: Sequence[str],
                     custom: Sequence[CustomFieldDefinition]) -> list[str]:
        """How each value of a row (``columns`` then ``custom``) comes: ``text``, ``integer``,
        ``decimal`` (a Decimal), ``date``, ``datetime`` (aware UTC), ``boolean``, ``other``, or
        as stored or as text where that is what an export writes: ``scaled:N`` (an integer of
        10^-N), ``number_text`` (a decimal as ``Decimal.normalize`` writes it, never in exponent
        form), ``utc_text`` (a UTC time as ``YYYY-MM-DD HH:MM:SS[.ffffff]``), ``iso_time`` (a UTC time
        as ``datetime.isoformat`` writes it), ``iso_text`` (a date)."""
        ...

    def rows(self, kind: RecordType, query: LeadQuery | RecordQuery, columns: Sequence[str],
             custom: Sequence[CustomFieldDefinition], visible_owner_ids: Iterable[int] | None,
             batch: int = ..., *,
             readable_accounts: Iterable[int] | None = None) -> Iterator[Sequence[Sequence[Any]]]:
        """The records of ``kind`` matching ``query`` (and owned by one of ``visible_owner_ids``
        unless it is None), not merged, oldest id first: per record ``columns`` then one value per
        custom field. The column ``account.name`` is the name of a contact's or opportunity's
        account (None where the account's owner is not one of ``readable_accounts``, unless None).
        The read runs on its own connection when the first batch is asked for; it
        outlives the unit of work that made it and ends with the last batch."""
        ...
