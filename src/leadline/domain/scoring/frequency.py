"""The transparent smoothed-frequency model: useful from the first twenty outcomes.

For each feature value the share of positive outcomes is smoothed towards the overall rate with
a Beta prior worth ``PRIOR_WEIGHT`` outcomes: ``p(v) = (k + A*p0) / (n + A)`` where ``k`` of
``n`` rows with value ``v`` were positive and ``p0`` is the smoothed overall rate. Each value's
evidence is its log-odds against the overall rate, ``e(v) = logit(p(v)) - logit(p0)``; a row's raw
score is the sum of its values' evidence (naive Bayes on smoothed tables). Because features overlap,
that sum over-counts: a logistic calibration ``logit(p) = a + b * raw`` is fitted on
out-of-fold raw scores (each training row scored with tables that leave out its fifth of the rows),
so the probability is calibrated and ``b`` shrinks the over-count.

Numbers are cut at their quintiles into bands; a missing value is its own band, "unknown".
A value never seen in training carries no evidence. A feature with one value, or with distinct
values for most rows (an id), is left out.
"""

from __future__ import annotations

import json
import math
import operator
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from leadline.domain.scoring.interface import FeatureRow, FeatureValue, Reason, Scored, TrainingSummary
from leadline.domain.scoring.wording import UNKNOWN, phrase

PRIOR_WEIGHT = 10.0
B_PRIOR = 10.0
#: The calibration of a fitted model scores each training row with tables that leave its fold out.
CALIBRATION_FOLDS = 5
BANDS = 5
KIND = "frequency"


@dataclass(frozen=True, slots=True)
class Table:
    """One feature's counts: value -> (positives, rows); numbers' band edges when numeric."""

    counts: dict[str, tuple[int, int]]
    edges: tuple[float, ...] | None = None

    def value_of(self, value: FeatureValue) -> str:
        if value is None or value == "":
            return UNKNOWN
        if self.edges is None:
            return str(value)
        try:
            return band_label(self.edges, float(value))
        except ValueError:  # a text where training saw numbers: not known
            return UNKNOWN


class FrequencyModel:
    """Honours ``ScoringModel``. Build with ``FrequencyModel.fit(rows, outcomes)``."""

    kind = KIND

    def __init__(self, tables: dict[str, Table], positives: int, outcomes: int, a: float, b: float,
                 outcome_word: str = "converted") -> None:
        self.tables = tables
        self.positives, self.outcomes = positives, outcomes
        self.a, self.b = a, b
        self.outcome_word = outcome_word
        self.p0 = (positives + 1) / (outcomes + 2)
        self.summary = TrainingSummary(outcomes, positives, tuple(tables))
        self._effects = {name: {v: _effect(k, n, self.p0) for v, (k, n) in t.counts.items()}
                         for name, t in tables.items()}

    @classmethod
    def fit(cls, rows: Sequence[FeatureRow], outcomes: Sequence[bool], *,
            outcome_word: str = "converted") -> FrequencyModel:
        """Fit on ``rows`` and their ``outcomes`` (True = positive). Raises ValueError without rows."""
        if not rows or len(rows) != len(outcomes):
            raise ValueError("need as many outcomes as rows, and at least one")
        ys = [bool(y) for y in outcomes]
        tables, cells = {}, {}
        for name in _feature_names(rows):
            fitted = _table(name, [row.get(name) for row in rows], ys)
            if fitted is not None:
                tables[name], cells[name] = fitted
        model = cls(tables, sum(ys), len(ys), 0.0, 1.0, outcome_word)
        raw = model._out_of_fold_raw(cells, ys)
        model.a, model.b = fit_platt(raw, ys)
        return model

    def raw(self, row: FeatureRow) -> float:
        total = 0.0
        for name, table in self.tables.items():
            total += self._effects[name].get(table.value_of(row.get(name)), 0.0)
        return total

    def predict(self, rows: Sequence[FeatureRow]) -> list[float]:
        a, b = self.a, self.b
        return [_sigmoid(a + b * self.raw(row)) for row in rows]

    def score(self, row: FeatureRow, top: int = 3) -> Scored:
        reasons = self.reasons(row)
        up = tuple(r for r in sorted(reasons, key=lambda r: -r.effect) if r.effect > 0)[:top]
        down = tuple(r for r in sorted(reasons, key=lambda r: r.effect) if r.effect < 0)[:top]
        return Scored(_sigmoid(self.a + self.b * self.raw(row)), self.is_confident(row), up, down)

    def reasons(self, row: FeatureRow) -> list[Reason]:
        """Every feature value of ``row`` seen in training, with its counts and push (``b * e(v)``)."""
        found = []
        for name, table in self.tables.items():
            value = table.value_of(row.get(name))
            if value not in table.counts:
                continue
            k, n = table.counts[value]
            effect = self.b * self._effects[name][value]
            found.append(Reason(name, value, k, n, effect,
                                f"{phrase(name, value)}: {k} of {n} {self.outcome_word}"))
        return found

    def is_confident(self, row: FeatureRow) -> bool:
        """Sure enough when trained on enough outcomes of each kind and most of the row's values
        were seen at least ten times."""
        if self.summary.is_thin():
            return False
        seen = sum(self.tables[n].counts.get(self.tables[n].value_of(row.get(n)), (0, 0))[1] >= 10
                   for n in self.tables)
        return seen * 2 >= len(self.tables)

    def to_payload(self) -> bytes:
        return json.dumps({
            "kind": KIND, "positives": self.positives, "outcomes": self.outcomes, "a": self.a, "b": self.b,
            "outcome_word": self.outcome_word,
            "tables": {name: {"counts": {v: list(c) for v, c in t.counts.items()},
                              "edges": list(t.edges) if t.edges is not None else None}
                       for name, t in self.tables.items()},
        }, sort_keys=True).encode()

    @classmethod
    def from_payload(cls, payload: bytes) -> FrequencyModel:
        data = json.loads(payload)
        tables = {name: Table({v: (int(c[0]), int(c[1])) for v, c in t["counts"].items()},
                              tuple(t["edges"]) if t["edges"] is not None else None)
                  for name, t in data["tables"].items()}
        return cls(tables, data["positives"], data["outcomes"], data["a"], data["b"], data["outcome_word"])

    def _out_of_fold_raw(self, cells: dict[str, list[str]], ys: list[bool]) -> list[float]:
        """Each training row's raw score from tables that leave out its fold (row ``i`` is in fold
        ``i % CALIBRATION_FOLDS``), from the rows' values as each table reads them (``cells``), one
        column at a time. Rows of one fold sharing a value share its evidence: leaving out only
        the row itself would push every positive row's own values down and every negative row's
        up, so on sparse tables the raw score would rank the training rows backwards and the
        calibration would flatten the model to one probability."""
        folds = [i % CALIBRATION_FOLDS for i in range(len(ys))]
        fold_k, fold_n = [0] * CALIBRATION_FOLDS, [0] * CALIBRATION_FOLDS
        for fold, y in zip(folds, ys, strict=True):
            fold_k[fold] += y
            fold_n[fold] += 1
        p0s = [(self.positives - fold_k[f] + 1) / (self.outcomes - fold_n[f] + 2) for f in range(CALIBRATION_FOLDS)]
        out = [0.0] * len(ys)
        for name, table in self.tables.items():
            keys = list(zip(cells[name], folds, strict=True))
            inside, positive = Counter(keys), Counter(compress(keys, ys))
            effects = {(value, fold): _effect(table.counts[value][0] - positive[value, fold],
                                              table.counts[value][1] - n, p0s[fold])
                       for (value, fold), n in inside.items()}
            out = list(map(operator.add, out, map(effects.__getitem__, keys)))
        return out


def fit_platt(raw: Sequence[float], ys: Sequence[bool], iterations: int = 25) -> tuple[float, float]:
    """``a, b`` of ``p = sigmoid(a + b * raw)`` by Newton's method on the log-likelihood, with a
    Gaussian prior on ``b`` centred on 1 (plain naive Bayes) worth ``B_PRIOR`` units of curvature:
    with twenty outcomes the prior holds ``b`` near 1, with thousands the data decide. ``b`` is kept
    at 0 or above."""
    a, b = 0.0, 1.0
    ridge = B_PRIOR
    targets = [1.0 if y else 0.0 for y in ys]
    exp = math.exp
    for _ in range(iterations):
        ga = gb = haa = hab = hbb = 0.0
        for x, t in zip(raw, targets, strict=True):  # _sigmoid inlined: this loop runs over every training row
            z = a + b * x
            if z >= 0:
                p = 1 / (1 + exp(-z))
            else:
                e = exp(z)
                p = e / (1 + e)
            r = p - t
            w = p * (1 - p)
            ga += r
            gb += r * x
            haa += w
            hab += w * x
            hbb += w * x * x
        gb += ridge * (b - 1)
        haa += ridge
        hbb += ridge
        det = haa * hbb - hab * hab
        if det <= 1e-12:
            break
        da = (hbb * ga - hab * gb) / det
        db = (haa * gb - hab * ga) / det
        a, b = a - da, max(0.0, b - db)
        if abs(da) < 1e-9 and abs(db) < 1e-9:
            break
    return a, b


def band_label(edges: Sequence[float], x: float) -> str:
    """The band of ``x`` among ``edges``: "under 3", "3 to 7", "7 or more".

    >>> band_label((3.0, 7.0), 5.0)
    '3 to 7'
    """
    return band_labels(tuple(edges))[bisect_right(edges, x)]


@lru_cache(maxsize=256)
def band_labels(edges: tuple[float, ...]) -> tuple[str, ...]:
    """Every band's label among ``edges``, by ``bisect_right(edges, x)``.

    >>> band_labels((3.0, 7.0))
    ('under 3', '3 to 7', '7 or more')
    """
    inner = tuple(f"{low:g} to {high:g}" for low, high in zip(edges, edges[1:], strict=False))
    return (f"under {edges[0]:g}", *inner, f"{edges[-1]:g} or more")


def _feature_names(rows: Sequence[FeatureRow]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        for name in row:
            names.setdefault(name)
    return list(names)


def _table(name: str, values: list[FeatureValue], ys: list[bool]) -> tuple[Table, list[str]] | None:
    """One feature's table and each row's value as the table reads it (``Table.value_of``), or
    None when the feature is left out (one value only, or an id-like category)."""
    present = [v for v in values if v is not None and v != ""]
    numeric = bool(present) and all(isinstance(v, int | float) for v in present)
    if numeric:
        numbers = [float(v) for v in present if v is not None]
        edges: tuple[float, ...] | None = _quantile_edges(numbers) or (min(numbers),)
        labels, cut = band_labels(edges), edges
        cells = [UNKNOWN if v is None or v == "" else labels[bisect_right(cut, v)] for v in values]  # type: ignore[arg-type]
    else:
        edges = None
        cells = [UNKNOWN if v is None or v == "" else str(v) for v in values]
    rows = Counter(cells)
    if len(rows) < 2 or (not numeric and len(rows) > max(20, len(values) // 2)):
        return None
    positives = Counter(compress(cells, ys))
    return Table({v: (positives.get(v, 0), n) for v, n in rows.items()}, edges), cells


def _quantile_edges(values: list[float]) -> tuple[float, ...]:
    distinct = sorted(set(values))
    if len(distinct) < 2:
        return ()
    if len(distinct) <= BANDS:  # a few values (a count of activities): each its own band
        return tuple(distinct[1:])
    ordered = sorted(values)
    cuts = {float(f"{ordered[len(ordered) * i // BANDS]:.3g}") for i in range(1, BANDS)}
    return tuple(sorted(c for c in cuts if c > ordered[0]))


def _effect(k: int, n: int, p0: float) -> float:
    p = (k + PRIOR_WEIGHT * p0) / (n + PRIOR_WEIGHT)
    return _logit(p) - _logit(p0)


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)
    return e / (1 + e)
