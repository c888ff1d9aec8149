"""Deterministic synthetic leads for tests and benchmarks (standard library only).

The same arguments and seed give the same leads, field for field, except their ids
(made by ``leadline.domain.ids.new_ids``, which are time-based). The distributions:

* created_at: aware UTC, second precision, inside ``[window_start(now, months), now)``,
  with ``MONTHLY_GROWTH`` more leads each month than the month before; in ascending order
  (as are the ids), so a duplicate always comes after its original.
* source: ``SOURCE_WEIGHTS`` (web form and web ads most, referrals and trade shows few).
* status: ``STATUS_WEIGHTS`` over Open, Contacted, Qualified, Unqualified; never Converted
  (conversion makes accounts, contacts and opportunities too).
* company: about five leads per company; size drives head count, revenue and budget.
* title: decision makers (CEO, VP, Director, Head of ...) more often at small companies.
* budget ``BUDGET_MISSING`` missing, else log-normal; purchase timeframe ``TIMEFRAME_MISSING``
  missing, else 0-365 days after creation; 0-3 product interests; rating by ``RATING_WEIGHTS``.
* ``DUPLICATE_RATE`` of the leads are planted duplicates (see ``synthetic.duplicates``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from leadline.domain.configuration.sources import DEFAULT_LEAD_SOURCES
from leadline.domain.ids import new_ids
from leadline.domain.leads.lead import Lead, ProductInterest, Rating
from leadline.domain.money import AMOUNT_PLACES
from leadline.synthetic.companies import Company, ContactBook, company_count, make_companies
from leadline.synthetic.duplicates import duplicate_identity, duplicate_positions
from leadline.synthetic.words import DECISION_MAKER_TITLES, FIRST_NAMES, LAST_NAMES, OTHER_TITLES, PRODUCT_CATALOGUE

#: Relative weight of each default source, in the order of ``DEFAULT_LEAD_SOURCES``.
SOURCE_WEIGHTS: dict[str, int] = {
    "Web ad click-through": 28, "Website form": 32, "Online quiz": 6, "Social media": 10,
    "Phone call": 7, "Customer referral": 6, "Trade show": 5, "Other": 6,
}
#: Relative weight of the first four status ids given: Open, Contacted, Qualified, Unqualified.
STATUS_WEIGHTS: tuple[int, int, int, int] = (40, 30, 15, 15)
RATING_WEIGHTS: tuple[tuple[Rating | None, int], ...] = (
    (Rating.HOT, 12), (Rating.WARM, 28), (Rating.COLD, 25), (None, 35),
)
#: Relative weight of having 0, 1, 2 or 3 product interests.
INTEREST_COUNT_WEIGHTS: tuple[int, int, int, int] = (35, 35, 20, 10)
BUDGET_MISSING = 0.35
TIMEFRAME_MISSING = 0.40
PHONE_MISSING = 0.15
MONTHLY_GROWTH = 0.04
DAYS_PER_MONTH = 30.4375


def window_start(now: datetime, months: int) -> datetime:
    """The earliest possible created_at: ``months`` average months before ``now``."""
    return now.astimezone(UTC) - timedelta(days=months * DAYS_PER_MONTH)


def generate_leads(
    count: int, *, seed: int = 0, status_ids: Sequence[int], source_ids: Sequence[int],
    owner_ids: Sequence[int], now: datetime, currency: str = "USD", months: int = 18,
) -> list[Lead]:
    """``count`` realistic, unsaved leads, the same for the same seed (ids aside).

    ``status_ids`` are Open, Contacted, Qualified, Unqualified[, Converted] in that order
    (``DEFAULT_LEAD_STATUSES``); only the first four are used. ``source_ids`` follow
    ``DEFAULT_LEAD_SOURCES``; extra ones get the weight of "Other". ``owner_ids`` may be
    empty (no owner). Raises ``ValueError`` for fewer than four statuses, no source, a
    naive ``now`` or a window shorter than a month.
    """
    _check_arguments(count, status_ids, source_ids, now, months)
    now = now.astimezone(UTC)
    rng = random.Random(seed)
    draw = _Draw(rng, count, now, statuses=status_ids, sources=source_ids, owners=owner_ids)
    companies = make_companies(rng, company_count(count))
    book = ContactBook(rng)
    duplicates = duplicate_positions(rng, count)
    moments = created_moments(rng, count, now, months)
    leads: list[Lead] = []
    originals: list[tuple[Lead, Company]] = []
    for position, (lead_id, created_at) in enumerate(zip(new_ids(count), moments, strict=True)):
        if position in duplicates:
            original, company = rng.choice(originals)
            identity = duplicate_identity(rng, original, company, book)
        else:
            company = rng.choice(companies)
            identity = _new_identity(rng, company, book)
        lead = Lead(id=lead_id, created_at=created_at, currency=currency, **identity,
                    **draw.commercial(position, created_at, identity["number_of_employees"]))
        leads.append(lead)
        if position not in duplicates:
            originals.append((lead, company))
    return leads


def created_moments(rng: random.Random, count: int, now: datetime, months: int) -> list[datetime]:
    """``count`` ascending moments in the window, denser towards ``now`` (exponential growth)."""
    start = window_start(now, months)
    span = (now - start).total_seconds()
    growth = math.log(1 + MONTHLY_GROWTH) * months
    scale = math.expm1(growth)
    fractions = sorted(math.log1p(rng.random() * scale) / growth for _ in range(count))
    return [start + timedelta(seconds=int(fraction * span)) for fraction in fractions]


def _check_arguments(
    count: int, status_ids: Sequence[int], source_ids: Sequence[int], now: datetime, months: int
) -> None:
    if count < 0:
        raise ValueError("count must not be negative")
    if len(status_ids) < 4:
        raise ValueError("give the ids of Open, Contacted, Qualified and Unqualified (and Converted)")
    if not source_ids:
        raise ValueError("give at least one source id")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if months < 1:
        raise ValueError("months must be at least 1")


def _new_identity(rng: random.Random, company: Company, book: ContactBook) -> dict[str, Any]:
    first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    deciding = rng.random() < (0.45 if company.employees <= 50 else 0.25 if company.employees <= 1000 else 0.15)
    return {
        "first_name": first_name, "last_name": last_name,
        "email": book.new_email(first_name, last_name, company.domain),
        "phone": None if rng.random() < PHONE_MISSING else book.new_phone(company.plan),
        "company": company.name, "is_decision_maker": deciding,
        "title": rng.choice(DECISION_MAKER_TITLES if deciding else OTHER_TITLES),
        "industry": company.industry, "website": f"https://www.{company.domain}", "city": company.city,
        "country": company.plan.code, "annual_revenue": company.annual_revenue,
        "number_of_employees": company.employees,
    }


class _Draw:
    """The commercial side of a lead: source, status, owner, rating, budget, timing, products.

    The weighted picks are drawn for all leads at once (``Random.choices`` with ``k``), which
    is what makes 100,000 leads take seconds rather than tens of seconds.
    """

    def __init__(self, rng: random.Random, count: int, now: datetime, *, statuses: Sequence[int],
                 sources: Sequence[int], owners: Sequence[int]) -> None:
        self.rng, self.now = rng, now
        source_weights = [SOURCE_WEIGHTS[label] for label in DEFAULT_LEAD_SOURCES]
        source_weights += [SOURCE_WEIGHTS["Other"]] * max(0, len(sources) - len(source_weights))
        source_cum = list(accumulate(source_weights[: len(sources)]))
        ratings = [rating for rating, _ in RATING_WEIGHTS]
        self.statuses = rng.choices(list(statuses[:4]), cum_weights=list(accumulate(STATUS_WEIGHTS)), k=count)
        self.sources = rng.choices(list(sources), cum_weights=source_cum, k=count)
        self.owners: list[int | None] = rng.choices(list(owners) or [None], k=count)
        self.ratings = rng.choices(ratings, cum_weights=list(accumulate(w for _, w in RATING_WEIGHTS)), k=count)
        self.interests = rng.choices((0, 1, 2, 3), cum_weights=list(accumulate(INTEREST_COUNT_WEIGHTS)), k=count)

    def commercial(self, position: int, created_at: datetime, employees: int) -> dict[str, Any]:
        touched = timedelta(seconds=int(self.rng.expovariate(1 / (7 * 86_400))))
        return {
            "status_id": self.statuses[position], "source_id": self.sources[position],
            "owner_id": self.owners[position], "rating": self.ratings[position],
            "budget_amount": self._budget(employees),
            "purchase_timeframe": self._timeframe(created_at),
            "products": self._products(self.interests[position], employees),
            "updated_at": min(self.now, created_at + touched),
        }

    def _budget(self, employees: int) -> Decimal | None:
        """Log-normal around 3,000 x employees^0.45 (about 8,000 at 10 people, 400,000 at 50,000)."""
        if self.rng.random() < BUDGET_MISSING:
            return None
        amount = math.exp(self.rng.gauss(math.log(3_000) + 0.45 * math.log(employees), 0.9))
        return Decimal(max(500, int(round(amount, -2)))).quantize(AMOUNT_PLACES)

    def _timeframe(self, created_at: datetime) -> date | None:
        if self.rng.random() < TIMEFRAME_MISSING:
            return None
        return created_at.date() + timedelta(days=self.rng.randint(0, 365))

    def _products(self, how_many: int, employees: int) -> list[ProductInterest]:
        rng = self.rng
        if how_many == 0:
            return []
        picks = [rng.choice(PRODUCT_CATALOGUE)] if how_many == 1 else rng.sample(PRODUCT_CATALOGUE, how_many)
        lines = []
        for name, list_price in picks:
            seats = rng.randint(1, max(1, min(employees, 200))) if "licence" in name else 1
            price = None if rng.random() < 0.25 else (list_price * rng.randint(80, 100) / 100).quantize(AMOUNT_PLACES)
            lines.append(ProductInterest(name, Decimal(seats), price))
        return lines
