"""Money: a Decimal amount with an ISO 4217 currency code. Never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from leadline.domain.currencies import is_iso_currency
from leadline.domain.errors import ValidationError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
#: Commas are accepted only as thousands separators ("1,200.50"), never as a decimal comma ("1,5").
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
#: Amounts are kept to the cent-and-a-bit: four decimal places, like most CRMs.
AMOUNT_PLACES = Decimal("0.0001")
#: The largest amount we store: 10^14, enough for any real deal, small enough for NUMERIC(18,4).
MAX_AMOUNT = Decimal("100000000000000")
#: Exchange rates keep ten decimal places (0.0061234567 JPY to EUR loses nothing).
RATE_PLACES = Decimal("1E-10")
MAX_RATE = Decimal("1000000000")


def parse_currency(code: str, *, field: str = "currency") -> str:
    """The current ISO 4217 code ``code`` names, in capitals (``"eur"`` is ``"EUR"``); ``ValidationError``
    for anything else (``"ZZZ"``, a withdrawn ``"HRK"``). What every new or changed currency goes through.

    >>> parse_currency(" eur ")
    'EUR'
    """
    normalised = currency_code(code, field=field)
    if not is_iso_currency(normalised):
        raise ValidationError(f"{code!r} is not a current ISO 4217 currency code", field=field)
    return normalised


def currency_code(code: str, *, field: str = "currency") -> str:
    """Three letters in capitals, without asking ISO 4217: how stored data is named when it is looked
    up or removed, so a code accepted before the ISO check (``"ZZZ"``) can still be cleaned away."""
    normalised = (code or "").strip().upper()
    if not _CURRENCY.match(normalised):
        raise ValidationError(f"{code!r} is not a three-letter ISO 4217 currency code", field=field)
    return normalised


def number_text(value: object, *, field: str) -> str:
    """``value`` as stripped text, refused unless it is written in ASCII (digits 0-9): ``Decimal`` and
    ``int`` read full-width or Arabic-Indic digits (``"１２"`` is 12), which a CRM should not guess."""
    text = str(value).strip()
    if not text.isascii():
        raise ValidationError(f"{value!r} is not a number: write it with the digits 0-9", field=field)
    return text


def parse_amount(value: object, *, field: str = "amount", allow_negative: bool = False) -> Decimal:
    """Turn text, int or Decimal into a quantised Decimal; floats are refused as imprecise.

    >>> parse_amount("1200.5")
    Decimal('1200.5000')
    """
    amount = _decimal(value, field)
    if amount < 0 and not allow_negative:
        raise ValidationError("must not be negative", field=field)
    return ensure_storable(amount, field=field)


TOO_LARGE = "is too large (an amount is below 10^14)"


def ensure_storable(amount: Decimal, *, field: str, details: list[tuple[str, str]] | None = None,
                    message: str = TOO_LARGE) -> Decimal:
    """``amount`` quantised to ``AMOUNT_PLACES``, or ``ValidationError`` naming ``field`` when it
    is not below ``MAX_AMOUNT`` (what a NUMERIC(18,4) column holds). Given text, and also amounts
    computed from others: a line's quantity x unit price, the sum of an opportunity's lines, a
    forecast figure an adjustment keeps beside it.

    >>> ensure_storable(Decimal("99999999999") * Decimal("99999999999"), field="quantity")
    Traceback (most recent call last):
    ...
    leadline.domain.errors.ValidationError: quantity: is too large (an amount is below 10^14)
    """
    # Compared before quantising (a huge number would overflow the context), with the
    # half-unit that quantising rounds up: 99999999999999.99995 would become 10^14.
    if abs(amount) >= MAX_AMOUNT - AMOUNT_PLACES / 2:
        raise ValidationError(message, field=field, details=details)
    return amount.quantize(AMOUNT_PLACES)


def parse_rate(value: object, *, field: str = "rate") -> Decimal:
    """An exchange rate: positive, below 10^9, kept to ten decimal places.

    >>> parse_rate("0.00612345678")
    Decimal('0.0061234568')
    """
    rate = _decimal(value, field)
    if rate <= 0:
        raise ValidationError("must be greater than zero", field=field)
    if rate >= MAX_RATE:
        raise ValidationError("is too large", field=field)
    quantised = rate.quantize(RATE_PLACES)
    if quantised == 0:
        raise ValidationError("is smaller than the ten decimal places a rate keeps", field=field)
    return quantised


def _decimal(value: object, field: str) -> Decimal:
    if isinstance(value, float | bool):
        raise ValidationError("amounts must be given as text or Decimal, not float", field=field)
    text = "" if isinstance(value, Decimal) else number_text(value, field=field)
    if "," in text:
        if not _GROUPED.match(text):
            raise ValidationError(f"{value!r} is not a number (commas only between thousands)", field=field)
        text = text.replace(",", "")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{value!r} is not a number", field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"{value!r} is not a finite number", field=field)
    return amount


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Adding two currencies is refused, never guessed."""

    amount: Decimal
    currency: str

    @classmethod
    def of(cls, amount: object, currency: str, *, field: str = "amount") -> Money:
        """Build validated money, e.g. ``Money.of("5000", "EUR")``."""
        return cls(parse_amount(amount, field=field), parse_currency(currency, field=f"{field}_currency"))

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise ValidationError(f"cannot add {other.currency} to {self.currency}", field="currency")
        return Money(self.amount + other.amount, self.currency)

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


#: ISO 4217 minor units of the currencies that do not have two (every other currency has two).
MINOR_UNITS = {
    "BHD": 3, "BIF": 0, "CLF": 4, "CLP": 0, "DJF": 0, "GNF": 0, "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0,
    "KMF": 0, "KRW": 0, "KWD": 3, "LYD": 3, "OMR": 3, "PYG": 0, "RWF": 0, "TND": 3, "UGX": 0, "UYI": 0,
    "UYW": 4, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
}
#: The names under which records and reports carry an amount of money (not a quantity, rate,
#: probability or percentage): what transports show at the currency's scale.
MONEY_FIELDS = frozenset({
    "amount", "budget_amount", "annual_revenue", "estimated_unit_price", "unit_price", "list_price", "price",
    "total", "computed", "adjusted", "weighted", "quota", "original", "forecast", "actual", "difference",
})


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in (0, 2, 3, 4)}


def currency_places(currency: str | None) -> int:
    """The decimal places of ``currency`` (ISO 4217 minor unit): 2 for USD, 0 for JPY, 3 for KWD;
    2 when no currency is known."""
    return MINOR_UNITS.get((currency or "").upper(), 2)


def at_currency_scale(amount: Decimal, currency: str | None) -> Decimal:
    """``amount`` with its currency's decimal places, as transports show money: 0.0000 USD is 0.00,
    1000.0000 JPY is 1000. Places beyond the currency's that hold digits are kept (12.3450 USD is
    12.345): showing money never rounds it.

    >>> str(at_currency_scale(Decimal("0.0000"), "USD")), str(at_currency_scale(Decimal("1000.0000"), "JPY"))
    ('0.00', '1000')
    """
    scaled = amount.quantize(_QUANTUM[currency_places(currency)])
    return scaled if scaled == amount else amount.normalize()
