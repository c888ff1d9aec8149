"""How the web pages write a value, the same wherever it shows: a yes/no field reads "yes" or
"no" on a record's fields and in its field history alike (the history keeps "true"/"false", as
``domain.history.render_value`` writes it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType
from leadline.domain.history import FieldChange

#: The standard yes/no fields of the records whose history is shown.
BOOLEAN_FIELDS = frozenset({"is_decision_maker", "probability_overridden", "category_overridden", "is_primary"})
_WRITTEN = {"true": True, "false": False}


def yes_no(value: object) -> str:
    """A yes/no value as a rep reads it (``None``: not set, shown as a dash)."""
    return "—" if value is None else "yes" if value else "no"


def custom_booleans(definitions: Iterable[CustomFieldDefinition]) -> frozenset[str]:
    """The history's names (``custom.<name>``) of the yes/no custom fields among ``definitions``."""
    return frozenset(f"custom.{d.name}" for d in definitions if d.type is CustomFieldType.BOOLEAN)


def history_text(field: str, text: str | None, booleans: frozenset[str]) -> str | None:
    """A value of the field history as the record's fields show it: yes/no for a yes/no field."""
    if text in _WRITTEN and (field in BOOLEAN_FIELDS or field in booleans):
        return yes_no(_WRITTEN[text])
    return text


def history_booleans(changes: Iterable[FieldChange], custom: Callable[[], frozenset[str]]) -> frozenset[str]:
    """The custom yes/no fields ``history_text`` needs for ``changes``: asks ``custom`` (a read of
    the definitions) only when a custom field's change reads true or false."""
    if any(c.field.startswith("custom.") and (c.old_value in _WRITTEN or c.new_value in _WRITTEN) for c in changes):
        return custom()
    return frozenset()
