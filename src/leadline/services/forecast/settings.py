"""Admin use cases for money over time: the fiscal year start, dated exchange rates and quotas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from leadline.domain.common import date_field
from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.forecast import Period, ensure_fiscal_start, parse_period
from leadline.domain.money import currency_code, number_text, parse_amount, parse_currency, parse_rate
from leadline.domain.security.access import subordinates_of
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_actor, require_admin
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

FISCAL_YEAR_START = "fiscal_year_start_month"


def fiscal_year_start(uow: UnitOfWork) -> int:
    """The month (1-12) the organisation's fiscal year starts in; January unless set."""
    value = uow.settings.get(FISCAL_YEAR_START)
    return int(value) if value else 1


def period_named(ctx: ServiceContext, uow: UnitOfWork, text: str) -> Period:
    """The period ``text`` names under the organisation's fiscal year (``this-quarter`` is today's)."""
    return parse_period(text, fiscal_year_start(uow), ctx.now().date())


def get_fiscal_year_start(ctx: ServiceContext) -> int:
    with ctx.reader() as uow:
        return fiscal_year_start(uow)


def set_fiscal_year_start(ctx: ServiceContext, actor_id: int, month: object) -> int:
    """Set the month the fiscal year starts in (admins); quarters and years follow it."""
    try:
        chosen = int(number_text(month, field="fiscal_year_start"))
    except ValueError:
        raise ValidationError(f"{month!r} is not a month number", field="fiscal_year_start") from None
    ensure_fiscal_start(chosen)
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        before = fiscal_year_start(uow)
        uow.settings.set(FISCAL_YEAR_START, str(chosen))
        uow.audit.record("update", "org_setting", None, actor_id, ctx.now(),
                         {FISCAL_YEAR_START: (str(before), str(chosen))})
        uow.commit()
    return chosen


@dataclass(frozen=True)
class Rate:
    currency: str
    valid_from: date
    rate: Decimal


def list_exchange_rates(ctx: ServiceContext) -> list[Rate]:
    with ctx.reader() as uow:
        return [Rate(c, d, r) for c, d, r in uow.exchange_rates.list()]


def set_exchange_rate(ctx: ServiceContext, actor_id: int, currency: str, rate: object,
                      valid_from: object) -> Rate:
    """From ``valid_from`` on, one ``currency`` is worth ``rate`` of the organisation's currency
    (admins). Reports convert each opportunity at the rate valid on its close date."""
    code = parse_currency(currency)
    if code == ctx.currency:
        raise ValidationError(f"{code} is the organisation's currency; its rate is 1", field="currency")
    amount = parse_rate(rate)
    start = date_field(valid_from, "valid_from")
    if start is None:
        raise ValidationError("is required", field="valid_from")
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        replaced = uow.exchange_rates.set(code, start, amount)
        uow.audit.record("update" if replaced else "create", "exchange_rate", None, actor_id, ctx.now(),
                         {f"{code} from {start.isoformat()}": (None, str(amount))})
        uow.commit()
    return Rate(code, start, amount)


def remove_exchange_rate(ctx: ServiceContext, actor_id: int, currency: str, valid_from: object) -> None:
    code, start = currency_code(currency), date_field(valid_from, "valid_from")  # a pre-ISO-check rate too
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        if start is None or not uow.exchange_rates.delete(code, start):
            raise NotFoundError(f"there is no {code} rate from {valid_from}", field="valid_from")
        uow.audit.record("delete", "exchange_rate", None, actor_id, ctx.now(), {f"{code} from {start}": ("", None)})
        uow.commit()


def set_quota(ctx: ServiceContext, actor_id: int, user: str | int, period: str, amount: object) -> Decimal:
    """A user's quota for a period (``2026-Q4``, ``2026``, ``2026-11``), in the organisation's
    currency (admins and the user's managers)."""
    value = parse_amount(amount, field="amount")
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        target = resolve_user(uow, user)
        if target is None:
            raise ValidationError("is required", field="user")
        if not actor.is_admin() and target.id not in _reports_of(uow, actor.id):
            raise PermissionDeniedError("only an admin or the user's manager sets a quota", field="user")
        label = period_named(ctx, uow, period).label
        previous = uow.quotas.set(target.id, label, value)
        uow.audit.record("update" if previous is not None else "create", "quota", target.id, actor_id, ctx.now(),
                         {label: (None if previous is None else str(previous), str(value))})
        uow.commit()
    return value


def _reports_of(uow: UnitOfWork, user_id: int) -> frozenset[int]:
    return subordinates_of(user_id, uow.users.hierarchy())


def list_quotas(ctx: ServiceContext, actor_id: int, period: str) -> tuple[Period, dict[int, Decimal]]:
    """Quotas of ``period`` by user id: every user's for an admin, else the actor's and their reports'."""
    with ctx.reader() as uow:
        actor = load_actor(uow, actor_id)
        chosen = period_named(ctx, uow, period)
        quotas = uow.quotas.for_period(chosen.label)
        if not actor.is_admin():
            mine = _reports_of(uow, actor.id) | {actor.id}
            quotas = {uid: amount for uid, amount in quotas.items() if uid in mine}
        return chosen, quotas
