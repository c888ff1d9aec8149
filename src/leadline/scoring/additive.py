"""The additive log-odds model: a regularised logistic regression on the frequency model's values.

Each feature adds to the log-odds: a weight for its value as the frequency model reads it (its
category, or its number's quintile band, or "unknown"), and for a number also a straight and a
logarithmic term, ``w1 * x + w2 * ln(1 + max(x, 0))`` (a missing number counts as the training
mean, its band "unknown" carries the rest). Fitted by scikit-learn's ``LogisticRegression`` (L2,
``C = 1``) on one-hot values (sparse) and standardised numbers; values never seen in training add
nothing. Being a sum, each feature's push on a row is its term less that term's training mean, so
the reasons read like the frequency model's ("from Trade show: 35 of 50 converted", the counts from
the same tables) with this model's pushes.

**Stored form.** JSON: the intercept, each feature's weights, number terms and mean, and the
frequency tables. Nothing is pickled, so a stored model reads back under any scikit-learn; scoring
needs numpy only. Decision record: docs/adr/0056-additive-log-odds-candidate.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from leadline.domain.scoring.frequency import FrequencyModel, Table, band_labels
from leadline.domain.scoring.interface import FeatureRow, Reason, Scored, TrainingSummary
from leadline.domain.scoring.wording import UNKNOWN, phrase
from leadline.scoring.encoding import ValueLookup, numbers

KIND = "additive"
#: the inverse of the L2 penalty (scikit-learn's ``C``); the one-hot values are not standardised
C = 1.0


@dataclass(frozen=True, slots=True)
class Term:
    """One feature's part of the log-odds: a weight per value (in the table's order), and for a
    number ``slope * x + log_slope * ln(1 + max(x, 0))`` with ``fill`` for a missing ``x``; ``mean``
    is the term's training mean, so a push is the term less ``mean``."""

    weights: tuple[float, ...]
    slope: float = 0.0
    log_slope: float = 0.0
    fill: float = 0.0
    mean: float = 0.0


class AdditiveModel:
    """Honours ``ScoringModel``."""

    kind = KIND

    def __init__(self, intercept: float, terms: dict[str, Term], tables: FrequencyModel) -> None:
        self.intercept, self.terms, self.tables = intercept, terms, tables
        self.summary: TrainingSummary = tables.summary

    @classmethod
    def fit(cls, rows: Sequence[FeatureRow], outcomes: Sequence[bool], *, outcome_word: str = "converted",
            tables: FrequencyModel | None = None) -> AdditiveModel:
        """``tables``: the frequency model already fitted on the same rows (else fitted here).
        Raises ValueError without both outcomes or without a usable feature."""
        ys = np.asarray([bool(y) for y in outcomes])
        if ys.all() or not ys.any():
            raise ValueError("the additive model needs both outcomes to fit on")
        if tables is None:
            tables = FrequencyModel.fit(rows, outcomes, outcome_word=outcome_word)
        if not tables.tables:
            raise ValueError("the additive model needs at least one feature with two values or more")
        blocks, spans = [], {}
        for name, table in tables.tables.items():
            values = [row.get(name) for row in rows]
            index = _value_index(table, values)
            present = index >= 0
            blocks.append(sparse.csr_matrix((np.ones(int(present.sum())), (np.flatnonzero(present), index[present])),
                                            shape=(len(rows), len(table.counts))))
            if table.edges is not None:
                x = numbers(values)
                fill = float(np.nanmean(x)) if not np.isnan(x).all() else 0.0
                columns = np.column_stack(_number_terms(x, fill))
                centre, spread = columns.mean(axis=0), columns.std(axis=0)
                spread[spread < 1e-12] = 1.0
                spans[name] = (fill, centre, spread)
                blocks.append(sparse.csr_matrix((columns - centre) / spread))
        regression = LogisticRegression(C=C, max_iter=1000).fit(sparse.hstack(blocks, format="csr"), ys)
        return cls._from_coefficients(regression, tables, rows, spans)

    @classmethod
    def _from_coefficients(cls, regression: LogisticRegression, tables: FrequencyModel, rows: Sequence[FeatureRow],
                           spans: dict[str, tuple[float, np.ndarray, np.ndarray]]) -> AdditiveModel:
        """The fitted coefficients in the features' own units (numbers back from standardised),
        each term's training mean kept for the pushes."""
        coefficients = regression.coef_[0]
        intercept, at, terms = float(regression.intercept_[0]), 0, {}
        for name, table in tables.tables.items():
            terms[name] = Term(tuple(float(w) for w in coefficients[at:at + len(table.counts)]))
            at += len(table.counts)
            if name in spans:
                fill, centre, spread = spans[name]
                slope, log_slope = coefficients[at:at + 2] / spread
                at += 2
                intercept -= float(slope * centre[0] + log_slope * centre[1])
                terms[name] = Term(terms[name].weights, float(slope), float(log_slope), fill)
        model = cls(intercept, terms, tables)
        means = model._terms(rows).mean(axis=0)
        model.terms = {name: Term(t.weights, t.slope, t.log_slope, t.fill, float(m))
                       for (name, t), m in zip(terms.items(), means, strict=True)}
        return model

    def predict(self, rows: Sequence[FeatureRow]) -> list[float]:
        return [float(p) for p in self.predict_array(rows)]

    def predict_array(self, rows: Sequence[FeatureRow]) -> np.ndarray:
        if not self.terms:
            return np.full(len(rows), _sigmoid(self.intercept))
        return 1 / (1 + np.exp(-(self.intercept + self._terms(rows).sum(axis=1))))

    def score(self, row: FeatureRow, top: int = 3) -> Scored:
        parts = self._terms([row])[0] if self.terms else np.zeros(0)
        probability = _sigmoid(self.intercept + float(parts.sum()))
        reasons = []
        for (name, term), part in zip(self.terms.items(), parts, strict=True):
            table = self.tables.tables[name]
            value = table.value_of(row.get(name))
            if value in table.counts:
                k, n = table.counts[value]
                reasons.append(Reason(name, value, k, n, float(part) - term.mean,
                                      f"{phrase(name, value)}: {k} of {n} {self.tables.outcome_word}"))
        up = tuple(r for r in sorted(reasons, key=lambda r: -r.effect) if r.effect > 0)[:top]
        down = tuple(r for r in sorted(reasons, key=lambda r: r.effect) if r.effect < 0)[:top]
        return Scored(probability, self.tables.is_confident(row), up, down)

    def to_payload(self) -> bytes:
        return json.dumps({
            "kind": KIND, "intercept": self.intercept,
            "terms": [[name, {"weights": dict(zip(self.tables.tables[name].counts, t.weights, strict=True)),
                              "number": [t.slope, t.log_slope, t.fill], "mean": t.mean}]  # a list: sums in order
                      for name, t in self.terms.items()],
            "tables": json.loads(self.tables.to_payload()),
        }, sort_keys=True).encode()

    @classmethod
    def from_payload(cls, payload: bytes) -> AdditiveModel:
        data = json.loads(payload)
        if data.get("kind") != KIND:
            raise ValueError("the payload is not an additive model")
        tables = FrequencyModel.from_payload(json.dumps(data["tables"]).encode())
        if {name for name, _ in data["terms"]} != set(tables.tables):
            raise ValueError("the additive model's terms and tables name different features")
        terms = {}
        for name, stored in data["terms"]:  # each weight by its value: the tables' order is not kept
            terms[name] = Term(tuple(float(stored["weights"][v]) for v in tables.tables[name].counts),
                               *stored["number"], stored["mean"])
        return cls(data["intercept"], terms, tables)

    def _terms(self, rows: Sequence[FeatureRow]) -> np.ndarray:
        """Each row's term of each feature (rows x features), before centring."""
        out = np.zeros((len(rows), len(self.terms)))
        for j, (name, term) in enumerate(self.terms.items()):
            table = self.tables.tables[name]
            values = [row.get(name) for row in rows]
            index = _value_index(table, values)
            weights = np.append(np.asarray(term.weights), 0.0)  # index -1: not seen, adds nothing
            out[:, j] = weights[index]
            if table.edges is not None:
                straight, logged = _number_terms(numbers(values), term.fill)
                out[:, j] += term.slope * straight + term.log_slope * logged
        return out


def _value_index(table: Table, values: Sequence[object]) -> np.ndarray:
    """Each value's position in ``table.counts`` as ``Table.value_of`` reads it; -1 when not there."""
    position = {v: i for i, v in enumerate(table.counts)}
    unknown = float(position.get(UNKNOWN, -1))
    if table.edges is None:
        lookup = ValueLookup({v: float(i) for v, i in position.items()}, -1.0, unknown)
        return np.fromiter(map(lookup.__getitem__, values), dtype=float, count=len(values)).astype(np.int64)
    bands = np.array([position.get(label, -1) for label in band_labels(table.edges)])
    x = numbers(values)
    missing = np.isnan(x)
    found = bands[np.searchsorted(np.asarray(table.edges), np.where(missing, 0.0, x), side="right")]
    return np.where(missing, int(unknown), found)


def _number_terms(x: np.ndarray, fill: float) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``ln(1 + max(x, 0))``, a missing ``x`` read as ``fill`` (the training mean)."""
    x = np.where(np.isnan(x), fill, x)
    return x, np.log1p(np.clip(x, 0.0, None))


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
