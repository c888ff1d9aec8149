"""Products, price books and opportunity line items."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from leadline.domain.errors import ValidationError
from leadline.domain.money import AMOUNT_PLACES

HUNDRED = Decimal(100)


@dataclass(slots=True)
class Product:
    id: int
    name: str
    code: str | None = None
    family: str | None = None
    is_active: bool = True


@dataclass(slots=True)
class PriceBook:
    id: int
    name: str
    is_standard: bool = False
    is_active: bool = True


@dataclass(slots=True)
class PriceBookEntry:
    id: int
    price_book_id: int
    product_id: int
    currency: str
    unit_price: Decimal
    is_active: bool = True


@dataclass(slots=True)
class LineItem:
    """A product on an opportunity: quantity x unit price, less a percentage discount."""

    id: int
    opportunity_id: int
    product_id: int
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if self.quantity <= 0:
            raise ValidationError("must be greater than zero", field="quantity")
        if self.unit_price < 0:
            raise ValidationError("must not be negative", field="unit_price")
        if not 0 <= self.discount_percent <= HUNDRED:
            raise ValidationError("must be between 0 and 100", field="discount_percent")

    @property
    def total(self) -> Decimal:
        gross = self.quantity * self.unit_price
        return (gross * (HUNDRED - self.discount_percent) / HUNDRED).quantize(AMOUNT_PLACES)
