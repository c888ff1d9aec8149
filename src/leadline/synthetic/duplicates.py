"""Planted duplicates: the known truth that duplicate detection is measured against.

A duplicate is the same person coming in again, typing their name or company a little
differently. Most reuse the original's e-mail address (``EMAIL_SHARE``); the rest reuse
its phone number and get an e-mail address of their own. Nothing else is shared by
chance: ``ContactBook`` hands out every other e-mail address and phone number once.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from leadline.domain.leads.lead import Lead
from leadline.synthetic.companies import Company, ContactBook
from leadline.synthetic.words import NICKNAMES

#: The share of generated leads that duplicate an earlier lead.
DUPLICATE_RATE = 0.03
#: The share of duplicates that reuse the e-mail address; the others reuse the phone number.
EMAIL_SHARE = 0.75


def duplicate_positions(rng: random.Random, count: int) -> set[int]:
    """Which positions (never the first) hold a duplicate: ``round(count * DUPLICATE_RATE)`` of them."""
    wanted = round(count * DUPLICATE_RATE) if count > 1 else 0
    return set(rng.sample(range(1, count), wanted))


def duplicate_identity(rng: random.Random, original: Lead, company: Company, book: ContactBook) -> dict[str, Any]:
    """The person fields of a duplicate of ``original``: same person and company, varied spelling."""
    first_name, last_name = vary_name(rng, original.first_name, original.last_name)
    by_email = original.phone is None or rng.random() < EMAIL_SHARE
    if by_email:
        email = original.email
        phone = None if rng.random() < 0.3 else book.new_phone(company.plan)
    else:
        email, phone = book.new_email(first_name, last_name, company.domain), original.phone
    return {
        "first_name": first_name, "last_name": last_name, "email": email, "phone": phone,
        "company": vary_company(rng, company), "title": original.title,
        "is_decision_maker": original.is_decision_maker, "industry": original.industry,
        "website": original.website, "city": original.city, "country": original.country,
        "annual_revenue": original.annual_revenue, "number_of_employees": original.number_of_employees,
    }


def vary_name(rng: random.Random, first_name: str | None, last_name: str) -> tuple[str | None, str]:
    """One of: a nickname, an initial, two swapped letters in the last name, a shouted last name."""
    ways: list[tuple[str | None, str]] = [(first_name, last_name.upper())]
    if first_name in NICKNAMES:
        ways.append((NICKNAMES[first_name], last_name))
    if first_name:
        ways.append((f"{first_name[0]}.", last_name))
    i = rng.randrange(1, len(last_name) - 2) if len(last_name) > 3 else 0
    swapped = last_name[:i] + last_name[i + 1] + last_name[i] + last_name[i + 2:] if i else last_name
    if swapped != last_name:
        ways.append((first_name, swapped))
    return rng.choice(ways)


def vary_company(rng: random.Random, company: Company) -> str:
    """The company without its legal suffix, with a comma, or in capitals."""
    way = rng.randrange(3)
    if way == 0:
        return company.stem
    if way == 1:
        return f"{company.stem}, {company.suffix}"
    return company.name.upper()


def duplicate_pairs(leads: Iterable[Lead]) -> list[tuple[int, int]]:
    """(original id, duplicate id) for every lead sharing an e-mail address or phone number with
    an earlier lead in ``leads`` (the earliest sharing the e-mail address, else the phone).

    On generated leads this is exactly the planted duplicates, in order.
    """
    first_by_email: dict[str, int] = {}
    first_by_phone: dict[str, int] = {}
    pairs = []
    for lead in leads:
        original = first_by_email.get(lead.email or "") or first_by_phone.get(lead.phone or "")
        if original is not None:
            pairs.append((original, lead.id))
            continue
        if lead.email:
            first_by_email[lead.email] = lead.id
        if lead.phone:
            first_by_phone[lead.phone] = lead.id
    return pairs
