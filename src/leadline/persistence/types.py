"""Column types that keep the domain's promises on every database.

* ``UtcDateTime``: always hands back timezone-aware UTC datetimes, refuses naive ones.
* ``ExactDecimal``: NUMERIC(18,4) on PostgreSQL; on SQLite, whose NUMERIC is a float,
  an integer of ten-thousandths, so money stays exact and SUM() stays in the database.
* ``ExactRate``: the same with ten decimal places, for exchange rates.
* ``EnumText``: a ``StrEnum`` stored as its value in a plain text column.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """Money: four decimal places, exact on both databases."""

    impl = Numeric(18, 4)
    cache_ok = True
    places = 4
    precision = 18

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.places, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return int(Decimal(value).scaleb(self.places).to_integral_value())
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        quantum = Decimal(1).scaleb(-self.places)
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.places).quantize(quantum)
        return Decimal(value).quantize(quantum)


class ExactRate(ExactDecimal):
    """An exchange rate: ten decimal places (a rate such as JPY to EUR, 0.0061234567, loses
    nothing; four places would be off by up to 0.8 % there). On SQLite, integers of 10^-10."""

    impl = Numeric(28, 10)
    cache_ok = True
    places = 10
    precision = 28


class EnumText(TypeDecorator[StrEnum]):
    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class: type[StrEnum]) -> None:
        super().__init__()
        self.enum_class = enum_class

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum_class(value)
