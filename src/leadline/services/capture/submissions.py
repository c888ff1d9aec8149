"""Public form submissions: the spam defence in layers, then the lead, in ONE transaction.

``submit_form`` is what ``POST /f/<key>`` runs. Every layer (docs/adr/0032-spam-layers-and-quarantine.md) is switched
per
form (``SpamSettings``). A submission any layer finds suspicious is held in quarantine with its
reasons (never lost; ``services.capture.quarantine`` releases or discards it), and so is one a
``block`` duplicate rule refuses (the submitter can give no override reason; the person who
releases it decides); one identical to
a lead the form made within the duplicate window makes nothing and answers as a success. The
submitter gets the same answer in all three cases, so a bot learns nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from leadline.domain.capture.attribution import Attribution, Channel
from leadline.domain.capture.forms import CaptureForm
from leadline.domain.capture.quarantine import QuarantinedSubmission
from leadline.domain.capture.spam import (
    TOKEN_FIELD,
    Reason,
    check_token,
    fingerprint,
    honeypot_tripped,
    is_disposable,
    token_digest,
)
from leadline.domain.capture.submission import Submission, lead_values, split_submission
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConfigurationError, PermissionDeniedError
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import clean_lead_fields
from leadline.domain.security.users import first_admin_of
from leadline.services.capture.assignment import assign_captured_lead
from leadline.services.capture.forms import active_form
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import check_candidate, probe_of
from leadline.services.leads.records import add_lead
from leadline.services.scoring.scores import rescore_lead
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.domain.security.access import Viewer
    from leadline.services.ports import UnitOfWork


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class SubmissionResult:
    outcome: Outcome
    form: CaptureForm
    #: the lead made (or, for a duplicate, the first one made from the same submission)
    lead_id: int | None = None
    quarantine_id: int | None = None
    reasons: tuple[str, ...] = ()


def submit_form(ctx: ServiceContext, key: str, posted: Mapping[str, object], *, secret: str,
                client_address: str | None, body_size: int, origin: str | None = None) -> SubmissionResult:
    """Take one submission of the active form ``key`` (``NOT_FOUND`` otherwise).

    ``posted``: every name the submitter sent (a list for a repeated one); ``body_size``: the
    request body's length in bytes; ``origin``: the site of the page that posted it from another
    site (None for Leadline's own pages and for servers), refused unless the form allows it
    (``PERMISSION_DENIED``, field ``origin``; nothing is recorded). Raises ``ValidationError`` when
    the fields break a lead rule or the form's (the hit is counted; the token stays unused)."""
    form, rate_reasons = _count_hit(ctx, key, origin, client_address)
    with ctx.uow_factory() as uow:
        now = ctx.now()
        submission = split_submission(form, posted)
        values, points = lead_values(form, submission)
        cleaned = clean_lead_fields(values, ctx.contact_points, country_hint=ctx.phone_region)  # the lead's rules
        reasons = _token_checks(uow, form, posted, secret, now) + rate_reasons
        if body_size > form.spam.max_body_bytes:
            reasons.insert(0, Reason.TOO_LARGE)
        if form.spam.honeypot and honeypot_tripped(posted, form.spam.honeypot_field):
            reasons.insert(0, Reason.HONEYPOT)
        print_ = fingerprint(form.id, {**submission.fields, **submission.quiz})
        if form.spam.duplicate_window_seconds:
            since = now - timedelta(seconds=form.spam.duplicate_window_seconds)
            first = uow.captures.lead_with_fingerprint(form.id, print_, since)
            if first is not None:
                uow.commit()  # the counters and the used token
                return SubmissionResult(Outcome.DUPLICATE, form, lead_id=first)
        if form.spam.disposable_email and is_disposable(str(values.get("email") or "")):
            reasons.append(Reason.DISPOSABLE_EMAIL)
        viewer = acting_admin(ctx, uow, form) if not reasons else None
        if viewer is not None and check_candidate(ctx, uow, viewer, probe_of(RecordType.LEAD, cleaned)).is_blocked():
            reasons.append(Reason.DUPLICATE_BLOCKED)
        if reasons or viewer is None:
            held = QuarantinedSubmission(new_id(), form.id, now, [r.value for r in reasons],
                                         submission.as_payload(), client_address)
            uow.captures.hold(held)
            uow.commit()
            return SubmissionResult(Outcome.QUARANTINED, form, quarantine_id=held.id, reasons=tuple(held.reasons))
        lead_id = create_captured_lead(ctx, uow, viewer, form, submission, values, points, print_, now)
        uow.commit()
        return SubmissionResult(Outcome.CREATED, form, lead_id=lead_id)


def _count_hit(ctx: ServiceContext, key: str, origin: str | None,
               client_address: str | None) -> tuple[CaptureForm, list[Reason]]:
    """The form, once the origin may post it, and the rate limits' verdict. The hit is counted in
    a short transaction of its own: the counters are hot rows (every post to a form increments
    one), which must not stay locked while a lead is written; and a post refused by the lead
    rules counts too."""
    with ctx.uow_factory() as uow:
        form = active_form(ctx, uow, key)
        ensure_origin_allowed(form, origin)
        reasons = _rate_checks(uow, form, client_address, ctx.now())
        uow.commit()
        return form, reasons


def ensure_origin_allowed(form: CaptureForm, origin: str | None) -> None:
    """A page of another site may post the form only from one of its allowed origins."""
    if origin is not None and not form.allows_origin(origin):
        raise PermissionDeniedError(f"{origin} may not post this form", field="origin")


def _token_checks(uow: UnitOfWork, form: CaptureForm, posted: Mapping[str, object], secret: str,
                  now: datetime) -> list[Reason]:
    """The timing token: signed for this form, not too fresh nor too old, and used once only."""
    spam = form.spam
    if not spam.timing_token:
        return []
    raw = posted.get(TOKEN_FIELD)
    text = str(raw[0] if isinstance(raw, list) and raw else raw or "")
    reason, token = check_token(secret, text, form.id, now, min_seconds=spam.min_seconds,
                                max_age_seconds=spam.max_token_age_seconds)
    reasons = [reason] if reason is not None else []
    if token is not None and not uow.captures.remember_token(token_digest(text), form.id, now):
        reasons.append(Reason.TOKEN_REPLAYED)
    return reasons


def _rate_checks(uow: UnitOfWork, form: CaptureForm, client_address: str | None, now: datetime) -> list[Reason]:
    """One more hit of the client address and of the form in the current fixed window."""
    spam = form.spam
    window = int(now.timestamp()) // spam.window_seconds * spam.window_seconds
    limits = {}
    if spam.per_address_limit and client_address:
        limits[f"address:{form.id}:{client_address}"] = (spam.per_address_limit, Reason.ADDRESS_RATE)
    if spam.per_form_limit:
        limits[f"form:{form.id}"] = (spam.per_form_limit, Reason.FORM_RATE)
    hits = uow.captures.count_hits(list(limits), window)
    return [reason for scope, (limit, reason) in limits.items() if hits[scope] > limit]


def acting_admin(ctx: ServiceContext, uow: UnitOfWork, form: CaptureForm) -> Viewer:
    """Who a public submission acts as (in the audit trail): the form's author while an active
    admin, else the organisation's first admin."""
    users = ctx.config(uow).users
    author = users.get(form.created_by_id)
    if author is None or not author.active or not author.is_admin():
        author = first_admin_of(users.values())
    if author is None:
        raise ConfigurationError("the organisation has no active admin to take captured leads", field="form")
    return load_viewer(uow, author.id, ctx)


def create_captured_lead(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, form: CaptureForm,
                         submission: Submission, values: Mapping[str, object], points: int | None,
                         print_: str | None, now: datetime, *, override_reason: str | None = None) -> int:
    """The lead of a form submission with its attribution, in the caller's transaction, owned as
    the assigner says (shared by ``submit_form`` and a release from quarantine). The lead joins
    the form's campaign, if it names one. ``override_reason``: why a blocking duplicate rule was
    overridden (a release), kept in the lead's history."""
    if form.campaign_id is not None:
        values = {**values, "campaign_id": form.campaign_id}
    lead = add_lead(ctx, uow, viewer, values, before_storing=lambda built: assign_captured_lead(
        uow, built, default_owner_id=form.default_owner_id), rescore=False, override_reason=override_reason)
    attribution = Attribution(lead_id=lead.id, channel=Channel.FORM, created_at=now, form_id=form.id,
                              quiz_answers=dict(submission.quiz), quiz_points=points, fingerprint=print_,
                              **submission.attribution)  # type: ignore[arg-type]
    uow.captures.add_attribution(attribution)
    rescore_lead(ctx, uow, lead.id)  # with its quiz answers
    return lead.id
