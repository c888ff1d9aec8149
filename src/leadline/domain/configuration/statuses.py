"""Lead statuses as configuration, with explicit kinds.

A status has a *kind* that gives it meaning whatever the organisation calls it:
open, working, qualified, unqualified or converted. The rules here keep the
configuration usable: there is always exactly one active default status (what a
new lead gets) and at least one active converted status (what conversion sets).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from leadline.domain.common import clean_text, counted
from leadline.domain.errors import (
    ConfigurationError,
    InvalidStatusError,
    StatusInUseError,
    ValidationError,
)


class StatusKind(StrEnum):
    OPEN = "open"
    WORKING = "working"
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"
    CONVERTED = "converted"


@dataclass(frozen=True, slots=True)
class LeadStatus:
    id: int
    label: str
    order: int
    kind: StatusKind
    is_default: bool = False
    is_active: bool = True

    def can_be_set_by_hand(self) -> bool:
        """Converted statuses are reached only by converting a lead."""
        return self.is_active and self.kind is not StatusKind.CONVERTED


#: The defaults every new organisation starts with: (label, kind, is_default).
DEFAULT_LEAD_STATUSES: tuple[tuple[str, StatusKind, bool], ...] = (
    ("Open", StatusKind.OPEN, True),
    ("Contacted", StatusKind.WORKING, False),
    ("Qualified", StatusKind.QUALIFIED, False),
    ("Unqualified", StatusKind.UNQUALIFIED, False),
    ("Converted", StatusKind.CONVERTED, False),
)


def parse_status_kind(value: str) -> StatusKind:
    try:
        return StatusKind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in StatusKind)
        raise ValidationError(f"{value!r} is not a status kind; use one of {allowed}", field="kind") from None


def clean_label(label: str) -> str:
    cleaned = clean_text(label, field="label", max_length=80, required=True)
    assert cleaned is not None
    return cleaned


def ensure_label_free(label: str, existing: Iterable[str], *, exclude: str | None = None) -> None:
    """Labels are unique per list, ignoring case, so a user can name a status by its label."""
    wanted = label.casefold()
    for other in existing:
        if other.casefold() == wanted and (exclude is None or other.casefold() != exclude.casefold()):
            raise ValidationError(f"{label!r} already exists", field="label")


def find_status(statuses: Iterable[LeadStatus], label_or_id: str | int) -> LeadStatus:
    """The status named by label (any case) or id; ``InvalidStatusError`` if there is none,
    naming the labels there are."""
    text = str(label_or_id).strip()
    statuses = list(statuses)
    for status in statuses:
        if status.label.casefold() == text.casefold() or str(status.id) == text:
            return status
    raise InvalidStatusError(f"there is no lead status {label_or_id!r} (one of: "
                             f"{', '.join(s.label for s in statuses)})", field="status")


def first_of_kind(statuses: Iterable[LeadStatus], kind: StatusKind) -> LeadStatus | None:
    """The first active status of ``kind`` in list order, if any."""
    candidates = sorted((s for s in statuses if s.kind is kind and s.is_active), key=lambda s: s.order)
    return candidates[0] if candidates else None


def default_status(statuses: Iterable[LeadStatus]) -> LeadStatus:
    for status in statuses:
        if status.is_default and status.is_active:
            return status
    raise ConfigurationError("no active default lead status is configured")


def ensure_usable(statuses: Sequence[LeadStatus]) -> None:
    """Refuse a configuration without exactly one active default or without an active converted status."""
    defaults = [s for s in statuses if s.is_default and s.is_active]
    if len(defaults) != 1:
        raise ConfigurationError("exactly one active lead status must be the default", field="is_default")
    if defaults[0].kind is StatusKind.CONVERTED:
        raise ConfigurationError("the default status cannot be a converted status", field="is_default")
    if not any(s.kind is StatusKind.CONVERTED and s.is_active for s in statuses):
        raise ConfigurationError("at least one active converted status must exist", field="kind")


def ensure_deletable(status: LeadStatus, leads_using_it: int) -> None:
    if leads_using_it:
        raise StatusInUseError(
            f"{counted(leads_using_it, 'lead')} {'has' if leads_using_it == 1 else 'have'} status "
            f"{status.label!r}; deactivate it instead",
            field="status",
        )


def set_default(statuses: Sequence[LeadStatus], chosen: LeadStatus) -> list[LeadStatus]:
    """``statuses`` with ``chosen`` the single default, checked to stay usable (``statuses`` are
    left as they were)."""
    if not chosen.is_active:
        raise ConfigurationError("an inactive status cannot be the default", field="is_default")
    changed = [replace(status, is_default=status.id == chosen.id) for status in statuses]
    ensure_usable(changed)
    return changed


def deactivate(statuses: Sequence[LeadStatus], chosen: LeadStatus) -> list[LeadStatus]:
    """``statuses`` with ``chosen`` deactivated (leads keep it; it is no longer offered), checked
    to stay usable."""
    changed = [replace(status, is_active=False) if status.id == chosen.id else status for status in statuses]
    ensure_usable(changed)
    return changed


def relabel(item: Any, new_label: str, siblings: Iterable[Any]) -> Any:
    """``item`` (a status, source, reason or stage) renamed: a clean label, unique in its list
    ignoring case."""
    clean = clean_label(new_label)
    ensure_label_free(clean, (s.label for s in siblings), exclude=item.label)
    return replace(item, label=clean)
