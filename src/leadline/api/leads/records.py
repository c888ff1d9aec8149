"""/api/v1/leads: capture, list, read, change and delete leads, and read their history (the
workflow and conversion endpoints are in ``workflow``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.params import Parameter

from leadline.api.capture.schemas import capture_public
from leadline.api.deps import etag, expected_version
from leadline.api.idempotency import idempotent
from leadline.api.leads.schemas import (
    LeadCreate,
    LeadFields,
    LeadPublic,
    LeadScorePublic,
    LeadUpdate,
    ProductLineOut,
    ScoreReasonPublic,
    WarningPublic,
)
from leadline.api.money import scale_money
from leadline.api.routes import RecordId, api_delete, api_get, api_patch, api_post
from leadline.api.schemas import FieldChangePublic, Page, duplicates_public, given
from leadline.domain.queries import LEAD_SORTS
from leadline.domain.queries import Page as PageQuery
from leadline.domain.scoring.interface import Reason
from leadline.domain.scoring.records import LeadScore
from leadline.services.context import ServiceContext
from leadline.services.leads import records as lead_service
from leadline.services.leads.records import LeadDetails

Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size.")]


def lead_public(details: LeadDetails) -> LeadPublic:
    lead = details.lead

    def ref(value: int | None) -> str | None:
        return str(value) if value else None

    return LeadPublic(
        id=str(lead.id), first_name=lead.first_name, last_name=lead.last_name, company=lead.company,
        email=lead.email, phone=lead.phone, title=lead.title, industry=lead.industry, website=lead.website,
        street=lead.street, city=lead.city, state=lead.state, postal_code=lead.postal_code, country=lead.country,
        annual_revenue=lead.annual_revenue, number_of_employees=lead.number_of_employees,
        source=details.source.label if details.source else None, source_id=ref(lead.source_id),
        campaign_id=ref(lead.campaign_id),
        status=details.status.label, status_id=str(lead.status_id), status_kind=details.status.kind.value,
        rating=lead.rating.value if lead.rating else None, currency=lead.currency,
        budget_amount=lead.budget_amount, purchase_timeframe=lead.purchase_timeframe,
        is_decision_maker=lead.is_decision_maker, description=lead.description, owner_id=ref(lead.owner_id),
        owner_email=details.owner.email if details.owner else None,
        products=[ProductLineOut(product=p.product_name, quantity=p.quantity,
                                 estimated_unit_price=p.estimated_unit_price) for p in lead.products],
        custom=details.custom, converted_at=lead.converted_at, converted_account_id=ref(lead.converted_account_id),
        converted_contact_id=ref(lead.converted_contact_id),
        converted_opportunity_id=ref(lead.converted_opportunity_id),
        created_at=lead.created_at, updated_at=lead.updated_at, version=lead.version,
        warnings=[WarningPublic(field=w.field, code=w.code, message=w.message) for w in details.warnings],
        capture=msgspec.UNSET if details.capture is None else capture_public(details.capture),
        duplicates=duplicates_public(details.duplicates),
        score=score_public(details.score),
        score_note=msgspec.UNSET if details.score_note is None else details.score_note,
    )


def score_public(score: LeadScore | None) -> LeadScorePublic | None:
    if score is None:
        return None

    def reasons(found: tuple[Reason, ...]) -> list[ScoreReasonPublic]:
        return [ScoreReasonPublic(feature=r.feature, value=r.value, converted=r.converted, total=r.total,
                                  text=r.text) for r in found]

    return LeadScorePublic(score=score.score, probability=round(score.probability, 4), confident=score.confident,
                           model_version=score.model_version, scored_at=score.scored_at,
                           up=reasons(score.up), down=reasons(score.down))


def _split(data: LeadFields) -> tuple[dict[str, Any], list[dict[str, Any]] | None, dict[str, Any] | None]:
    """Standard fields, product lines (None: leave them) and custom values, as the use case takes them."""
    products = data.products if isinstance(data.products, list) else None
    custom = data.custom if isinstance(data.custom, dict) else None
    lines = None if products is None else [msgspec.structs.asdict(p) for p in products]
    return given(data, exclude=("products", "custom")), lines, custom


def lead_response(details: LeadDetails, status_code: int = 200) -> Response[LeadPublic]:
    headers = {"ETag": etag(details.lead.version)}
    if status_code == 201:
        headers["Location"] = f"/api/v1/leads/{details.lead.id}"
    # encoded here (msgspec, as Litestar would): a bytes body skips Litestar's per-response checks
    body = scale_money(lead_public(details), details.lead.currency)  # as every answer: money at its scale
    return Response(msgspec.json.encode(body), status_code=status_code, headers=headers,
                    media_type="application/json")


class LeadController(Controller):
    path = "/leads"
    tags = ["leads"]

    @api_get("/", summary="List leads")
    def list_leads(
        self, ctx: ServiceContext, actor: int,
        status: Annotated[list[str] | None, Parameter(description="Status label or id; repeatable.")] = None,
        source: Annotated[list[str] | None, Parameter(description="Source label or id; repeatable.")] = None,
        owner: Annotated[list[str] | None, Parameter(description="Owner e-mail or id; repeatable.")] = None,
        rating: Annotated[list[str] | None, Parameter(description="hot, warm or cold; repeatable.")] = None,
        q: Annotated[str | None, Parameter(max_length=200, description="Text in name, e-mail or company.")] = None,
        created_from: datetime | None = None, created_to: datetime | None = None,
        updated_from: datetime | None = None, updated_to: datetime | None = None,
        sort: Annotated[str, Parameter(pattern=r"^-?(id|created_at|updated_at|last_name|company|score)$", description=(
            "A field, '-' in front for descending; 'score': the stored score, unscored leads last."))] = "-created_at",
        limit: Limit = 50, cursor: Annotated[str | None, Parameter(max_length=500)] = None,
        custom: Annotated[list[str] | None, Parameter(
            description="NAME=VALUE: only leads whose custom field NAME holds VALUE; repeatable.")] = None,
        campaign: Annotated[list[str] | None, Parameter(description="Source campaign id; repeatable.")] = None,
        min_score: Annotated[int | None, Parameter(ge=0, le=100, description="Only scores from this (0-100).")] = None,
        max_score: Annotated[int | None, Parameter(ge=0, le=100, description="Only scores up to this (0-100).")] = None,
    ) -> Page:
        """Leads the caller may see, filtered, sorted and cursor-paginated. ``created_from`` is
        included, ``created_to`` excluded (moments with a zone, as ``2026-03-01T00:00:00Z``)."""
        query = lead_service.resolve_lead_query(
            ctx, statuses=status or [], sources=source or [], owners=owner or [], ratings=rating or [], search=q,
            custom=custom or [], campaigns=campaign or [],
            created_from=created_from, created_to=created_to, updated_from=updated_from, updated_to=updated_to,
            min_score=min_score, max_score=max_score,
        )
        page = PageQuery.parse(limit, sort, cursor, allowed=LEAD_SORTS)
        rows = lead_service.list_leads(ctx, actor, query, page)
        next_cursor = lead_service.lead_cursor(page, rows[-1]) if len(rows) == limit else None
        return Page(items=[lead_public(d) for d in rows], next_cursor=next_cursor)

    @api_post("/", summary="Capture a lead", status_code=201)
    def create_lead(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: LeadCreate,
                    body: bytes) -> Response[LeadPublic]:
        """Capture a lead. Send ``Idempotency-Key`` to make retries safe."""
        values, products, custom = _split(data)
        return idempotent(request, body, ctx, actor, lambda claim: lead_service.create_lead(
            ctx, actor, values, products=products or [], custom=custom, claim=claim),
            lambda details: lead_response(details, 201))

    @api_get("/{lead_id:int}", summary="Read a lead")
    def get_lead(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> Response[LeadPublic]:
        return lead_response(lead_service.get_lead(ctx, actor, lead_id))

    @api_patch("/{lead_id:int}", summary="Change a lead")
    def update_lead(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, lead_id: RecordId,
                    data: LeadUpdate) -> Response[LeadPublic]:
        """Change the fields sent (``null`` clears one). With ``If-Match`` a stale version gets 412.
        A ``status`` change follows the workflow as ``POST /leads/{id}/status`` does, with
        ``unqualified_reason`` and ``qualification_override_reason`` in place of its reasons."""
        values, products, custom = _split(data)
        details = lead_service.update_lead(ctx, actor, lead_id, values, products=products, custom=custom,
                                           expected_version=expected_version(request))
        return lead_response(details)

    @api_delete("/{lead_id:int}", summary="Delete a lead", status_code=204)
    def delete_lead(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, lead_id: RecordId) -> None:
        lead_service.delete_lead(ctx, actor, lead_id, expected_version=expected_version(request))

    @api_get("/{lead_id:int}/history", summary="Field history of a lead")
    def lead_history(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> list[FieldChangePublic]:
        return [FieldChangePublic.of(c) for c in lead_service.lead_history(ctx, actor, lead_id)]
