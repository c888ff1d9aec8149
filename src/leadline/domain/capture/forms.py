"""A web-to-lead form: which lead fields it shows and requires, where its leads go, what the
submitter sees afterwards, which sites may post it, its quiz and its spam defence.

Rules held here: a form shows only lead fields, requires only fields it shows, and a lead
needs a last name and a company (a form that does not show them cannot make a lead unless it
is told a fixed company); redirect addresses and allowed origins are http(s) addresses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from leadline.domain.capture.quiz import Question, RatingThresholds, parse_questions
from leadline.domain.common import clean_text
from leadline.domain.errors import ValidationError
from leadline.domain.ids import parse_record_id
from leadline.domain.leads.lead import LEAD_FIELD_CLEANERS

#: Lead fields a public form may show (the rest are set by the form or by people).
FORM_FIELDS = ("first_name", "last_name", "company", "email", "phone", "title", "industry", "website",
               "street", "city", "state", "postal_code", "country", "number_of_employees", "description")
DEFAULT_FIELDS = ("first_name", "last_name", "company", "email", "phone")
DEFAULT_REQUIRED = ("last_name", "company", "email")


@dataclass(frozen=True, slots=True)
class SpamSettings:
    """Each layer of the spam defence, switched and tuned per form (docs/adr/0032-spam-layers-and-quarantine.md)."""

    honeypot: bool = True
    #: the hidden field a person leaves empty and a bot fills
    honeypot_field: str = "website_url"
    timing_token: bool = True
    #: a submission sooner than this after the token was issued is suspicious
    min_seconds: int = 3
    #: a token older than this is suspicious (a page left open for a day and a half)
    max_token_age_seconds: int = 172_800
    #: submissions allowed per client address, and per form, in one window; 0 switches the check off
    per_address_limit: int = 5
    per_form_limit: int = 600
    window_seconds: int = 60
    max_body_bytes: int = 16_384
    disposable_email: bool = True
    #: an identical submission within this many seconds makes no second lead; 0 switches it off
    duplicate_window_seconds: int = 600

    @classmethod
    def build(cls, values: Mapping[str, object] | None) -> SpamSettings:
        """From a mapping of the names above; unknown names and bad numbers are refused."""
        values = dict(values or {})
        base = cls()
        out: dict[str, object] = {}
        for name, value in values.items():
            if not hasattr(base, name):
                raise ValidationError("is not a spam setting", field=f"spam.{name}")
            default = getattr(base, name)
            if isinstance(default, bool):
                out[name] = _flag(value, f"spam.{name}")
            elif isinstance(default, int):
                out[name] = _count(value, f"spam.{name}")
            else:
                out[name] = clean_text(value, field=f"spam.{name}", max_length=64, required=True)
        settings = cls(**out)  # type: ignore[arg-type]
        if settings.window_seconds < 1:
            raise ValidationError("must be at least 1", field="spam.window_seconds")
        if settings.max_body_bytes < 512:
            raise ValidationError("must be at least 512", field="spam.max_body_bytes")
        return settings

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass(slots=True)
class CaptureForm:
    id: int
    key: str
    name: str
    created_at: datetime
    created_by_id: int
    fields: tuple[str, ...] = DEFAULT_FIELDS
    required: tuple[str, ...] = DEFAULT_REQUIRED
    #: the lead source label set on every lead of the form
    source: str | None = None
    #: the campaign the form's leads join (a campaign id; linked by the campaigns area)
    campaign_id: int | None = None
    default_owner_id: int | None = None
    #: a company given to leads of a form that does not ask for one ("Webinar sign-ups")
    fixed_company: str | None = None
    redirect_url: str | None = None
    thank_you_message: str | None = "Thank you, we will be in touch."
    allowed_origins: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    thresholds: RatingThresholds = field(default_factory=RatingThresholds)
    spam: SpamSettings = field(default_factory=SpamSettings)
    is_active: bool = True

    def allows_origin(self, origin: str | None) -> bool:
        """Whether a browser page at ``origin`` may post this form from another site."""
        return origin is not None and origin.rstrip("/").lower() in self.allowed_origins


def build_form_fields(fields: Sequence[str] | None, required: Sequence[str] | None,
                      fixed_company: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The shown and required fields, checked: lead fields only, required ones shown, and a
    last name and a company obtainable (shown and required, or a fixed company)."""
    shown = tuple(dict.fromkeys(f.strip() for f in (fields or DEFAULT_FIELDS) if f.strip()))
    for name in shown:
        if name not in FORM_FIELDS:
            raise ValidationError(f"{name!r} is not a field a form may show; use {', '.join(FORM_FIELDS)}",
                                  field="fields")
    asked = [f.strip() for f in (required if required is not None else DEFAULT_REQUIRED) if f.strip()]
    for name in asked:
        if name not in shown:
            raise ValidationError(f"{name!r} is required but not shown", field="required")
    if "last_name" not in shown:
        raise ValidationError("a lead needs a last name: show last_name", field="fields")
    if not fixed_company and "company" not in shown:
        raise ValidationError("a lead needs a company: show company or give the form a fixed company",
                              field="fields")
    required_set = set(asked) | {"last_name"} | ({"company"} if not fixed_company else set())
    return shown, tuple(f for f in shown if f in required_set)


def clean_origin(value: str) -> str:
    """``https://www.example.com`` (scheme, host and port only, lower case)."""
    text = (value or "").strip().rstrip("/").lower()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
        raise ValidationError(f"{value!r} is not an origin such as https://www.example.com",
                              field="allowed_origins")
    return text


def clean_web_address(value: object, name: str) -> str | None:
    """An absolute http(s) address (a redirect, a social profile); None for blank."""
    text = clean_text(value, field=name, max_length=2000)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text \
            or "." not in parts.hostname:
        raise ValidationError(f"{text!r} is not an http(s) address", field=name)
    return text


def _flag(value: object, name: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValidationError(f"{value!r} is not true or false", field=name)


def _count(value: object, name: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number", field=name) from None
    if number < 0 or number > 10_000_000:
        raise ValidationError("must be between 0 and 10000000", field=name)
    return number


def _source(value: object) -> str | None:
    """The form's lead source label: none when left out, never a blank text (a label names one)."""
    if isinstance(value, str) and not value.strip():
        raise ValidationError("is blank: name a lead source, or leave it out for none", field="source")
    return clean_text(value, field="source", max_length=80)


def parse_form_definition(values: Mapping[str, object]) -> dict[str, object]:
    """The checked parts of a form definition as ``CaptureForm`` field values (not the key,
    id or owner, which the use case resolves)."""
    fixed = clean_text(values.get("fixed_company"), field="fixed_company", max_length=255)
    shown, required = build_form_fields(
        _names(values.get("fields"), "fields"), _names(values.get("required"), "required"), fixed)
    origins = tuple(dict.fromkeys(clean_origin(str(o)) for o in (_names(values.get("allowed_origins"),
                                                                        "allowed_origins") or ())))
    questions = parse_questions(values.get("questions") or ())
    return {
        "name": clean_text(values.get("name"), field="name", max_length=120, required=True),
        "fields": shown, "required": required, "fixed_company": fixed,
        "source": _source(values.get("source")),
        "campaign_id": _optional_id(values.get("campaign_id"), "campaign_id"),
        "redirect_url": clean_web_address(values.get("redirect_url"), "redirect_url"),
        "thank_you_message": clean_text(values.get("thank_you_message"), field="thank_you_message",
                                        max_length=2000) or "Thank you, we will be in touch.",
        "allowed_origins": origins,
        "questions": questions,
        "thresholds": RatingThresholds.build(values.get("thresholds")),
        "spam": SpamSettings.build(values.get("spam")),  # type: ignore[arg-type]
    }


def _names(value: object, name: str) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [v for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValidationError("must be a list of names", field=name)


def _optional_id(value: object, name: str) -> int | None:
    """A record id (1 to 2^63-1: ids are large, ``domain.ids``), None when left out."""
    if value in (None, ""):
        return None
    return parse_record_id(value, field=name)


assert set(FORM_FIELDS) - {"email", "phone"} <= set(LEAD_FIELD_CLEANERS)
