"""Quizzes on a form: questions whose answers award points, and the rating the total sets.

A question is single choice (one option), multiple choice (any options) or a number (points
per unit, capped). ``score_answers`` checks the answers against the questions and totals them;
``RatingThresholds.rating_for`` turns the total into hot, warm or cold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from leadline.domain.common import clean_text
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import Rating


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMBER = "number"


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str
    points: int = 0


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    label: str
    kind: QuestionKind
    options: tuple[Option, ...] = ()
    required: bool = False
    #: number questions: points per unit of the answer, and the most they can award
    points_per_unit: Decimal = Decimal(0)
    max_points: int = 0

    def as_dict(self) -> dict[str, object]:
        return {"key": self.key, "label": self.label, "kind": self.kind.value, "required": self.required,
                "options": [{"value": o.value, "label": o.label, "points": o.points} for o in self.options],
                "points_per_unit": str(self.points_per_unit), "max_points": self.max_points}


@dataclass(frozen=True, slots=True)
class RatingThresholds:
    """A total of at least ``hot`` is hot, of at least ``warm`` warm, else cold."""

    hot: int = 20
    warm: int = 10

    @classmethod
    def build(cls, values: object) -> RatingThresholds:
        if values in (None, {}):
            return cls()
        if not isinstance(values, Mapping):
            raise ValidationError("must be an object with hot and warm", field="thresholds")
        hot, warm = (_int(values.get(k, getattr(cls(), k)), f"thresholds.{k}") for k in ("hot", "warm"))
        if warm > hot:
            raise ValidationError("warm must not be above hot", field="thresholds.warm")
        return cls(hot, warm)

    def rating_for(self, points: int) -> Rating:
        return Rating.HOT if points >= self.hot else Rating.WARM if points >= self.warm else Rating.COLD


@dataclass(frozen=True, slots=True)
class ScoredAnswers:
    #: key -> the answer as given, checked (a text, a list of texts or a number as text)
    answers: dict[str, object]
    points: int


def parse_questions(values: object) -> tuple[Question, ...]:
    if not isinstance(values, Sequence) or isinstance(values, str):
        raise ValidationError("must be a list of questions", field="questions")
    questions = tuple(_question(v, i) for i, v in enumerate(values))
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise ValidationError("two questions share a key", field="questions")
    return questions


def _question(value: object, index: int) -> Question:
    where = f"questions[{index}]"
    if not isinstance(value, Mapping):
        raise ValidationError("must be an object", field=where)
    key = clean_text(value.get("key"), field=f"{where}.key", max_length=40, required=True) or ""
    if not key.replace("_", "").isalnum():
        raise ValidationError("letters, digits and _ only", field=f"{where}.key")
    label = clean_text(value.get("label"), field=f"{where}.label", max_length=255) or key
    try:
        kind = QuestionKind(str(value.get("kind", "single")).strip().lower())
    except ValueError:
        raise ValidationError("is single, multiple or number", field=f"{where}.kind") from None
    options = tuple(_option(o, f"{where}.options[{i}]") for i, o in enumerate(value.get("options") or ()))
    if kind is not QuestionKind.NUMBER and not options:
        raise ValidationError("a choice question needs options", field=f"{where}.options")
    per_unit = _decimal(value.get("points_per_unit", "0"), f"{where}.points_per_unit")
    return Question(key, label, kind, options, bool(value.get("required", False)), per_unit,
                    _int(value.get("max_points", 0), f"{where}.max_points"))


def _option(value: object, where: str) -> Option:
    if isinstance(value, str):
        return Option(value, value, 0)
    if not isinstance(value, Mapping):
        raise ValidationError("must be an object with value and points", field=where)
    text = clean_text(value.get("value"), field=f"{where}.value", max_length=120, required=True) or ""
    label = clean_text(value.get("label"), field=f"{where}.label", max_length=255) or text
    return Option(text, label, _int(value.get("points", 0), f"{where}.points"))


def score_answers(questions: Sequence[Question], given: Mapping[str, object]) -> ScoredAnswers:
    """Check ``given`` (question key -> answer) and total its points. An unknown option or a
    missing required answer is a ``ValidationError`` naming ``quiz.<key>``.

    >>> q = Question("size", "Team size", QuestionKind.NUMBER, points_per_unit=Decimal(1), max_points=10)
    >>> score_answers([q], {"size": "25"}).points
    10
    """
    answers: dict[str, object] = {}
    total = 0
    for question in questions:
        field_name = f"quiz.{question.key}"
        raw = given.get(question.key)
        chosen = [v for v in (raw if isinstance(raw, list | tuple) else [raw]) if v not in (None, "")]
        if not chosen:
            if question.required:
                raise ValidationError("is required", field=field_name)
            continue
        if question.kind is QuestionKind.NUMBER:
            if len(chosen) > 1:
                raise ValidationError("takes one number", field=field_name)
            number = _decimal(chosen[0], field_name)
            points = int(number * question.points_per_unit)
            total += min(points, question.max_points) if question.max_points else points
            answers[question.key] = str(number)
            continue
        if question.kind is QuestionKind.SINGLE and len(chosen) > 1:
            raise ValidationError("takes one answer", field=field_name)
        by_value = {o.value: o for o in question.options}
        for choice in chosen:
            if str(choice) not in by_value:
                raise ValidationError(f"{choice!r} is not one of the options", field=field_name)
        picked = list(dict.fromkeys(str(c) for c in chosen))
        total += sum(by_value[c].points for c in picked)
        answers[question.key] = picked[0] if question.kind is QuestionKind.SINGLE else picked
    return ScoredAnswers(answers, total)


def _int(value: object, name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number", field=name) from None


def _decimal(value: object, name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a number", field=name) from None
    if not number.is_finite() or abs(number) > 10**12:
        raise ValidationError(f"{value!r} is not a number", field=name)
    return number
