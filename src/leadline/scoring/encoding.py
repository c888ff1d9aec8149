"""Feature rows to a numeric matrix: numbers as they are, categories as codes (missing is NaN)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from leadline.domain.scoring.interface import FeatureRow

MAX_CATEGORIES = 250  # the histogram booster takes at most 255 bins per feature


@dataclass
class Encoder:
    """Learned from training rows: which columns are numeric, each category's code."""

    names: list[str]
    numeric: list[bool]
    codes: list[dict[str, int]]

    @classmethod
    def fit(cls, rows: Sequence[FeatureRow]) -> Encoder:
        names: dict[str, None] = {}
        for row in rows:
            for name in row:
                names.setdefault(name)
        numeric, codes = [], []
        for name in names:
            present = [row.get(name) for row in rows]
            present = [v for v in present if v is not None and v != ""]
            is_numeric = bool(present) and all(isinstance(v, int | float) for v in present)
            numeric.append(is_numeric)
            counted = Counter(str(v) for v in present) if not is_numeric else Counter()
            codes.append({v: i for i, (v, _) in enumerate(counted.most_common(MAX_CATEGORIES))})
        return cls(list(names), numeric, codes)

    def transform(self, rows: Sequence[FeatureRow]) -> np.ndarray:
        matrix = np.full((len(rows), len(self.names)), np.nan)
        for j, (name, numeric, codes) in enumerate(zip(self.names, self.numeric, self.codes, strict=True)):
            column = matrix[:, j]
            other = float(len(codes))
            for i, row in enumerate(rows):
                value = row.get(name)
                if value is None or value == "":
                    continue
                if numeric:
                    number = _number(value)
                    if number is not None:
                        column[i] = number
                else:
                    column[i] = codes.get(str(value), other)
        return matrix

    def categorical_mask(self) -> list[bool]:
        return [not n for n in self.numeric]


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
