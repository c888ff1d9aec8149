"""``leadline quota set|list``, ``leadline rate set|list|remove`` and ``leadline fiscal-year``: what
the forecast measures against (quotas), converts with (dated exchange rates) and divides the year by."""

from __future__ import annotations

import calendar
from typing import TYPE_CHECKING

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import print_json, print_table

if TYPE_CHECKING:
    from leadline.services.forecast import settings
    from leadline.services.security import users as user_service
else:
    settings = lazy_module("leadline.services.forecast.settings")
    user_service = lazy_module("leadline.services.security.users")

quota_app = typer.Typer(help="Quotas: each user's target for a period, in the organisation's currency.",
                        no_args_is_help=True)
rate_app = typer.Typer(help="Dated exchange rates into the organisation's currency.", no_args_is_help=True)

VALID_FROM = typer.Option(..., "--from", help="The first day the rate applies, YYYY-MM-DD.")


def register(app: typer.Typer) -> None:
    """Add ``fiscal-year`` to the top-level command."""
    app.command("fiscal-year")(handle_errors(fiscal_year))


@quota_app.command("set")
@handle_errors
def quota_set(
    user: str = typer.Argument(..., metavar="USER", help="E-mail or id."),
    period: str = typer.Argument(..., metavar="PERIOD", help="2026-Q4, 2026, 2026-11, this-quarter, ..."),
    amount: str = typer.Argument(..., metavar="AMOUNT"),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Set a user's quota for a period (admins and the user's managers); attainment is closed (won)
    as a share of it.

    Example: leadline quota set sam@example.com 2026-Q4 250000
    """
    value = settings.set_quota(ready_application().context, actor_id(acting_as), user, period, amount)
    if as_json:
        print_json({"user": user, "period": period, "amount": value})
        return
    typer.echo(f"quota of {user} for {period}: {value:,.2f}")


@quota_app.command("list")
@handle_errors
def quota_list(
    period: str = typer.Option("this-quarter", "--period", help="2026-Q4, 2026, 2026-11, this-quarter, ..."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """List the quotas of a period: everyone's for an admin, else yours and your reports'.

    Example: leadline quota list --period 2026-Q4
    """
    context, actor = ready_application().context, actor_id(acting_as)
    chosen, quotas = settings.list_quotas(context, actor, period)
    users = {u.id: u for u in user_service.list_users(context, actor)}
    rows = [{"user_id": uid, "user": users[uid].email if uid in users else None, "amount": amount}
            for uid, amount in sorted(quotas.items(), key=lambda kv: users[kv[0]].name if kv[0] in users else "")]
    if as_json:
        print_json({"period": chosen, "quotas": rows})
        return
    print_table(f"Quotas {chosen.label}", ["user", "quota"], [(r["user"], r["amount"]) for r in rows])


def _print_rates(as_json: bool) -> None:
    rates = settings.list_exchange_rates(ready_application().context)
    if as_json:
        print_json(rates)
        return
    currency = ready_application().context.currency
    print_table(f"Exchange rates (1 unit in {currency})", ["currency", "from", "rate"],
                [(r.currency, r.valid_from, f"{r.rate.normalize():f}") for r in rates])


@rate_app.command("set")
@handle_errors
def rate_set(
    currency: str = typer.Argument(..., metavar="CURRENCY", help="ISO code, e.g. EUR."),
    rate: str = typer.Argument(..., metavar="RATE", help="What one unit is worth in the organisation's currency."),
    valid_from: str = VALID_FROM, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Set a dated exchange rate (admins): from --from on, until the next rate of the currency.
    Reports convert each opportunity at the rate valid on its close date.

    Example: leadline rate set EUR 1.08 --from 2026-10-01
    """
    settings.set_exchange_rate(ready_application().context, actor_id(acting_as), currency, rate, valid_from)
    _print_rates(as_json)


@rate_app.command("list")
@handle_errors
def rate_list(as_json: bool = JSON_OPTION) -> None:
    """List exchange rates by currency and date.  Example: leadline rate list"""
    _print_rates(as_json)


@rate_app.command("remove")
@handle_errors
def rate_remove(currency: str = typer.Argument(..., metavar="CURRENCY"), valid_from: str = VALID_FROM,
                as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Remove one dated rate (admins).  Example: leadline rate remove EUR --from 2026-10-01"""
    settings.remove_exchange_rate(ready_application().context, actor_id(acting_as), currency, valid_from)
    _print_rates(as_json)


def fiscal_year(
    month: str = typer.Argument(None, metavar="[MONTH]", help="Set the month (1-12) the fiscal year starts in."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Show, or set (admins), the month the fiscal year starts in; fiscal quarters and years follow
    it, and a fiscal year is named by the calendar year it starts in.

    Example: leadline fiscal-year 11
    """
    context = ready_application().context
    if month is None:
        start = settings.get_fiscal_year_start(context)
    else:
        start = settings.set_fiscal_year_start(context, actor_id(acting_as), month)
    if as_json:
        print_json({"fiscal_year_start_month": start})
        return
    typer.echo(f"the fiscal year starts in {calendar.month_name[start]} (month {start})")
