"""Every model type by name, and the choice between them by a time-ordered backtest.

``choose_model`` fits each candidate (frequency, boosted, additive) on the earlier 75 % of the rows
(oldest first) and scores the latest 25 %; the candidate with the better ROC AUC wins (the
transparent frequency model on a tie within ``TIE``), and is then refitted on every row. The
boosted and additive models are candidates only with at least ``BOOSTED_MINIMUM`` outcomes of each
kind: below that the boosted one cannot be both fitted and calibrated, and a regression on every
value would learn noise; above it, the backtest decides, never the count alone. Both reuse the
frequency model fitted on the same rows (their reasons come from its tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.interface import FeatureRow, ScoringModel
from leadline.domain.scoring.metrics import Evaluation, evaluate

BOOSTED_MINIMUM = 50
TIE = 0.005

KINDS = ("frequency", "boosted", "additive")


class StaleModelError(ValueError):
    """A stored model this process must not load as it is: a boosted model written by another
    scikit-learn, or stored before its version was recorded (``scoring.boosted``). ``tables`` is
    its frequency model to score with meanwhile (None: there is none)."""

    def __init__(self, message: str, tables: FrequencyModel | None) -> None:
        super().__init__(message)
        self.tables = tables


def _model_class(kind: str) -> type:
    """The class of a model type; the boosted and additive ones (numpy, scikit-learn) are imported
    on first use."""
    if kind == "frequency":
        return FrequencyModel
    if kind == "boosted":
        from leadline.scoring.boosted import BoostedModel

        return BoostedModel
    if kind == "additive":
        from leadline.scoring.additive import AdditiveModel

        return AdditiveModel
    raise ValueError(f"unknown model type {kind!r}")


def fit_model(kind: str, rows: Sequence[FeatureRow], outcomes: Sequence[bool], **options: object) -> ScoringModel:
    model: ScoringModel = _model_class(kind).fit(rows, outcomes, **options)
    return model


def load_model(kind: str, payload: bytes) -> ScoringModel:
    """A stored model back from its type and bytes. Raises ValueError for an unknown type and
    ``StaleModelError`` for a model this installation must not load as it is."""
    model: ScoringModel = _model_class(kind).from_payload(payload)
    return model


@dataclass
class Choice:
    model: ScoringModel
    #: each candidate's backtest on the latest quarter (missing: not a candidate, with why)
    backtests: dict[str, Evaluation] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def choose_model(rows: Sequence[FeatureRow], outcomes: Sequence[bool], *, outcome_word: str = "converted",
                 kinds: Sequence[str] = KINDS) -> Choice:
    """The best candidate by the backtest, refitted on all ``rows`` (ordered oldest first)."""
    ys = [bool(y) for y in outcomes]
    cut = int(len(rows) * 0.75)
    train, test = ys[:cut], ys[cut:]
    choice = Choice(FrequencyModel.fit(rows, ys, outcome_word=outcome_word))
    if len(set(train)) < 2 or len(set(test)) < 2:
        choice.skipped["backtest"] = "too few outcomes of each kind to backtest: the frequency model is used"
        return choice
    earlier = rows[:cut]
    fitted: dict[str, ScoringModel] = {}
    for kind in kinds:
        if kind != "frequency" and min(sum(train), len(train) - sum(train)) < BOOSTED_MINIMUM:
            choice.skipped[kind] = f"fewer than {BOOSTED_MINIMUM} outcomes of each kind to fit on"
            continue
        try:
            fitted[kind] = fit_model(kind, earlier, train, outcome_word=outcome_word,
                                     **_tables_of(kind, fitted.get("frequency")))
        except ValueError as error:
            choice.skipped[kind] = str(error)
            continue
        choice.backtests[kind] = evaluate(fitted[kind].predict(rows[cut:]), test)
    best = max(choice.backtests, key=lambda k: choice.backtests[k].roc_auc + (TIE if k == "frequency" else 0))
    if best != "frequency":
        choice.model = fit_model(best, rows, ys, outcome_word=outcome_word, **_tables_of(best, choice.model))
    return choice


def _tables_of(kind: str, frequency: ScoringModel | None) -> dict[str, object]:
    """The frequency model fitted on the same rows, for a model explaining itself by its tables
    (every kind but the frequency one), so that it is not fitted twice."""
    return {"tables": frequency} if kind != "frequency" and frequency is not None else {}
