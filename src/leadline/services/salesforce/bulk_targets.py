"""Which record each row of a Bulk API 2.0 update, delete or upsert job changes: by ``Id``, or by
the external id of an upsert, looked up as the REST API's upsert looks it up (among the records
the user may read), one statement a block (docs/adr/0049)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.errors import ConflictError, MalformedIdError, ValidationError
from leadline.domain.salesforce.bulk import BulkColumns, BulkJob, BulkOperation
from leadline.domain.salesforce.fields import SObjectMap, find_sobject
from leadline.domain.salesforce.ids import parse_salesforce_id
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.salesforce.bulk_blocks import Target

if TYPE_CHECKING:
    from leadline.services.imports.blocks import FileRow
    from leadline.services.ports import UnitOfWork


class DuplicateExternalIdError(ConflictError):
    """An upsert row whose external id several records hold (Salesforce's DUPLICATE_EXTERNAL_ID)."""

    code = "DUPLICATE_EXTERNAL_ID"


class DuplicateValueError(ConflictError):
    """An upsert row whose external id another row of its block names too (Salesforce's
    DUPLICATE_VALUE, "Duplicate external id specified": every such row fails, none is written)."""

    code = "DUPLICATE_VALUE"


def active_custom_fields(ctx: ServiceContext, uow: UnitOfWork, sobject: SObjectMap) -> list[Any]:
    """The object's active custom fields (the columns a job may name, ``X__c``)."""
    return [d for d in ctx.config(uow).custom_fields_of(RecordType(sobject.record_type)) if d.is_active]


def row_targets(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, job: BulkJob, columns: BulkColumns,
                rows: list[FileRow]) -> dict[int, Target]:
    """Per row: the record an update, delete or upsert changes (by ``Id`` or the external id),
    None to create, or the error that fails the row."""
    if job.operation is BulkOperation.INSERT:
        return {}
    sobject = find_sobject(job.sobject)
    assert sobject is not None
    if columns.external_index is None:
        index = columns.id_index if columns.id_index is not None else 0

        def by_id(row: FileRow) -> Target:
            text = row.cells[index].strip() if index < len(row.cells) else ""
            if not text and job.operation is BulkOperation.UPSERT:
                return None
            try:
                return parse_salesforce_id(text, expected=sobject.name).record_id
            except MalformedIdError:
                return MalformedIdError(f"{sobject.name} ID: id value of incorrect type: {text}", field="Id")
        return {row.number: by_id(row) for row in rows}
    return _by_external_id(ctx, uow, viewer, sobject, columns, rows)


def _by_external_id(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, sobject: SObjectMap,
                    columns: BulkColumns, rows: list[FileRow]) -> dict[int, Target]:
    """As the REST API's upsert finds its record: among the records the user may read (others are
    not matched, so they are neither changed nor disclosed); the change itself then meets the
    update rules, edit rights included. Rows of the block naming the same external id all fail
    (Salesforce's DUPLICATE_VALUE), whether or not a record holds it."""
    index = columns.external_index
    assert index is not None
    definition = next(d for d in active_custom_fields(ctx, uow, sobject) if d.name == columns.external_name)
    cells = {row.number: (row.cells[index].strip() if index < len(row.cells) else "") for row in rows}
    kind = RecordType(sobject.record_type)
    found = uow.salesforce_bulk.records_with_value(
        definition.id, cells.values(), number=definition.type is CustomFieldType.NUMBER, record_type=kind,
        readable_owner_ids=viewer.readable_owner_ids(kind))
    named = Counter(_external_key(value, definition.type) for value in cells.values() if value)
    targets: dict[int, Target] = {}
    for number, value in cells.items():
        matches = found.get(value.lower(), [])
        if not value:
            targets[number] = ValidationError(f"Required fields are missing: [{definition.name}__c]",
                                              field=definition.name)
        elif named[_external_key(value, definition.type)] > 1:
            targets[number] = DuplicateValueError(f"Duplicate external id specified: {value}", field=definition.name)
        elif len(matches) > 1:
            targets[number] = DuplicateExternalIdError(
                f"{definition.name}__c: more than one record found for external id field: {value}",
                field=definition.name)
        else:
            targets[number] = matches[0] if matches else None
    return targets


def _external_key(value: str, kind: CustomFieldType) -> str | float:
    """What two cells of an external id are the same by: text ignoring case, a number by value."""
    if kind is CustomFieldType.NUMBER:
        try:
            return float(value)
        except ValueError:
            pass
    return value.lower()
