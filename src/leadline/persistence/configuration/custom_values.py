"""Custom field values as stored: which column of ``custom_field_values`` holds each field type,
and the filters that keep the records holding a value (shared by every record repository)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, func

from leadline.domain.configuration.custom_fields import CustomFieldType, CustomFilter
from leadline.persistence.configuration.rows import CustomFieldValueRow

VALUE_COLUMN = {"text": "text_value", "picklist": "text_value", "number": "number_value",
                 "date": "date_value", "boolean": "bool_value"}


def custom_value_filters(statement: Select[Any], row: Any, filters: tuple[CustomFilter, ...]) -> Select[Any]:
    """Keep the records of ``row`` (leads, accounts, ...) holding each filter's value: one
    ``EXISTS`` per filter on the (record, field) key. Text and pick-list values match ignoring case."""
    table = CustomFieldValueRow.__table__
    for chosen in filters:
        column = table.c[VALUE_COLUMN[chosen.type.value]]
        if chosen.type in (CustomFieldType.TEXT, CustomFieldType.PICKLIST):
            matches = func.lower(column) == str(chosen.value).lower()
        else:
            matches = column == chosen.value
        statement = statement.where(exists().where(table.c.record_id == row.id, table.c.field_id == chosen.field_id,
                                                   matches))
    return statement
