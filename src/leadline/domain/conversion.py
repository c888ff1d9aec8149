"""Lead conversion, as data: which lead field fills which field of the account, contact and
opportunity, and what a lead must have for conversion to create an opportunity.

The mapping is written out here rather than guessed from matching names, so a reader (and an
admin screen later) sees exactly what conversion copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadline.domain.errors import ConfigurationError
from leadline.domain.leads import Lead
from leadline.domain.statuses import LeadStatus, StatusKind

#: lead field -> account field
LEAD_TO_ACCOUNT: tuple[tuple[str, str], ...] = (
    ("company", "name"), ("website", "website"), ("industry", "industry"),
    ("number_of_employees", "number_of_employees"), ("street", "billing_street"), ("city", "billing_city"),
    ("state", "billing_state"), ("postal_code", "billing_postal_code"), ("country", "billing_country"),
)
#: lead field -> contact field
LEAD_TO_CONTACT: tuple[tuple[str, str], ...] = (
    ("first_name", "first_name"), ("last_name", "last_name"), ("email", "email"), ("phone", "phone"),
    ("title", "title"), ("source_id", "lead_source_id"),
)
#: lead field -> opportunity field
LEAD_TO_OPPORTUNITY: tuple[tuple[str, str], ...] = (
    ("source_id", "lead_source_id"), ("budget_amount", "amount"), ("currency", "currency"),
    ("purchase_timeframe", "close_date"),
)


def mapped_values(lead: Lead, mapping: Iterable[tuple[str, str]]) -> dict[str, object]:
    """The target fields a conversion fills from ``lead`` under ``mapping``."""
    return {target: getattr(lead, source) for source, target in mapping}


@dataclass(frozen=True, slots=True)
class CriterionResult:
    name: str
    met: bool
    reason: str


def opportunity_criteria(lead: Lead) -> list[CriterionResult]:
    """The default data-driven test of a clearly identified sale: product interest, budget and
    timeframe all known. (Issue 4 makes the criteria configurable.)"""
    return [
        CriterionResult("product_interest", bool(lead.products),
                        f"{len(lead.products)} product line(s)" if lead.products else "no product of interest"),
        CriterionResult("budget", lead.budget_amount is not None and lead.budget_amount > 0,
                        f"budget {lead.budget_amount} {lead.currency}" if lead.budget_amount else "no budget"),
        CriterionResult("timeframe", lead.purchase_timeframe is not None,
                        f"purchase by {lead.purchase_timeframe}" if lead.purchase_timeframe else "no timeframe"),
    ]


def opportunity_name(lead: Lead) -> str:
    """``<Company> - <first product>`` or ``<Company> - New business``."""
    what = lead.products[0].product_name if lead.products else "New business"
    return f"{lead.company} - {what}"[:255]


def converted_status(statuses: Iterable[LeadStatus], chosen: str | None = None) -> LeadStatus:
    """The status a conversion sets: the one named, else the first active converted status."""
    candidates = [s for s in statuses if s.kind is StatusKind.CONVERTED and s.is_active]
    if chosen:
        candidates = [s for s in candidates if s.label.casefold() == chosen.casefold() or str(s.id) == chosen]
    if not candidates:
        raise ConfigurationError(f"no active converted status {chosen or ''}".strip(), field="converted_status")
    return min(candidates, key=lambda s: s.order)
