"""The small versioned interface every scoring model honours.

A model is fitted on a table of feature rows (``FeatureRow``: feature name to a category text, a
number, or None for "not known") with their outcomes, and then answers, for any row, a calibrated
probability, a 0-100 score, whether it is confident, and the factors pushing the score up and down
in words with the counts behind them. A stored model is named by ``ModelVersion`` (its type and a
number) and every stored score names it.

Example::

    model = FrequencyModel.fit(rows, outcomes)
    scored = model.score(rows[0])
    scored.score, scored.confident, [r.text for r in scored.up]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

FeatureValue = str | float | None
FeatureRow = Mapping[str, FeatureValue]

#: fewer outcomes (or positives, or negatives) than these and a model's scores are flagged unsure
CONFIDENT_OUTCOMES = 200
CONFIDENT_EACH_CLASS = 40


@dataclass(frozen=True, slots=True)
class ModelVersion:
    """What a stored score names: the model's type and its number within the organisation."""

    kind: str
    number: int

    def __str__(self) -> str:
        return f"{self.kind}@{self.number}"


@dataclass(frozen=True, slots=True)
class Reason:
    """One factor behind a score, in words, with the counts it rests on.

    ``text`` reads like "from Trade show: 35 of 50 converted"; ``effect`` is its push on the
    log-odds (positive up, negative down)."""

    feature: str
    value: str
    converted: int
    total: int
    effect: float
    text: str


@dataclass(frozen=True, slots=True)
class Scored:
    probability: float
    confident: bool
    up: tuple[Reason, ...] = ()
    down: tuple[Reason, ...] = ()

    @property
    def score(self) -> int:
        return probability_to_score(self.probability)


@dataclass(frozen=True, slots=True)
class TrainingSummary:
    """What a model was fitted on: shown beside it and deciding its confidence."""

    outcomes: int
    positives: int
    features: tuple[str, ...] = field(default=())

    def is_thin(self) -> bool:
        negatives = self.outcomes - self.positives
        return (self.outcomes < CONFIDENT_OUTCOMES or self.positives < CONFIDENT_EACH_CLASS
                or negatives < CONFIDENT_EACH_CLASS)


class ScoringModel(Protocol):
    """A fitted model. ``kind`` names its type (the first half of its ``ModelVersion``)."""

    kind: str
    summary: TrainingSummary

    def predict(self, rows: Sequence[FeatureRow]) -> list[float]:
        """The calibrated probability of the positive outcome for each row."""
        ...

    def score(self, row: FeatureRow, top: int = 3) -> Scored:
        """One row's probability with up to ``top`` reasons each way."""
        ...

    def to_payload(self) -> bytes:
        """The model as bytes to store; ``leadline.scoring.registry.load_model`` reads them back."""
        ...


def probability_to_score(probability: float) -> int:
    """The 0-100 score shown to people: the probability in per cent, rounded.

    >>> probability_to_score(0.134)
    13
    """
    return max(0, min(100, round(probability * 100)))
