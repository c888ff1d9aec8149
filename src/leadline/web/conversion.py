"""The conversion dialog and its result page: converting a lead on the same use cases as the API
(``preview_conversion``, ``convert_lead``, ``lead_lineage``, ``undo_conversion``), under the same
record-level security and with the same refusals, shown next to the field they name.

* ``GET /leads/{id}/convert``: the preview (matching accounts and contacts with why each matches,
  matches hidden by sharing told without any of their fields: docs/adr/0013, 0016), the choices,
  the opportunity criteria (each met or missing) and what a new opportunity will hold.
* ``POST /leads/{id}/convert``: converts; a refusal renders the dialog again with its message,
  a success answers 303 to the result page.
* ``GET /leads/{id}/conversion``: what the conversion created or attached, with undo;
  ``POST /leads/{id}/conversion/undo`` undoes it and returns to the lead, or tells why not.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from leadline.domain.conversion.rules import ConversionOptions
from leadline.domain.errors import LeadlineError, NotFoundError
from leadline.domain.ids import parse_record_id
from leadline.http_status import status_of
from leadline.services.context import ServiceContext
from leadline.services.conversion.bulk import preview_conversion
from leadline.services.conversion.convert import conversion_options, convert_lead, lead_lineage
from leadline.services.conversion.undo import undo_conversion
from leadline.services.leads.records import LeadDetails, get_lead
from leadline.web import conversion_views as views
from leadline.web.records import Choice, Cursor, Search

AnyRequest = Request[Any, Any, Any]
#: The notice the lead page shows after an undo (templates/notice.html).
UNDONE_NOTICE = "conversion-undone"
#: The use case's field -> the dialog's control the message is shown beside; others go on top.
FORM_FIELD = {"account_id": "account", "contact_id": "contact", "contact": "contact", "account": "account",
              "opportunity": "opportunity", "opportunity_id": "opportunity_id", "one_per_product": "one_per_product",
              "override_reason": "override_reason", "qualification_override_reason": "qualification_override_reason",
              "confirm_separate": "confirm_separate", "duplicate_override_reason": "duplicate_override_reason",
              **{f"opportunity_{name}": f"opportunity_{name}"
                                                         for name in ("name", "amount", "close_date", "stage")}}


class ConversionForm(msgspec.Struct, kw_only=True):
    """The dialog's controls as posted: ``account``/``contact`` empty for new records, else an id."""

    account: str = ""
    contact: str = ""
    opportunity: str = "create"
    opportunity_id: str = ""
    one_per_product: str = ""
    override_reason: str = ""
    qualification_override_reason: str = ""
    confirm_separate: str = ""
    duplicate_override_reason: str = ""
    #: the new opportunity's fields as typed; empty: as the conversion works them out
    opportunity_name: str = ""
    opportunity_amount: str = ""
    opportunity_close_date: str = ""
    opportunity_stage: str = ""
    version: str = ""
    idempotency_key: str = ""


#: The new opportunity's controls (and the use case's names for them).
NEW_FIELDS = ("opportunity_name", "opportunity_amount", "opportunity_close_date", "opportunity_stage")
Form = Annotated[ConversionForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


class ConversionPages(Controller):
    path = "/leads"

    @get("/{lead_id:int}/convert", sync_to_thread=False)
    def dialog(self, ctx: ServiceContext, user: int, lead_id: int) -> Response[Any]:
        """The dialog for a lead the user may read (404 otherwise); a converted lead's result page."""
        details = get_lead(ctx, user, lead_id)
        if details.lead.is_converted():
            return Redirect(f"/leads/{lead_id}/conversion", status_code=303)
        form = ConversionForm(version=str(details.lead.version), idempotency_key=secrets.token_urlsafe(18))
        return _dialog(ctx, user, details, form)

    @get("/{lead_id:int}/convert/accounts", sync_to_thread=False)
    def accounts(self, ctx: ServiceContext, user: int, lead_id: int, q: Search = "", cursor: Cursor = "",
                 chosen: Choice = "") -> Template:
        """The dialog's account search (htmx): the accounts the user may read whose name, website
        or domain holds ``q``, by name, a keyset page at a time, each a choice of the form's
        ``account``; 404 for a lead the user may not read."""
        get_lead(ctx, user, lead_id)
        return Template("conversion/accounts.html",
                        context=views.account_search(ctx, user, lead_id, q, cursor or None, chosen))

    @post("/{lead_id:int}/convert", sync_to_thread=True)
    def convert(self, request: AnyRequest, ctx: ServiceContext, user: int, lead_id: int, data: Form) -> Response[Any]:
        """Convert as chosen: 303 to the result page, or the dialog again with the refusal."""
        try:
            convert_lead(ctx, user, lead_id, form_options(data))
        except LeadlineError as error:
            details = get_lead(ctx, user, lead_id)  # a lead the user may not read stays a 404 page
            if details.lead.is_converted() and error.code == "LEAD_ALREADY_CONVERTED":
                return Redirect(f"/leads/{lead_id}/conversion", status_code=303)
            form = msgspec.structs.replace(data, version=str(details.lead.version))
            return _dialog(ctx, user, details, form, error=error, status=status_of(error))
        return Redirect(f"/leads/{lead_id}/conversion", status_code=303)

    @get("/{lead_id:int}/conversion", sync_to_thread=False)
    def result(self, ctx: ServiceContext, user: int, lead_id: int) -> Template:
        """What the lead's conversion created or attached, each linked, with undo."""
        return _result(ctx, user, lead_id)

    @post("/{lead_id:int}/conversion/undo", sync_to_thread=True)
    def undo(self, request: AnyRequest, ctx: ServiceContext, user: int, lead_id: int) -> Response[Any]:
        """Undo the conversion and return to the lead; the result page with why not when refused."""
        try:
            undo_conversion(ctx, user, lead_id)
        except LeadlineError as error:
            if isinstance(error, NotFoundError) and error.field == "lead":
                raise
            return _result(ctx, user, lead_id, error=error, status=status_of(error))
        return Redirect(f"/leads/{lead_id}?notice={UNDONE_NOTICE}", status_code=303)


def form_options(form: ConversionForm) -> ConversionOptions:
    """The use case's options from the posted form. The opportunity select is sent whatever the
    choice, so its id counts only when attaching, and the new opportunity's fields only when
    creating one; every other control is passed as it came."""
    attach = form.opportunity.strip().lower() == "attach"
    create = form.opportunity.strip().lower() == "create"
    fields = {name: getattr(form, name) if create else None for name in NEW_FIELDS}
    return conversion_options(**fields,
        account_id=_record_id(form.account, "account_id"), contact_id=_record_id(form.contact, "contact_id"),
        opportunity=form.opportunity, opportunity_id=_record_id(form.opportunity_id, "opportunity_id") if attach
        else None, one_per_product=bool(form.one_per_product), override_reason=form.override_reason or None,
        qualification_override_reason=form.qualification_override_reason or None,
        confirm_separate=bool(form.confirm_separate),
        duplicate_override_reason=form.duplicate_override_reason or None, idempotency_key=form.idempotency_key or None,
        expected_version=int(form.version) if form.version.isdigit() else None)


def field_errors(error: LeadlineError | None) -> dict[str, str]:
    """The refusal's message keyed by the dialog's control it names (``form`` for the top)."""
    if error is None:
        return {}
    return {FORM_FIELD.get(error.field or "", "form"): error.message}


def _record_id(value: str, field: str) -> int | None:
    return parse_record_id(value, field=field) if value.strip() else None


def _dialog(ctx: ServiceContext, user: int, details: LeadDetails, form: ConversionForm, *,
            error: LeadlineError | None = None, status: int = 200) -> Template:
    preview = preview_conversion(ctx, user, details.lead.id)
    context = views.dialog_context(ctx, user, details, preview)
    context.update(form=form, errors=field_errors(error),
                   searched=views.chosen_account(ctx, user, form.account, context["accounts"]))
    return Template("conversion/dialog.html", status_code=status, context=context)


def _result(ctx: ServiceContext, user: int, lead_id: int, *, error: LeadlineError | None = None,
            status: int = 200) -> Template:
    details = get_lead(ctx, user, lead_id)
    context = views.result_context(ctx, user, details, lead_lineage(ctx, user, lead_id))
    context["error"] = error.message if error else None
    return Template("conversion/result.html", status_code=status, context=context)
