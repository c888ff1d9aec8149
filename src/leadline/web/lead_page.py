"""A lead's pages: the lead (its fields, status path, qualification checklist, activities, field
history and lineage), its create and edit forms, a status move and logging an activity.

Every handler parses, calls the same use cases as the API and renders; the rules and the
record-level security are the use cases' (a lead the user may not read is a 404 page, one they
may read but not change a 403). A refusal the user can fix is shown next to what it names, with
what they typed kept: the form again (``lead_form``), the move page, or the lead page with its
activity form. A change after success redirects (303) to the lead, so a reload repeats nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from leadline.domain.activities import ActivityKind
from leadline.domain.common import MOMENT_RULE, iso_moment
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.statuses import StatusKind, find_status
from leadline.domain.currencies import ISO_4217_CODES
from leadline.domain.errors import LeadlineError, NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.leads.lead import Rating
from leadline.http_status import status_of
from leadline.services.activities import complete_activity, list_activities, log_activity
from leadline.services.configuration.lead_workflow import list_reasons
from leadline.services.configuration.sales import list_custom_fields
from leadline.services.configuration.statuses import list_sources, list_statuses
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import lead_lineage
from leadline.services.duplicates.check import DuplicateReport
from leadline.services.leads import records as lead_service
from leadline.services.leads import workflow as lead_workflow
from leadline.services.security.users import user_choices
from leadline.web.lead_form import (
    SECTIONS,
    LeadForm,
    blank_form,
    creation_of,
    custom_input,
    form_of,
    input_labels,
    read_form,
    update_of,
)
from leadline.web.lead_view import checklist, history_rows, lead_fields, status_path
from leadline.web.record_create import with_duplicates
from leadline.web.record_history import history_names

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
StatusName = Annotated[str, Parameter(max_length=254)]
#: Activities a rep logs from the lead page, in the order the select offers them.
LOGGED_KINDS = (ActivityKind.CALL, ActivityKind.NOTE, ActivityKind.TASK, ActivityKind.EMAIL, ActivityKind.MEETING)


def _refusal_status(error: LeadlineError) -> int:
    """The refusal's status by the shared table (``leadline/http_status.py``, the API's): 422 for
    input that breaks a rule, 409 for a refusal of the stored state (a move the workflow refuses),
    412 for a stale form. Not found and not allowed are never a form's: they go to the error
    pages, which say nothing more."""
    if isinstance(error, NotFoundError | PermissionDeniedError):
        raise error
    return status_of(error)


class LeadPageController(Controller):
    path = "/leads"

    @get("/new", sync_to_thread=False)
    def new_lead(self, ctx: ServiceContext, user: int) -> Template:
        owner = next((u.email for u in user_choices(ctx, user) if u.id == user), "")
        return _form_page(ctx, user, blank_form(ctx.currency, owner), lead=None)

    @post("/new", sync_to_thread=True)
    def create_lead(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        """The new lead's page, or the form again with each refusal next to its field."""
        form = read_form(data, _definitions(ctx))
        values, products, custom = creation_of(form)
        try:
            details = lead_service.create_lead(ctx, user, values, products=products, custom=custom)
        except LeadlineError as error:
            status = _refusal_status(error)
            return _form_page(ctx, user, form.refused(error), lead=None, status=status)
        return Redirect(with_duplicates(f"/leads/{details.lead.id}", DuplicateReport(details.duplicates)),
                        status_code=303)

    @get("/{lead_id:int}", sync_to_thread=False)
    def lead_page(self, ctx: ServiceContext, user: int, lead_id: int) -> Template:
        return _lead_page(ctx, user, lead_id)

    @get("/{lead_id:int}/edit", sync_to_thread=False)
    def edit_lead(self, ctx: ServiceContext, user: int, lead_id: int) -> Template:
        details = lead_service.get_lead_for_editing(ctx, user, lead_id)
        return _form_page(ctx, user, form_of(details), lead=details)

    @post("/{lead_id:int}/edit", sync_to_thread=True)
    def update_lead(self, ctx: ServiceContext, user: int, lead_id: int, data: Form) -> Response[Any]:
        """The changed lead's page; the form again when refused, and when someone changed the
        lead since the form was read (its version), saying so and keeping what was typed."""
        form = read_form(data, _definitions(ctx))
        try:
            changes, products, custom = update_of(form, form_of(lead_service.get_lead(ctx, user, lead_id)))
            lead_service.update_lead(ctx, user, lead_id, changes, products=products, custom=custom,
                                     expected_version=form.version)
        except LeadlineError as error:
            status = _refusal_status(error)
            details = lead_service.get_lead(ctx, user, lead_id)
            return _form_page(ctx, user, form.refused(error), lead=details, status=status)
        return Redirect(f"/leads/{lead_id}", status_code=303)

    @get("/{lead_id:int}/move", sync_to_thread=False)
    def move_page(self, ctx: ServiceContext, user: int, lead_id: int, status: StatusName) -> Template:
        """What moving to ``status`` asks: an unqualified reason, or the qualification checklist
        (and an override reason when a criterion is missing)."""
        return _move_page(ctx, user, lead_id, status, {})

    @post("/{lead_id:int}/status", sync_to_thread=True)
    def move(self, ctx: ServiceContext, user: int, lead_id: int, data: Form) -> Response[Any]:
        """Move the lead by the workflow (``change_lead_status``, as the API's ``/status``)."""
        sent = {k: str(data.get(k) or "") for k in ("status", "reason", "override_reason", "version")}
        try:
            lead_workflow.change_lead_status(
                ctx, user, lead_id, sent["status"], reason=sent["reason"] or None,
                override_reason=sent["override_reason"] or None,
                expected_version=int(sent["version"]) if sent["version"].isdigit() else None)
        except LeadlineError as error:
            return _move_page(ctx, user, lead_id, sent["status"], sent, error=error,
                              status_code=_refusal_status(error))
        return Redirect(f"/leads/{lead_id}", status_code=303)

    @post("/{lead_id:int}/activities", sync_to_thread=True)
    def log(self, ctx: ServiceContext, user: int, lead_id: int, data: Form) -> Response[Any]:
        """Log a call, note, task, e-mail or meeting on the lead (``log_activity``)."""
        sent = {k: str(data.get(k) or "") for k in ("kind", "subject", "body", "due_at")}
        try:
            due_at = _due(sent["due_at"])
            log_activity(ctx, user, kind=sent["kind"], subject=sent["subject"], body=sent["body"] or None,
                         due_at=due_at, links=[("lead", lead_id)])
        except LeadlineError as error:
            status = _refusal_status(error)
            return _lead_page(ctx, user, lead_id, activity=sent, activity_error=error, status_code=status)
        return Redirect(f"/leads/{lead_id}#activities", status_code=303)

    @post("/{lead_id:int}/activities/{activity_id:int}/done", sync_to_thread=True)
    def complete(self, ctx: ServiceContext, user: int, lead_id: int, activity_id: int) -> Redirect:
        complete_activity(ctx, user, activity_id)
        return Redirect(f"/leads/{lead_id}#activities", status_code=303)


def _lead_page(ctx: ServiceContext, user: int, lead_id: int, *, activity: dict[str, str] | None = None,
               activity_error: LeadlineError | None = None, status_code: int = 200) -> Template:
    details = lead_service.get_lead(ctx, user, lead_id)
    options = lead_workflow.status_options(ctx, user, lead_id)
    names = {u.id: u.name for u in user_choices(ctx, user)}
    lineage = lead_lineage(ctx, user, lead_id) if details.lead.is_converted() else None
    custom_labels = _custom_labels(ctx, details, options)
    history = lead_service.lead_history(ctx, user, lead_id)
    context = {
        "details": details, "fields": lead_fields(details), "options": options,
        "path": status_path(list_statuses(ctx), options), "activities": list_activities(ctx, user, "lead", lead_id),
        "history": history_rows(history, names, lambda: _definitions(ctx), details.lead.currency,
                                history_names(ctx, user, history)),
        "names": names, "lineage": lineage, "kinds": LOGGED_KINDS, "activity": activity or {"kind": "call"},
        "activity_error": activity_error, "needs_choice": (StatusKind.QUALIFIED, StatusKind.UNQUALIFIED),
        "custom_labels": custom_labels,
        "checklist": checklist(options.qualification, details.lead, custom_labels),
    }
    return Template("leads/page.html", status_code=status_code, context=context)


def _move_page(ctx: ServiceContext, user: int, lead_id: int, status: str, sent: dict[str, str], *,
               error: LeadlineError | None = None, status_code: int = 200) -> Template:
    details = lead_service.get_lead(ctx, user, lead_id)
    options = lead_workflow.status_options(ctx, user, lead_id)
    target = find_status(list_statuses(ctx), status)
    errors: dict[str, str] = {}
    problem = None
    if error is not None:
        shown = {"reason", "override_reason"}
        if error.field in shown:
            errors[error.field] = error.message
        else:
            problem = error.message
    reasons = [r for r in list_reasons(ctx, "lead_unqualified") if r.is_active] \
        if target.kind is StatusKind.UNQUALIFIED else []
    context = {"details": details, "options": options, "target": target, "sent": sent, "errors": errors,
               "problem": problem, "reasons": reasons, "criteria": target.kind is StatusKind.QUALIFIED,
               "checklist": checklist(options.qualification, details.lead, _custom_labels(ctx, details, options))}
    return Template("leads/move.html", status_code=status_code, context=context)


def _form_page(ctx: ServiceContext, user: int, form: LeadForm, *, lead: Any, status: int = 200) -> Template:
    definitions = _definitions(ctx)
    labels = input_labels(form, definitions)
    context = {
        "form": form, "lead": lead, "sections": SECTIONS, "labels": labels,
        "first_error": next((name for name in labels if name in form.errors), None),
        "custom": [(d, custom_input(d)) for d in definitions], "ratings": [r.value for r in Rating],
        "currencies": sorted(ISO_4217_CODES),
        # what may be chosen, and the lead's own value even when it no longer may
        "sources": [s for s in list_sources(ctx) if s.is_active or s.label == form.values.get("source")],
        "owners": [u for u in user_choices(ctx, user) if u.active or u.email == form.values.get("owner")],
    }
    return Template("leads/form.html", status_code=status, context=context)


def _custom_labels(ctx: ServiceContext, details: lead_service.LeadDetails,
                   options: lead_workflow.StatusOptions) -> dict[str, str]:
    """The lead's custom fields' labels, read when the page shows a custom field (its values or
    a criterion over one)."""
    asks = details.custom or any(c.condition.field.startswith("custom.")
                                 for r in options.qualification.results for c in r.checks)
    return {d.name: d.label for d in _definitions(ctx)} if asks else {}


def _definitions(ctx: ServiceContext) -> list[Any]:
    return [d for d in list_custom_fields(ctx, RecordType.LEAD.value) if d.is_active]


def _due(text: str) -> datetime | None:
    """A task's due time from a ``datetime-local`` input, read as UTC (the page says so)."""
    if not text:
        return None
    moment = iso_moment(text)
    if moment is None:
        raise ValidationError(f"{text!r} is not a date and time ({MOMENT_RULE}, UTC)", field="due_at")
    return moment
