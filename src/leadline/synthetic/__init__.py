"""Synthetic leads for tests and benchmarks: deterministic, realistic, standard library only.

>>> from datetime import UTC, datetime
>>> leads = generate_leads(1_000, seed=7, status_ids=[1, 2, 3, 4, 5], source_ids=range(10, 18),
...                        owner_ids=[100, 101], now=datetime(2025, 6, 1, tzinfo=UTC))
>>> len(leads), len(duplicate_pairs(leads)) == round(1_000 * DUPLICATE_RATE)
(1000, True)

``generate_leads`` makes the leads (see ``synthetic.generator`` for the distributions),
``duplicate_pairs`` names the planted duplicates, and ``true_conversion_probability`` is
the hidden chance of conversion a scoring model should learn to find.
"""

from leadline.synthetic.duplicates import DUPLICATE_RATE, duplicate_pairs
from leadline.synthetic.generator import generate_leads, window_start
from leadline.synthetic.propensity import conversion_score, true_conversion_probability

__all__ = [
    "DUPLICATE_RATE", "conversion_score", "duplicate_pairs", "generate_leads", "true_conversion_probability",
    "window_start",
]
