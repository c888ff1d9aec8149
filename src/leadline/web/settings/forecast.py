"""Settings of the forecast: the month the fiscal year starts in, the dated exchange rates to
the organisation's currency, and the users' quotas (which the dashboard sets the forecast
against)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Template

from leadline.services.context import ServiceContext
from leadline.services.forecast import settings as forecast_settings
from leadline.services.security.users import list_users
from leadline.web.settings.forms import Form, SettingsPage

#: The periods whose quotas the page shows, as the forecast names them.
QUOTA_PERIODS = ("this-quarter", "next-quarter", "this-year")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def _forecast(ctx: ServiceContext, user: int) -> dict[str, Any]:
    periods = [forecast_settings.list_quotas(ctx, user, name) for name in QUOTA_PERIODS]
    users = sorted(list_users(ctx, user), key=lambda u: u.name.casefold())
    return {"fiscal_start": forecast_settings.get_fiscal_year_start(ctx),
            "months": list(enumerate(MONTHS, start=1)), "currency": ctx.currency,
            "rates": sorted(forecast_settings.list_exchange_rates(ctx), key=lambda r: (r.currency, r.valid_from)),
            "periods": [period.label for period, _ in periods], "users": users,
            "quotas": {u.id: [quotas.get(u.id) for _, quotas in periods] for u in users},
            "user_options": [(u.email, u.name) for u in users if u.active]}


FORECAST = SettingsPage("/settings/forecast", "settings/forecast.html", _forecast)


class ForecastSettings(Controller):
    path = "/settings"

    @get("/forecast", sync_to_thread=False)
    def forecast_page(self, ctx: ServiceContext, user: int) -> Template:
        return FORECAST.render(ctx, user)

    @post("/forecast/fiscal-year", sync_to_thread=False)
    def set_fiscal_year_start(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return FORECAST.submit(ctx, user, "fiscal-year", data, lambda: forecast_settings.set_fiscal_year_start(
            ctx, user, data.get("fiscal_year_start", "")))

    @post("/forecast/rates", sync_to_thread=False)
    def set_exchange_rate(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return FORECAST.submit(ctx, user, "add-rate", data, lambda: forecast_settings.set_exchange_rate(
            ctx, user, data.get("currency", ""), data.get("rate", ""), data.get("valid_from", "")))

    @post("/forecast/rates/remove", sync_to_thread=False)
    def remove_exchange_rate(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return FORECAST.submit(ctx, user, "rates", data, lambda: forecast_settings.remove_exchange_rate(
            ctx, user, data.get("currency", ""), data.get("valid_from", "")))

    @post("/forecast/quotas", sync_to_thread=False)
    def set_quota(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return FORECAST.submit(ctx, user, "add-quota", data, lambda: forecast_settings.set_quota(
            ctx, user, data.get("user", ""), data.get("period", ""), data.get("amount", "")))
