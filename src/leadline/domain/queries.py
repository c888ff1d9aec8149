"""Plain descriptions of what a user asks a list for: filters, order and a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class Page:
    """Keyset pagination: ids are time-ordered, so ``after_id`` is a stable cursor."""

    limit: int = 50
    after_id: int | None = None
    newest_first: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            from leadline.domain.errors import ValidationError

            raise ValidationError(f"must be between 1 and {MAX_PAGE_SIZE}", field="limit")


@dataclass(frozen=True, slots=True)
class LeadQuery:
    status_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()
    owner_ids: tuple[int, ...] = ()
    search: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    converted: bool | None = None


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Filters shared by accounts, contacts and opportunities."""

    owner_ids: tuple[int, ...] = ()
    search: str | None = None
    account_id: int | None = None
    stage_ids: tuple[int, ...] = ()
    #: Set by the use case from record-level security: only these owners' records (None: all).
    visible_owner_ids: frozenset[int] | None = None
