"""The forecast's "predicted" figure, beside the reps' commit: what a period is worth by the
opportunity model's predicted chances rather than by the reps' categories.

``predicted = won + sum(amount x predicted chance)`` over the period's open opportunities, each
amount in the organisation's currency at the rate valid on its close date (the forecast's own
rule: the latest rate on or before the close date, else the currency's first rate). An open
opportunity without a stored score (no model yet, or not scored) adds nothing and is counted in
``unscored``; one in a currency without any rate is counted in ``unconverted``. The database sums
amount x chance per currency and close date, so the page costs the same for any number of deals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

#: The period's open opportunities of one currency closing on one day: (currency, close date,
#: how many are scored, how many are not, the sum of amount x predicted chance over the scored).
OpenDeals = tuple[str, date, int, int, Decimal]


@dataclass(frozen=True, slots=True)
class Predicted:
    amount: Decimal
    won: Decimal
    open_expected: Decimal
    scored: int
    unscored: int
    unconverted: int = 0


def predicted_figure(won: Decimal, groups: Iterable[OpenDeals], rates: Iterable[tuple[str, date, Decimal]],
                     currency: str) -> Predicted:
    """The figure of a period from its ``won`` total and its open deals, summed per currency and
    close date (each day's sum converted at that day's rate).

    >>> found = predicted_figure(Decimal(100), [("USD", date(2026, 5, 1), 1, 0, Decimal(250)),
    ...                                         ("USD", date(2026, 5, 2), 0, 1, Decimal(0))], [], "USD")
    >>> found.amount, found.scored, found.unscored
    (Decimal('350.00'), 1, 1)
    """
    steps: dict[str, list[tuple[date, Decimal]]] = {}
    for code, valid_from, step in sorted(rates):
        steps.setdefault(code, []).append((valid_from, step))
    expected: Decimal = Decimal(0)
    scored = unscored = unconverted = 0
    for code, close_date, scored_here, unscored_here, expected_here in groups:
        unscored += unscored_here
        if not scored_here:
            continue
        rate = Decimal(1) if code == currency else _rate_on(steps.get(code, []), close_date)
        if rate is None:  # no rate for this currency: left out, counted
            unconverted += scored_here
            continue
        expected += expected_here * rate
        scored += scored_here
    expected = expected.quantize(Decimal("0.01"))
    return Predicted(won + expected, won, expected, scored, unscored, unconverted)


def _rate_on(steps: list[tuple[date, Decimal]], day: date) -> Decimal | None:
    if not steps:
        return None
    valid = [rate for valid_from, rate in steps if valid_from <= day]
    return valid[-1] if valid else steps[0][1]
