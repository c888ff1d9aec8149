"""The backtest: Leadline's model against two baselines on the same split of past records.

With times, the split is time-ordered: the earliest 75 % of the rows train, the latest 25 % test
(what a team would have seen had it trusted the model). Without, a stratified 75/25 split with a
fixed seed. Leadline's model is chosen on the training rows alone (``registry.choose_model``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from leadline.domain.scoring.interface import FeatureRow
from leadline.domain.scoring.metrics import Evaluation, evaluate
from leadline.scoring.baselines import LogisticBaseline, NaiveBayesBaseline
from leadline.scoring.registry import choose_model
from leadline.scoring.table import Table, TableError

TEST_SHARE = 0.25


@dataclass
class Backtest:
    split: str
    train_rows: int
    test_rows: int
    chosen: str
    #: model name -> its evaluation on the test rows, Leadline's first
    results: dict[str, Evaluation] = field(default_factory=dict)
    probabilities: dict[str, list[float]] = field(default_factory=dict)
    test_outcomes: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_backtest(table: Table, *, seed: int = 0, outcome_word: str = "converted") -> Backtest:
    """Raises ``TableError`` when the split leaves one side without both outcomes."""
    train, test, split = split_rows(table, seed)
    rows = table.rows
    train_rows: list[FeatureRow] = [rows[i] for i in train]
    train_ys = [table.outcomes[i] for i in train]
    test_rows: list[FeatureRow] = [rows[i] for i in test]
    test_ys = [table.outcomes[i] for i in test]
    if len(set(train_ys)) < 2 or len(set(test_ys)) < 2:
        raise TableError("the split leaves too few outcomes of each kind to train and test; add rows")
    choice = choose_model(train_rows, train_ys, outcome_word=outcome_word)
    report = Backtest(split, len(train), len(test), choice.model.kind, test_outcomes=test_ys)
    report.notes += [f"{kind}: {why}" for kind, why in choice.skipped.items()]
    report.notes += [f"choosing Leadline's model on the training rows: {kind} ROC AUC {e.roc_auc:.3f}"
                     for kind, e in choice.backtests.items()]
    candidates = {f"Leadline ({choice.model.kind})": choice.model,
                  NaiveBayesBaseline.name: NaiveBayesBaseline(train_rows, train_ys),
                  LogisticBaseline.name: LogisticBaseline(train_rows, train_ys)}
    for name, model in candidates.items():
        probabilities = model.predict(test_rows)
        report.probabilities[name] = probabilities
        report.results[name] = evaluate(probabilities, test_ys)
    if len(set(report.probabilities[f"Leadline ({choice.model.kind})"])) == 1:
        report.notes.append(f"Leadline's model found no feature that tells the training rows' outcomes apart "
                            f"better than chance: it gives every row the same probability "
                            f"({report.probabilities[f'Leadline ({choice.model.kind})'][0]:.3f})")
    return report


def split_rows(table: Table, seed: int) -> tuple[list[int], list[int], str]:
    count = len(table.rows)
    if table.times is not None:
        times = table.times
        order = sorted(range(count), key=lambda i: times[i])
        cut = count - max(1, round(count * TEST_SHARE))
        return order[:cut], order[cut:], f"time-ordered: the latest {count - cut} rows test"
    rng = random.Random(seed)
    train: list[int] = []
    test: list[int] = []
    for outcome in (True, False):
        members = [i for i in range(count) if table.outcomes[i] is outcome]
        rng.shuffle(members)
        cut = len(members) - max(1, round(len(members) * TEST_SHARE))
        train += members[:cut]
        test += members[cut:]
    return sorted(train), sorted(test), f"stratified (no time column): {len(test)} random rows test"


def render(table: Table, report: Backtest) -> str:
    """The backtest as text: columns used and excluded, the measures, the calibration tables."""
    lines = [f"rows: {len(table.rows)} (train {report.train_rows}, test {report.test_rows}); "
             f"positive outcome: {table.positive!r}; split: {report.split}"]
    used = [f"{n} ({k})" for n, k in table.kinds.items() if k in ("number", "category")]
    lines.append("features: " + (", ".join(used) or "none"))
    lines += ["excluded:"] + [f"  {name}: {why}" for name, why in table.excluded.items()] if table.excluded else []
    lines += [f"note: {n}" for n in [*table.notes, *report.notes]]
    lines.append("")
    lines.append(f"{'model':40} {'ROC AUC':>8} {'PR AUC':>8} {'Brier':>8} {'cal.err':>8} {'lift@10%':>9}")
    for name, e in report.results.items():
        lines.append(f"{name:40} {e.roc_auc:8.3f} {e.pr_auc:8.3f} {e.brier:8.4f} {e.calibration_error:8.3f} "
                     f"{e.top_decile_lift:9.2f}")
    for name, e in report.results.items():
        lines += ["", f"calibration, {name}:", f"  {'bin':>11} {'rows':>7} {'predicted':>10} {'observed':>9}"]
        lines += [f"  {b.low:4.1f}-{b.high:4.1f}   {b.rows:7d} {b.mean_predicted:10.3f} {b.observed_rate:9.3f}"
                  for b in e.calibration]
    return "\n".join(lines)


def as_json(table: Table, report: Backtest) -> dict[str, object]:
    return {
        "rows": len(table.rows), "train_rows": report.train_rows, "test_rows": report.test_rows,
        "positive": table.positive, "split": report.split, "chosen": report.chosen,
        "features": {n: k for n, k in table.kinds.items() if k in ("number", "category")},
        "excluded": dict(table.excluded), "notes": [*table.notes, *report.notes],
        "models": {name: {"roc_auc": e.roc_auc, "pr_auc": e.pr_auc, "brier": e.brier,
                          "calibration_error": e.calibration_error, "top_decile_lift": e.top_decile_lift,
                          "calibration": [[b.low, b.high, b.rows, b.mean_predicted, b.observed_rate]
                                          for b in e.calibration]}
                   for name, e in report.results.items()},
    }


def write_plots(report: Backtest, directory: Path, stem: str = "backtest") -> list[Path]:
    """ROC curves and a calibration plot of every model, as PNG files in ``directory``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import roc_curve

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    figure, axes = plt.subplots(figsize=(6, 5))
    for name, probabilities in report.probabilities.items():
        fpr, tpr, _ = roc_curve(report.test_outcomes, probabilities)
        axes.plot(fpr, tpr, label=f"{name} (AUC {report.results[name].roc_auc:.3f})")
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey")
    axes.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    axes.legend(fontsize=7)
    written.append(_save(figure, directory / f"{stem}-roc.png"))
    figure, axes = plt.subplots(figsize=(6, 5))
    for name, e in report.results.items():
        axes.plot([b.mean_predicted for b in e.calibration], [b.observed_rate for b in e.calibration],
                  marker="o", label=name)
    axes.plot([0, 1], [0, 1], linestyle=":", color="grey")
    axes.set(xlabel="predicted probability", ylabel="observed rate", title="Calibration")
    axes.legend(fontsize=7)
    written.append(_save(figure, directory / f"{stem}-calibration.png"))
    return written


def _save(figure: object, path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure.savefig(path, dpi=100)  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    return path


def rows_and_outcomes(table: Table, keep: Sequence[int]) -> tuple[list[FeatureRow], list[bool]]:
    return [table.rows[i] for i in keep], [table.outcomes[i] for i in keep]
