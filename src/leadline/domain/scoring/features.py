"""A lead's features for scoring, and which leads may teach a model.

Features are read from what is known about a lead while it is open (never its status, owner's
later work or anything recorded on conversion, which would leak the outcome):

* ``source``, ``campaign``, ``industry``, ``country``, ``rating``, ``decision_maker``;
* ``title_seniority`` (executive, vice president/director, manager, staff, unknown) from the title;
* ``company_size`` (employee bands), ``budget`` (bands), ``timeframe`` (days from capture to the
  purchase timeframe, in bands), ``email_domain`` (free mail, company, none);
* ``completeness`` (share of the contact and qualifying fields filled, a number);
* ``activities`` (count) and ``days_since_activity`` (numbers; None without activity);
* ``quiz.<question>`` for each quiz answer and ``custom.<name>`` for each custom field.

**Training rule** (``outcome_of``): a lead teaches the model once it has had its chance: it was
converted (positive when an opportunity came of it, negative otherwise), or it was closed as
unqualified (negative), or it was created at least ``MATURITY_DAYS`` (180) days before training and
is still open (negative: most conversions happen within three to six months). Younger open leads are
left out, neither positive nor negative.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.interface import FeatureValue

MATURITY_DAYS = 180

FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "live.com",
    "msn.com", "aol.com", "icloud.com", "me.com", "mail.com", "gmx.com", "gmx.de", "web.de", "proton.me",
    "protonmail.com", "yandex.com", "zoho.com", "fastmail.com",
})

_SENIORITY = (
    ("executive", re.compile(r"\b(ceo|cfo|cto|coo|cio|cmo|chief|founder|owner|president|partner)\b", re.I)),
    ("vp or director", re.compile(r"\b(vp|vice president|director|head)\b", re.I)),
    ("manager", re.compile(r"\b(manager|lead|supervisor)\b", re.I)),
)
_COMPLETE_FIELDS = ("first_name", "email", "phone", "title", "industry", "website", "city", "country",
                    "number_of_employees", "budget_amount", "purchase_timeframe")


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What the features are read from: the lead and what is recorded beside it."""

    lead: Lead
    source: str | None = None
    campaign: str | None = None
    activities: int = 0
    last_activity_at: datetime | None = None
    quiz: Mapping[str, object] = field(default_factory=dict)
    custom: Mapping[str, object] = field(default_factory=dict)


def lead_features(facts: LeadFacts, now: datetime) -> dict[str, FeatureValue]:
    """The feature row of one lead as of ``now``."""
    lead = facts.lead
    row: dict[str, FeatureValue] = {
        "source": facts.source, "campaign": facts.campaign, "industry": lead.industry, "country": lead.country,
        "rating": lead.rating.value if lead.rating else None,
        "decision_maker": "yes" if lead.is_decision_maker else "no",
        "title_seniority": title_seniority(lead.title),
        "company_size": company_size_band(lead.number_of_employees),
        "budget": budget_band(lead.budget_amount),
        "timeframe": timeframe_band(lead),
        "email_domain": email_domain_kind(lead.email),
        "completeness": round(sum(getattr(lead, name) not in (None, "") for name in _COMPLETE_FIELDS)
                              / len(_COMPLETE_FIELDS), 2),
        "activities": float(facts.activities),
        "days_since_activity": (None if facts.last_activity_at is None
                                else float(max(0, (now - facts.last_activity_at).days))),
    }
    for name, value in facts.quiz.items():
        row[f"quiz.{name}"] = _plain(value)
    for name, value in facts.custom.items():
        row[f"custom.{name}"] = _plain(value)
    return row


def outcome_of(lead: Lead, *, unqualified: bool, now: datetime, maturity_days: int = MATURITY_DAYS) -> bool | None:
    """True/False when the lead may teach a model (see the module's training rule), else None."""
    if lead.is_converted():
        return lead.converted_opportunity_id is not None
    if unqualified:
        return False
    if (now - lead.created_at).days >= maturity_days:
        return False
    return None


def title_seniority(title: str | None) -> str:
    """>>> title_seniority("VP of Sales")
    'vp or director'
    """
    if not title:
        return "unknown"
    for label, pattern in _SENIORITY:
        if pattern.search(title):
            return label
    return "staff"


def company_size_band(employees: int | None) -> str | None:
    if employees is None:
        return None
    for limit, label in ((10, "1-10"), (50, "11-50"), (200, "51-200"), (1000, "201-1000")):
        if employees <= limit:
            return label
    return "over 1000"


def budget_band(amount: Decimal | None) -> str | None:
    if amount is None or amount <= 0:
        return None
    for limit, label in ((5_000, "under 5k"), (25_000, "5k-25k"), (100_000, "25k-100k")):
        if amount < limit:
            return label
    return "100k or more"


def timeframe_band(lead: Lead) -> str | None:
    if lead.purchase_timeframe is None:
        return None
    days = (lead.purchase_timeframe - lead.created_at.date()).days
    if days < 0:
        return "already past"
    for limit, label in ((90, "within 3 months"), (180, "3-6 months"), (365, "6-12 months")):
        if days <= limit:
            return label
    return "over a year"


def email_domain_kind(email: str | None) -> str:
    if not email or "@" not in email:
        return "none"
    return "free mail" if email.rsplit("@", 1)[1].lower() in FREE_MAIL_DOMAINS else "company"


def _plain(value: object) -> FeatureValue:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return float(value)
    return str(value)
