"""Bulk API 2.0 jobs as data: what a job asked (object, operation, CSV dialect, the external-id
field or the query), its state, and how a Salesforce CSV header maps onto the import columns of
Leadline's streaming importer (``bulk_columns``), so a bulk row goes through the same rules as an
imported one (docs/adr/0049-bulk-api-jobs-on-the-streaming-importer.md).

States move ``Open -> UploadComplete -> InProgress -> JobComplete | Failed``, and ``Open`` or
``UploadComplete`` may be ``Aborted``; a query job is ``UploadComplete`` when made (its query is
checked then) and ``JobComplete`` as soon as its count is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leadline.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from leadline.domain.imports.mapping import IMPORT_KINDS, ColumnPlan
from leadline.domain.salesforce.fields import ENUM_LABELS, SObjectField, SObjectMap, Source
from leadline.domain.salesforce.ids import parse_salesforce_id
from leadline.domain.security.users import User


class BulkState(StrEnum):
    OPEN = "Open"
    UPLOAD_COMPLETE = "UploadComplete"
    IN_PROGRESS = "InProgress"
    JOB_COMPLETE = "JobComplete"
    FAILED = "Failed"
    ABORTED = "Aborted"


class BulkOperation(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    UPSERT = "upsert"
    DELETE = "delete"
    #: Salesforce's delete that skips the recycle bin; Leadline keeps none, so it deletes as
    #: ``delete`` does (the deletion is kept for ``deleted/`` alike), but only for an admin
    HARD_DELETE = "hardDelete"
    QUERY = "query"
    QUERY_ALL = "queryAll"

    @property
    def is_delete(self) -> bool:
        return self in (BulkOperation.DELETE, BulkOperation.HARD_DELETE)


#: Salesforce's column delimiter names and the character each stands for.
DELIMITERS: Mapping[str, str] = {"COMMA": ",", "SEMICOLON": ";", "TAB": "\t", "PIPE": "|", "CARET": "^",
                                 "BACKQUOTE": "`"}
LINE_ENDINGS = ("LF", "CRLF")
INGEST_OPERATIONS = (BulkOperation.INSERT, BulkOperation.UPDATE, BulkOperation.UPSERT, BulkOperation.DELETE,
                     BulkOperation.HARD_DELETE)
#: The column of a CSV row that holds the record's id (update, delete).
ID_COLUMN = "Id"
#: Where the importer's column plan puts a row's Salesforce id (not a field any kind imports).
ID_TARGET = "sf_id"
#: Leadline's write key -> the import column of the same field, where they differ.
IMPORT_NAMES = {"account_id": "account"}
#: Every finished state: nothing more happens to the job.
FINAL = frozenset({BulkState.JOB_COMPLETE, BulkState.FAILED, BulkState.ABORTED})


class InvalidJobStateError(ConflictError):
    """A job asked to move to a state it cannot reach from where it is (Salesforce's INVALIDJOBSTATE)."""

    code = "INVALIDJOBSTATE"


@dataclass
class BulkJob:
    id: int
    kind: str  # "ingest" or "query"
    sobject: str
    operation: BulkOperation
    actor_id: int
    created_at: datetime
    updated_at: datetime
    state: BulkState = BulkState.OPEN
    external_id_field: str | None = None
    column_delimiter: str = "COMMA"
    line_ending: str = "LF"
    api_version: str = "v59.0"
    query: str | None = None
    data_path: str | None = None  # the uploaded CSV, kept until the job is deleted
    import_job_id: int | None = None  # the streaming importer's job that runs the rows
    error_message: str | None = None
    records_processed: int = 0
    records_failed: int = 0

    @property
    def delimiter(self) -> str:
        return DELIMITERS[self.column_delimiter]

    def can_upload(self) -> bool:
        return self.kind == "ingest" and self.state is BulkState.OPEN and self.data_path is None

    def move(self, state: BulkState, at: datetime, message: str | None = None) -> None:
        """Move to ``state``; ``INVALIDJOBSTATE`` when the job cannot go there from where it is."""
        allowed = {BulkState.OPEN: {BulkState.UPLOAD_COMPLETE, BulkState.ABORTED, BulkState.FAILED},
                   BulkState.UPLOAD_COMPLETE: {BulkState.IN_PROGRESS, BulkState.ABORTED, BulkState.FAILED,
                                               BulkState.JOB_COMPLETE},
                   BulkState.IN_PROGRESS: {BulkState.JOB_COMPLETE, BulkState.FAILED, BulkState.IN_PROGRESS,
                                           BulkState.ABORTED}}
        if state not in allowed.get(self.state, set()):
            raise InvalidJobStateError(f"Job in state {self.state.value} cannot move to {state.value}",
                                       field="state")
        self.state, self.updated_at = state, at
        if message is not None:
            self.error_message = message


def can_run_operation(user: User, operation: BulkOperation) -> bool:
    """``hardDelete`` needs Salesforce's "Bulk API Hard Delete" permission, which only a system
    administrator may have: in Leadline, an admin. Every other operation is open to every user
    (each row then meets the record-level security of its use case)."""
    return operation is not BulkOperation.HARD_DELETE or user.is_admin()


def ensure_can_run_operation(user: User, operation: BulkOperation) -> None:
    if not can_run_operation(user, operation):
        raise PermissionDeniedError("InvalidJob : hardDelete needs the Bulk API Hard Delete permission (an admin's)",
                                    field="operation")


def job_request(body: Mapping[str, object], *, query: bool) -> dict[str, str | None]:
    """The fields of a create-job body, checked: ``operation`` (insert, update, upsert, delete, hardDelete; or
    query, queryAll), ``object`` and ``externalIdFieldName`` (upsert), ``contentType`` CSV,
    ``columnDelimiter`` and ``lineEnding``. Refuses the rest naming the field."""
    operation = str(body.get("operation") or "")
    allowed = ("query", "queryAll") if query else tuple(o.value for o in INGEST_OPERATIONS)
    if operation not in allowed:
        raise ValidationError(f"InvalidJob : operation must be one of {', '.join(allowed)}", field="operation")
    content = str(body.get("contentType") or "CSV")
    if content != "CSV":
        raise ValidationError("InvalidJob : contentType must be CSV", field="contentType")
    delimiter = str(body.get("columnDelimiter") or "COMMA")
    if delimiter not in DELIMITERS:
        raise ValidationError(f"InvalidJob : columnDelimiter must be one of {', '.join(DELIMITERS)}",
                              field="columnDelimiter")
    ending = str(body.get("lineEnding") or "LF")
    if ending not in LINE_ENDINGS:
        raise ValidationError("InvalidJob : lineEnding must be LF or CRLF", field="lineEnding")
    checked: dict[str, str | None] = {"operation": operation, "columnDelimiter": delimiter, "lineEnding": ending}
    if query:
        text = body.get("query")
        if not isinstance(text, str) or not text.strip():
            raise ValidationError("InvalidJob : query is required", field="query")
        checked["query"] = text
        return checked
    sobject, external = body.get("object"), body.get("externalIdFieldName")
    if not isinstance(sobject, str) or not sobject:
        raise ValidationError("InvalidJob : object is required", field="object")
    if operation == "upsert" and (not isinstance(external, str) or not external):
        raise ValidationError("InvalidJob : externalIdFieldName is required for upsert", field="externalIdFieldName")
    checked["object"] = sobject
    checked["externalIdFieldName"] = str(external) if operation == "upsert" else None
    return checked


@dataclass(frozen=True)
class SalesforcePlan(ColumnPlan):
    """The importer's column plan of a Salesforce CSV: each cell read as Salesforce writes it and
    turned into what the import column takes (an 18-character id into Leadline's id, a label of
    a domain enumeration into its value). A cell that does not read is left for the rule to refuse."""

    references: frozenset[str] = frozenset()
    enums: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def row_values(self, cells: Sequence[str], *, date_format: str | None = None,
                   date_fields: frozenset[str] = frozenset(),
                   standard_dates: frozenset[str] = frozenset({"purchase_timeframe"}),
                   ) -> tuple[dict[str, str], dict[str, str]]:
        values, custom = super().row_values(cells, date_format=date_format, date_fields=date_fields,
                                            standard_dates=standard_dates)
        for name in self.references.intersection(values):
            values[name] = _leadline_id(values[name])
        for name in set(self.enums).intersection(values):
            values[name] = self.enums[name].get(values[name].lower(), values[name])
        return values, custom


def _leadline_id(text: str) -> str:
    try:
        return str(parse_salesforce_id(text).record_id)
    except ValidationError:
        return text


@dataclass(frozen=True)
class BulkColumns:
    """How a job's CSV reads: the importer's plan and the position of the id or external-id column."""

    plan: SalesforcePlan
    id_index: int | None
    external_index: int | None
    external_name: str | None  # Leadline's custom field name of the external id


def bulk_columns(sobject: SObjectMap, custom: Sequence[SObjectField], headers: Sequence[str],
                 operation: BulkOperation, external_id_field: str | None) -> BulkColumns:
    """Map a CSV header (Salesforce field names) onto the import columns of ``sobject``'s kind.
    Refuses, as Salesforce's ``InvalidBatch``, an unknown or read-only field, a field named twice,
    a delete whose header is not just ``Id``, an update without ``Id`` and an upsert without its
    external-id column (or an external id that is not a text or number custom field)."""
    spec = IMPORT_KINDS[sobject.record_type]
    known = {f.name.lower(): f for f in (*sobject.fields, *custom)}
    fields: dict[int, str] = {}
    extra: dict[int, str] = {}
    references: set[str] = set()
    enums: dict[str, Mapping[str, str]] = {}
    seen: set[str] = set()
    for index, header in enumerate(headers):
        found = known.get(header.strip().lower())
        if found is None:
            raise ValidationError(f"InvalidBatch : Field name not found : {header}", field=header)
        if found.name in seen:
            raise ValidationError(f"InvalidBatch : Duplicate field name : {header}", field=header)
        seen.add(found.name)
        if found.name == ID_COLUMN:
            fields[index] = ID_TARGET
            continue
        target = IMPORT_NAMES.get(found.write_as or "", found.write_as)
        if found.custom and found.write_as:
            extra[index] = found.write_as
        elif target is None or target not in spec.fields:
            raise ValidationError(f"InvalidBatch : Field {found.name} is not writable through a bulk job",
                                  field=found.name)
        else:
            fields[index] = target
            if found.source is Source.REFERENCE:
                references.add(target)
            if found.source is Source.ENUM and found.picklist:
                enums[target] = {label.lower(): key for key, label in ENUM_LABELS[found.picklist].items()}
    id_index = next((i for i, t in fields.items() if t == ID_TARGET), None)
    _check_shape(operation, headers, id_index)
    external_index = external_name = None
    if operation is BulkOperation.UPSERT and (external_id_field or "").lower() != "id":
        field_ = known.get((external_id_field or "").lower())
        if field_ is None or not field_.custom or field_.type.value not in ("string", "double"):
            raise ValidationError(f"InvalidJob : Invalid external id field: {external_id_field}",
                                  field="externalIdFieldName")
        external_index = next((i for i, name in extra.items() if name == field_.write_as), None)
        external_name = field_.write_as
        if external_index is None:
            raise ValidationError(f"InvalidBatch : Field name not found : {field_.name}", field=field_.name)
    elif operation is BulkOperation.UPSERT and id_index is None:
        raise ValidationError("InvalidBatch : Field name not found : Id", field=ID_COLUMN)
    plan = SalesforcePlan(tuple(headers), fields, extra, (), references=frozenset(references), enums=enums)
    return BulkColumns(plan, id_index, external_index, external_name)


def _check_shape(operation: BulkOperation, headers: Sequence[str], id_index: int | None) -> None:
    if operation.is_delete and [h.strip().lower() for h in headers] != ["id"]:
        raise ValidationError(f"InvalidBatch : The '{operation.value}' batch must contain only 'Id'", field=ID_COLUMN)
    if operation is BulkOperation.UPDATE and id_index is None:
        raise ValidationError("InvalidBatch : Field name not found : Id", field=ID_COLUMN)
    if operation is BulkOperation.INSERT and id_index is not None:
        raise ValidationError("InvalidBatch : Id is not allowed in an insert", field=ID_COLUMN)

