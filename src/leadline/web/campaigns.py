"""The campaigns pages: the list and a campaign's page with its report (rolled up over its
sub-campaigns, of the records the user may read), calling the API's use cases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from litestar import Controller, get
from litestar.response import Template

from leadline.analytics.campaigns import report_campaign
from leadline.domain.money import at_currency_scale
from leadline.services.campaigns import records as campaign_service
from leadline.services.context import ServiceContext
from leadline.web.dashboard import CHART_JS, Chart
from leadline.web.values import money_text


def _money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else money_text(value, currency)


class CampaignPages(Controller):
    path = "/campaigns"

    @get("/", sync_to_thread=False)
    def campaign_list(self, ctx: ServiceContext, user: int) -> Template:
        campaigns = campaign_service.list_campaigns(ctx, user)
        names = {c.id: c.name for c in campaigns}
        return Template("campaigns/list.html", context={
            "campaigns": campaigns, "names": names,
            "money": {c.id: (_money(c.budget_amount, c.currency), _money(c.actual_cost_amount, c.currency))
                      for c in campaigns}})

    @get("/{campaign_id:int}", sync_to_thread=False)
    def campaign_page(self, ctx: ServiceContext, user: int, campaign_id: int) -> Template:
        campaign = campaign_service.get_campaign(ctx, user, campaign_id)
        report = report_campaign(ctx, user, campaign_id)
        f, currency = report.figures, report.currency
        figures: list[tuple[str, Any]] = [
            ("Members", f.members), ("Leads", f.leads), ("Converted leads", f.converted_leads),
            ("Opportunities", f.opportunities), ("Won deals", f.won_opportunities),
            ("Won revenue", _money(f.won_revenue, currency)), ("Budget", _money(f.budget, currency)),
            ("Actual cost", _money(f.actual_cost, currency)),
            ("Cost per lead", _money(report.cost_per_lead, currency)),
            ("Cost per won deal", _money(report.cost_per_won_deal, currency)),
            ("Return on spend", "—" if report.return_on_spend is None else f"{report.return_on_spend:.2%}")]
        funnel = [("Members", f.members), ("Leads", f.leads), ("Converted", f.converted_leads),
                  ("Opportunities", f.opportunities), ("Won", f.won_opportunities)]
        spend = [(label, value) for label, value in (
            ("Budget", f.budget), ("Actual cost", f.actual_cost), ("Won revenue", f.won_revenue)) if value is not None]
        charts = [Chart("campaign-funnel", "From members to won deals", "funnel", ("Step", "Count"),
                        [(label, [n]) for label, n in funnel] if any(n for _, n in funnel) else []),
                  Chart("campaign-spend", f"Spend and return ({currency})", "bar", ("Figure", "Amount"),
                        [(label, [at_currency_scale(value, currency)]) for label, value in spend]
                        if any(value for _, value in spend) else [], money=True)]
        return Template("campaigns/page.html", context={
            "campaign": campaign, "figures": figures, "counted": len(report.campaign_ids),
            "charts": charts, "currency": currency, "chart_js": f"/static/{CHART_JS}"})
