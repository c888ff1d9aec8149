"""The fuzzy similarity the duplicate rules use: rapidfuzz's token-sort ratio (0-100), imported on
first use (a command that checks no duplicate does not pay for it)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache


@cache
def _token_sort_ratio() -> Callable[[str, str], float]:
    from rapidfuzz import fuzz

    return fuzz.token_sort_ratio


def rapidfuzz_similarity(a: str, b: str) -> float:
    return float(_token_sort_ratio()(a, b))
