"""Reason lists an organisation configures: why a lead was disqualified, why a deal was lost.

Reasons are data, not free text, so analytics can count them; each list keeps its order and
retires entries by deactivation (records that carry a reason keep it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from leadline.domain.errors import ReasonRequiredError, ValidationError


class ReasonKind(StrEnum):
    LEAD_UNQUALIFIED = "lead_unqualified"
    OPPORTUNITY_LOST = "opportunity_lost"


@dataclass(frozen=True, slots=True)
class Reason:
    id: int
    kind: ReasonKind
    label: str
    order: int
    is_active: bool = True


DEFAULT_REASONS: dict[ReasonKind, tuple[str, ...]] = {
    ReasonKind.LEAD_UNQUALIFIED: (
        "No budget", "No authority", "No need", "Bad timing", "Unreachable", "Not a fit", "Duplicate",
        "Competitor",
    ),
    ReasonKind.OPPORTUNITY_LOST: (
        "Price", "Competitor", "No decision", "Timing", "Product fit", "Lost contact",
    ),
}


def parse_reason_kind(value: str) -> ReasonKind:
    try:
        return ReasonKind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in ReasonKind)
        raise ValidationError(f"{value!r} is not a reason list; use one of {allowed}", field="kind") from None


def find_reason(reasons: Iterable[Reason], kind: ReasonKind, label_or_id: object, *, field: str = "reason") -> Reason:
    """The active reason of list ``kind`` named by label (any case) or id.

    Raises ``REASON_REQUIRED`` when none is given and ``VALIDATION_FAILED`` naming the allowed
    labels when the one given is not in the list.
    """
    text = "" if label_or_id is None else str(label_or_id).strip()
    usable = [r for r in reasons if r.kind is kind and r.is_active]
    allowed = ", ".join(r.label for r in sorted(usable, key=lambda r: r.order))
    if not text:
        raise ReasonRequiredError(f"a reason is required; use one of: {allowed}", field=field)
    for reason in usable:
        if reason.label.casefold() == text.casefold() or str(reason.id) == text:
            return reason
    raise ValidationError(f"{label_or_id!r} is not an active reason; use one of: {allowed}", field=field)
