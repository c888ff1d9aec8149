"""A table of closed opportunities with a known, documented win mechanism, for scoring backtests.

Each row is an opportunity as it stood just before it closed, in the features of
``domain.scoring.opportunity`` (stage, type, age_days, days_in_stage, amount, close_date_pushes,
activities, days_since_activity, source, campaign, owner_win_rate), with its outcome (``won``:
yes or no), its close time and ``true_probability``. Opportunities close one after another; the
``owner_win_rate`` column is what the owner's earlier closings show, ``(won + 1) / (closed + 2)``
(None before the owner's first), exactly as Leadline reads it. The true log-odds of winning
(docs/scoring.md)::

    INTERCEPT
    + STAGE[last open stage]                       Prospecting -1.2 ... Order +1.6
    + SKILL[owner]                                  each owner's hidden skill, Normal(0, 0.5)
    - 0.45 * close_date_pushes
    - 0.008 * days_in_stage                         stalled deals die
    + 0.3 * log1p(activities)
    - 0.01 * days_since_activity                    (none: -0.4)
    + SOURCE[source]                                referral +0.6 ... social -0.4
    - 0.25 * log10(amount / 20,000)                 large deals are harder
    - 0.6 if in Negotiation or Order AND pushed twice or more (interaction)
    + noise ~ Normal(0, 0.5)                        (unobserved)

Type and campaign have no effect. ``INTERCEPT`` puts the win rate near 30 %.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

INTERCEPT = -0.55
STAGE = {"Prospecting": -1.2, "Qualification": -0.7, "Needs Analysis": -0.3, "Proposal/Quote": 0.3,
         "Negotiation": 0.9, "Order": 1.6}
STAGE_WEIGHTS = (25, 20, 15, 18, 14, 8)
SOURCE = {"Customer referral": 0.6, "Trade show": 0.3, "Website form": 0.0, "Phone call": 0.1,
          "Web ad click-through": -0.3, "Social media": -0.4}
SOURCE_WEIGHTS = (10, 12, 30, 12, 22, 14)
TYPES = ("new business", "existing business", "renewal", "upsell")
OWNERS = 20
NOISE = 0.5


def opportunity_rows(count: int, *, seed: int = 11, start: datetime | None = None) -> Iterator[dict[str, object]]:
    """``count`` closed opportunities, by close time (oldest first)."""
    rng = random.Random(seed)
    skill = [rng.gauss(0, 0.5) for _ in range(OWNERS)]
    record = [[0, 0] for _ in range(OWNERS)]  # each owner's (won, closed) so far
    moment = start or datetime(2024, 1, 1, tzinfo=UTC)
    campaigns = [f"Campaign {i}" for i in range(1, 9)]
    for number in range(1, count + 1):
        moment += timedelta(minutes=rng.randint(1, 30))
        owner = rng.randrange(OWNERS)
        won, closed = record[owner]
        row = _opportunity(rng, number, moment, campaigns, owner, skill[owner], won, closed)
        record[owner][0] += row["won"] == "yes"
        record[owner][1] += 1
        yield row


def _opportunity(rng: random.Random, number: int, closed_at: datetime, campaigns: list[str], owner: int,
                 skill: float, won: int, closed: int) -> dict[str, object]:
    stage = rng.choices(list(STAGE), weights=STAGE_WEIGHTS)[0]
    source = rng.choices(list(SOURCE), weights=SOURCE_WEIGHTS)[0]
    pushes = min(6, int(rng.expovariate(1.1)))
    in_stage = int(rng.expovariate(1 / 25))
    age = in_stage + rng.randint(0, 120)
    activities = min(40, int(rng.expovariate(0.3)))
    since = None if activities == 0 else rng.randint(0, min(age, 90))
    amount = round(10 ** rng.uniform(3, 5.5), -2)
    z = (INTERCEPT + STAGE[stage] + skill - 0.45 * pushes - 0.008 * in_stage + 0.3 * math.log1p(activities)
         + (-0.01 * since if since is not None else -0.4) + SOURCE[source] - 0.25 * math.log10(amount / 20_000)
         - (0.6 if stage in ("Negotiation", "Order") and pushes >= 2 else 0.0))
    outcome = rng.random() < 1 / (1 + math.exp(-(z + rng.gauss(0, NOISE))))
    return {
        "opportunity_id": number, "closed_at": closed_at.isoformat(), "stage": stage, "type": rng.choice(TYPES),
        "age_days": age, "days_in_stage": in_stage, "amount": amount, "close_date_pushes": pushes,
        "activities": activities, "days_since_activity": "" if since is None else since, "source": source,
        "campaign": rng.choice(campaigns), "owner": f"owner {owner + 1}",
        "owner_win_rate": round((won + 1) / (closed + 2), 2) if closed else "",
        "won": "yes" if outcome else "no", "true_probability": round(1 / (1 + math.exp(-z)), 5),
    }
