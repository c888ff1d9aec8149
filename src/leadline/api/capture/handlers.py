"""/api/v1/forms (web-to-lead forms, admins), /api/v1/capture (the quarantine, quick call
capture), referrals of contacts and accounts, and where a lead came from."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request
from litestar.params import Parameter, QueryParameter

from leadline.api.capture.schemas import (
    CallCapture,
    CapturePublic,
    FormActive,
    FormCreate,
    FormPublic,
    QuarantinePublic,
    ReferralPublic,
    ReferralSet,
    SnippetPublic,
    capture_public,
    form_public,
    quarantine_public,
)
from leadline.api.leads.records import lead_public
from leadline.api.leads.schemas import LeadPublic
from leadline.api.routes import RecordId, api_get, api_patch, api_post, api_put
from leadline.api.schemas import given
from leadline.services.capture import channels, forms, quarantine
from leadline.services.capture.channels import Referral
from leadline.services.context import ServiceContext


def secret_of(request: Request[Any, Any, Any]) -> str:
    """The secret key timing tokens are signed with (the application's settings)."""
    return str(request.app.state.application.settings.secret_key)


class FormController(Controller):
    path = "/forms"
    tags = ["capture"]

    @api_get("/", summary="List web-to-lead forms")
    def list_forms(self, ctx: ServiceContext, actor: int) -> list[FormPublic]:
        return [form_public(f) for f in forms.list_forms(ctx, actor)]

    @api_post("/", summary="Define a web-to-lead form", status_code=201)
    def add_form(self, ctx: ServiceContext, actor: int, data: FormCreate) -> FormPublic:
        """Admins only. ``spam`` tunes each layer of the spam defence (docs/adr on spam layers);
        ``questions`` makes it a quiz whose points set the lead's rating by ``thresholds``."""
        return form_public(forms.add_form(ctx, actor, given(data)))

    @api_get("/{form_id:int}", summary="Read a web-to-lead form")
    def get_form(self, ctx: ServiceContext, actor: int, form_id: RecordId) -> FormPublic:
        return form_public(forms.get_form(ctx, actor, form_id))

    @api_patch("/{form_id:int}", summary="Switch a web-to-lead form on or off")
    def set_active(self, ctx: ServiceContext, actor: int, form_id: RecordId, data: FormActive) -> FormPublic:
        return form_public(forms.set_form_active(ctx, actor, form_id, data.is_active))

    @api_get("/{form_id:int}/snippet", summary="The embeddable HTML of a form")
    def snippet(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, form_id: RecordId,
                base_url: Annotated[str | None, Parameter(
                    max_length=300, description="Leadline's public address (default: this request's).")] = None,
                ) -> SnippetPublic:
        base = base_url or str(request.base_url)
        return SnippetPublic(html=forms.form_snippet(ctx, actor, form_id, secret=secret_of(request),
                                                     base_url=base))


class CaptureController(Controller):
    path = "/capture"
    tags = ["capture"]

    @api_get("/quarantine", summary="Submissions held as suspicious")
    def list_quarantine(
        self, ctx: ServiceContext, actor: int,
        state_: Annotated[str, QueryParameter(name="state", pattern=r"^(held|released|discarded|all)$",
                                         description="held (default), released, discarded or all")] = "held",
        form_id: Annotated[int | None, Parameter(ge=1)] = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
    ) -> list[QuarantinePublic]:
        return [quarantine_public(q) for q in quarantine.list_quarantine(ctx, actor, state=state_, form_id=form_id,
                                                                         limit=limit)]

    @api_post("/quarantine/{submission_id:int}/release", summary="Release a held submission: its lead is created")
    def release(self, ctx: ServiceContext, actor: int, submission_id: RecordId) -> QuarantinePublic:
        return quarantine_public(quarantine.release_submission(ctx, actor, submission_id))

    @api_post("/quarantine/{submission_id:int}/discard", summary="Discard a held submission")
    def discard(self, ctx: ServiceContext, actor: int, submission_id: RecordId) -> QuarantinePublic:
        return quarantine_public(quarantine.discard_submission(ctx, actor, submission_id))

    @api_post("/call", summary="Capture a lead from a phone call", status_code=201)
    def capture_call(self, ctx: ServiceContext, actor: int, data: CallCapture) -> dict[str, Any]:
        """A phone and a last name or a company are enough; the call is logged on the lead."""
        values = given(data, exclude=("subject", "notes", "referred_by_contact_id", "referred_by_account_id",
                                      "social_profile_url"))
        captured = channels.capture_call(
            ctx, actor, values, subject=data.subject, notes=data.notes,
            referred_by_contact=data.referred_by_contact_id, referred_by_account=data.referred_by_account_id,
            social_profile_url=data.social_profile_url)
        return {"lead": msgspec.to_builtins(lead_public(captured.lead)), "activity_id": str(captured.activity.id)}


def _referral(r: Referral) -> ReferralPublic:
    lead = r.lead

    def ref(value: int | None) -> str | None:
        return str(value) if value is not None else None

    return ReferralPublic(lead_id=str(lead.id), name=lead.name, company=lead.company, status=r.status,
                          status_kind=r.status_kind, converted_at=lead.converted_at,
                          converted_account_id=ref(lead.converted_account_id),
                          converted_contact_id=ref(lead.converted_contact_id),
                          converted_opportunity_id=ref(lead.converted_opportunity_id))


class ReferralController(Controller):
    path = "/"
    tags = ["capture"]

    @api_get("/contacts/{contact_id:int}/referrals", summary="Leads a contact referred, and what each became")
    def contact_referrals(self, ctx: ServiceContext, actor: int, contact_id: RecordId) -> list[ReferralPublic]:
        return [_referral(r) for r in channels.referrals_of(ctx, actor, "contact", contact_id)]

    @api_get("/accounts/{account_id:int}/referrals", summary="Leads an account referred, and what each became")
    def account_referrals(self, ctx: ServiceContext, actor: int, account_id: RecordId) -> list[ReferralPublic]:
        return [_referral(r) for r in channels.referrals_of(ctx, actor, "account", account_id)]

    @api_put("/leads/{lead_id:int}/referral", summary="Record who referred a lead, and its social profile")
    def set_referral(self, ctx: ServiceContext, actor: int, lead_id: RecordId, data: ReferralSet) -> CapturePublic:
        sent = given(data)
        attribution = channels.record_referral(
            ctx, actor, lead_id, contact_id=data.referred_by_contact_id, account_id=data.referred_by_account_id,
            social_profile_url=data.social_profile_url,
            clear="referred_by_contact_id" in sent or "referred_by_account_id" in sent)
        return capture_public(attribution)

    @api_get("/leads/{lead_id:int}/capture", summary="Where a lead came from")
    def lead_capture(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> CapturePublic | None:
        found = channels.lead_capture(ctx, actor, lead_id)
        return capture_public(found) if found else None


__all__ = ["CaptureController", "FormController", "LeadPublic", "ReferralController", "secret_of"]
