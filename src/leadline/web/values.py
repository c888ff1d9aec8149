"""How the web pages write a value, the same wherever it shows: a yes/no field reads "yes" or
"no" on a record's fields and in its field history alike (the history keeps "true"/"false", as
``domain.history.render_value`` writes it), a probability "40 %" on an opportunity's page, in the
lists, on the forecast and in the history. One formatter per kind of value (docs/adr/0053; the
field history: docs/adr/0061)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation

from leadline.domain.common import moment_text
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType
from leadline.domain.history import FieldChange
from leadline.domain.money import MONEY_FIELDS, at_currency_scale

#: The standard percentage fields of the records whose history is shown.
PERCENT_FIELDS = frozenset({"probability", "discount_percent"})
#: Fields holding one of a fixed set of choices, written with underscores ("best_case").
CHOICE_FIELDS = frozenset({"forecast_category", "type", "outcome", "rating"})
#: The standard yes/no fields of the records whose history is shown.
BOOLEAN_FIELDS = frozenset({"is_decision_maker", "probability_overridden", "category_overridden", "is_primary"})
_WRITTEN = {"true": True, "false": False}


def yes_no(value: object) -> str:
    """A yes/no value as a rep reads it (``None``: not set, shown as a dash)."""
    return "—" if value is None else "yes" if value else "no"


def money_text(amount: Decimal | None, currency: str | None) -> str:
    """An amount as every page writes it: at its currency's scale (docs/adr/0015), thousands
    separated, with its code ("12,500.00 EUR", "1,000 JPY"); "" for no amount."""
    if amount is None:
        return ""
    return f"{at_currency_scale(amount, currency):,} {currency or ''}".strip()


def number_text(value: Decimal) -> str:
    """A quantity or a percentage as a person writes it: without trailing zeros and never in
    exponent notation ("10", not ``Decimal.normalize``'s "1E+1"; "2.5")."""
    return format(value.normalize(), "f")


def percent_text(value: object) -> str:
    """A percentage as every page writes it: the number as ``number_text`` writes it, a space and
    "%" ("40 %", "12.5 %"); "" for none. A value that is not a number is written as it is."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number_text(number)} %" if number.is_finite() else str(value)


def choice_text(value: str) -> str:
    """One of a field's fixed choices as the pages write it ("best_case": "best case")."""
    return value.replace("_", " ")


def custom_booleans(definitions: Iterable[CustomFieldDefinition]) -> frozenset[str]:
    """The history's names (``custom.<name>``) of the yes/no custom fields among ``definitions``."""
    return frozenset(f"custom.{d.name}" for d in definitions if d.type is CustomFieldType.BOOLEAN)


def history_text(field: str, text: str | None, booleans: frozenset[str]) -> str | None:
    """A value of the field history as the record's fields show it: yes/no for a yes/no field, a
    percentage with ``percent_text``, a choice with ``choice_text``, a moment (a ``..._at`` field,
    kept as ISO 8601) with ``moment_text``; anything else as written."""
    if text is None:
        return None
    if text in _WRITTEN and (field in BOOLEAN_FIELDS or field in booleans):
        return yes_no(_WRITTEN[text])
    if field in PERCENT_FIELDS:
        return percent_text(text)
    if field in CHOICE_FIELDS:
        return choice_text(text)
    if field.endswith("_at") and "T" in text:
        try:
            return moment_text(datetime.fromisoformat(text))
        except ValueError:
            return text
    return text


def history_booleans(changes: Iterable[FieldChange], custom: Callable[[], frozenset[str]]) -> frozenset[str]:
    """The custom yes/no fields ``history_text`` needs for ``changes``: asks ``custom`` (a read of
    the definitions) only when a custom field's change reads true or false."""
    if any(c.field.startswith("custom.") and (c.old_value in _WRITTEN or c.new_value in _WRITTEN) for c in changes):
        return custom()
    return frozenset()


def history_money(changes: Sequence[FieldChange], currency: str | None) -> Callable[[FieldChange, str | None, bool],
                                                                                  str | None]:
    """How the field history writes an amount (a ``MONEY_FIELDS`` field): with ``money_text``, in
    the currency in force on either side of the change. The history's own ``currency`` changes say
    which that was (an amount changed with the currency: the old amount in the old currency, the
    new in the new); a record whose currency never changed, or none in force (its creation's
    "from" side, within the same moment), has the record's ``currency``. Returns
    ``(change, value, new side?) -> text``; any other field's value, or an amount that is not a
    number, is left as written."""
    moves = sorted(((c.changed_at, c.old_value, c.new_value) for c in changes if c.field == "currency"),
                   key=lambda move: move[0])  # in the history's order within a moment (a value may be None)

    def in_force(at: datetime, inclusive: bool) -> str | None:
        before = [new for when, _, new in moves if when < at or (inclusive and when == at)]
        return (before[-1] if before else moves[0][1] if moves else None) or currency

    def shown(change: FieldChange, text: str | None, new: bool) -> str | None:
        if change.field not in MONEY_FIELDS or not text:
            return text
        try:
            amount = Decimal(text)
        except InvalidOperation:
            return text
        return money_text(amount, in_force(change.changed_at, new)) if amount.is_finite() else text

    return shown


def history_values(changes: Sequence[FieldChange], names: Mapping[tuple[str, str], str], booleans: frozenset[str],
                   currency: str | None) -> Callable[[FieldChange, str | None, bool], str | None]:
    """How a record's field history writes each value, the same on every record page: a value
    ``names`` knows ((field, value as written) -> name: an owner by name, a record or campaign
    by its name) by that name, an amount with ``history_money``, anything else with
    ``history_text``. Returns ``(change, value, new side?) -> text``."""
    amount = history_money(changes, currency)

    def shown(change: FieldChange, text: str | None, new: bool) -> str | None:
        named = names.get((change.field, text or ""))
        return named if named is not None else amount(change, history_text(change.field, text, booleans), new)

    return shown
