"""The stand-in of a blank required cell (domain/imports/stand_ins.py): a value its field's own
rules take, so a failed row's other cells are checked too; none for a reference others read."""

from __future__ import annotations

import pytest

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType, RecordType
from leadline.domain.imports.stand_ins import stand_in


def _field(field_type: CustomFieldType, options: tuple[str, ...] = ()) -> CustomFieldDefinition:
    return CustomFieldDefinition(1, RecordType.LEAD, "f", "F", field_type, options, required=True)


@pytest.mark.parametrize("field_type,options", [(CustomFieldType.TEXT, ()), (CustomFieldType.NUMBER, ()),
                                                (CustomFieldType.DATE, ()), (CustomFieldType.BOOLEAN, ()),
                                                (CustomFieldType.PICKLIST, ("Gold", "Tin"))])
def test_a_required_custom_field_s_stand_in_is_a_value_it_takes(field_type: CustomFieldType,
                                                                 options: tuple[str, ...]) -> None:
    definition = _field(field_type, options)
    value = stand_in("custom.f", custom={"f": definition}, date_fields=frozenset())
    assert value is not None and definition.coerce(value) is not None


def test_a_standard_field_stands_in_as_text_or_an_iso_date_and_a_read_reference_has_none() -> None:
    assert stand_in("last_name", custom={}, date_fields=frozenset({"close_date"})) == "x"
    assert stand_in("close_date", custom={}, date_fields=frozenset({"close_date"})) == "2000-01-01"
    assert stand_in("account", custom={}, date_fields=frozenset()) is None
    assert stand_in("custom.gone", custom={}, date_fields=frozenset()) is None
