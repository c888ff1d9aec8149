"""What a lead may hold but is likely a mistake: accepted, and told to the rep at once.

A warning never refuses anything (the rep may be recording exactly what the buyer said); it names
the field, has a stable UPPER_SNAKE code like an error, and says what looks wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from leadline.domain.leads.lead import Lead

#: A purchase timeframe before today: the buyer's date has passed (or was mistyped).
TIMEFRAME_IN_PAST = "TIMEFRAME_IN_PAST"


@dataclass(frozen=True, slots=True)
class FieldWarning:
    field: str
    code: str
    message: str


def is_timeframe_in_past(timeframe: date | None, today: date) -> bool:
    """True for a purchase timeframe before ``today`` (today itself is still ahead of the buyer)."""
    return timeframe is not None and timeframe < today


def lead_warnings(lead: Lead, today: date, *, fields: frozenset[str] | None = None) -> list[FieldWarning]:
    """The warnings of a lead being captured or changed on ``today`` (the context clock's UTC date);
    with ``fields``, only those about the fields given (an update warns about what it changed).
    A timeframe of 2026-01-31 captured on 2026-03-02 gives ``TIMEFRAME_IN_PAST``."""
    found = []
    if (fields is None or "purchase_timeframe" in fields) and is_timeframe_in_past(lead.purchase_timeframe, today):
        found.append(FieldWarning("purchase_timeframe", TIMEFRAME_IN_PAST,
                                  f"{lead.purchase_timeframe} is in the past: check the date the buyer plans to buy"))
    return found
