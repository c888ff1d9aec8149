"""How a feature and its value read to a rep: "from Trade show", "budget 25k-100k"."""

from __future__ import annotations

UNKNOWN = "unknown"

_PHRASES = {
    "source": "from {v}",
    "campaign": "campaign {v}",
    "industry": "industry {v}",
    "country": "in {v}",
    "rating": "rated {v}",
    "title_seniority": "title level {v}",
    "company_size": "{v} employees",
    "budget": "budget {v}",
    "timeframe": "buying {v}",
    "email_domain": "{v} e-mail address",
    "completeness": "record filled {v}",
    "activities": "{v} activities",
    "days_since_activity": "last activity {v} days ago",
    # opportunities (domain/scoring/opportunity.py)
    "stage": "in stage {v}",
    "type": "type {v}",
    "age_days": "open {v} days",
    "days_in_stage": "{v} days in its stage",
    "amount": "amount {v}",
    "close_date_pushes": "close date pushed later: {v} times",
    "owner_win_rate": "owner's past win rate {v}",
}
_NOT_GIVEN = {
    "email_domain": "no e-mail address",
    "days_since_activity": "no activity yet",
    "title_seniority": "no title",
    "owner_win_rate": "owner has closed no deal yet",
    "amount": "no amount",
}


def phrase(feature: str, value: str) -> str:
    """>>> phrase("source", "Trade show")
    'from Trade show'
    >>> phrase("custom.region", "North")
    'region is North'
    """
    if feature == "decision_maker":
        return "a decision maker" if value == "yes" else "not a decision maker"
    if value == UNKNOWN:
        return _NOT_GIVEN.get(feature, f"{_label(feature)} not given")
    if feature in _PHRASES:
        return _PHRASES[feature].format(v=value)
    if feature.startswith("quiz."):
        return f"answered {value!r} to {feature[5:]!r}"
    return f"{_label(feature)} is {value}"


def _label(feature: str) -> str:
    return feature.split(".", 1)[-1].replace("_", " ")
