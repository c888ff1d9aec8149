"""/api/v1/leads/...: converting a lead (single, bulk by ids or by a filter, preview, undo,
further opportunities, lineage).

Each handler parses, calls the one use case (services/conversion/), and renders; the rules
(all-or-nothing conversion, record-level security, idempotency) live in the use cases.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response
from litestar.openapi.datastructures import ResponseSpec

from leadline.api.conversion.schemas import (
    BulkConversionIn,
    BulkConversionPublic,
    BulkItemPublic,
    CandidatePublic,
    ContactCandidatePublic,
    ConversionIn,
    ConversionPreviewPublic,
    ConversionPublic,
    FurtherOpportunityIn,
    HiddenMatchPublic,
    LineagePublic,
    UndoPublic,
)
from leadline.api.deps import etag, expected_version
from leadline.api.idempotency import idempotent
from leadline.api.leads.workflow import evaluation_public
from leadline.api.routes import PROBLEMS, RecordId, api_get, api_post
from leadline.domain.conversion.rules import ConversionOptions, ConversionResult
from leadline.domain.errors import ValidationError
from leadline.domain.ids import parse_record_id
from leadline.services.context import ServiceContext
from leadline.services.conversion import bulk as conversion_bulk
from leadline.services.conversion import convert as conversion
from leadline.services.conversion import undo as conversion_undo
from leadline.services.conversion.bulk import BulkConversion
from leadline.services.conversion.selection import LeadFilter, convert_leads_where
from leadline.services.conversion.undo import UndoResult
from leadline.services.security.idempotency import IdempotencyClaim

AnyRequest = Request[Any, Any, Any]
REPLAYED = {200: ResponseSpec(ConversionPublic, description="A retry of a conversion already made with this "
                                                             "Idempotency-Key: its first result.")}


def _ref(value: int | None) -> str | None:
    return str(value) if value else None


def conversion_public(result: ConversionResult) -> ConversionPublic:
    return ConversionPublic(
        lead_id=str(result.lead_id), account_id=str(result.account_id), contact_id=str(result.contact_id),
        opportunity_id=_ref(result.opportunity_id), opportunity_ids=[str(i) for i in result.opportunity_ids],
        created=list(result.created), attached=list(result.attached), filled=list(result.filled),
        skipped=list(result.skipped), override_reason=result.override_reason,
        qualification_override_reason=result.qualification_override_reason)


def conversion_headers(result: ConversionResult) -> dict[str, str]:
    """``Location``: the opportunity the conversion made or attached, else the contact; ``ETag``:
    the converted lead's version (what ``If-Match`` of an undo compares)."""
    target = f"opportunities/{result.opportunity_id}" if result.opportunity_id else f"contacts/{result.contact_id}"
    headers = {"Location": f"/api/v1/{target}"}
    if result.lead_version is not None:
        headers["ETag"] = etag(result.lead_version)
    return headers


def conversion_choices(data: ConversionIn, *, idempotency_key: str | None,
                       version: int | None = None) -> ConversionOptions:
    """The use case's options from the body; the published ``create_opportunity`` still works."""
    opportunity = data.opportunity
    if opportunity is None:
        if data.create_opportunity is not None:
            opportunity = "create" if data.create_opportunity else "none"
        else:
            opportunity = "none" if data.nurture_reason else "create"
    elif data.create_opportunity is not None and data.create_opportunity != (opportunity == "create"):
        raise ValidationError(f"contradicts opportunity={opportunity}; send only opportunity",
                              field="create_opportunity")

    def record_id(value: str | None, field: str) -> int | None:
        return None if value is None else parse_record_id(value, field=field)

    return conversion.conversion_options(
        account_id=record_id(data.account_id, "account_id"), contact_id=record_id(data.contact_id, "contact_id"),
        opportunity=opportunity, opportunity_id=record_id(data.opportunity_id, "opportunity_id"),
        one_per_product=data.one_per_product, status=data.status, owner=data.owner,
        override_reason=data.override_reason, qualification_override_reason=data.qualification_override_reason,
        nurture_reason=data.nurture_reason, idempotency_key=idempotency_key, expected_version=version,
        confirm_separate=data.confirm_separate, duplicate_override_reason=data.duplicate_override_reason,
        opportunity_name=data.opportunity_name,
        opportunity_amount=data.opportunity_amount, opportunity_close_date=data.opportunity_close_date,
        opportunity_stage=data.opportunity_stage)


def _bulk_public(outcome: BulkConversion) -> BulkConversionPublic:
    return BulkConversionPublic(committed=outcome.committed, converted=outcome.converted, items=[
        BulkItemPublic(lead_id=str(i.lead_id), ok=i.ok, result=conversion_public(i.result) if i.result else None,
                       code=i.code, message=i.message) for i in outcome.items])


class LeadConversionController(Controller):
    path = "/leads"
    tags = ["lead workflow"]

    @api_post("/{lead_id:int}/convert", summary="Convert a lead", status_code=201,
              responses={**PROBLEMS, **REPLAYED})
    def convert_lead(self, request: AnyRequest, ctx: ServiceContext, actor: int, lead_id: RecordId,
                     data: ConversionIn, body: bytes) -> Response[ConversionPublic]:
        """Convert into a contact at a new or existing account and a new, an existing or no
        opportunity, all or nothing. With ``Idempotency-Key``, a retry returns the first result
        and converts nothing again (200 when the stored conversion answers it)."""
        key = request.headers.get("idempotency-key")
        options = conversion_choices(data, idempotency_key=key, version=expected_version(request))

        def render(result: ConversionResult) -> Response[ConversionPublic]:
            if result.replayed:
                return Response(conversion_public(result), status_code=200,
                                headers={**conversion_headers(result), "Idempotent-Replayed": "true"})
            return Response(conversion_public(result), status_code=201, headers=conversion_headers(result))

        return idempotent(request, body, ctx, actor,
                          lambda claim: conversion.convert_lead(ctx, actor, lead_id, options, claim=claim), render)

    @api_post("/convert", summary="Convert many leads", status_code=200)
    def convert_leads(self, request: AnyRequest, ctx: ServiceContext, actor: int, data: BulkConversionIn,
                      body: bytes) -> Response[BulkConversionPublic]:
        """Convert the leads of ``lead_ids`` (or matching ``filter``) with the same choices, with a
        result per lead: partial success by default, nothing at all with ``all_or_nothing`` when
        one fails. A filter that matches no lead converts nothing."""
        if data.filter is not None and data.lead_ids:
            raise ValidationError("give lead_ids or a filter, not both", field="filter")
        options = conversion_choices(data, idempotency_key=request.headers.get("idempotency-key"))

        def run(claim: IdempotencyClaim[BulkConversion] | None) -> BulkConversion:
            if data.filter is not None:
                where = LeadFilter(data.filter.status, data.filter.source, data.filter.owner)
                return convert_leads_where(ctx, actor, where, options, all_or_nothing=data.all_or_nothing,
                                           claim=claim).outcome
            ids = [parse_record_id(i, field="lead_ids") for i in data.lead_ids]
            return conversion_bulk.convert_leads(ctx, actor, ids, options, all_or_nothing=data.all_or_nothing,
                                                 claim=claim)

        return idempotent(request, body, ctx, actor, run, lambda outcome: Response(_bulk_public(outcome)))

    @api_get("/{lead_id:int}/convert-preview", summary="What converting a lead would meet")
    def convert_preview(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> ConversionPreviewPublic:
        """Existing accounts (same website domain or company name) and contacts (same e-mail or
        phone) the lead may belong to, with the reason of each match, the open opportunities of
        those accounts, and the opportunity criteria. Nothing is written."""
        preview = conversion_bulk.preview_conversion(ctx, actor, lead_id)
        return ConversionPreviewPublic(
            lead_id=str(preview.lead_id),
            accounts=[CandidatePublic(id=str(a.record_id), name=a.name, reasons=list(a.reasons))
                      for a in preview.accounts],
            contacts=[ContactCandidatePublic(id=str(c.record_id), name=c.name, account_id=str(account_id),
                                             reasons=list(c.reasons)) for c, account_id in preview.contacts],
            open_opportunities={str(a): [str(o) for o in ids] for a, ids in preview.open_opportunities.items()},
            opportunity_criteria=evaluation_public(preview.opportunity_criteria),
            hidden=[HiddenMatchPublic(record_type=h.record_type.value, reasons=list(h.reasons), message=h.message)
                    for h in preview.hidden])

    @api_post("/{lead_id:int}/undo-convert", summary="Undo a lead's conversion", status_code=200)
    def undo_convert(self, request: AnyRequest, ctx: ServiceContext, actor: int, lead_id: RecordId,
                     body: bytes) -> Response[UndoPublic]:
        """Remove what the conversion created, unlink what it linked, restore what it filled and
        return the lead to its previous status. UNDO_REFUSED (409) lists what was attached to or
        changed on the created records since."""
        version = expected_version(request)

        def render(undone: UndoResult) -> Response[UndoPublic]:
            return Response(UndoPublic(lead_id=str(undone.lead_id), removed=list(undone.removed),
                                       restored=list(undone.restored), unlinked=undone.unlinked, status=undone.status))

        return idempotent(request, body, ctx, actor, lambda claim: conversion_undo.undo_conversion(
            ctx, actor, lead_id, expected_version=version, claim=claim), render)

    @api_post("/{lead_id:int}/opportunities", summary="A further opportunity from a converted lead", status_code=201)
    def add_opportunity(self, request: AnyRequest, ctx: ServiceContext, actor: int, lead_id: RecordId,
                        data: FurtherOpportunityIn, body: bytes) -> Response[ConversionPublic]:
        """Copy the lead's product lines (only ``products`` when given) to a new opportunity on the
        converted account; the lead's lineage then lists it too."""
        def render(result: ConversionResult) -> Response[ConversionPublic]:
            return Response(conversion_public(result), status_code=201,
                            headers={"Location": f"/api/v1/opportunities/{result.opportunity_id}"})

        return idempotent(request, body, ctx, actor, lambda claim: conversion_undo.add_lead_opportunity(
            ctx, actor, lead_id, products=data.products, name=data.name, claim=claim), render)

    @api_get("/{lead_id:int}/lineage", summary="What a converted lead became")
    def lineage(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> LineagePublic:
        found = conversion.lead_lineage(ctx, actor, lead_id)
        return LineagePublic(lead_id=str(found["lead_id"]), converted_at=found["converted_at"],
                             account_id=_ref(found["account_id"]), contact_id=_ref(found["contact_id"]),
                             opportunity_ids=[str(i) for i in found["opportunity_ids"]],
                             override_reason=found["override_reason"])
