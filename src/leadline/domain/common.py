"""Small value rules shared by several records: text fields, addresses, enums."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Protocol, TypeVar

from leadline.domain.errors import ValidationError
from leadline.domain.money import number_text, parse_amount


class Identified(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=Identified)


def with_replaced(items: Iterable[R], new: R) -> list[R]:
    """``items`` with the record of ``new``'s id replaced by ``new``: configuration records are
    immutable, a change is a new record in place of the old."""
    return [new if item.id == new.id else item for item in items]


def person_name(first_name: str | None, last_name: str) -> str:
    """A person's name as every page writes it (a lead's, a contact's): "Ada Lovelace", or the
    last name alone when there is no first name."""
    return f"{first_name} {last_name}" if first_name else last_name


def clean_text(value: object, *, field: str, max_length: int = 255, required: bool = False) -> str | None:
    """Strip a text value; empty becomes None. Refuses over-long text and a missing required value."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValidationError("must be text", field=field)
    if not text:
        if required:
            raise ValidationError("is required", field=field)
        return None
    if len(text) > max_length:
        raise ValidationError(f"is longer than {max_length} characters", field=field)
    # isprintable() (C speed) holds for almost every text, and a text it holds for has no control character
    if not text.isprintable() and any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise ValidationError("contains control characters", field=field)
    return text


def parse_non_negative_int(value: object, *, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError("must be a whole number", field=field)
    try:
        number = int(number_text(value, field=field))
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number", field=field) from None
    if number < 0:
        raise ValidationError("must not be negative", field=field)
    if number > 10_000_000_000:
        raise ValidationError("is too large", field=field)
    return number


#: Positions of statuses and stages in their lists: 0 is first. Far more than any list holds, and
#: inside every database's integer column (a 2^31 or 2^63 position overflowed them).
MAX_POSITION = 10_000


def parse_position(value: object, *, field: str = "position") -> int:
    """A place in a configured list (statuses, stages): a whole number from 0 to ``MAX_POSITION``,
    else ``ValidationError`` naming ``field``."""
    if isinstance(value, bool):
        raise ValidationError("must be a whole number", field=field)
    try:
        number = value if isinstance(value, int) else int(number_text(value, field=field))
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number", field=field) from None
    if not 0 <= number <= MAX_POSITION:
        raise ValidationError(f"must be between 0 and {MAX_POSITION}", field=field)
    return number


def parse_decimal(value: object, *, field: str, minimum: Decimal | None = None) -> Decimal:
    if isinstance(value, float | bool):
        raise ValidationError("must be given as text or Decimal", field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(number_text(value, field=field))
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a number", field=field) from None
    if not number.is_finite():
        raise ValidationError("must be a finite number", field=field)
    if minimum is not None and number < minimum:
        raise ValidationError(f"must be at least {minimum}", field=field)
    return number


#: Business dates (close dates, purchase timeframes, valid-from days, due times, date filters,
#: forecast periods, cursors) lie in the years 1900 to 2999: wide enough for any history and plan,
#: far enough from Python's 1 and 9999 that date arithmetic (a quarter's end, a time zone) cannot overflow.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999


def is_business_date(day: date) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def ensure_business_date(day: date, *, field: str) -> date:
    """``day`` itself, or ``ValidationError`` naming ``field`` when it lies outside the years
    ``EARLIEST_YEAR`` to ``LATEST_YEAR`` (a typo such as 0202-03-01 or 9999-12-31)."""
    if not is_business_date(day):
        raise ValidationError(f"{day.isoformat()} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}",
                              field=field)
    return day


def ensure_aware_utc(moment: datetime, *, field: str = "timestamp") -> datetime:
    """Every timestamp in Leadline is timezone-aware UTC; naive ones are refused, not guessed, and
    so are moments outside the business years (``ensure_business_date``), checked before the
    conversion to UTC that would overflow on 0001-01-01T00:00+14:00."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError("must be timezone-aware (end with Z or an offset such as +02:00)", field=field)
    ensure_business_date(moment.date(), field=field)
    return moment.astimezone(UTC)


_KEY = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def parse_api_name(value: str, *, field: str = "name") -> str:
    """A machine name: lower-case letters, digits and underscores, starting with a letter."""
    name = (value or "").strip().lower()
    if not _KEY.match(name):
        raise ValidationError(
            f"{value!r} must start with a letter and hold only a-z, 0-9 and _", field=field
        )
    return name


ADDRESS_PARTS = ("street", "city", "state", "postal_code", "country")


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address; every part optional. ``country`` is free text or an ISO code."""

    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None

    @classmethod
    def build(cls, prefix: str = "", **parts: object) -> Address:
        return cls(
            street=clean_text(parts.get("street"), field=f"{prefix}street", max_length=500),
            city=clean_text(parts.get("city"), field=f"{prefix}city", max_length=100),
            state=clean_text(parts.get("state"), field=f"{prefix}state", max_length=100),
            postal_code=clean_text(parts.get("postal_code"), field=f"{prefix}postal_code", max_length=20),
            country=clean_text(parts.get("country"), field=f"{prefix}country", max_length=100),
        )

    def is_empty(self) -> bool:
        return not any((self.street, self.city, self.state, self.postal_code, self.country))


Cleaner = Callable[[object, str], object]
"""A field cleaner: (raw value, field name) -> clean value, or ``ValidationError`` naming the field."""


def clean_fields(
    cleaners: Mapping[str, Cleaner], values: Mapping[str, object], *, ignore: tuple[str, ...] = ()
) -> dict[str, object]:
    """Clean each known field in ``values``; an unknown name is refused (a typo must not vanish)."""
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name in cleaners:
            cleaned[name] = cleaners[name](value, name)
        elif name not in ignore:
            raise ValidationError("is not a field of this record", field=name)
    return cleaned


#: the longest industry a lead or an account takes (free text; an import's value mapping may name one)
INDUSTRY_LENGTH = 80


def text_field(max_length: int) -> Callable[[object, str], object]:
    """A cleaner for optional text of at most ``max_length`` characters."""
    return lambda value, name: clean_text(value, field=name, max_length=max_length)


#: A date as every input takes it: ``YYYY-MM-DD`` and nothing else (not the ISO basic
#: ``20260301`` nor a week date ``2026-W09-7``, which ``date.fromisoformat`` would take), in the
#: business years. ``DAY_RULE`` says it to users (CLI and API help, error messages); the API's
#: parameters state the same pattern (anchored), never a copy of it.
DAY_PATTERN = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DAY = re.compile(DAY_PATTERN, re.ASCII)
DAY_RULE = f"YYYY-MM-DD, {EARLIEST_YEAR} to {LATEST_YEAR}"


def iso_day(text: str) -> date | None:
    """The day ``text`` names when written ``YYYY-MM-DD`` and the day exists, else None.

    >>> iso_day("2026-03-01"), iso_day("20260301"), iso_day("2026-W09-7"), iso_day("2026-02-30")
    (datetime.date(2026, 3, 1), None, None, None)
    """
    text = text.strip()
    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


_MOMENT = re.compile(rf"({DAY_PATTERN})[T ]([0-9]{{2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:\.[0-9]{{1,6}})?)?)"
                     r"(Z|[+-][0-9]{2}:?[0-9]{2})?", re.ASCII)
MOMENT_RULE = "YYYY-MM-DD HH:MM"


def iso_moment(text: str) -> datetime | None:
    """The moment ``text`` names when written ``YYYY-MM-DD`` then ``T`` or a space, ``HH:MM``,
    optional ``:SS`` and fraction (up to microseconds), an optional offset (``Z``, ``+HH:MM`` or
    ``+HHMM``), and the moment exists, else None; aware, in UTC (no offset: UTC). The one strict
    date-time parser (``iso_day``'s day, not ``fromisoformat``'s lenient forms).

    >>> iso_moment("2026-03-01T09:30"), iso_moment("2026-03-01 09:30:00.000+0100")
    (datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.timezone.utc), \
datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.timezone.utc))
    >>> iso_moment("2026-03-01T0930"), iso_moment("20260301T09:30"), iso_moment("2026-02-30T09:30")
    (None, None, None)
    """
    found = _MOMENT.fullmatch(text.strip())
    if found is None:
        return None
    day, clock, offset = found.groups()
    if offset in (None, "Z"):
        offset = "+00:00"
    elif ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    try:
        return datetime.fromisoformat(f"{day}T{clock}{offset}").astimezone(UTC)
    except ValueError:
        return None


def date_field(value: object, name: str) -> date | None:
    """The one parser of every date input (API, CLI, web forms, imports, custom fields): None for
    none; a ``date`` (or the day of a ``datetime``) as it is; text only written ``YYYY-MM-DD``
    (``iso_day``). ``VALIDATION_FAILED`` naming ``name`` for any other text (``20260301``,
    ``2026-3-1``, ``01/03/2026``), a day that does not exist, or one outside the business years."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return ensure_business_date(value.date(), field=name)
    if isinstance(value, date):
        return ensure_business_date(value, field=name)
    day = iso_day(str(value))
    if day is None:
        raise ValidationError(f"{str(value).strip()!r} is not a date ({DAY_RULE})", field=name)
    return ensure_business_date(day, field=name)


def bool_field(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1", "y"}:
        return True
    if text in {"false", "no", "0", "n", ""}:
        return False
    raise ValidationError(f"{value!r} is not true or false", field=name)


def amount_field(value: object, name: str) -> Decimal | None:
    return None if value in (None, "") else parse_amount(value, field=name)


def website_field(value: object, name: str) -> str | None:
    text = clean_text(value, field=name, max_length=255)
    if text and (" " in text or "." not in text):
        raise ValidationError(f"{text!r} is not a web address", field=name)
    return text


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` with the noun in the right number, for every message that counts things:
    ``counted(1, "opportunity", "opportunities")`` is "1 opportunity"; 0 and 2 take the plural
    (``singular`` + "s" unless ``plural`` is given)."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def moment_text(moment: datetime) -> str:
    """A moment as the web pages (the ``moment`` filter, the history's values) and the CLI's tables
    write it: to the minute, in UTC, saying so ("2026-02-08 10:30 UTC"). Leadline keeps no time
    zone per user: a time that did not name its zone would read as the reader's own."""
    if moment.tzinfo is None:  # stored moments are UTC; a naive one is never the server's local time
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
