"""E-mail and phone validation backed by email-validator and phonenumbers.

E-mail addresses are checked for syntax only (no network look-up), with RFC 5321's limits (at
most 64 characters before the @), and stored lower-case, so matching by e-mail is exact. Phone
numbers are stored in E.164 with their extension, if any, RFC 3966 style: ``+14155550123`` or
``+14155550123;ext=99``; duplicates are matched on the number without the extension.
Both libraries are imported on first use: together they cost a command's start-up about 0.1 s,
and most commands check no e-mail or phone.
"""

from __future__ import annotations

from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import PHONE_EXTENSION

#: The stored phone number's column width.
PHONE_MAX_LENGTH = 40


class LibraryContactPointChecker:
    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region

    def normalise_email(self, value: str) -> str:
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
