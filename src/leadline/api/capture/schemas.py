"""Shapes of lead capture in the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from leadline.domain.capture.attribution import Attribution
from leadline.domain.capture.forms import CaptureForm
from leadline.domain.capture.quarantine import QuarantinedSubmission


class FormCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: str
    fields: list[str] | None = None
    required: list[str] | None = None
    source: str | None = None
    campaign_id: int | None = None
    default_owner: str | None = None
    fixed_company: str | None = None
    redirect_url: str | None = None
    thank_you_message: str | None = None
    allowed_origins: list[str] | None = None
    questions: list[dict[str, Any]] | None = None
    thresholds: dict[str, int] | None = None
    spam: dict[str, Any] | None = None


class FormPublic(msgspec.Struct, kw_only=True):
    id: str
    key: str
    name: str
    address: str
    fields: list[str]
    required: list[str]
    source: str | None
    campaign_id: str | None
    default_owner_id: str | None
    fixed_company: str | None
    redirect_url: str | None
    thank_you_message: str | None
    allowed_origins: list[str]
    questions: list[dict[str, Any]]
    thresholds: dict[str, int]
    spam: dict[str, Any]
    is_active: bool
    created_at: datetime


class FormActive(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    is_active: bool


class SnippetPublic(msgspec.Struct, kw_only=True):
    html: str


class CapturePublic(msgspec.Struct, kw_only=True):
    """Where a lead came from: the channel, the form, UTM parameters, the ad click id, the landing
    page and referrer, quiz answers and points, the referrer record and the social profile."""

    channel: str
    form_id: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    utm_term: str | None
    utm_content: str | None
    click_id: str | None
    click_id_kind: str | None
    landing_page: str | None
    referrer: str | None
    quiz_answers: dict[str, Any]
    quiz_points: int | None
    social_profile_url: str | None
    referred_by_contact_id: str | None
    referred_by_account_id: str | None
    captured_at: datetime


class QuarantinePublic(msgspec.Struct, kw_only=True):
    id: str
    form_id: str
    received_at: datetime
    reasons: list[str]
    payload: dict[str, Any]
    client_address: str | None
    state: str
    lead_id: str | None
    decided_by_id: str | None
    decided_at: datetime | None


class CallCapture(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    phone: str
    last_name: str | None = None
    company: str | None = None
    first_name: str | None = None
    email: str | None = None
    title: str | None = None
    country: str | None = None
    description: str | None = None
    source: str | None = "Phone call"
    owner: str | None = None
    subject: str | None = None
    notes: str | None = None
    referred_by_contact_id: int | None = None
    referred_by_account_id: int | None = None
    duplicate_override_reason: str | None = None
    social_profile_url: str | None = None


class ReferralSet(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    referred_by_contact_id: int | None = None
    referred_by_account_id: int | None = None
    social_profile_url: str | None = None


class ReferralPublic(msgspec.Struct, kw_only=True):
    lead_id: str
    name: str
    company: str
    status: str
    status_kind: str
    converted_at: datetime | None
    converted_account_id: str | None
    converted_contact_id: str | None
    converted_opportunity_id: str | None


def _ref(value: int | None) -> str | None:
    return str(value) if value is not None else None


def form_public(form: CaptureForm) -> FormPublic:
    return FormPublic(
        id=str(form.id), key=form.key, name=form.name, address=f"/f/{form.key}", fields=list(form.fields),
        required=list(form.required), source=form.source, campaign_id=_ref(form.campaign_id),
        default_owner_id=_ref(form.default_owner_id), fixed_company=form.fixed_company,
        redirect_url=form.redirect_url, thank_you_message=form.thank_you_message,
        allowed_origins=list(form.allowed_origins), questions=[q.as_dict() for q in form.questions],
        thresholds={"hot": form.thresholds.hot, "warm": form.thresholds.warm}, spam=form.spam.as_dict(),
        is_active=form.is_active, created_at=form.created_at)


def capture_public(a: Attribution) -> CapturePublic:
    return CapturePublic(
        channel=a.channel.value, form_id=_ref(a.form_id), utm_source=a.utm_source, utm_medium=a.utm_medium,
        utm_campaign=a.utm_campaign, utm_term=a.utm_term, utm_content=a.utm_content, click_id=a.click_id,
        click_id_kind=a.click_id_kind, landing_page=a.landing_page, referrer=a.referrer,
        quiz_answers=a.quiz_answers, quiz_points=a.quiz_points, social_profile_url=a.social_profile_url,
        referred_by_contact_id=_ref(a.referred_by_contact_id), referred_by_account_id=_ref(a.referred_by_account_id),
        captured_at=a.created_at)


def quarantine_public(q: QuarantinedSubmission) -> QuarantinePublic:
    return QuarantinePublic(
        id=str(q.id), form_id=str(q.form_id), received_at=q.received_at, reasons=list(q.reasons),
        payload=q.payload, client_address=q.client_address, state=q.state.value, lead_id=_ref(q.lead_id),
        decided_by_id=_ref(q.decided_by_id), decided_at=q.decided_at)
