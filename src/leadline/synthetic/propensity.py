"""The hidden "true" chance that a generated lead converts: the ground truth for scoring.

A logistic of a linear score, so a scoring model has something learnable to find::

    score = INTERCEPT
          + SOURCE_EFFECTS[source label]             (0 for an unknown source)
          + DECISION_MAKER_EFFECT                    if the lead is a decision maker
          + RATING_EFFECTS[rating]                   (0 without a rating)
          + BUDGET_EFFECT_PER_DECADE * log10(budget / 10,000), clipped to [-1, 1];
            NO_BUDGET_EFFECT without a budget
          + TIMEFRAME_EFFECT * (1 - days to purchase / 365), for 0..365 days;
            NO_TIMEFRAME_EFFECT without a timeframe
    probability = 1 / (1 + exp(-score))

With the generator's distributions the mean probability is roughly 0.15.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from leadline.domain.configuration.sources import DEFAULT_LEAD_SOURCES
from leadline.domain.leads.lead import Lead, Rating

INTERCEPT = -2.2
SOURCE_EFFECTS: dict[str, float] = {
    "Web ad click-through": -0.2,
    "Website form": 0.2,
    "Online quiz": -0.4,
    "Social media": -0.5,
    "Phone call": 0.5,
    "Customer referral": 1.1,
    "Trade show": 0.6,
    "Other": 0.0,
}
DECISION_MAKER_EFFECT = 0.8
RATING_EFFECTS: dict[Rating, float] = {Rating.HOT: 1.0, Rating.WARM: 0.4, Rating.COLD: -0.6}
BUDGET_EFFECT_PER_DECADE = 0.5
NO_BUDGET_EFFECT = -0.4
TIMEFRAME_EFFECT = 0.9
NO_TIMEFRAME_EFFECT = -0.3


def conversion_score(lead: Lead, source_ids: Sequence[int]) -> float:
    """The linear score (log-odds) behind ``true_conversion_probability``."""
    score = INTERCEPT + _source_effect(lead.source_id, source_ids)
    if lead.is_decision_maker:
        score += DECISION_MAKER_EFFECT
    score += RATING_EFFECTS.get(lead.rating, 0.0) if lead.rating else 0.0
    if lead.budget_amount is None or lead.budget_amount <= 0:
        score += NO_BUDGET_EFFECT
    else:
        decades = math.log10(float(lead.budget_amount) / 10_000)
        score += BUDGET_EFFECT_PER_DECADE * max(-1.0, min(1.0, decades))
    if lead.purchase_timeframe is None:
        score += NO_TIMEFRAME_EFFECT
    else:
        days = (lead.purchase_timeframe - lead.created_at.date()).days
        score += TIMEFRAME_EFFECT * (1 - max(0, min(365, days)) / 365)
    return score


def true_conversion_probability(lead: Lead, source_ids: Sequence[int]) -> float:
    """The chance, between 0 and 1, that ``lead`` converts; deterministic.

    ``source_ids`` must be the sequence given to ``generate_leads`` (ids in the order of
    ``DEFAULT_LEAD_SOURCES``): a lead stores only its source id, and the effect belongs
    to the source's meaning, not its id.
    """
    return 1.0 / (1.0 + math.exp(-conversion_score(lead, source_ids)))


def _source_effect(source_id: int | None, source_ids: Sequence[int]) -> float:
    if source_id is None or source_id not in source_ids:
        return 0.0
    position = list(source_ids).index(source_id)
    return SOURCE_EFFECTS[DEFAULT_LEAD_SOURCES[position]] if position < len(DEFAULT_LEAD_SOURCES) else 0.0
