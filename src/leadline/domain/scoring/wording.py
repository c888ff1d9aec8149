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


#: the outcomes each kind of model learns from (a record's ``kind`` in ``domain.scoring.records``)
_OUTCOMES = {"lead": ("leads", "converted", "the lead is converted"),
             "opportunity": ("opportunities", "won", "the opportunity is closed")}


def unscored_reason(kind: str, *, decided: bool, has_model: bool, minimum: int) -> str:
    """Why a record of ``kind`` (``"lead"`` or ``"opportunity"``) has no score, in a rep's words
    (read after "not scored: "): its outcome is known (``decided``), no model of its kind is
    trained yet (and what training needs), or it was not scored since the model was.

    >>> unscored_reason("opportunity", decided=True, has_model=True, minimum=20)
    'the opportunity is closed: its outcome is known'
    """
    plural, word, closed = _OUTCOMES[kind]
    if decided:
        return f"{closed}: its outcome is known"
    if not has_model:
        return (f"no {kind} model yet: an admin's 'leadline score train' learns one once at least {minimum} "
                f"{plural} have an outcome, {word} and not")
    return f"not since the model was trained: an admin's 'leadline score {plural}' scores every open one"
