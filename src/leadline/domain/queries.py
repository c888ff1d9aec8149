"""Plain descriptions of what a user asks a list for: filters, an order and a page.

Pages are keyset pages: the cursor holds the sort value and id of the last row seen, so a
page never skips or repeats rows when others are inserted meanwhile, and costs the same deep
in a list as at its start. The cursor is opaque to clients (URL-safe base64 of JSON).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from leadline.domain.common import clean_text, ensure_aware_utc, ensure_business_date
from leadline.domain.configuration.custom_fields import CustomFilter
from leadline.domain.errors import ValidationError
from leadline.domain.ids import MAX_ID
from leadline.domain.leads.lead import Rating
from leadline.domain.money import parse_amount
from leadline.domain.opportunities.opportunity import Outcome

MAX_PAGE_SIZE = 500
#: The fields a list of leads sorts by (``-`` in front for descending), on every transport. ``score``
#: is the stored score (issue 19): unscored leads come after the scored ones in both directions.
LEAD_SORTS = ("id", "created_at", "updated_at", "last_name", "company", "score")
#: The fields a list of opportunities sorts by; ``score`` is the stored predicted-win score (ADR
#: 0048), never the stage's probability: unscored opportunities (closed, or no model) come last.
OPPORTUNITY_SORTS = ("id", "created_at", "updated_at", "name", "close_date", "amount", "score")


def _cursor_id(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
        raise ValueError(value)
    return value


def _cursor_text(value: object) -> str:
    if not isinstance(value, str) or len(value) > 500 or "\x00" in value:
        raise ValueError(value)
    return value


def _cursor_moment(value: object) -> datetime:
    return ensure_aware_utc(datetime.fromisoformat(_cursor_text(value)), field="cursor")


def _cursor_day(value: object) -> date:
    return ensure_business_date(date.fromisoformat(_cursor_text(value)), field="cursor")


def _cursor_amount(value: object) -> Decimal:
    return parse_amount(_cursor_text(value), field="cursor", allow_negative=True)


def _cursor_score(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValueError(value)
    return value


#: Sortable fields and how a cursor value of each is read back: a forged cursor (a float id, an
#: id beyond 63 bits, NaN, a date out of range) is refused as not a cursor, never sent to the database.
SORT_FIELDS: dict[str, Any] = {
    "id": _cursor_id, "created_at": _cursor_moment, "updated_at": _cursor_moment,
    "last_name": _cursor_text, "company": _cursor_text, "name": _cursor_text, "close_date": _cursor_day,
    "amount": _cursor_amount, "score": _cursor_score,
}


@dataclass(frozen=True, slots=True)
class Page:
    limit: int = 50
    sort: str = "id"
    descending: bool = True
    #: (sort value, id) of the last row of the previous page.
    after: tuple[Any, int] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValidationError(f"must be between 1 and {MAX_PAGE_SIZE}", field="limit")
        if self.sort not in SORT_FIELDS:
            raise ValidationError(f"cannot sort by {self.sort!r}; use one of {', '.join(SORT_FIELDS)}",
                                  field="sort")

    @classmethod
    def parse(cls, limit: int = 50, sort: str = "-id", cursor: str | None = None,
              allowed: tuple[str, ...] | None = None) -> Page:
        """From a transport: ``sort`` is a field name, ``-`` in front for descending."""
        field = sort.removeprefix("-").removeprefix("+")
        if allowed is not None and field not in allowed:
            raise ValidationError(f"cannot sort by {field!r}; use one of {', '.join(allowed)}", field="sort")
        page = cls(limit=limit, sort=field, descending=sort.startswith("-"))
        if cursor:
            return cls(limit, page.sort, page.descending, page.decode(cursor))
        return page

    @classmethod
    def after_id(cls, limit: int, record_id: int | None) -> Page:
        """Newest first by id, continuing after ``record_id`` (the CLI's ``--after``)."""
        return cls(limit=limit, after=(record_id, record_id) if record_id is not None else None)

    def cursor_after(self, record: Any, *, score: int | None = None) -> str:
        """The cursor after ``record``; sorted by ``score``, after its stored ``score`` (None:
        unscored), which lives beside the record, not in it."""
        return self.cursor_of(score if self.sort == "score" else getattr(record, self.sort), record.id)

    def cursor_of(self, value: Any, record_id: int) -> str:
        """The cursor after the row whose sort value is ``value`` (None: a row without one, such
        as an unscored lead) and id ``record_id``."""
        payload = [self.sort, self.descending, _plain(value), record_id]
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    def decode(self, cursor: str) -> tuple[Any, int]:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            sort, descending, value, record_id = json.loads(raw)
            if (sort, descending) != (self.sort, self.descending):
                raise ValueError(sort)
            return (None if value is None else SORT_FIELDS[sort](value)), _cursor_id(record_id)
        except (ValueError, TypeError, KeyError, ValidationError):
            raise ValidationError("is not a cursor of this list and order", field="cursor") from None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@dataclass(frozen=True, slots=True)
class LeadQuery:
    status_ids: tuple[int, ...] = ()
    source_ids: tuple[int, ...] = ()
    owner_ids: tuple[int, ...] = ()
    ratings: tuple[Rating, ...] = ()
    search: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    converted: bool | None = None
    custom: tuple[CustomFilter, ...] = ()
    campaign_ids: tuple[int, ...] = ()
    #: only leads whose stored score is within this range (both ends included); unscored leads then drop out
    min_score: int | None = None
    max_score: int | None = None

    def __post_init__(self) -> None:
        clean_text(self.search, field="q", max_length=200)  # no control characters reach the database
        ensure_times(self)
        for name in ("min_score", "max_score"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                raise ValidationError("must be between 0 and 100", field=name)
        if self.min_score is not None and self.max_score is not None and self.min_score > self.max_score:
            raise ValidationError("must not be above max_score", field="min_score")


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Filters shared by accounts, contacts and opportunities (the stage, outcome, close date and
    amount filters only apply to opportunities; ranges include both ends)."""

    owner_ids: tuple[int, ...] = ()
    search: str | None = None
    account_id: int | None = None
    stage_ids: tuple[int, ...] = ()
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    #: Set by the use case from record-level security: only these owners' records (None: all).
    visible_owner_ids: frozenset[int] | None = None
    custom: tuple[CustomFilter, ...] = ()
    outcomes: tuple[str, ...] = ()
    close_from: date | None = None
    close_to: date | None = None
    #: in each opportunity's own currency
    amount_from: Decimal | None = None
    amount_to: Decimal | None = None
    #: only opportunities whose stored predicted-win score is within this range (both ends); unscored drop out
    min_score: int | None = None
    max_score: int | None = None

    def __post_init__(self) -> None:
        clean_text(self.search, field="q", max_length=200)  # no control characters reach the database
        ensure_times(self)
        for name in ("close_from", "close_to"):
            if getattr(self, name) is not None:
                ensure_business_date(getattr(self, name), field=name)
        allowed = [o.value for o in Outcome]
        for outcome in self.outcomes:
            if outcome not in allowed:
                raise ValidationError(f"{outcome!r} is not an outcome; use {', '.join(allowed)}", field="outcome")
        ensure_range(self.close_from, self.close_to, "close")
        ensure_range(self.amount_from, self.amount_to, "amount")
        for name in ("min_score", "max_score"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                raise ValidationError("must be between 0 and 100", field=name)
        if self.min_score is not None and self.max_score is not None and self.min_score > self.max_score:
            raise ValidationError("must not be above max_score", field="min_score")


def ensure_range(low: Any, high: Any, name: str) -> None:
    """A range's ``<name>_from`` is not after its ``<name>_to``."""
    if low is not None and high is not None and low > high:
        raise ValidationError(f"{name}_from ({low}) is after {name}_to ({high})", field=f"{name}_from")


def ensure_times(query: LeadQuery | RecordQuery) -> None:
    """The created and updated filters are aware moments in the business years (``ensure_aware_utc``),
    each range's start not after its end."""
    for name in ("created_from", "created_to", "updated_from", "updated_to"):
        moment = getattr(query, name)
        if moment is not None:
            ensure_aware_utc(moment, field=name)
    ensure_range(query.created_from, query.created_to, "created")
    ensure_range(query.updated_from, query.updated_to, "updated")
