"""Products, price books and opportunity line items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from leadline.domain.errors import ValidationError
from leadline.domain.money import TOO_LARGE, ensure_storable

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
    """A product on an opportunity: quantity x unit price, less a percentage discount. A product
    of the catalogue has its id; a lead's product line outside the catalogue keeps its name and
    the price the lead gave (``product_id`` None), so its money is never lost at conversion."""

    id: int
    opportunity_id: int
    product_id: int | None
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    #: the product's name when the line was made (the only name of a product outside the catalogue)
    product_name: str | None = None

    def __post_init__(self) -> None:
        if self.product_id is None and not self.product_name:
            raise ValidationError("a line item names a product of the catalogue or its own", field="product")
        if self.quantity <= 0:
            raise ValidationError("must be greater than zero", field="quantity")
        if self.unit_price < 0:
            raise ValidationError("must not be negative", field="unit_price")
        if not 0 <= self.discount_percent <= HUNDRED:
            raise ValidationError("must be between 0 and 100", field="discount_percent")
        line_total(self.quantity, self.unit_price, self.discount_percent)

    @property
    def total(self) -> Decimal:
        return line_total(self.quantity, self.unit_price, self.discount_percent)


def line_total(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = Decimal(0), *,
               where: str = "") -> Decimal:
    """Quantity x unit price less the discount, refused (naming ``quantity`` and ``unit_price``,
    after ``where``) when it is more than an amount can be (``ensure_storable``)."""
    gross = quantity * unit_price * (HUNDRED - discount_percent) / HUNDRED
    return ensure_storable(gross, field=f"{where}quantity", details=[
        (f"{where}unit_price", f"quantity x unit price {TOO_LARGE}")])


def sum_of_lines(items: Iterable[LineItem], *, field: str = "quantity") -> Decimal:
    """An opportunity's amount when it has line items: their sum, refused (naming ``field``) when
    more than an amount can be."""
    return ensure_storable(sum((item.total for item in items), Decimal(0)), field=field)
