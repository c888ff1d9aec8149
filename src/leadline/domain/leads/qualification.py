"""Qualification and opportunity criteria, as data an admin edits.

A *criterion* is a named test over lead fields, met when any of its conditions holds (so
"authority" can be "the title names a decision maker, or the decision-maker flag is set").
Criteria are grouped under a named *framework*; the active qualification framework decides
whether a lead may move to a qualified status, the opportunity criteria whether conversion
may create an opportunity. Both answer each criterion as met or unmet with the reason, so a
rep sees exactly what is missing.

Example::

    results = evaluate(bant_criteria, lead, today=date(2026, 3, 2))
    [r for r in results if not r.met]   # what stops the lead from being qualified
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from leadline.domain.common import clean_text, counted, parse_api_name
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType
from leadline.domain.errors import CriteriaNotMetError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import Lead
from leadline.domain.money import MONEY_FIELDS, at_currency_scale


class Purpose(StrEnum):
    QUALIFICATION = "qualification"
    OPPORTUNITY = "opportunity"


class Operator(StrEnum):
    PRESENT = "present"            # any value (for product interest: at least one line)
    AT_LEAST = "at_least"          # a number at or above the value
    WITHIN_DAYS = "within_days"    # a date from today to today + value days
    IS_TRUE = "is_true"            # a yes/no field that is yes
    CONTAINS_ANY = "contains_any"  # text holding any of the comma-separated words


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    BOOLEAN = "boolean"
    LIST = "list"


#: The lead fields a criterion may test, with their kind.
LEAD_FIELD_KINDS: dict[str, FieldKind] = {
    **{name: FieldKind.TEXT for name in (
        "first_name", "last_name", "company", "title", "industry", "website", "email", "phone", "city",
        "state", "country", "description", "rating")},
    "annual_revenue": FieldKind.NUMBER, "number_of_employees": FieldKind.NUMBER,
    "budget_amount": FieldKind.NUMBER, "purchase_timeframe": FieldKind.DATE,
    "is_decision_maker": FieldKind.BOOLEAN, "products": FieldKind.LIST, "source_id": FieldKind.TEXT,
}

_KIND_OF_CUSTOM = {
    CustomFieldType.TEXT: FieldKind.TEXT, CustomFieldType.PICKLIST: FieldKind.TEXT,
    CustomFieldType.NUMBER: FieldKind.NUMBER, CustomFieldType.DATE: FieldKind.DATE,
    CustomFieldType.BOOLEAN: FieldKind.BOOLEAN,
}

#: Which operators make sense for which kind of field.
OPERATORS_FOR: dict[FieldKind, frozenset[Operator]] = {
    FieldKind.TEXT: frozenset({Operator.PRESENT, Operator.CONTAINS_ANY}),
    FieldKind.NUMBER: frozenset({Operator.PRESENT, Operator.AT_LEAST}),
    FieldKind.DATE: frozenset({Operator.PRESENT, Operator.WITHIN_DAYS}),
    FieldKind.BOOLEAN: frozenset({Operator.IS_TRUE}),
    FieldKind.LIST: frozenset({Operator.PRESENT}),
}


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    operator: Operator
    value: str | None = None

    def describe(self) -> str:
        words = {Operator.PRESENT: "is known", Operator.AT_LEAST: f"is at least {self.value}",
                 Operator.WITHIN_DAYS: f"is within {self.value} days", Operator.IS_TRUE: "is yes",
                 Operator.CONTAINS_ANY: f"contains any of {self.value}"}
        return f"{self.field} {words[self.operator]}"


@dataclass(frozen=True, slots=True)
class Criterion:
    id: int
    purpose: Purpose
    framework: str
    name: str
    label: str
    conditions: tuple[Condition, ...]
    order: int = 0
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class Check:
    """One condition tried on one lead: the value it saw (money at its currency's scale) and
    the verdict, kept so that a page may word the reason with its own names (``explain``)."""

    condition: Condition
    value: object
    met: bool
    today: date


#: How a reason names a field and shows a value: (field, value) -> text.
Namer = Callable[[str], str]
Shower = Callable[[str, object], str]


@dataclass(frozen=True, slots=True)
class CriterionResult:
    name: str
    met: bool
    reason: str
    label: str = ""
    #: the conditions tried, in order, up to the first met one (the reason's parts)
    checks: tuple[Check, ...] = ()

    def explain(self, name: Namer, show: Shower) -> str:
        """``reason`` worded for a reader: each field by ``name`` (a label), each value by
        ``show`` (an amount with its currency, yes/no). "budget_amount 25000.00 is at least
        1000" becomes, say, "Budget 25000.00 EUR is at least 1000"."""
        if not self.checks:
            return self.reason
        worded = [_reason(c.condition, c.value, c.today, c.met, name=name, show=show) for c in self.checks]
        return worded[-1] if self.met else " and ".join(worded)


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Every criterion of one framework on one lead."""

    framework: str
    results: tuple[CriterionResult, ...] = field(default_factory=tuple)

    @property
    def met(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def unmet(self) -> list[CriterionResult]:
        return [r for r in self.results if not r.met]

    def ensure_met_or_overridden(self, override_reason: str | None, what: str, *,
                                 field: str = "override_reason") -> str | None:
        """Pass when every criterion is met (``None``: nothing was overridden), or when a written
        override reason is given (returned cleaned, to be kept with the change). Otherwise
        ``CRITERIA_NOT_MET`` listing the unmet ones, naming ``field`` (where the override goes)."""
        reason = clean_text(override_reason, field=field, max_length=1000)
        if self.met:
            return None
        if reason:
            return reason
        raise CriteriaNotMetError(
            f"{what} needs the {self.framework} criteria met, or an override with a reason: "
            + "; ".join(f"{r.name}: {r.reason}" for r in self.unmet),
            field=field,
            details=[(f"criteria.{r.name}", r.reason) for r in self.unmet],
        )


BANT = "BANT"
OPPORTUNITY_FRAMEWORK = "Opportunity"
DECISION_MAKER_WORDS = "chief, ceo, cfo, cto, coo, cio, vp, vice president, president, director, head, owner, " \
    "founder, partner"

#: The default criteria: (purpose, framework, name, label, conditions).
DEFAULT_CRITERIA: tuple[tuple[Purpose, str, str, str, tuple[Condition, ...]], ...] = (
    (Purpose.QUALIFICATION, BANT, "budget", "Budget at or above 1,000",
     (Condition("budget_amount", Operator.AT_LEAST, "1000"),)),
    (Purpose.QUALIFICATION, BANT, "authority", "Decision maker (title or flag)",
     (Condition("is_decision_maker", Operator.IS_TRUE),
      Condition("title", Operator.CONTAINS_ANY, DECISION_MAKER_WORDS))),
    (Purpose.QUALIFICATION, BANT, "need", "Product interest recorded", (Condition("products", Operator.PRESENT),)),
    (Purpose.QUALIFICATION, BANT, "timeframe", "Purchase within 180 days",
     (Condition("purchase_timeframe", Operator.WITHIN_DAYS, "180"),)),
    (Purpose.OPPORTUNITY, OPPORTUNITY_FRAMEWORK, "product_interest", "Product interest known",
     (Condition("products", Operator.PRESENT),)),
    (Purpose.OPPORTUNITY, OPPORTUNITY_FRAMEWORK, "budget", "Budget known",
     (Condition("budget_amount", Operator.PRESENT),)),
    (Purpose.OPPORTUNITY, OPPORTUNITY_FRAMEWORK, "timeframe", "Timeframe known",
     (Condition("purchase_timeframe", Operator.PRESENT),)),
)


def parse_purpose(value: str) -> Purpose:
    try:
        return Purpose(str(value).strip().lower())
    except ValueError:
        raise ValidationError(f"{value!r} is not qualification or opportunity", field="purpose") from None


def build_condition(field_name: str, operator: str, value: object,
                    custom_definitions: Iterable[CustomFieldDefinition], *, index: int = 0) -> Condition:
    """A checked condition: the field exists on leads, the operator suits its kind, and the
    value fits the operator (a number for at_least, whole days for within_days, words for
    contains_any). Raises ``VALIDATION_FAILED`` naming ``conditions[i].<part>``."""
    where = f"conditions[{index}]"
    name = str(field_name or "").strip()
    kind = field_kind(name, custom_definitions)
    if kind is None:
        raise ValidationError(f"{name!r} is not a lead field", field=f"{where}.field")
    try:
        op = Operator(str(operator).strip().lower())
    except ValueError:
        allowed = ", ".join(o.value for o in Operator)
        raise ValidationError(f"{operator!r} is not an operator; use one of {allowed}",
                              field=f"{where}.operator") from None
    if op not in OPERATORS_FOR[kind]:
        allowed = ", ".join(sorted(o.value for o in OPERATORS_FOR[kind]))
        raise ValidationError(f"{op.value} does not apply to {kind.value} field {name}; use {allowed}",
                              field=f"{where}.operator")
    return Condition(name, op, _condition_value(op, value, f"{where}.value"))


def _condition_value(op: Operator, value: object, where: str) -> str | None:
    text = "" if value is None else str(value).strip()
    if op in (Operator.AT_LEAST, Operator.WITHIN_DAYS) and not text.isascii():
        raise ValidationError(f"{text!r} is not a number: write it with the digits 0-9", field=where)
    if op in (Operator.PRESENT, Operator.IS_TRUE):
        return None
    if not text:
        raise ValidationError(f"{op.value} needs a value", field=where)
    if op is Operator.AT_LEAST:
        try:
            return str(Decimal(text.replace(",", "")))
        except InvalidOperation:
            raise ValidationError(f"{text!r} is not a number", field=where) from None
    if op is Operator.WITHIN_DAYS:
        if not text.isdigit():
            raise ValidationError(f"{text!r} is not a whole number of days", field=where)
        return str(int(text))
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    return ", ".join(words)


def field_kind(name: str, custom_definitions: Iterable[CustomFieldDefinition]) -> FieldKind | None:
    if name.startswith("custom."):
        for definition in custom_definitions:
            if f"custom.{definition.name}" == name:
                return _KIND_OF_CUSTOM[definition.type]
        return None
    return LEAD_FIELD_KINDS.get(name)


def build_criterion(criterion_id: int, purpose: Purpose, framework: str, name: str, label: str | None,
                    conditions: Sequence[Condition], order: int) -> Criterion:
    clean_framework = clean_text(framework, field="framework", max_length=40, required=True)
    clean_name = parse_api_name(name)
    if not conditions:
        raise ValidationError("a criterion needs at least one condition", field="conditions")
    clean_label = clean_text(label, field="label", max_length=120) or clean_name.replace("_", " ").capitalize()
    assert clean_framework is not None
    return Criterion(criterion_id, purpose, clean_framework, clean_name, clean_label, tuple(conditions), order)


def evaluate(criteria: Iterable[Criterion], lead: Lead, *, today: date, framework: str) -> Evaluation:
    """Each active criterion of ``framework`` on ``lead``, in order, met or unmet with the reason."""
    chosen = sorted((c for c in criteria if c.is_active and c.framework == framework), key=lambda c: c.order)
    return evaluate_in_order(framework, chosen, lead, today=today)


def evaluate_in_order(framework: str, chosen: Sequence[Criterion], lead: Lead, *, today: date) -> Evaluation:
    """``evaluate`` with the criteria of ``framework`` already chosen and ordered (``active_criteria``)."""
    return Evaluation(framework, tuple(_evaluate_one(c, lead, today) for c in chosen))


def all_met(chosen: Iterable[Criterion], lead: Lead, *, today: date) -> bool:
    """Whether every criterion of ``chosen`` is met: ``evaluate_in_order(...).met`` without the
    reasons, for a caller that needs them only when one is not (bulk conversion asks per lead)."""
    return all(any(_holds(condition, _value_of(lead, condition.field), today) for condition in criterion.conditions)
               for criterion in chosen)


def active_framework(criteria: Iterable[Criterion], purpose: Purpose) -> str | None:
    """The framework whose criteria of ``purpose`` are active (the first by order if several)."""
    return active_criteria(criteria, purpose)[0]


def active_criteria(criteria: Iterable[Criterion], purpose: Purpose) -> tuple[str | None, tuple[Criterion, ...]]:
    """The active framework of ``purpose`` (None if none) and its active criteria in order: what
    ``evaluate`` applies, worked out once for a configuration rather than once per lead."""
    active = sorted((c for c in criteria if c.purpose is purpose and c.is_active), key=lambda c: c.order)
    if not active:
        return None, ()
    framework = active[0].framework
    return framework, tuple(c for c in active if c.framework == framework)


def _evaluate_one(criterion: Criterion, lead: Lead, today: date) -> CriterionResult:
    failures: list[str] = []
    checks: list[Check] = []
    for condition in criterion.conditions:
        value = _value_of(lead, condition.field)
        met, why = _check(condition, value, today)
        checks.append(Check(condition, value, met, today))
        if met:
            return CriterionResult(criterion.name, True, why, criterion.label, tuple(checks))
        failures.append(why)
    return CriterionResult(criterion.name, False, " and ".join(failures), criterion.label, tuple(checks))


def _value_of(lead: Lead, name: str) -> object:
    """The lead's value of ``name``; money at its currency's scale, so a reason shows it as it is
    written ("budget_amount 25000.00", never "25000.0000": docs/adr/0015). Equal in value."""
    if name.startswith("custom."):
        return lead.custom.get(name.removeprefix("custom."))
    value = getattr(lead, name, None)
    if isinstance(value, Decimal) and name in MONEY_FIELDS:
        return at_currency_scale(value, lead.currency)
    return value


def _check(condition: Condition, value: object, today: date) -> tuple[bool, str]:
    met = _holds(condition, value, today)
    return met, _reason(condition, value, today, met)


def _holds(condition: Condition, value: object, today: date) -> bool:
    """Whether ``condition`` holds for ``value``: the verdict alone (``_reason`` says why)."""
    op = condition.operator
    if op is Operator.IS_TRUE:
        return value is True
    if _is_unknown(value):
        return False
    if op is Operator.PRESENT:
        return True
    if op is Operator.AT_LEAST:
        return Decimal(str(value)) >= Decimal(condition.value or "0")
    if op is Operator.WITHIN_DAYS:
        assert isinstance(value, date)
        return today <= value <= today + timedelta(days=int(condition.value or "0"))
    return any(_names(word, value) for word in _words(condition))


def _reason(condition: Condition, value: object, today: date, met: bool, *,
            name: Namer | None = None, show: Shower | None = None) -> str:
    """Why ``condition`` holds or not, with the field's API name and the value as the API writes
    it, or worded by ``name`` and ``show`` when given (``CriterionResult.explain``)."""
    op, field_name = condition.operator, condition.field
    who = name(field_name) if name else field_name
    if op is Operator.IS_TRUE:
        return f"{who} is yes" if met else f"{who} is not yes"
    if _is_unknown(value):
        return f"{who} is not known"
    shown = show(field_name, value) if show else _as_written(op, value)
    if op is Operator.PRESENT:
        return f"{who} is {shown}"
    if op is Operator.AT_LEAST:
        threshold = Decimal(condition.value or "0")
        return f"{who} {shown} is {'at least' if met else 'below'} {threshold}"
    if op is Operator.WITHIN_DAYS:
        limit = today + timedelta(days=int(condition.value or "0"))
        if value < today:  # type: ignore[operator]  # a date: ``_holds`` checked
            return f"{who} {shown} is in the past"
        return f"{who} {shown} is {'within' if met else 'after'} {limit}"
    words = _words(condition)
    named = next((word for word in words if _names(word, value)), None)
    if named is not None:
        return f"{who} {shown} names {named!r}"
    return f"{who} {shown} names none of {', '.join(words)}"


def _as_written(op: Operator, value: object) -> str:
    """A value as the API's reasons write it: lines counted, a number as given, text quoted."""
    if isinstance(value, list):
        return counted(len(value), "line")
    if op is Operator.AT_LEAST:
        return str(Decimal(str(value)))
    return repr(value) if op is Operator.CONTAINS_ANY else str(value)


def _is_unknown(value: object) -> bool:
    """No value: None, empty text or no lines (``value in (None, "", [])`` without comparing a
    number to text, which costs a Decimal most of a microsecond)."""
    return value is None or (isinstance(value, str | list) and not value)


def _words(condition: Condition) -> list[str]:
    return [w.strip() for w in (condition.value or "").split(",") if w.strip()]


def _names(word: str, value: object) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", str(value), re.IGNORECASE) is not None


def default_criteria() -> list[Criterion]:
    """The default BANT and opportunity criteria, as new records."""
    return [
        Criterion(new_id(), purpose, framework, name, label, conditions, order)
        for order, (purpose, framework, name, label, conditions) in enumerate(DEFAULT_CRITERIA)
    ]


def parse_conditions(raw: Sequence[Mapping[str, object]], custom: Iterable[CustomFieldDefinition]) -> list[Condition]:
    definitions = list(custom)
    return [build_condition(str(item.get("field", "")), str(item.get("operator", "")), item.get("value"),
                            definitions, index=i) for i, item in enumerate(raw)]
