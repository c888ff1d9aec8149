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

**As of when** (``training_moments``): a lead that teaches the model has its features read at a
reading age drawn alike for every lead of the training set, with the activities logged until then,
if it was still open then (before ``decided_at``: converted, closed as unqualified, or its
``MATURITY_DAYS``-th day); else it does not teach (the rule of ``domain.scoring.reading``). An
open lead is scored as of now, at the age it has reached. Read as of the training day,
``days_since_activity`` of a two-year-old lead was two years whatever happened; read at the
decision, every converted lead sat just after the meeting that qualified it; read halfway to the
decision (ADR 0064), its activity count and ``days_since_activity`` still grew with the time it
took to be decided.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.interface import FeatureValue
from leadline.domain.scoring.reading import reading_moments

MATURITY_DAYS = 180
#: what a lead's reading age is drawn under (``reading.reading_draw``)
READING_KIND = "lead"

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
    #: every activity's time, oldest first, when read: counted up to the moment the features are
    #: read at; None: ``activities`` and ``last_activity_at`` as given
    activity_times: tuple[datetime, ...] | None = None

    def activity_until(self, moment: datetime) -> tuple[int, datetime | None]:
        """How many activities were logged up to ``moment``, and the last one's time."""
        return activity_until(self.activity_times, self.activities, self.last_activity_at, moment)


def activity_until(times: Sequence[datetime] | None, count: int, last: datetime | None,
                   moment: datetime) -> tuple[int, datetime | None]:
    """How many of a record's activities (``times``, oldest first) were logged up to ``moment``,
    and the last one's time; ``times`` None: ``count`` and ``last`` as given."""
    if times is None:
        return count, last
    kept = [t for t in times if t <= moment]
    return len(kept), (kept[-1] if kept else None)


def lead_features(facts: LeadFacts, now: datetime) -> dict[str, FeatureValue]:
    """The feature row of one lead as of ``now`` (its reading moment, ``training_moments``, for a
    lead that teaches)."""
    lead = facts.lead
    activities, last_activity = facts.activity_until(now)
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
        "activities": float(activities),
        "days_since_activity": None if last_activity is None else float(max(0, (now - last_activity).days)),
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


def decided_at(lead: Lead, *, unqualified: bool, now: datetime, maturity_days: int = MATURITY_DAYS) -> datetime:
    """The moment a lead's outcome (``outcome_of``) was settled, never after ``now``: its conversion,
    its last change when closed as unqualified, else its ``maturity_days``-th day."""
    if lead.is_converted() and lead.converted_at is not None:
        moment = lead.converted_at
    elif unqualified:
        moment = lead.updated_at
    else:
        moment = lead.created_at + timedelta(days=maturity_days)
    return min(max(moment, lead.created_at), now)


def training_moments(leads: Sequence[tuple[Lead, bool]], *, now: datetime, maturity_days: int = MATURITY_DAYS,
                     mean: timedelta | None = None) -> list[datetime | None]:
    """The moment each lead of a training set, given with whether it is closed as unqualified, is
    read at (``reading.reading_moments`` over its open life, creation to ``decided_at``), or None
    when it was decided by then (it does not teach). ``mean``: the reading ages' mean, by default
    ``reading.reading_mean`` of these lives (``open_lives``)."""
    return reading_moments([(lead.id, lead.created_at, decided_at(lead, unqualified=unqualified, now=now,
                                                                  maturity_days=maturity_days))
                            for lead, unqualified in leads], kind=READING_KIND, mean=mean)


def open_lives(leads: Sequence[tuple[Lead, bool]], *, now: datetime, maturity_days: int = MATURITY_DAYS
               ) -> list[timedelta]:
    """How long each lead of a training set was open, creation to ``decided_at``."""
    return [decided_at(lead, unqualified=unqualified, now=now, maturity_days=maturity_days) - lead.created_at
            for lead, unqualified in leads]


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
