"""The gradient-boosted model: scikit-learn's histogram booster, calibrated on the latest rows.

Small trees (eight leaves, a hundred rows a leaf on larger data), and from ``EARLY_STOPPING_ROWS``
fitting rows a learning rate of 0.1 with early stopping on a tenth of them: on noisy sales data
deeper trees learned the noise (bench/RESULTS.md, issue 19). The rate was 0.05: with early stopping
0.1 reached the same backtest ROC AUC (within 0.0003 on the generated leads and opportunities) with
about half the trees, so scoring a batch costs about half as much (every row walks every tree).
Below that, without early stopping, all 300 trees are grown, at the slower 0.05.

Fitted on the earlier 80 % of the rows (in the order given: oldest first), its probabilities are
calibrated (isotonic with a thousand or more calibration rows, else sigmoid) on the latest 20 %, so
the calibration is learnt on rows the booster did not see. Its reasons come from a
smoothed-frequency model fitted on the same rows: the counts a rep can check ("from Trade show: 35
of 50 converted"); the booster decides the probability, the tables explain the evidence.

**Stored form.** A pickle is only read back faithfully by the scikit-learn that wrote it, so the
payload starts with a header naming the scikit-learn and numpy versions and holding the frequency
tables (as JSON), then the pickle. ``from_payload`` compares the scikit-learn versions before
unpickling anything: on a mismatch (or a payload without the header, stored before it existed) it raises
``StaleModelError``, which carries the frequency tables, so the caller can score with those and
tell to retrain.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Sequence

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from threadpoolctl import threadpool_limits

from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.interface import FeatureRow, Scored, TrainingSummary
from leadline.scoring.encoding import Encoder
from leadline.scoring.registry import StaleModelError

KIND = "boosted"
#: how a payload with its versions starts (a bare pickle starts with b"\x80")
MAGIC = b"leadline-boosted/1\n"


def runtime_versions() -> dict[str, str]:
    """The versions a pickled booster depends on, as this process has them."""
    return {"scikit-learn": sklearn.__version__, "numpy": np.__version__}
#: OpenMP threads of the booster: one, because a server shares its cores (the web workers, other
#: jobs) and idle OpenMP threads spin; on a loaded two-core machine that cost ten times the CPU
THREADS = 1
#: fitting rows from which the booster stops early (on a tenth of them) and learns at 0.1
EARLY_STOPPING_ROWS = 2000


class BoostedModel:
    """Honours ``ScoringModel``."""

    kind = KIND

    def __init__(self, encoder: Encoder, calibrated: CalibratedClassifierCV, tables: FrequencyModel) -> None:
        self.encoder, self.calibrated, self.tables = encoder, calibrated, tables
        self.summary: TrainingSummary = tables.summary

    @classmethod
    def fit(cls, rows: Sequence[FeatureRow], outcomes: Sequence[bool], *, outcome_word: str = "converted",
            seed: int = 0, tables: FrequencyModel | None = None) -> BoostedModel:
        """Raises ValueError when either part of the split lacks one of the outcomes. ``tables``: the
        frequency model already fitted on the same rows and outcomes (``choose_model`` has one), so
        it is not fitted twice; without it, it is fitted here."""
        ys = np.asarray([bool(y) for y in outcomes], dtype=np.int8)
        encoder = Encoder.fit(rows)
        x = encoder.transform(rows)
        cut = int(len(rows) * 0.8)
        if len(set(ys[:cut].tolist())) < 2 or len(set(ys[cut:].tolist())) < 2:
            raise ValueError("the boosted model needs both outcomes in its fitting and calibration rows")
        stops = cut >= EARLY_STOPPING_ROWS
        booster = HistGradientBoostingClassifier(
            categorical_features=encoder.categorical_mask() or None, max_iter=300, learning_rate=0.1 if stops else 0.05,
            max_leaf_nodes=8, min_samples_leaf=100 if cut >= 5000 else 20, l2_regularization=1.0,
            early_stopping=stops, validation_fraction=0.1, n_iter_no_change=20, random_state=seed)
        method = "isotonic" if len(rows) - cut >= 1000 else "sigmoid"
        calibrated = CalibratedClassifierCV(FrozenEstimator(booster), method=method)
        with threadpool_limits(limits=THREADS, user_api="openmp"):
            booster.fit(x[:cut], ys[:cut])
            calibrated.fit(x[cut:], ys[cut:])
        if tables is None:
            tables = FrequencyModel.fit(rows, outcomes, outcome_word=outcome_word)
        return cls(encoder, calibrated, tables)

    def predict(self, rows: Sequence[FeatureRow]) -> list[float]:
        return [float(p) for p in self.predict_array(rows)]

    def predict_array(self, rows: Sequence[FeatureRow]) -> np.ndarray:
        with threadpool_limits(limits=THREADS, user_api="openmp"):
            return self.calibrated.predict_proba(self.encoder.transform(rows))[:, 1]

    def score(self, row: FeatureRow, top: int = 3) -> Scored:
        evidence = self.tables.score(row, top)
        return Scored(float(self.predict_array([row])[0]), evidence.confident, evidence.up, evidence.down)

    def to_payload(self) -> bytes:
        header = json.dumps({"versions": runtime_versions(), "tables": json.loads(self.tables.to_payload())})
        encoded = header.encode()
        return MAGIC + len(encoded).to_bytes(8, "big") + encoded + pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_payload(cls, payload: bytes) -> BoostedModel:
        """Only for payloads this application stored itself (pickle runs code from its input).
        Raises ``StaleModelError`` (with the frequency tables) when the versions differ."""
        if not payload.startswith(MAGIC):
            raise StaleModelError("this boosted model was stored without its scikit-learn version, so it is not "
                                  "loaded; run 'leadline score train' to store a fresh one", None)
        start = len(MAGIC) + 8
        end = start + int.from_bytes(payload[len(MAGIC):start], "big")
        header = json.loads(payload[start:end])
        stored, here = header["versions"], runtime_versions()
        if stored.get("scikit-learn") != here["scikit-learn"]:  # numpy is recorded, its pickles last longer
            differ = f"scikit-learn {stored.get('scikit-learn')} (this installation: {here['scikit-learn']})"
            tables = FrequencyModel.from_payload(json.dumps(header["tables"]).encode())
            raise StaleModelError(f"this boosted model was stored by {differ}, so it is not loaded and its "
                                  f"frequency tables score instead; run 'leadline score train' to store a fresh one",
                                  tables)
        model = pickle.loads(payload[end:])  # noqa: S301 - our own stored model
        if not isinstance(model, cls):
            raise ValueError("the payload is not a boosted model")
        return model
