"""Synthetic companies and the contact points of the people who work there.

A company has a size class (small, mid-size, large) that drives its head count, and its
annual revenue follows the head count (revenue per employee varies around 180,000). Each
company name is unique, so its web domain is too; e-mail addresses and phone numbers are
handed out once each by ``ContactBook``, so the only shared ones are planted duplicates.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import accumulate

from leadline.synthetic.words import (
    ADJECTIVES,
    COUNTRIES,
    INDUSTRIES,
    LAST_NAMES,
    NOUNS,
    TRADE_WORDS,
    CountryPlan,
)

#: (share of companies, smallest and largest head count) per size class.
SIZE_CLASSES: tuple[tuple[float, int, int], ...] = ((0.55, 1, 50), (0.33, 51, 1000), (0.12, 1001, 50_000))
_SIZE_CUM = list(accumulate(share for share, _, _ in SIZE_CLASSES))
_COUNTRY_CUM = list(accumulate(plan.weight for plan in COUNTRIES))
_NOT_LETTERS = re.compile(r"[^a-z]")
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")


@dataclass(frozen=True, slots=True)
class Company:
    stem: str  # the name without its legal suffix
    suffix: str
    domain: str
    plan: CountryPlan
    city: str
    industry: str
    employees: int
    annual_revenue: Decimal | None

    @property
    def name(self) -> str:
        return f"{self.stem} {self.suffix}"


def company_count(lead_count: int) -> int:
    """About five leads per company, between 20 and 20,000 companies."""
    return min(max(lead_count // 5, 20), 20_000)


def make_companies(rng: random.Random, count: int) -> list[Company]:
    """``count`` companies with distinct names and distinct web domains."""
    seen: set[str] = set()
    companies: list[Company] = []
    while len(companies) < count:
        for _attempt in range(5):
            stem = _company_stem(rng)
            if _domain_key(stem) not in seen:
                break
        else:  # the word lists give ~100,000 names; past the point of easy misses, number them
            stem = f"{stem} {len(companies) + 1}"
        seen.add(_domain_key(stem))
        companies.append(_company(rng, stem))
    return companies


def _domain_key(stem: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", stem.lower())


def _company_stem(rng: random.Random) -> str:
    pattern = rng.random()
    if pattern < 0.6:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(TRADE_WORDS)}"
    if pattern < 0.8:
        return f"{rng.choice(LAST_NAMES)} & {rng.choice(LAST_NAMES)}"
    return f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS).lower()} {rng.choice(TRADE_WORDS)}"


def _company(rng: random.Random, stem: str) -> Company:
    plan = rng.choices(COUNTRIES, cum_weights=_COUNTRY_CUM)[0]
    _, low, high = rng.choices(SIZE_CLASSES, cum_weights=_SIZE_CUM)[0]
    employees = round(math.exp(rng.uniform(math.log(low), math.log(high))))
    revenue_per_head = math.exp(rng.gauss(math.log(180_000), 0.5))
    revenue = None if rng.random() < 0.2 else Decimal(round(employees * revenue_per_head, -3))
    tld = plan.tld if rng.random() < 0.7 else "com"
    return Company(
        stem=stem, suffix=rng.choice(plan.suffixes), domain=f"{_domain_key(stem)}.{tld}",
        plan=plan, city=rng.choice(plan.cities), industry=rng.choice(INDUSTRIES), employees=employees,
        annual_revenue=revenue,
    )


@cache
def email_local_part(first_name: str | None, last_name: str) -> str:
    """``first.last`` in lower-case letters only (``W.`` becomes ``w``); just ``last`` without a first name."""
    parts = (_NOT_LETTERS.sub("", (first_name or "").lower()), _NOT_LETTERS.sub("", last_name.lower()))
    return ".".join(part for part in parts if part)


class ContactBook:
    """Hands out e-mail addresses and phone numbers, each at most once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = set()
        self.phones: set[str] = set()

    def new_email(self, first_name: str | None, last_name: str, domain: str) -> str:
        local = email_local_part(first_name, last_name)
        email, number = f"{local}@{domain}", 2
        while email in self.emails:
            email, number = f"{local}{number}@{domain}", number + 1
        self.emails.add(email)
        return email

    def new_phone(self, plan: CountryPlan) -> str:
        """A valid E.164 number of ``plan``'s country not handed out before."""
        while True:
            digits = self.rng.randrange(10**plan.phone_digits)
            phone = f"+{self.rng.choice(plan.phone_prefixes)}{digits:0{plan.phone_digits}d}"
            if phone not in self.phones:
                self.phones.add(phone)
                return phone
