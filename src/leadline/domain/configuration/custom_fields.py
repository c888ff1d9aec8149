"""Custom fields declared by an admin: typed, validated values, never an untyped blob."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from leadline.domain.common import clean_text, date_field, parse_api_name, parse_decimal
from leadline.domain.errors import ValidationError


class CustomFieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    PICKLIST = "picklist"


class RecordType(StrEnum):
    """The kinds of record that carry custom fields, history and activities."""

    LEAD = "lead"
    ACCOUNT = "account"
    CONTACT = "contact"
    OPPORTUNITY = "opportunity"


CustomValue = str | Decimal | date | bool

_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True, slots=True)
class CustomFieldDefinition:
    id: int
    record_type: RecordType
    name: str
    label: str
    type: CustomFieldType
    options: tuple[str, ...] = ()
    required: bool = False
    is_active: bool = True

    def coerce(self, value: object) -> CustomValue | None:
        """Turn input (text from a CLI or CSV, or a typed value) into this field's type.

        Raises ``ValidationError`` naming ``custom.<name>`` for a value of the wrong shape.
        """
        where = f"custom.{self.name}"
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise ValidationError("is required", field=where)
            return None
        match self.type:
            case CustomFieldType.TEXT:
                return clean_text(value, field=where, max_length=1000)
            case CustomFieldType.NUMBER:
                return parse_decimal(value, field=where)
            case CustomFieldType.DATE:
                return date_field(value, where)
            case CustomFieldType.BOOLEAN:
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in _TRUE:
                    return True
                if text in _FALSE:
                    return False
                raise ValidationError(f"{value!r} is not true or false", field=where)
            case CustomFieldType.PICKLIST:
                text = str(value).strip()
                for option in self.options:
                    if option.casefold() == text.casefold():
                        return option
                raise ValidationError(
                    f"{value!r} is not one of {', '.join(self.options)}", field=where
                )
        raise AssertionError(self.type)  # pragma: no cover


def parse_field_type(value: str) -> CustomFieldType:
    try:
        return CustomFieldType(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(t.value for t in CustomFieldType)
        raise ValidationError(f"{value!r} is not a field type; use one of {allowed}", field="type") from None


def define_custom_field(
    record_id: int,
    record_type: RecordType,
    name: str,
    label: str,
    field_type: CustomFieldType,
    options: list[str] | None = None,
    required: bool = False,
) -> CustomFieldDefinition:
    """Validate a new definition: a machine name, a label, and options only for a pick-list."""
    cleaned_options = [o.strip() for o in (options or []) if o and o.strip()]
    if field_type is CustomFieldType.PICKLIST:
        if not cleaned_options:
            raise ValidationError("a pick-list needs at least one option", field="options")
        if len({o.casefold() for o in cleaned_options}) != len(cleaned_options):
            raise ValidationError("pick-list options must be unique", field="options")
    elif cleaned_options:
        raise ValidationError("only pick-list fields take options", field="options")
    return CustomFieldDefinition(
        id=record_id,
        record_type=record_type,
        name=parse_api_name(name),
        label=clean_text(label, field="label", max_length=80, required=True) or name,
        type=field_type,
        options=tuple(cleaned_options),
        required=required,
    )


def edit_custom_field(definition: CustomFieldDefinition, *, label: str | None = None,
                      options: list[str] | None = None, required: bool | None = None,
                      active: bool | None = None) -> CustomFieldDefinition:
    """``definition`` with a new label, pick-list options, required flag or active flag (None:
    unchanged), checked as a new one is. Its name and type stay: stored values depend on them."""
    edited = define_custom_field(
        definition.id, definition.record_type, definition.name, definition.label if label is None else label,
        definition.type, list(definition.options) if options is None else options,
        definition.required if required is None else required)
    return replace(edited, is_active=definition.is_active if active is None else active)


def coerce_custom_values(
    definitions: list[CustomFieldDefinition],
    values: dict[str, object],
    *,
    creating: bool,
) -> dict[str, CustomValue | None]:
    """Check a set of custom values against the definitions of one record type.

    Unknown names are refused; on creation every required field must be present.
    """
    by_name = {d.name: d for d in definitions if d.is_active}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ValidationError(f"no such custom field {unknown[0]!r}", field=f"custom.{unknown[0]}")
    result: dict[str, CustomValue | None] = {}
    for name, definition in by_name.items():
        if name in values:
            result[name] = definition.coerce(values[name])
        elif creating and definition.required:
            raise ValidationError("is required", field=f"custom.{name}")
    return result


def parse_custom_pairs(pairs: Sequence[str], *, field: str = "custom") -> dict[str, str]:
    """``NAME=VALUE`` texts (the CLI's ``--custom``, the API's ``custom`` list filter) as
    ``{name: value}``. A text without ``=`` or a name given twice is a ``ValidationError``.

    Example: ``parse_custom_pairs(["tier=Gold", "renewal=2027-01-31"])``.
    """
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = str(pair).partition("=")
        name = name.strip().removeprefix("custom.")
        if not sep or not name:
            raise ValidationError(f"{pair!r} is not NAME=VALUE", field=field)
        if name in values:
            raise ValidationError(f"{name!r} is given twice", field=f"custom.{name}")
        values[name] = value
    return values


@dataclass(frozen=True, slots=True)
class CustomFilter:
    """A list filter: records whose custom field ``field_id`` holds ``value`` (text and pick-list
    values compared ignoring case)."""

    field_id: int
    type: CustomFieldType
    value: CustomValue


def custom_filters(definitions: list[CustomFieldDefinition], values: Mapping[str, str]) -> tuple[CustomFilter, ...]:
    """Filters of one record type's list from ``{name: value}``: each value is read as its
    field's type with the same rules as a value being set (a pick-list value must be an option).
    An unknown or inactive name, or an empty value, is a ``ValidationError`` naming ``custom.<name>``."""
    by_name = {d.name: d for d in definitions if d.is_active}
    result = []
    for name, value in values.items():
        definition = by_name.get(name)
        if definition is None:
            raise ValidationError(f"no such custom field {name!r}", field=f"custom.{name}")
        coerced = definition.coerce(value) if value.strip() else None
        if coerced is None:
            raise ValidationError("give a value to filter by", field=f"custom.{name}")
        result.append(CustomFilter(definition.id, definition.type, coerced))
    return tuple(result)


def parse_record_type(value: str, *, field: str = "object") -> RecordType:
    """lead, account, contact or opportunity; anything else is a ``ValidationError`` naming ``field``."""
    try:
        return RecordType(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in RecordType)
        raise ValidationError(f"{value!r} is not an object; use one of {allowed}", field=field) from None
