"""A campaign's return: its figures (counted by the query) and the ratios worked out from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from leadline.domain.money import currency_places


@dataclass(frozen=True, slots=True)
class CampaignFigures:
    """What the report counts, over the campaign (and its sub-campaigns in a roll-up), of the records
    the reader may read. Revenue is of won opportunities in the campaign's currency; won revenue in
    other currencies is listed apart (``other_revenue``) and left out of the ratios, never converted."""

    members: int = 0
    leads: int = 0
    converted_leads: int = 0
    opportunities: int = 0
    won_opportunities: int = 0
    won_revenue: Decimal = Decimal(0)
    other_revenue: dict[str, Decimal] = field(default_factory=dict)
    budget: Decimal = Decimal(0)
    actual_cost: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class CampaignReport:
    campaign_id: int
    currency: str
    campaign_ids: tuple[int, ...]  # those counted: the campaign and, rolled up, its sub-campaigns
    figures: CampaignFigures
    cost_per_lead: Decimal | None
    cost_per_won_deal: Decimal | None
    #: (won revenue - actual cost) / actual cost; None without a cost
    return_on_spend: Decimal | None


def _ratio(numerator: Decimal, denominator: Decimal | int) -> Decimal | None:
    return None if not denominator else numerator / Decimal(denominator)


def _money(amount: Decimal | None, currency: str) -> Decimal | None:
    """A cost ratio rounded (half to even) to the currency's places: a ratio is not booked money."""
    if amount is None:
        return None
    return amount.quantize(Decimal(1).scaleb(-currency_places(currency)), rounding=ROUND_HALF_EVEN)


def campaign_report(campaign_id: int, currency: str, campaign_ids: tuple[int, ...],
                    figures: CampaignFigures) -> CampaignReport:
    """The report of ``figures``: costs per lead and per won deal at the currency's scale, the
    return on spend to four places (``0.2500`` is 25 %).

    >>> f = CampaignFigures(leads=4, won_opportunities=2, won_revenue=Decimal(5000), actual_cost=Decimal(1000))
    >>> r = campaign_report(1, "USD", (1,), f)
    >>> r.cost_per_lead, r.cost_per_won_deal, r.return_on_spend
    (Decimal('250.00'), Decimal('500.00'), Decimal('4.0000'))
    """
    cost = figures.actual_cost
    per_lead = _ratio(cost, figures.leads)
    per_won = _ratio(cost, figures.won_opportunities)
    spend = _ratio(figures.won_revenue - cost, cost)
    return CampaignReport(
        campaign_id, currency, campaign_ids, figures,
        _money(per_lead, currency), _money(per_won, currency),
        None if spend is None else spend.quantize(Decimal("0.0001"), rounding=ROUND_HALF_EVEN),
    )
