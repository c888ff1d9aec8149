"""Saved views: a user's named filters, search and sort of a list, kept to open again later.

A view belongs to one user and one list (the leads list today): no one else ever sees it. Its
name is 1 to 80 characters, unique per user and list (whatever the letter case). Its filters are
checked when it is saved, as the list checks them (``LeadViewFilters``); names of statuses,
sources and owners are checked against the configuration by the use case.

Example: ``LeadViewFilters.parse(status=["Open"], rating=["hot"], created_from="2026-01-01")``
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from leadline.domain.common import clean_text, date_field, ensure_business_date
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import parse_rating
from leadline.domain.queries import LEAD_SORTS, ensure_range

MAX_NAME = 80
#: A user's views of one list: enough for every habit, few enough to show as links.
MAX_VIEWS = 50
DEFAULT_SORT = "-created_at"


class ViewList(StrEnum):
    """The lists a view can be saved for."""

    LEADS = "leads"


def parse_view_list(value: object) -> ViewList:
    try:
        return ViewList(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a list; use {', '.join(ViewList)}", field="list") from None


def clean_view_name(value: object) -> str:
    """The name stripped; ``ValidationError`` (field ``name``) when empty, too long or with control characters."""
    name = clean_text(value, field="name", max_length=MAX_NAME, required=True)
    assert name is not None
    return name


@dataclass(frozen=True, slots=True)
class LeadViewFilters:
    """What the leads list is asked for, as a user names it: statuses, sources and owners by
    label or e-mail, ratings, the days of creation (both included), the search, the lowest score
    (0-100: unscored leads then drop out) and the sort. Refuses (``ValidationError`` naming the
    parameter) a bad rating, day, range, search, score or sort."""

    statuses: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    ratings: tuple[str, ...] = ()
    created_from: date | None = None
    created_to: date | None = None
    search: str | None = None
    sort: str = DEFAULT_SORT
    min_score: int | None = None

    def __post_init__(self) -> None:
        for name, values in (("status", self.statuses), ("source", self.sources), ("owner", self.owners)):
            for value in values:
                clean_text(value, field=name, max_length=254, required=True)
        for rating in self.ratings:
            parse_rating(rating)
        for name in ("created_from", "created_to"):
            day = getattr(self, name)
            if day is not None:
                ensure_business_date(day, field=name)
        ensure_range(self.created_from, self.created_to, "created")
        clean_text(self.search, field="q", max_length=200)
        if self.sort.removeprefix("-") not in LEAD_SORTS:
            raise ValidationError(f"cannot sort by {self.sort!r}; use one of {', '.join(LEAD_SORTS)}", field="sort")
        if self.min_score is not None and (isinstance(self.min_score, bool) or not 0 <= self.min_score <= 100):
            raise ValidationError("must be a whole number from 0 to 100", field="min_score")

    @classmethod
    def parse(cls, *, status: Iterable[str] = (), source: Iterable[str] = (), owner: Iterable[str] = (),
              rating: Iterable[str] = (), created_from: object = None, created_to: object = None,
              q: object = None, sort: object = None, min_score: object = None) -> LeadViewFilters:
        """From a transport's texts, by the names the API and the pages take; blanks mean "any"."""
        return cls(statuses=_given(status), sources=_given(source), owners=_given(owner), ratings=_given(rating),
                   created_from=date_field(created_from, "created_from"),
                   created_to=date_field(created_to, "created_to"),
                   search=clean_text(q, field="q", max_length=200), sort=str(sort or DEFAULT_SORT),
                   min_score=score_field(min_score))

    def created_bounds(self) -> tuple[datetime | None, datetime | None]:
        """The days of creation as the query's moments (UTC): from the first day's start up to,
        not including, the start of the day after the last."""
        low = datetime.combine(self.created_from, time(), UTC) if self.created_from else None
        high = datetime.combine(self.created_to + timedelta(days=1), time(), UTC) if self.created_to else None
        return low, high

    def as_pairs(self) -> list[tuple[str, str]]:
        """The filters as (parameter, value) pairs by the names ``parse`` takes (a repeated name for
        several values), for a link to the list."""
        pairs = [(name, value) for name, values in (("status", self.statuses), ("source", self.sources),
                                                    ("owner", self.owners), ("rating", self.ratings))
                 for value in values]
        pairs += [(name, day.isoformat()) for name, day in (("created_from", self.created_from),
                                                             ("created_to", self.created_to)) if day]
        if self.search:
            pairs.append(("q", self.search))
        if self.min_score is not None:
            pairs.append(("min_score", str(self.min_score)))
        return [*pairs, ("sort", self.sort)]

    def as_data(self) -> dict[str, object]:
        """A plain JSON-ready form, for storage (``from_data`` reads it back)."""
        data: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            data[item.name] = list(value) if isinstance(value, tuple) else \
                value.isoformat() if isinstance(value, date) else value
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> LeadViewFilters:
        def texts(name: str) -> tuple[str, ...]:
            value = data.get(name) or []
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        return cls(statuses=texts("statuses"), sources=texts("sources"), owners=texts("owners"),
                   ratings=texts("ratings"), created_from=date_field(data.get("created_from"), "created_from"),
                   created_to=date_field(data.get("created_to"), "created_to"),
                   search=clean_text(data.get("search"), field="q", max_length=200),
                   sort=str(data.get("sort") or DEFAULT_SORT), min_score=score_field(data.get("min_score")))


@dataclass(frozen=True, slots=True)
class SavedView:
    """One user's named filters of one list."""

    id: int
    user_id: int
    list_name: ViewList
    name: str
    filters: LeadViewFilters
    created_at: datetime

    def is_named(self, name: str) -> bool:
        """Whether ``name`` is this view's name, whatever the letter case."""
        return self.name.casefold() == name.casefold()


def score_field(value: object) -> int | None:
    """A score (0-100) from a transport's text or a stored number; blank means "any"."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()) or len(text) > 3 or int(text) > 100:
        raise ValidationError(f"{text!r} is not a score; use a whole number from 0 to 100", field="min_score")
    return int(text)


def _given(values: Iterable[str]) -> tuple[str, ...]:
    """The values that say something, stripped, each once, in order."""
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))
