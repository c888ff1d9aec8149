"""What stands in a blank required cell of a failed row while the row's other cells are checked,
so that the list of every refusal (``leadline import errors JOB --each``) names them all.

A row's rules stop at their first refusal. To report every field of a failed row, the import
asks the rules again with the refused cell changed: a bad value blanked, and a blank cell a
field requires given a stand-in its rules take, so that the rules after the required one are
asked too. The stand-in is never stored (a failed row writes nothing) and never reported: only
the refusals of the file's own cells are. A reference other rules read (a contact's account,
whose country reads its phone) has none: its row is reported up to it.

>>> stand_in("last_name", custom={}, date_fields=frozenset())
'x'
>>> stand_in("account", custom={}, date_fields=frozenset()) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType
from leadline.domain.imports.mapping import CUSTOM_PREFIX

#: the import fields whose value other rules of the row read: no stand-in tells of them
NO_STAND_IN = frozenset({"account"})
TEXT = "x"
DATE = "2000-01-01"  # ISO: read whatever date format the file declares

_OF_TYPE = {CustomFieldType.TEXT: TEXT, CustomFieldType.NUMBER: "0", CustomFieldType.DATE: DATE,
            CustomFieldType.BOOLEAN: "false"}


def stand_in(field: str, *, custom: Mapping[str, CustomFieldDefinition], date_fields: frozenset[str]) -> str | None:
    """A cell's text the rules of import ``field`` (a standard one, or ``custom.<name>`` of the
    ``custom`` definitions) take, or None for a field none is given for (``NO_STAND_IN``, an
    unknown custom field)."""
    if field.startswith(CUSTOM_PREFIX):
        definition = custom.get(field.removeprefix(CUSTOM_PREFIX))
        if definition is None:
            return None
        if definition.type is CustomFieldType.PICKLIST:
            return definition.options[0] if definition.options else None
        return _OF_TYPE[definition.type]
    if field in NO_STAND_IN:
        return None
    return DATE if field in date_fields else TEXT
