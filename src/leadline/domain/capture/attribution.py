"""Where a captured lead came from: UTM parameters, the ad click id, the landing page and the
referrer, the form and its quiz answers, a referrer record and a social profile.

``attribution_from`` reads them from a submission's parameters (form fields or the landing
page's query string, which the embed script copies into the form).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leadline.domain.capture.forms import clean_web_address
from leadline.domain.errors import ValidationError

UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
#: ad click ids by the parameter each network adds to its landing pages
CLICK_IDS = ("gclid", "fbclid", "msclkid")
ATTRIBUTION_FIELDS = (*UTM_FIELDS, *CLICK_IDS, "landing_page", "referrer")


class Channel(StrEnum):
    FORM = "form"
    CALL = "call"
    REFERRAL = "referral"
    SOCIAL = "social"


@dataclass(slots=True)
class Attribution:
    lead_id: int
    channel: Channel
    created_at: datetime
    form_id: int | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_term: str | None = None
    utm_content: str | None = None
    click_id: str | None = None
    click_id_kind: str | None = None
    landing_page: str | None = None
    referrer: str | None = None
    quiz_answers: dict[str, object] = field(default_factory=dict)
    quiz_points: int | None = None
    social_profile_url: str | None = None
    referred_by_contact_id: int | None = None
    referred_by_account_id: int | None = None
    #: the submission's fingerprint (domain.capture.spam.fingerprint), for repeated submissions
    fingerprint: str | None = None


def attribution_values(params: Mapping[str, object]) -> dict[str, object]:
    """The attribution fields found in ``params``, cleaned; unknown names are ignored (a
    landing page carries whatever its ad network added)."""
    out: dict[str, object] = {}
    for name in UTM_FIELDS:
        out[name] = _text(params.get(name))
    for name in CLICK_IDS:
        value = _text(params.get(name))
        if value and "click_id" not in out:
            out["click_id"], out["click_id_kind"] = value, name
    for name in ("landing_page", "referrer"):
        out[name] = _address(params.get(name), name)
    return {k: v for k, v in out.items() if v is not None}


def _address(value: object, name: str) -> str | None:
    """A page address as given, or None when it is none (attribution never refuses a lead)."""
    try:
        return clean_web_address(_one(value), name)
    except ValidationError:
        return None


def _text(value: object) -> str | None:
    value = _one(value)
    return " ".join(value.split())[:255] or None if isinstance(value, str) else None


def _one(value: object) -> object:
    return value[0] if isinstance(value, list | tuple) and value else value
