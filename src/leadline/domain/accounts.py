"""Accounts (organisations) and contacts (people you do business with)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from leadline.domain.common import (
    INDUSTRY_LENGTH,
    Cleaner,
    parse_non_negative_int,
    person_name,
    text_field,
    website_field,
)
from leadline.domain.configuration.custom_fields import CustomValue
from leadline.domain.errors import ValidationError


@dataclass(slots=True)
class Account:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    website: str | None = None
    domain: str | None = None
    industry: str | None = None
    number_of_employees: int | None = None
    billing_street: str | None = None
    billing_city: str | None = None
    billing_state: str | None = None
    billing_postal_code: str | None = None
    billing_country: str | None = None
    parent_id: int | None = None
    owner_id: int | None = None
    #: set when merged into another account: this one is then a tombstone pointing at it
    merged_into_id: int | None = None
    version: int = 1
    #: custom field values by name, when a use case read them with the record (None: not read)
    custom: dict[str, CustomValue | None] | None = None


@dataclass(slots=True)
class Contact:
    id: int
    account_id: int
    last_name: str
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    lead_source_id: int | None = None
    owner_id: int | None = None
    #: set when merged into another contact: this one is then a tombstone pointing at it
    merged_into_id: int | None = None
    version: int = 1
    #: custom field values by name, when a use case read them with the record (None: not read)
    custom: dict[str, CustomValue | None] | None = None

    @property
    def name(self) -> str:
        return person_name(self.first_name, self.last_name)


_PLAIN_HOST = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://([A-Za-z0-9.-]+)(?:[/?#]|\Z)")


def website_domain(website: str | None) -> str | None:
    """The bare host of a web address, for matching accounts: ``https://www.Acme.com/x`` -> ``acme.com``."""
    if not website:
        return None
    text = website.strip()
    if "://" not in text:
        text = "http://" + text
    plain = _PLAIN_HOST.match(text)  # most addresses: no user, port or IPv6 literal, as urlsplit reads them
    if plain:
        host = plain.group(1).lower().rstrip(".")
    else:
        try:
            host = (urlsplit(text).hostname or "").lower().rstrip(".")
        except ValueError:  # e.g. an unclosed "[" read as an IPv6 literal
            return None
    if host.startswith("www."):
        host = host[4:]
    return host or None


_DOTTED_INITIALS = re.compile(r"\b\w(?:\.\w)+\b\.?")
_LEGAL_SUFFIXES = re.compile(
    r"\b(incorporated|inc|corporation|corp|company|co|limited|ltd|llc|llp|plc|gmbh|ag|sa|sas|srl|bv|nv|oy|ab|pty)\b\.?"
)


def normalise_company_name(name: str) -> str:
    """A company name reduced for matching: case, punctuation and legal suffixes removed.

    >>> normalise_company_name("ACME, Inc.")
    'acme'
    """
    text = name.casefold().replace("&", " and ")
    text = _DOTTED_INITIALS.sub(lambda match: match.group().replace(".", ""), text)  # "S.A." is "sa"
    text = re.sub(r"[^\w\s]", " ", text)
    text = _LEGAL_SUFFIXES.sub(" ", text)
    return " ".join(text.split())


def ensure_valid_parent(
    account_id: int | None, parent_id: int | None, parent_of: Callable[[int], int | None]
) -> None:
    """An account cannot be its own ancestor."""
    current = parent_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == account_id:
            raise ValidationError("this parent would make the account hierarchy a loop", field="parent")
        seen.add(current)
        current = parent_of(current)


#: The account fields a user sets directly, each with its cleaner (owner and parent are references).
ACCOUNT_FIELD_CLEANERS: dict[str, Cleaner] = {
    "name": text_field(255), "website": website_field, "industry": text_field(INDUSTRY_LENGTH),
    "number_of_employees": lambda v, n: parse_non_negative_int(v, field=n),
    "billing_street": text_field(500), "billing_city": text_field(100), "billing_state": text_field(100),
    "billing_postal_code": text_field(20), "billing_country": text_field(100),
}

#: The contact fields a user sets directly (e-mail and phone go through the contact-point checker).
CONTACT_FIELD_CLEANERS: dict[str, Cleaner] = {
    "first_name": text_field(80), "last_name": text_field(80), "title": text_field(128),
}


def ensure_named(values: dict[str, object], field: str = "name") -> None:
    if not values.get(field):
        raise ValidationError("is required", field=field)


#: what every path that creates a contact or an opportunity says when no account is given
ACCOUNT_REQUIRED = "is required: the account's name or id"


def ensure_account_given(account: object, field: str = "account_id") -> None:
    """A contact and an opportunity belong to an account: ``VALIDATION_FAILED`` (``ACCOUNT_REQUIRED``)
    when none is given, on every path that creates one (the API, the web forms, the CLI, imports,
    the Salesforce-compatible API), before the account is looked up."""
    if account is None or (isinstance(account, str) and not account.strip()):
        raise ValidationError(ACCOUNT_REQUIRED, field=field)
