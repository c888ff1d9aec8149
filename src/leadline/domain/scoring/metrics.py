"""How good a model's probabilities are: ROC AUC, PR AUC, Brier score, calibration, lift.

Pure Python so that the domain can judge its own models; ties are handled as the textbook
definitions say (the ROC AUC by average ranks, the PR AUC as average precision).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    rows: int
    mean_predicted: float
    observed_rate: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    rows: int
    positives: int
    roc_auc: float
    pr_auc: float
    brier: float
    calibration_error: float
    top_decile_lift: float
    calibration: tuple[CalibrationBin, ...]


def evaluate(probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 10) -> Evaluation:
    """Every measure at once. Raises ValueError unless both outcomes occur."""
    ys = [bool(y) for y in outcomes]
    table = calibration_table(probabilities, ys, bins)
    error = sum(b.rows * abs(b.mean_predicted - b.observed_rate) for b in table) / len(ys)
    return Evaluation(len(ys), sum(ys), roc_auc(probabilities, ys), average_precision(probabilities, ys),
                      brier(probabilities, ys), error, top_decile_lift(probabilities, ys), tuple(table))


def roc_auc(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The chance a random positive is ranked above a random negative (ties count half).

    >>> roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    0.75
    """
    positives = sum(outcomes)
    negatives = len(outcomes) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("the ROC AUC needs both outcomes")
    order = sorted(range(len(probabilities)), key=lambda i: probabilities[i])
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and probabilities[order[j + 1]] == probabilities[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        rank_sum += average * sum(outcomes[order[k]] for k in range(i, j + 1))
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The area under the precision-recall curve as average precision (tied scores as one step)."""
    positives = sum(outcomes)
    if positives == 0:
        raise ValueError("the PR AUC needs a positive outcome")
    order = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])
    hits = seen = 0
    total = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and probabilities[order[j + 1]] == probabilities[order[i]]:
            j += 1
        new_hits = sum(outcomes[order[k]] for k in range(i, j + 1))
        hits += new_hits
        seen += j - i + 1
        total += new_hits / positives * hits / seen
        i = j + 1
    return total


def brier(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    return sum((p - (1.0 if y else 0.0)) ** 2 for p, y in zip(probabilities, outcomes, strict=True)) / len(outcomes)


def calibration_table(probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 10) -> list[CalibrationBin]:
    """Rows grouped into equal-width probability bins (empty bins left out)."""
    groups: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for p, y in zip(probabilities, outcomes, strict=True):
        groups[min(bins - 1, int(p * bins))].append((p, y))
    return [CalibrationBin(i / bins, (i + 1) / bins, len(g), sum(p for p, _ in g) / len(g),
                           sum(y for _, y in g) / len(g)) for i, g in enumerate(groups) if g]


def top_decile_lift(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """The positive rate among the top-scored tenth over the overall rate (1.0 = no better than chance).

    Rows tied at the tenth's edge count by their share, as a random order among them would on
    average: a model giving every row one score has a lift of exactly 1.0, whatever the rows' order.

    >>> top_decile_lift([0.5] * 10, [True] + [False] * 9)
    1.0
    """
    overall = sum(outcomes) / len(outcomes)
    if overall == 0:
        return 0.0
    count = max(1, len(outcomes) // 10)
    edge = sorted(probabilities, reverse=True)[count - 1]
    above = [y for p, y in zip(probabilities, outcomes, strict=True) if p > edge]
    tied = [y for p, y in zip(probabilities, outcomes, strict=True) if p == edge]
    found = sum(above) + (count - len(above)) * sum(tied) / len(tied)
    return found / count / overall
