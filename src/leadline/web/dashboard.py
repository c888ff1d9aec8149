"""The home dashboard: leads by source and status, the conversion funnel, the pipeline by stage,
this quarter's forecast against quota and the won/lost trend, as charts with their numbers.

The figures are the read-only queries of ``analytics/dashboard.py``, counted as the user may see
them. Each chart is a ``<figure data-chart>`` holding a ``<canvas>`` and the table of its numbers
(for screen readers, and for anyone without scripts); ``static/leadline-dashboard.js`` reads the
numbers from the table's ``data-value`` cells and draws the chart with the vendored Chart.js. No
script is inline: the CSP forbids it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from litestar import Controller, get
from litestar.response import Template

from leadline.analytics.dashboard import Bar, Dashboard, dashboard
from leadline.services.context import ServiceContext
from leadline.web.values import money_text

#: The vendored Chart.js (static/VENDORED.md): its file name carries its version.
CHART_JS = "chart-4.6.2.umd.min.js"


@dataclass(frozen=True)
class Chart:
    """One chart as the page shows it: ``kind`` tells the script how to draw ``rows``."""

    id: str
    title: str
    kind: str  # doughnut, bar, funnel, forecast, trend
    columns: tuple[str, ...]
    rows: list[tuple[str, list[int | Decimal]]]
    money: bool = False
    note: str | None = None
    quota: Decimal | None = None
    #: the columns of ``rows`` holding amounts (every one when ``money``), in ``currency`` (else the page's)
    money_columns: tuple[int, ...] = ()
    currency: str = ""

    def is_money(self, column: int) -> bool:
        return self.money or column in self.money_columns


class DashboardPages(Controller):
    path = "/dashboard"

    @get("/", sync_to_thread=False)
    def dashboard_page(self, ctx: ServiceContext, user: int) -> Template:
        """Every chart of the home dashboard, as the user may see the records."""
        figures = dashboard(ctx, user)
        return Template("dashboard/page.html", context={"charts": charts(figures), "currency": figures.currency,
                                                        "chart_js": f"/static/{CHART_JS}"})


def charts(figures: Dashboard) -> list[Chart]:
    """The dashboard's charts, in the page's order."""
    currency, forecast = figures.currency, figures.forecast
    missing = ", ".join(f"{code}: {count}" for code, count in figures.unconverted)
    quota_note = f"No quota set for {forecast.period}"
    if forecast.quota is not None:
        quota_note = f"Quota {money_text(forecast.quota, currency)}"
        if forecast.attainment is not None:
            quota_note += f", attainment {forecast.attainment}%"
    return [
        Chart("leads-by-source", "Leads by source", "doughnut", ("Source", "Leads"), _rows(figures.leads_by_source)),
        Chart("leads-by-status", "Leads by status", "bar", ("Status", "Leads"), _rows(figures.leads_by_status)),
        Chart("funnel", "Conversion funnel", "funnel", ("Step", "Leads"),
              _rows(figures.funnel) if figures.funnel and figures.funnel[0].value else []),
        Chart("pipeline", f"Open pipeline by stage ({currency})", "bar", ("Stage", "Amount"),
              _rows(figures.pipeline), money=True,
              note=f"Left out for want of an exchange rate (currency: opportunities): {missing}" if missing else None),
        Chart("forecast", f"Forecast {forecast.period} against quota ({currency})", "forecast",
              ("Category", "Amount"), _rows(forecast.categories), money=True, note=quota_note, quota=forecast.quota),
        Chart("trend", "Won and lost by month", "trend", ("Month", "Won", "Lost"),
              [(m.month, [m.won, m.lost]) for m in figures.trend]),
    ]


def _rows(bars: list[Bar]) -> list[tuple[str, list[int | Decimal]]]:
    return [(bar.label, [bar.value]) for bar in bars]
