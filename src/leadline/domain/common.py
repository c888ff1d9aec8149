"""Small value rules shared by several records: text fields, addresses, enums."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from leadline.domain.errors import ValidationError


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
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        raise ValidationError("contains control characters", field=field)
    return text


def parse_non_negative_int(value: object, *, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError("must be a whole number", field=field)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number", field=field) from None
    if number < 0:
        raise ValidationError("must not be negative", field=field)
    if number > 10_000_000_000:
        raise ValidationError("is too large", field=field)
    return number


def parse_decimal(value: object, *, field: str, minimum: Decimal | None = None) -> Decimal:
    if isinstance(value, float | bool):
        raise ValidationError("must be given as text or Decimal", field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a number", field=field) from None
    if not number.is_finite():
        raise ValidationError("must be a finite number", field=field)
    if minimum is not None and number < minimum:
        raise ValidationError(f"must be at least {minimum}", field=field)
    return number


def ensure_aware_utc(moment: datetime, *, field: str = "timestamp") -> datetime:
    """Every timestamp in Leadline is timezone-aware UTC; naive ones are refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError("must be timezone-aware", field=field)
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
