"""SOQL's date literals (TODAY, THIS_QUARTER, LAST_N_DAYS:30, ...) as ranges of days.

Each literal names a half-open range of calendar days ``[start, end)`` relative to a given today,
in the user's time zone; ``resolve_date_literal`` is a pure function of the literal and that day,
and ``utc_bounds`` turns the range into instants for a date-time field. Weeks start on Sunday
and quarters and years are calendar ones (Salesforce's defaults for an en_US organisation with a
January fiscal year). As Salesforce documents them:

* LAST_N_DAYS:n and LAST_90_DAYS include today: n + 1 days;
* NEXT_N_DAYS:n and NEXT_90_DAYS start tomorrow: n days;
* LAST_N_WEEKS/MONTHS/QUARTERS/YEARS:n are the n whole periods before the current one;
  NEXT_N_... the n after it;
* N_DAYS_AGO:n is the one day n days ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from leadline.domain.salesforce.soql.syntax import DateLiteral

_UNITS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
#: name -> (unit, first period relative to the current one, number of periods)
_FIXED = {
    "YESTERDAY": ("DAY", -1, 1), "TODAY": ("DAY", 0, 1), "TOMORROW": ("DAY", 1, 1),
    "LAST_WEEK": ("WEEK", -1, 1), "THIS_WEEK": ("WEEK", 0, 1), "NEXT_WEEK": ("WEEK", 1, 1),
    "LAST_MONTH": ("MONTH", -1, 1), "THIS_MONTH": ("MONTH", 0, 1), "NEXT_MONTH": ("MONTH", 1, 1),
    "LAST_QUARTER": ("QUARTER", -1, 1), "THIS_QUARTER": ("QUARTER", 0, 1), "NEXT_QUARTER": ("QUARTER", 1, 1),
    "LAST_YEAR": ("YEAR", -1, 1), "THIS_YEAR": ("YEAR", 0, 1), "NEXT_YEAR": ("YEAR", 1, 1),
    "LAST_90_DAYS": ("DAY", -90, 91), "NEXT_90_DAYS": ("DAY", 1, 90),
}
_WITH_N = {f"{way}_N_{unit}S" for way in ("LAST", "NEXT") for unit in _UNITS} | {"N_DAYS_AGO"}
MAX_N = 100_000


@dataclass(frozen=True, slots=True)
class DateRange:
    """The days ``start`` (included) to ``end`` (excluded)."""

    start: date
    end: date

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end


def is_date_literal(word: str) -> bool:
    name = word.upper()
    return name in _FIXED or name in _WITH_N


def parse_date_literal(word: str, n: int | None, offset: int) -> DateLiteral:
    """The literal ``word`` (with ``n`` after a colon); ValueError with Salesforce's wording when
    ``n`` is missing, not wanted, or out of range."""
    name = word.upper()
    if name in _WITH_N:
        if n is None:
            raise ValueError(f"Invalid date literal: {name} needs a number, as {name}:7")
        if n > MAX_N:
            raise ValueError(f"Invalid date literal: {name}:{n} is out of range")
    elif n is not None:
        raise ValueError(f"unexpected token: ':' ({name} takes no number)")
    return DateLiteral(name, n, offset)


def resolve_date_literal(literal: DateLiteral, today: date) -> DateRange:
    """The days ``literal`` means when it is ``today`` where the user is.

    >>> resolve_date_literal(DateLiteral("THIS_QUARTER", None, 0), date(2024, 5, 9))
    DateRange(start=datetime.date(2024, 4, 1), end=datetime.date(2024, 7, 1))
    """
    if literal.name in _FIXED:
        unit, first, count = _FIXED[literal.name]
        return _periods(unit, today, first, count)
    n = literal.n or 0
    if literal.name == "N_DAYS_AGO":
        return _periods("DAY", today, -n, 1)
    way, _, unit = literal.name.partition("_N_")
    unit = unit[:-1]
    if unit == "DAY":
        return _periods("DAY", today, -n, n + 1) if way == "LAST" else _periods("DAY", today, 1, n)
    return _periods(unit, today, -n, n) if way == "LAST" else _periods(unit, today, 1, n)


def utc_bounds(days: DateRange, zone: tzinfo) -> tuple[datetime, datetime]:
    """The instants (UTC) at which ``days`` begins and ends in ``zone``."""
    return (datetime.combine(days.start, time(0), zone).astimezone(UTC),
            datetime.combine(days.end, time(0), zone).astimezone(UTC))


def _periods(unit: str, today: date, first: int, count: int) -> DateRange:
    """``count`` periods of ``unit``, the first ``first`` periods after the one holding today."""
    if unit == "DAY":
        return DateRange(today + timedelta(days=first), today + timedelta(days=first + count))
    if unit == "WEEK":
        sunday = today - timedelta(days=(today.weekday() + 1) % 7)
        return DateRange(sunday + timedelta(weeks=first), sunday + timedelta(weeks=first + count))
    months = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[unit]
    current = (today.year * 12 + today.month - 1) // months * months
    return DateRange(_month(current + first * months), _month(current + (first + count) * months))


def _month(index: int) -> date:
    """The first day of month ``index`` counted as year * 12 + month - 1."""
    return date(index // 12, index % 12 + 1, 1)
