"""Feature rows to a numeric matrix: numbers as they are, categories as codes (missing is NaN)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from leadline.domain.scoring.interface import FeatureRow, FeatureValue

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
        """One column per feature, filled a column at a time (numbers as floats, categories as
        their codes, a category not seen in training as one more code, missing as NaN)."""
        matrix = np.empty((len(rows), len(self.names)), order="F")
        for j, (name, numeric, codes) in enumerate(zip(self.names, self.numeric, self.codes, strict=True)):
            values = [row.get(name) for row in rows]
            matrix[:, j] = numbers(values) if numeric else list(map(_codes(codes).__getitem__, values))
        return matrix

    def categorical_mask(self) -> list[bool]:
        return [not n for n in self.numeric]


def _codes(codes: dict[str, int]) -> ValueLookup:
    return ValueLookup({v: float(c) for v, c in codes.items()}, float(len(codes)), math.nan)


class ValueLookup(dict[object, float]):
    """A figure by a feature's value as given (a category code, a weight): a value is read as its
    text (``str``), as ``Table.value_of`` does; missing (None, "") has its own figure, a value not
    known ``other``. Used with ``map(lookup.__getitem__, values)``: known texts cost one look-up."""

    def __init__(self, known: dict[str, float], other: float, missing: float) -> None:
        super().__init__(known)
        self.known, self.other = known, other
        self[None] = self[""] = missing

    def __missing__(self, value: object) -> float:
        figure = self.known.get(str(value), self.other)
        if type(value) is str:  # kept only for texts: True, 1 and 1.0 are one key to a dict
            self[value] = figure
        return figure


def numbers(values: Sequence[FeatureValue]) -> np.ndarray:
    """Numbers as floats, anything missing, not finite or not a number as NaN."""
    try:
        column = np.array(values, dtype=float)  # None reads as NaN
    except (TypeError, ValueError):  # a text among the numbers: one at a time
        numbers = (None if v is None or v == "" else _number(v) for v in values)
        column = np.array([math.nan if n is None else n for n in numbers])
    column[~np.isfinite(column)] = math.nan
    return column


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
