"""E-mail and phone validation backed by email-validator and phonenumbers.

E-mail addresses are checked for syntax only (no network look-up) and stored lower-case,
so matching by e-mail is exact. Phone numbers are stored in E.164 (``+14155550123``).
Both libraries are imported on first use: together they cost a command's start-up about 0.1 s,
and most commands check no e-mail or phone.
"""

from __future__ import annotations

from leadline.domain.errors import ValidationError


class LibraryContactPointChecker:
    def __init__(self, default_region: str = "US") -> None:
        self.default_region = default_region

    def normalise_email(self, value: str) -> str:
        from email_validator import EmailNotValidError, validate_email

        try:
            result = validate_email(value, check_deliverability=False)
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
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
