"""Records as Salesforce shows them, and Salesforce bodies as the values a use case takes, by the
field map (``domain/salesforce/fields.py``) and the organisation's configuration (``Vocabulary``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.ids import id_created_at_ms
from leadline.domain.salesforce.fields import (
    ENUM_LABELS,
    FieldType,
    Picklist,
    SObjectField,
    SObjectMap,
    Source,
    custom_field,
    leadline_custom_name,
)
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.domain.salesforce.parts import LINKS
from leadline.salesforce.gateway import Stored
from leadline.services.context import ServiceContext


class InvalidFieldError(ValidationError):
    """A field name the object does not have (Salesforce's INVALID_FIELD)."""

    code = "INVALID_FIELD"


class ReadOnlyFieldError(ValidationError):
    """A field that cannot be written (Salesforce's INVALID_FIELD_FOR_INSERT_UPDATE)."""

    code = "INVALID_FIELD_FOR_INSERT_UPDATE"


class RequiredFieldError(ValidationError):
    """A required field left out of a create (Salesforce's REQUIRED_FIELD_MISSING)."""

    code = "REQUIRED_FIELD_MISSING"


@dataclass(frozen=True)
class Vocabulary:
    """One object's fields with its custom fields, and the configured picklists' labels by id."""

    sobject: SObjectMap
    custom: tuple[SObjectField, ...]
    labels: Mapping[Picklist, Mapping[int, str]]
    options: Mapping[str, tuple[str, ...]]

    @property
    def fields(self) -> tuple[SObjectField, ...]:
        return self.sobject.fields + self.custom

    def field(self, name: str) -> SObjectField:
        found = self.sobject.field(name)
        if found is None and leadline_custom_name(name) is not None:
            found = next((f for f in self.custom if f.name.lower() == name.lower()), None)
        if found is None:
            raise InvalidFieldError(f"No such column '{name}' on sobject of type {self.sobject.name}", field=name)
        return found

    def name_of(self, leadline_field: str | None) -> str | None:
        """The Salesforce name of a field a use case named (``last_name``, ``custom.region``)."""
        if not leadline_field:
            return None
        bare = leadline_field.removeprefix("custom.")
        for f in self.fields:
            if bare in (f.write_as, f.attribute) or (f.write_as or "").removesuffix("_id") == bare.removesuffix("_id"):
                return f.name
        return leadline_field


def vocabulary(ctx: ServiceContext, sobject: SObjectMap) -> Vocabulary:
    """``sobject``'s fields with its custom fields and the picklists' labels, from the configuration
    every request shares (cached for ``cache.ttl`` seconds, as the native API reads it)."""
    with ctx.reader() as uow:  # the cached configuration: no statement on most requests
        config = ctx.config(uow)
    custom: tuple[SObjectField, ...] = ()
    options: dict[str, tuple[str, ...]] = {}
    if sobject.record_type in {t.value for t in RecordType}:
        definitions = [d for d in config.custom_fields_of(RecordType(sobject.record_type)) if d.is_active]
        custom = tuple(custom_field(d.name, d.label, d.type.value, required=d.required) for d in definitions)
        options = {f"{d.name}__c": d.options for d in definitions}
    labels: dict[Picklist, Mapping[int, str]] = {}
    if sobject.name in ("Lead", "Contact", "Opportunity"):
        labels[Picklist.SOURCES] = {s.id: s.label for s in config.sources}
    if sobject.name == "Lead":
        labels[Picklist.STATUSES] = {s.id: s.label for s in config.statuses}
    if sobject.name == "Opportunity":
        labels[Picklist.STAGES] = {s.id: s.label for s in config.stages}
    return Vocabulary(sobject, custom, labels, options)


def salesforce_time(moment: datetime) -> str:
    """``2026-03-01T09:30:00.000+0000``, as Salesforce writes a datetime."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _plain(value: Any, kind: FieldType) -> Any:
    if isinstance(value, datetime):
        return salesforce_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if kind is FieldType.INT or value == value.to_integral_value() else float(value)
    return getattr(value, "value", value)


def json_value(value: Any) -> Any:
    """A record's value as Salesforce writes it in JSON: numbers as numbers, dates as ISO days,
    date-times as ``2024-01-31T10:00:00.000+0000``."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
    if isinstance(value, datetime):
        moment = value.astimezone(UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_value(item) for item in value]
    return value


def read_value(vocabulary: Vocabulary, field: SObjectField, stored: Stored) -> Any:
    """The value of ``field`` of a stored record, as Salesforce writes it."""
    record = stored.record
    if field.custom:
        return _plain(stored.custom.get(field.attribute or ""), field.type)
    raw = getattr(record, field.attribute, None) if field.attribute else None
    match field.source:
        case Source.REFERENCE:
            return salesforce_id(field.reference_to or "", raw) if raw else None
        case Source.LABEL:
            return vocabulary.labels.get(field.picklist, {}).get(raw) if field.picklist and raw else None
        case Source.ENUM:
            return ENUM_LABELS[field.picklist].get(getattr(raw, "value", raw)) if field.picklist and raw else None
        case Source.DERIVED:
            return _derived(field, record)
    return _plain(raw, field.type)


def _derived(field: SObjectField, record: Any) -> Any:
    match field.name:
        case "Name":
            return " ".join(p for p in (getattr(record, "first_name", None), record.last_name) if p)
        case "IsConverted":
            return record.converted_at is not None
        case "ConvertedDate":
            return record.converted_at.date().isoformat() if record.converted_at else None
        case "IsClosed":
            return record.outcome.value != "open"
        case "IsWon":
            return record.outcome.value == "won"
        case "CreatedDate" | "LastModifiedDate" | "SystemModstamp":
            return salesforce_time(datetime.fromtimestamp(id_created_at_ms(record.id) / 1000, UTC))
    return False


def render(vocabulary: Vocabulary, stored: Stored, version: str, names: list[str] | None = None) -> dict[str, Any]:
    """A record as ``GET sobjects/X/{id}`` answers it: ``attributes`` then each field (those named)."""
    sobject = vocabulary.sobject.name
    record_id = salesforce_id(sobject, stored.record.id)
    body: dict[str, Any] = {"attributes": {"type": sobject, "url": f"/services/data/{version}/sobjects/{sobject}/"
                                                                   f"{record_id}"}}
    fields = [vocabulary.field(n) for n in names] if names else list(vocabulary.fields)
    for field in fields:
        body[field.name] = read_value(vocabulary, field, stored)
    return body


def to_values(vocabulary: Vocabulary, body: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any],
                                                                                           dict[str, Any]]:
    """A Salesforce body as (standard values, custom values) for the use case; unknown and
    read-only fields are refused naming them, before any use case runs."""
    values: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    unwritable: list[str] = []
    for name, value in body.items():
        if name == "attributes":
            continue
        field = vocabulary.field(name)
        if field.write_as is None:
            unwritable.append(field.name)
        elif field.custom:
            custom[field.write_as] = value
        else:
            values[field.write_as] = _written(field, value)
    if unwritable:
        raise ReadOnlyFieldError(f"Unable to create/update fields: {', '.join(unwritable)}. Please check the "
                                 "security settings of this field and verify that it is read/write for your "
                                 "profile or permission set.", field=unwritable[0],
                                 details=[(n, "read-only") for n in unwritable[1:]])
    if creating:
        missing = [f.name for f in vocabulary.fields if f.required and not f.custom and f.write_as not in values]
        if missing:
            raise RequiredFieldError("Required fields are missing: [" + ", ".join(missing) + "]", field=missing[0],
                                  details=[(n, "is required") for n in missing[1:]])
    return values, custom


def _written(field: SObjectField, value: Any) -> Any:
    if value is None or value == "":
        return None
    if field.attribute == LINKS:  # an activity's WhoId/WhatId: a record of one of several objects
        return str(value)
    if field.source is Source.REFERENCE:
        return str(parse_salesforce_id(str(value), expected=field.reference_to, field=field.name).record_id)
    if field.source is Source.ENUM and field.picklist:
        by_label = {label.lower(): key for key, label in ENUM_LABELS[field.picklist].items()}
        return by_label.get(str(value).lower(), value)
    return value
