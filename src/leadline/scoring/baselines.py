"""The two baselines a backtest compares Leadline's model with.

* ``NaiveBayesBaseline``: the frequency model of the kind Odoo's predictive lead scoring uses:
  for each field value the share of won and of lost records having it (Laplace-smoothed by one),
  multiplied as if independent, ``P(won) * prod P(v|won)`` against the same for lost. No
  calibration, no shrinkage: it over-counts overlapping evidence.
* ``LogisticBaseline``: a logistic regression on one-hot categories and standardised numbers
  (missing numbers imputed by the median, with a missing flag).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.interface import FeatureRow
from leadline.scoring.encoding import Encoder


class NaiveBayesBaseline:
    name = "naive Bayes (Odoo-style frequencies)"

    def __init__(self, rows: Sequence[FeatureRow], outcomes: Sequence[bool]) -> None:
        self.tables = FrequencyModel.fit(rows, outcomes).tables  # the same value bands and counts
        self.positives = sum(bool(y) for y in outcomes)
        self.negatives = len(outcomes) - self.positives

    def predict(self, rows: Sequence[FeatureRow]) -> list[float]:
        out = []
        for row in rows:
            won = math.log(self.positives + 1) - math.log(self.negatives + 1)
            for name, table in self.tables.items():
                value = table.value_of(row.get(name))
                k, n = table.counts.get(value, (0, 0))
                size = len(table.counts) + 1
                won += math.log((k + 1) / (self.positives + size)) - math.log((n - k + 1) / (self.negatives + size))
            out.append(1 / (1 + math.exp(-max(-700.0, min(700.0, won)))))
        return out


class LogisticBaseline:
    name = "logistic regression"

    def __init__(self, rows: Sequence[FeatureRow], outcomes: Sequence[bool]) -> None:
        self.encoder = Encoder.fit(rows)
        numeric = [j for j, n in enumerate(self.encoder.numeric) if n]
        categorical = [j for j, n in enumerate(self.encoder.numeric) if not n]
        transformer = ColumnTransformer([
            ("numbers", make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                                    keep_empty_features=True), StandardScaler()), numeric),
            ("categories", make_pipeline(SimpleImputer(strategy="constant", fill_value=-1.0,
                                                       keep_empty_features=True),
                                         OneHotEncoder(handle_unknown="ignore")), categorical),
        ])
        self.pipeline: Pipeline = make_pipeline(transformer, LogisticRegression(max_iter=1000, C=1.0))
        self.pipeline.fit(self.encoder.transform(rows), np.asarray([bool(y) for y in outcomes]))

    def predict(self, rows: Sequence[FeatureRow]) -> list[float]:
        return [float(p) for p in self.pipeline.predict_proba(self.encoder.transform(rows))[:, 1]]
