"""ADR 0080's measure: what calibrating the frequency model on out-of-fold raw scores changes,
against the leave-one-out raw scores it replaced (reproduced here, for the comparison only).

Calibration is ``p = sigmoid(a + b * raw)`` on the same raw tables, so while ``b > 0`` it cannot
change a rank measure (ROC AUC); it changes the probabilities. Measured on held-out rows, mean
over ``--seeds`` samples: log loss, Brier score and the calibration slope (``b`` of a logistic
refit of the held-out outcomes on the logit of the predicted probability: 1 is calibrated, below
1 over-confident, above 1 under-confident), and the fitted ``b``.

Data: the unit test's generator (``tests/unit/test_domain_scoring.py``): a trade-show lead
converts at 40 %, another at 10 %, with fifteen features of ten random values each; ``--rows``
training rows, 2,000 held-out rows of the same mechanism per seed.

Example::

    .venv/bin/python bench/bench_calibration.py --seeds 60 --rows 200
"""

from __future__ import annotations

import argparse
import math
import operator
import random
import statistics
from typing import Any

from leadline.domain.scoring.frequency import FrequencyModel, _effect


def leave_one_out_raw(self: FrequencyModel, cells: dict[str, list[str]], ys: list[bool]) -> list[float]:
    """The raw score of each training row without its own outcome (the code before ADR 0080)."""
    p0s = ((self.positives + 1 - 1) / (self.outcomes + 1), (self.positives + 1) / (self.outcomes + 1))
    out = [0.0] * len(ys)
    for name, table in self.tables.items():
        effects = {}
        for value, (k, n) in table.counts.items():
            effects[value, False] = _effect(k, n - 1, p0s[0])
            effects[value, True] = _effect(k - 1, n - 1, p0s[1])
        out = list(map(operator.add, out, map(effects.__getitem__, zip(cells[name], ys, strict=True))))
    return out


def sample(seed: int, count: int) -> tuple[list[dict[str, Any]], list[bool]]:
    rng = random.Random(seed)
    rows, ys = [], []
    for _ in range(count):
        show = rng.random() < 0.5
        row: dict[str, Any] = {"source": "Trade show" if show else "Web"}
        row.update({f"noise{i}": f"v{rng.randrange(10)}" for i in range(15)})
        rows.append(row)
        ys.append(rng.random() < (0.4 if show else 0.1))
    return rows, ys


def log_loss(ps: list[float], ys: list[bool]) -> float:
    return -statistics.fmean(math.log(p if y else 1 - p) for p, y in zip(ps, ys, strict=True))


def calibration_slope(ps: list[float], ys: list[bool]) -> float:
    """``b`` of the plain logistic fit ``y ~ sigmoid(a + b * logit(p))`` (Newton, no prior)."""
    xs = [math.log(p / (1 - p)) for p in ps]
    a, b = 0.0, 1.0
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            q = 1 / (1 + math.exp(-(a + b * x)))
            w = q * (1 - q)
            ga, gb = ga + y - q, gb + (y - q) * x
            haa, hab, hbb = haa + w, hab + w * x, hbb + w * x * x
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        a, b = a + (hbb * ga - hab * gb) / det, b + (haa * gb - hab * ga) / det
    return b


def brier(ps: list[float], ys: list[bool]) -> float:
    return statistics.fmean((p - y) ** 2 for p, y in zip(ps, ys, strict=True))


def measure(seeds: int, count: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {"log loss": [], "Brier": [], "calibration slope": [], "b": []}
    for seed in range(seeds):
        rows, ys = sample(seed, count)
        held, held_ys = sample(10_000 + seed, 2_000)
        model = FrequencyModel.fit(rows, ys)
        ps = model.predict(held)
        found["log loss"].append(log_loss(ps, held_ys))
        found["Brier"].append(brier(ps, held_ys))
        found["calibration slope"].append(calibration_slope(ps, held_ys) if model.b > 0 else float("nan"))
        found["b"].append(model.b)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=60)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    out_of_fold = FrequencyModel._out_of_fold_raw
    results = {}
    for label, raw in (("leave-one-out", leave_one_out_raw), ("out-of-fold", out_of_fold)):
        FrequencyModel._out_of_fold_raw = raw  # type: ignore[method-assign]
        results[label] = measure(args.seeds, args.rows)
    FrequencyModel._out_of_fold_raw = out_of_fold  # type: ignore[method-assign]
    base = statistics.fmean(log_loss([statistics.fmean(sample(s, args.rows)[1])] * 2_000, sample(10_000 + s, 2_000)[1])
                            for s in range(args.seeds))
    print(f"{args.seeds} seeds, {args.rows} training rows, 2,000 held out; base-rate log loss {base:.4f}")
    print(f"{'measure':20} {'leave-one-out':>22} {'out-of-fold':>22}")
    for name in results["out-of-fold"]:
        cells = []
        for label in ("leave-one-out", "out-of-fold"):
            values = [v for v in results[label][name] if not math.isnan(v)]
            cells.append(f"{statistics.fmean(values):.4f} (median {statistics.median(values):.3f})")
        print(f"{name:20} {cells[0]:>22} {cells[1]:>22}")


if __name__ == "__main__":
    main()
