"""The capture pages (admins): web-to-lead forms (a builder, each form's page with its embed
snippet and a preview of it) and the quarantine review (release or discard). They call the same
use cases as the API and the CLI; a refusal is shown next to the field it names."""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import parse_qs

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from leadline.domain.capture.forms import FORM_FIELDS, SpamSettings
from leadline.domain.capture.snippet import LABELS
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.http_status import status_of
from leadline.services.capture import forms, quarantine
from leadline.services.configuration.statuses import list_sources
from leadline.services.context import ServiceContext

#: The spam settings the builder shows (the rest keep their defaults; the API sets them all).
SPAM_NUMBERS = (("min_seconds", "Fastest human submission (seconds)"),
                ("per_address_limit", "Submissions per address per window"),
                ("per_form_limit", "Submissions per form per window"), ("window_seconds", "Window (seconds)"),
                ("duplicate_window_seconds", "Repeated submission window (seconds)"))
SPAM_SWITCHES = (("honeypot", "Honeypot field"), ("timing_token", "Timing token"),
                 ("disposable_email", "Refuse disposable e-mail domains (hold them)"))


def _secret(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state.application.settings.secret_key)


def _posted(body: bytes) -> dict[str, list[str]]:
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


def _definition(posted: dict[str, list[str]]) -> dict[str, Any]:
    """The builder's fields as ``add_form`` takes them."""
    def one(name: str) -> str:
        return (posted.get(name) or [""])[0].strip()

    spam: dict[str, Any] = {name: one(f"spam_{name}") for name, _ in SPAM_NUMBERS if one(f"spam_{name}")}
    spam.update({name: f"spam_{name}" in posted for name, _ in SPAM_SWITCHES})
    values: dict[str, Any] = {
        "name": one("name"), "fields": posted.get("fields") or [], "required": posted.get("required") or [],
        "source": one("source") or None, "redirect_url": one("redirect_url") or None,
        "thank_you_message": one("thank_you_message") or None, "default_owner": one("default_owner") or None,
        "fixed_company": one("fixed_company") or None,
        "allowed_origins": [o.strip() for o in one("allowed_origins").splitlines() if o.strip()],
        "spam": spam,
    }
    if one("questions"):
        try:
            values["questions"] = json.loads(one("questions"))
        except ValueError as error:
            raise _QuizError(f"is not JSON: {error}") from None
    return values


class _QuizError(LeadlineError):
    code = "VALIDATION_FAILED"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="questions")


def _preview(ctx: ServiceContext, user: int, posted: dict[str, list[str]]) -> dict[str, Any]:
    """The preview's HTML, or why the draft cannot be shown yet (a name is not needed to see it)."""
    try:
        values = _definition(posted)
        values["name"] = values["name"] or "Preview"
        return {"preview": forms.preview_form(ctx, user, values), "preview_error": None}
    except (ValidationError, _QuizError) as error:
        return {"preview": None, "preview_error": error}


class CapturePages(Controller):
    path = "/capture"

    @get("/", sync_to_thread=False)
    def forms_page(self, ctx: ServiceContext, user: int) -> Template:
        return Template("capture/forms.html", context={"forms": forms.list_forms(ctx, user)})

    @get("/forms/new", sync_to_thread=False)
    def builder(self, ctx: ServiceContext, user: int) -> Template:
        return self._builder(ctx, user, {}, None)

    @post("/forms/preview", sync_to_thread=False)
    def preview(self, ctx: ServiceContext, user: int, body: bytes) -> Template:
        """The builder's live preview (htmx, on every edit): the form as the snippet will show it."""
        return Template("capture/preview.html", context=_preview(ctx, user, _posted(body)))

    @post("/forms", sync_to_thread=True)
    def add_form(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, body: bytes) -> Any:
        posted = _posted(body)
        try:
            form = forms.add_form(ctx, user, _definition(posted))
        except LeadlineError as error:
            return self._builder(ctx, user, posted, error, status_code=status_of(error))
        return Redirect(f"/capture/forms/{form.id}", status_code=303)

    def _builder(self, ctx: ServiceContext, user: int, posted: dict[str, list[str]], error: LeadlineError | None,
                 status_code: int = 200) -> Template:
        forms.list_forms(ctx, user)  # admins only, as the use cases say
        chosen = posted.get("fields") or ["first_name", "last_name", "company", "email", "phone"]
        required = posted.get("required") or ["last_name", "company", "email"]
        defaults = SpamSettings()
        shown = posted or {"fields": chosen, "required": required,
                           **{f"spam_{n}": ["on"] for n, _ in SPAM_SWITCHES if getattr(defaults, n)}}
        return Template("capture/builder.html", status_code=status_code, media_type="text/html", context={
            **_preview(ctx, user, shown),
            "posted": {k: v[0] for k, v in posted.items() if v}, "chosen": chosen, "required": required,
            "fields": [(name, LABELS[name]) for name in FORM_FIELDS], "sources": list_sources(ctx),
            "spam_numbers": [(n, label, getattr(defaults, n)) for n, label in SPAM_NUMBERS],
            "spam_switches": [(n, label, getattr(defaults, n)) for n, label in SPAM_SWITCHES],
            "error": error, "error_field": (error.field or "").split(".")[0] if error else None,
            "submitted": bool(posted)})

    @get("/forms/{form_id:int}", sync_to_thread=False)
    def form_page(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, form_id: int) -> Template:
        base = str(request.base_url).rstrip("/")
        snippet = forms.form_snippet(ctx, user, form_id, secret=_secret(request), base_url=base)
        return Template("capture/form.html", context={"form": forms.get_form(ctx, user, form_id),
                                                       "snippet": snippet})

    @get("/quarantine", sync_to_thread=False)
    def quarantine_page(self, ctx: ServiceContext, user: int,
                        shown: Annotated[str, QueryParameter(name="state", max_length=20)] = "held") -> Template:
        held = quarantine.list_quarantine(ctx, user, state=shown)
        return Template("capture/quarantine.html", context={"held": held, "state": shown})

    @post("/quarantine/{submission_id:int}/release", sync_to_thread=True)
    def release(self, ctx: ServiceContext, user: int, submission_id: int) -> Redirect:
        quarantine.release_submission(ctx, user, submission_id)
        return Redirect("/capture/quarantine", status_code=303)

    @post("/quarantine/{submission_id:int}/discard", sync_to_thread=True)
    def discard(self, ctx: ServiceContext, user: int, submission_id: int) -> Redirect:
        quarantine.discard_submission(ctx, user, submission_id)
        return Redirect("/capture/quarantine", status_code=303)
