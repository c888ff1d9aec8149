"""Money in every answer at its currency's scale ("0.00" USD, "0" JPY, not "0.0000"), done once for
all endpoints: ``scale_money`` rewrites the amounts of a response body in place before it is
encoded (``app.after_request`` and the stored first answer of an ``Idempotency-Key``).

An amount takes the ``currency`` of the nearest object holding one, else the organisation's.
Only fields named in ``domain.money.MONEY_FIELDS`` are money; custom field values are left as given.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import msgspec
from litestar import Response

from leadline.domain.money import MONEY_FIELDS, at_currency_scale

#: Fields never walked: custom values are the user's numbers, not money.
SKIPPED = frozenset({"custom"})
_CONTAINERS = (msgspec.inspect.StructType, msgspec.inspect.ListType, msgspec.inspect.DictType,
               msgspec.inspect.AnyType, msgspec.inspect.DataclassType)


@cache
def _visited(struct_class: type) -> tuple[str, ...]:
    """The fields of a response struct that may hold money: money-named ones and containers."""
    info = msgspec.inspect.type_info(struct_class)
    assert isinstance(info, msgspec.inspect.StructType)

    def may_hold(kind: Any) -> bool:
        members = kind.types if isinstance(kind, msgspec.inspect.UnionType) else (kind,)
        return any(isinstance(m, _CONTAINERS) for m in members)

    return tuple(f.name for f in info.fields
                 if f.name not in SKIPPED and (f.name in MONEY_FIELDS or may_hold(f.type)))


def scale_money(value: Any, currency: str) -> Any:
    """``value`` (a struct, dict or list, as handlers return them) with each amount at its scale."""
    kind = type(value)
    if kind is list:
        for item in value:
            scale_money(item, currency)
    elif kind is dict:
        own = value.get("currency")
        currency = own if isinstance(own, str) and own else currency
        for name, item in value.items():
            if name not in SKIPPED:
                value[name] = _scaled(name, item, currency)
    elif isinstance(value, msgspec.Struct):
        own = getattr(value, "currency", None)
        currency = own if isinstance(own, str) and own else currency
        for name in _visited(kind):
            item = getattr(value, name)
            if item is not None:
                setattr(value, name, _scaled(name, item, currency))
    return value


def _scaled(name: str, item: Any, currency: str) -> Any:
    kind = type(item)
    if kind is Decimal:
        return at_currency_scale(item, currency) if name in MONEY_FIELDS else item
    if kind is list or kind is dict or isinstance(item, msgspec.Struct):
        scale_money(item, currency)
    return item


def money_hook(currency: str) -> Any:
    """The ``after_request`` hook of an organisation whose currency is ``currency``."""
    async def scale(response: Response[Any]) -> Response[Any]:
        content = getattr(response, "content", None)  # a file (the docs' assets) has none
        if content is not None and not isinstance(content, bytes | str):
            scale_money(content, currency)
        return response

    return scale
