"""The fuzzy similarity the duplicate rules use: rapidfuzz's token-sort ratio (0-100), imported on
first use (a command that checks no duplicate does not pay for it)."""

from __future__ import annotations


def rapidfuzz_similarity(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.token_sort_ratio(a, b))
