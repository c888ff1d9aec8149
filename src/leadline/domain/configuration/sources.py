"""Lead sources as configuration: where a lead came from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadline.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class LeadSource:
    id: int
    label: str
    order: int = 0
    is_active: bool = True


#: The channels named in the lead management process every organisation starts with.
DEFAULT_LEAD_SOURCES: tuple[str, ...] = (
    "Web ad click-through",
    "Website form",
    "Online quiz",
    "Social media",
    "Phone call",
    "Customer referral",
    "Trade show",
    "Other",
)


def find_source(sources: Iterable[LeadSource], label_or_id: str | int) -> LeadSource:
    text = str(label_or_id).strip()
    sources = list(sources)
    for source in sources:
        if source.label.casefold() == text.casefold() or str(source.id) == text:
            return source
    active = ", ".join(s.label for s in sources if s.is_active)
    raise ValidationError(f"there is no lead source {label_or_id!r} (one of: {active})", field="source")


def ensure_selectable(source: LeadSource) -> None:
    """A deactivated source stays on old leads but is not offered for new ones."""
    if not source.is_active:
        raise ValidationError(f"lead source {source.label!r} is inactive", field="source")
