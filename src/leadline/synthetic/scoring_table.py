"""A table of past leads with a known, documented conversion mechanism, for scoring backtests.

Each row is a lead as an export from a CRM would hold it, with its outcome (``converted``: yes
or no, whether an opportunity came of it) and a few columns recorded after the outcome (which a
backtest must detect as leaks). The true log-odds of converting are (docs/scoring.md)::

    INTERCEPT
    + SOURCE[source]                                 referral +1.2, trade show +0.7, ... social -0.6
    + SENIORITY[seniority]                           executive +0.6, director +0.4, manager 0, staff -0.4
    + 0.45 * clip(log10(budget / 10,000), -1, 1)     no budget: -0.5
    + 0.8 * (1 - clip(timeframe_days, 0, 365) / 365) no timeframe: -0.3
    + 0.35 * log1p(activities)                       diminishing returns
    - 0.004 * days_since_activity                    (none: -0.3)
    - 0.6 if free mail
    + 0.8 if source is referral AND seniority is executive      (interaction)
    - 0.5 if free mail AND employees <= 10                       (interaction)
    + noise ~ Normal(0, 0.6)                                      (unobserved)

``INTERCEPT`` is set so that about 13 % of leads convert. ``true_probability`` is the chance
before the noise is drawn; the best any model can do is bounded by the noise.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

INTERCEPT = -1.95
SOURCE = {"Customer referral": 1.2, "Trade show": 0.7, "Phone call": 0.4, "Website form": 0.1,
          "Web ad click-through": -0.3, "Online quiz": -0.4, "Social media": -0.6}
SOURCE_WEIGHTS = (6, 8, 10, 30, 20, 10, 16)
SENIORITY = {"executive": 0.6, "director": 0.4, "manager": 0.0, "staff": -0.4}
TITLES = {"executive": ("CEO", "Founder", "CFO"), "director": ("Director of IT", "VP Sales"),
          "manager": ("IT Manager", "Office Manager"), "staff": ("Analyst", "Engineer", "Assistant")}
INDUSTRIES = ("Software", "Retail", "Manufacturing", "Health", "Finance", "Education")
COUNTRIES = ("US", "GB", "DE", "FR", "CA")
NOISE = 0.6


def scoring_rows(count: int, *, seed: int = 7, start: datetime | None = None) -> Iterator[dict[str, object]]:
    """``count`` leads, oldest first, one every few minutes from ``start``."""
    rng = random.Random(seed)
    moment = start or datetime(2024, 1, 1, tzinfo=UTC)
    campaigns = [f"Campaign {i}" for i in range(1, 13)]
    for number in range(1, count + 1):
        moment += timedelta(minutes=rng.randint(1, 20))
        yield _lead(rng, number, moment, campaigns)


def _lead(rng: random.Random, number: int, created: datetime, campaigns: list[str]) -> dict[str, object]:
    source = rng.choices(list(SOURCE), weights=SOURCE_WEIGHTS)[0]
    seniority = rng.choices(list(SENIORITY), weights=(10, 20, 30, 40))[0]
    employees = int(10 ** rng.uniform(0, 4))
    free_mail = rng.random() < (0.5 if employees <= 10 else 0.15)
    budget = None if rng.random() < 0.35 else round(10 ** rng.uniform(3, 5.3), -2)
    timeframe = None if rng.random() < 0.4 else rng.randint(0, 540)
    activities = min(40, int(rng.expovariate(0.4)))
    since = None if activities == 0 else rng.randint(0, 120)
    z = (INTERCEPT + SOURCE[source] + SENIORITY[seniority]
         + (0.45 * max(-1.0, min(1.0, math.log10(budget / 10_000))) if budget else -0.5)
         + (0.8 * (1 - max(0, min(365, timeframe)) / 365) if timeframe is not None else -0.3)
         + 0.35 * math.log1p(activities) + (-0.004 * since if since is not None else -0.3)
         - (0.6 if free_mail else 0.0)
         + (0.8 if source == "Customer referral" and seniority == "executive" else 0.0)
         - (0.5 if free_mail and employees <= 10 else 0.0))
    true_probability = 1 / (1 + math.exp(-z))
    converted = rng.random() < 1 / (1 + math.exp(-(z + rng.gauss(0, NOISE))))
    return {
        "lead_id": number, "created_at": created.isoformat(), "source": source,
        "campaign": rng.choice(campaigns), "title": rng.choice(TITLES[seniority]), "seniority": seniority,
        "industry": rng.choice(INDUSTRIES), "country": rng.choice(COUNTRIES), "employees": employees,
        "email_domain": "free mail" if free_mail else "company", "budget": budget if budget else "",
        "timeframe_days": "" if timeframe is None else timeframe, "activities": activities,
        "days_since_activity": "" if since is None else since,
        "converted": "yes" if converted else "no",
        "converted_at": (created + timedelta(days=rng.randint(5, 150))).isoformat() if converted else "",
        "opportunity_id": 900_000 + number if converted else "",
        "true_probability": round(true_probability, 5),
    }
