"""E-mail and phone validation backed by email-validator and phonenumbers.

E-mail addresses are checked for syntax only (no network look-up), with RFC 5321's limits (at
most 64 characters before the @), and stored lower-case, so matching by e-mail is exact. Phone
numbers are stored in E.164 with their extension, if any, RFC 3966 style: ``+14155550123`` or
``+14155550123;ext=99``; duplicates are matched on the number without the extension.
Both libraries are imported on first use: together they cost a command's start-up about 0.1 s,
and most commands check no e-mail or phone.
"""

from __future__ import annotations

import re

from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import PHONE_EXTENSION

#: The stored phone number's column width.
PHONE_MAX_LENGTH = 40


#: Addresses of the plainest form (ASCII letters and digits, dots, ``_``, ``+`` and ``-`` between
#: them, a domain of letter-digit-hyphen labels under an alphabetic top-level domain), which
#: email-validator accepts and normalises to themselves: most addresses a bulk import sees. Each
#: takes a regular expression instead of the library's ~0.1 ms, with the same answer
#: (tests/unit/test_contact_points.py compares the two on generated addresses).
_PLAIN_EMAIL = re.compile(
    r"(?=[^@]{1,64}@)[A-Za-z0-9]+(?:[._+-][A-Za-z0-9]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
#: Domains email-validator refuses as special-use (RFC 6761), whole or as the last label.
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def _plain_email(value: str) -> str | None:
    """``value`` lower-cased if it is a plain address that email-validator would accept as is."""
    if len(value) > 254 or not _PLAIN_EMAIL.fullmatch(value):
        return None
    domain = value.rpartition("@")[2].lower()
    labels = domain.split(".")
    if len(domain) > 253 or labels[-1] in _SPECIAL_USE or any(label[2:4] == "--" for label in labels):
        return None  # special use, or IDNA's "xn--" labels: the library's to judge
    return value.lower()


class LibraryContactPointChecker:
    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region

    def normalise_email(self, value: str) -> str:
        plain = _plain_email(value)
        if plain is not None:
            return plain
        from email_validator import EmailNotValidError, validate_email

        try:
            result = validate_email(value, check_deliverability=False, strict=True)
        except EmailNotValidError as error:
            raise ValidationError(f"{value!r} is not a valid e-mail address ({error})", field="email") from None
        return str(result.normalized).lower()

    def normalise_phone(self, value: str, country: str | None) -> str:
        import phonenumbers

        region = country.upper() if country and len(country) == 2 and country.isalpha() else self.default_region
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            raise ValidationError(f"{value!r} is not a phone number", field="phone") from None
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(f"{value!r} is not a valid phone number for {region}", field="phone")
        stored = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if number.extension:
            stored += f"{PHONE_EXTENSION}{number.extension}"
        if len(stored) > PHONE_MAX_LENGTH:
            raise ValidationError(f"{value!r} has too long an extension", field="phone")
        return stored
