"""Custom field values of accounts, contacts and opportunities, as the lead has them: read with
the record, set on create and update under the domain's rules (``coerce_custom_values``: the
field's type, pick-list options, required fields, unknown names refused), audited and kept in
the record's history as ``custom.<name>``, and turned into list filters.

These run inside the caller's unit of work; they never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import (
    CustomFilter,
    RecordType,
    coerce_custom_values,
    custom_filters,
    parse_custom_pairs,
)
from leadline.domain.errors import ValidationError
from leadline.services.context import ServiceContext
from leadline.services.security.access import fields_of

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def read_custom(ctx: ServiceContext, uow: UnitOfWork, record_type: RecordType, records: Iterable[Any]) -> None:
    """Set ``custom`` on each record to its stored values (``{name: value}``, set ones only),
    all of them in one query."""
    chosen = list(records)
    definitions = ctx.config(uow).custom_fields_of(record_type)
    values = uow.custom_fields.values_for(definitions, [r.id for r in chosen]) if definitions and chosen else {}
    for record in chosen:
        record.custom = values.get(record.id, {})


def write_custom(ctx: ServiceContext, uow: UnitOfWork, record_type: RecordType, record: Any, values: object, *,
                 creating: bool) -> None:
    """Validate and store the custom values a client sent for ``record`` (``None``: none sent),
    then set ``record.custom`` to all its values as stored (read back, as ``read_custom`` reads
    them). On creation every required field must be given; an empty value clears a field
    (refused for a required one).

    Raises ``ValidationError`` naming ``custom`` (not an object) or ``custom.<name>``; the
    caller's unit of work is then rolled back, so nothing is written.
    """
    if values is not None and not isinstance(values, Mapping):
        raise ValidationError("must be an object of NAME: VALUE", field="custom")
    definitions = ctx.config(uow).custom_fields_of(record_type)
    new = coerce_custom_values(definitions, dict(values or {}), creating=creating)
    if new:
        uow.custom_fields.set_values(definitions, record.id, new)
    if new or record.custom is None:
        record.custom = uow.custom_fields.values_for(definitions, [record.id])[record.id] if definitions else {}


def audit_fields(record: Any) -> dict[str, object]:
    """The record's fields for its audit and history: custom values as ``custom.<name>``."""
    values = fields_of(record)
    custom: dict[str, object] = values.pop("custom", None) or {}  # type: ignore[assignment]
    values.update({f"custom.{name}": value for name, value in sorted(custom.items())})
    return values


def resolve_custom_filters(ctx: ServiceContext, record_type: RecordType,
                           pairs: Sequence[str]) -> tuple[CustomFilter, ...]:
    """``NAME=VALUE`` filters from a transport as a list query's ``custom`` filters, each value
    read as its field's type (``VALIDATION_FAILED`` naming ``custom.<name>`` otherwise)."""
    if not pairs:
        return ()
    values = parse_custom_pairs(pairs)
    with ctx.reader() as uow:
        return custom_filters(ctx.config(uow).custom_fields_of(record_type), values)
